// File › Recent: the last kMax images, checkpoints (or run folders) and experiments opened or
// saved, newest first, each with the kind it was opened as, kept in QSettings ("recent/files")
// and saved at every change.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "file_kind.h"

namespace ddpm::ui {

class RecentFiles {
public:
    static constexpr int kMax = 8;

    struct Entry {
        QString path;
        FileKind kind = FileKind::Unknown;
    };

    /// Reads the list from QSettings (entries of unknown kinds are left out).
    RecentFiles();

    const QList<Entry>& entries() const { return m_entries; }
    /// Puts path first (once: an older entry of it goes), keeps the newest kMax, saves.
    void add(const QString& path, FileKind kind);
    /// Removes path; returns whether it was there.
    bool remove(const QString& path);
    void clear();
    /// Removes the entries whose file or folder no longer exists; returns their paths.
    QStringList pruneMissing();

private:
    void save() const;

    QList<Entry> m_entries;
};

} // namespace ddpm::ui
