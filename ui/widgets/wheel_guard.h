// Scrolling a settings column with the mouse wheel scrolls the column, not the combo box or
// spin box that happens to pass under the pointer: such a control takes the wheel only while
// it has the keyboard focus (a click or Tab gives it); otherwise the wheel goes to the scroll
// area around it.
#pragma once

class QWidget;

namespace ddpm::ui {

/// Guards every combo box and spin box under root that exists at the time of the call (they
/// also stop taking the focus from the wheel). The guard is a child of root.
void installWheelGuard(QWidget* root);

} // namespace ddpm::ui
