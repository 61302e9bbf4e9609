#include "pages/forward_page.h"

namespace ddpm::ui {

ForwardPage::ForwardPage(QWidget* parent) : QWidget(parent) {}
ForwardPage::~ForwardPage() = default;
bool ForwardPage::openImage(const QString&, bool) { return false; }
const ddpm::Image& ForwardPage::image() const { static const ddpm::Image none; return none; }
QString ForwardPage::imagePath() const { return {}; }
ScheduleChoice ForwardPage::schedule() const { return {}; }
void ForwardPage::setSchedule(const ScheduleChoice&) {}
void ForwardPage::saveSettings(QSettings&) const {}
void ForwardPage::restoreSettings(const QSettings&) {}

} // namespace ddpm::ui
