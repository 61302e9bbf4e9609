#include "recent_files.h"

#include <QFileInfo>
#include <QSettings>

namespace ddpm::ui {

namespace {
/// A list of "kind:path" texts, newest first.
const QString kRecentKey = QStringLiteral("recent/files");
} // namespace

RecentFiles::RecentFiles()
{
    const QStringList stored = QSettings().value(kRecentKey).toStringList();
    for (const QString& item : stored) {
        const int colon = item.indexOf(QLatin1Char(':'));
        const FileKind kind = fileKindFromName(item.left(colon));
        if (colon > 0 && kind != FileKind::Unknown && m_entries.size() < kMax)
            m_entries.append({item.mid(colon + 1), kind});
    }
}

void RecentFiles::add(const QString& path, FileKind kind)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    remove(absolute);
    m_entries.prepend({absolute, kind});
    while (m_entries.size() > kMax)
        m_entries.removeLast();
    save();
}

bool RecentFiles::remove(const QString& path)
{
    const auto before = m_entries.size();
    m_entries.removeIf([&path](const Entry& e) { return e.path == path; });
    if (m_entries.size() == before)
        return false;
    save();
    return true;
}

void RecentFiles::clear()
{
    m_entries.clear();
    save();
}

QStringList RecentFiles::pruneMissing()
{
    QStringList missing;
    for (const Entry& e : m_entries)
        if (!QFileInfo::exists(e.path))
            missing << e.path;
    if (!missing.isEmpty()) {
        m_entries.removeIf([&missing](const Entry& e) { return missing.contains(e.path); });
        save();
    }
    return missing;
}

void RecentFiles::save() const
{
    QStringList stored;
    for (const Entry& e : m_entries)
        stored << fileKindName(e.kind) + QLatin1Char(':') + e.path;
    QSettings settings;
    settings.setValue(kRecentKey, stored);
    settings.sync();
}

} // namespace ddpm::ui
