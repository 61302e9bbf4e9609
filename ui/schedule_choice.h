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
    /// T. For a custom file the file sets T: 0 until the file has been read (resolvedBy).
    int steps = 1000;
    bool zeroTerminalSnr = false;

    /// Whether the betas come from a file ("custom:FILE").
    bool isCustom() const;
    /// Builds the core schedule; throws ddpm::Error on a bad choice (e.g. unreadable custom file).
    NoiseSchedule build() const;
    /// This choice with T as `built` has it: a custom file's line count replaces whatever
    /// steps held. Named schedules are returned unchanged.
    ScheduleChoice resolvedBy(const NoiseSchedule& built) const;
    /// This choice with a custom file's T forgotten (0), e.g. for a T read from old settings.
    ScheduleChoice withoutFileSteps() const;
    /// For legends and titles, e.g. "cosine, T = 1000" or "linear, T = 1000, zero-terminal SNR";
    /// a custom file whose T is not known yet is named without T.
    QString label() const;

    bool operator==(const ScheduleChoice& other) const;
    bool operator!=(const ScheduleChoice& other) const { return !(*this == other); }
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::ScheduleChoice)
