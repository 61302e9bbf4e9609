#include "jobs/training_job.h"

#include <QDateTime>
#include <QFileInfo>
#include <QStandardPaths>

namespace ddpm::ui {

QString TrainingSettings::defaultRunDir()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs/");
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString dir = base + stamp;
    for (int n = 2; QFileInfo::exists(dir); ++n)
        dir = base + stamp + QStringLiteral("-%1").arg(n);
    return dir;
}

} // namespace ddpm::ui
