// Schedule page: several schedules overlaid: beta_t, alpha_bar_t, sqrt terms, log-SNR(t).
#pragma once

#include <QWidget>

#include "schedule_choice.h"

class QSettings;

namespace ddpm::ui {

class SchedulePage : public QWidget {
    Q_OBJECT
public:
    explicit SchedulePage(QWidget* parent = nullptr);

    /// The schedules shown, in legend order.
    QList<ScheduleChoice> schedules() const;
    /// Replaces the shown schedules; a bad one is reported by a dialog and skipped.
    void setSchedules(const QList<ScheduleChoice>& schedules);

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);
};

} // namespace ddpm::ui
