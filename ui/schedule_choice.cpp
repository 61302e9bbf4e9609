#include "schedule_choice.h"

#include <QFileInfo>

#include "ddpm/schedule.h"

namespace ddpm::ui {

NoiseSchedule ScheduleChoice::build() const
{
    return NoiseSchedule::fromName(name.toStdString(), steps, zeroTerminalSnr);
}

QString ScheduleChoice::label() const
{
    QString shown = name;
    if (name.startsWith(QStringLiteral("custom:")))
        shown = QStringLiteral("custom (%1)").arg(QFileInfo(name.mid(7)).fileName());
    QString text = QStringLiteral("%1, T = %2").arg(shown).arg(steps);
    if (zeroTerminalSnr)
        text += QStringLiteral(", zero-terminal SNR");
    return text;
}

bool ScheduleChoice::operator==(const ScheduleChoice& other) const
{
    return name == other.name && steps == other.steps && zeroTerminalSnr == other.zeroTerminalSnr;
}

} // namespace ddpm::ui
