#include "file_kind.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace ddpm::ui {

FileKind fileKind(const QString& path)
{
    const QFileInfo info(path);
    if (info.isDir()) {
        const QDir dir(path);
        return dir.exists(QStringLiteral("checkpoints")) || dir.exists(QStringLiteral("config.json"))
                   ? FileKind::Checkpoint
                   : FileKind::Unknown;
    }
    const QString suffix = info.suffix().toLower();
    if (suffix == QLatin1String("ckpt"))
        return FileKind::Checkpoint;
    if (suffix == QLatin1String("json"))
        return FileKind::Experiment;
    if (imageSuffixes().contains(suffix))
        return FileKind::Image;
    return FileKind::Unknown;
}

const QStringList& imageSuffixes()
{
    static const QStringList suffixes = {QStringLiteral("png"), QStringLiteral("jpg"),  QStringLiteral("jpeg"),
                                         QStringLiteral("bmp"), QStringLiteral("tif"),  QStringLiteral("tiff"),
                                         QStringLiteral("webp"), QStringLiteral("pgm"), QStringLiteral("ppm")};
    return suffixes;
}

QString imageFileFilter()
{
    QStringList patterns;
    for (const QString& s : imageSuffixes())
        patterns << QStringLiteral("*.") + s;
    return QCoreApplication::translate("ddpm::ui::FileKind", "Images (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')));
}

QString fileKindName(FileKind kind)
{
    switch (kind) {
    case FileKind::Image: return QStringLiteral("image");
    case FileKind::Checkpoint: return QStringLiteral("checkpoint");
    case FileKind::Experiment: return QStringLiteral("experiment");
    case FileKind::Unknown: break;
    }
    return {};
}

FileKind fileKindFromName(const QString& name)
{
    for (FileKind kind : {FileKind::Image, FileKind::Checkpoint, FileKind::Experiment})
        if (name == fileKindName(kind))
            return kind;
    return FileKind::Unknown;
}

} // namespace ddpm::ui
