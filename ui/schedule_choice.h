// A schedule as the GUI names it: name, T and the zero-terminal-SNR flag.
#pragma once

#include <QMetaType>
#include <QString>

namespace ddpm {
class NoiseSchedule;
}

namespace ddpm::ui {

struct ScheduleChoice {
    QString name = QStringLiteral("linear"); ///< a named schedule or "custom:FILE"
    int steps = 1000;                        ///< T
    bool zeroTerminalSnr = false;

    /// Builds the core schedule; throws ddpm::Error on a bad choice (e.g. unreadable custom file).
    NoiseSchedule build() const;
    /// For legends and titles, e.g. "cosine, T = 1000" or "linear, T = 1000, zero-terminal SNR".
    QString label() const;

    bool operator==(const ScheduleChoice& other) const;
    bool operator!=(const ScheduleChoice& other) const { return !(*this == other); }
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::ScheduleChoice)
