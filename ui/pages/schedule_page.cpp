#include "pages/schedule_page.h"

namespace ddpm::ui {

SchedulePage::SchedulePage(QWidget* parent) : QWidget(parent) {}
QList<ScheduleChoice> SchedulePage::schedules() const { return {}; }
void SchedulePage::setSchedules(const QList<ScheduleChoice>&) {}
void SchedulePage::saveSettings(QSettings&) const {}
void SchedulePage::restoreSettings(const QSettings&) {}

} // namespace ddpm::ui
