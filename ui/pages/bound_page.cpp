#include "pages/bound_page.h"

namespace ddpm::ui {

BoundPage::BoundPage(QWidget* parent) : QWidget(parent) {}
BoundPage::~BoundPage() = default;
void BoundPage::setImage(const ddpm::Image&, const QString&) {}
void BoundPage::setSchedule(const ScheduleChoice&) {}
void BoundPage::saveSettings(QSettings&) const {}
void BoundPage::restoreSettings(const QSettings&) {}

} // namespace ddpm::ui
