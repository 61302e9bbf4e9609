// Combo boxes that measure themselves again when their font changes. Qt 6.4's QComboBox
// forgets its size hint on a font change but keeps the minimum size hint it worked out in the
// old font: after presentation mode's 1.6 times larger font a combo box still claims the
// minimum of the small font (so a layout may squeeze it until its text is cut, and a page's
// minimum size is too small to be true), and after it the minimum of the large one.
#pragma once

class QObject;

namespace ddpm::ui {

/// From now on, every combo box in the application whose font changes forgets both of its
/// size hints, as it does when its style changes: an event filter on the application, a child
/// of `owner` (removed with it). Idempotent per owner.
void remeasureComboBoxesOnFontChange(QObject* owner);

} // namespace ddpm::ui
