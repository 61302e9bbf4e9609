#include "schedule_choice.h"

#include <QFileInfo>


#include "ddpm/schedule.h"

namespace ddpm::ui {

bool ScheduleChoice::isCustom() const
{
    return name.startsWith(QStringLiteral("custom:"));
}

NoiseSchedule ScheduleChoice::build() const
{
    // A custom file sets T itself (core does not read steps for it); named schedules check T.
    return NoiseSchedule::fromName(name.toStdString(), isCustom() ? 1 : steps, zeroTerminalSnr);
}

ScheduleChoice ScheduleChoice::resolvedBy(const NoiseSchedule& built) const
{
    ScheduleChoice resolved = *this;
    if (isCustom())
        resolved.steps = built.steps();
    return resolved;
}

ScheduleChoice ScheduleChoice::withoutFileSteps() const
{
    ScheduleChoice out = *this;
    if (isCustom())
        out.steps = 0;
    return out;
}

QString ScheduleChoice::label() const
{
    QString text = name;
    if (isCustom()) {
        text = QStringLiteral("custom (%1)").arg(QFileInfo(name.mid(7)).fileName());
        if (steps > 0)
            text += QStringLiteral(", T = %1").arg(steps);
    } else {
        text += QStringLiteral(", T = %1").arg(steps);
    }
    if (zeroTerminalSnr)
        text += QStringLiteral(", zero-terminal SNR");
    return text;
}

bool ScheduleChoice::operator==(const ScheduleChoice& other) const
{
    return name == other.name && steps == other.steps && zeroTerminalSnr == other.zeroTerminalSnr;
}

} // namespace ddpm::ui
