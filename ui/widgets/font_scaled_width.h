// Width limits that grow with the font. A column capped at a width in pixels (a page's
// settings column) would clip its own text once the application font grows (presentation
// mode); scaleWidthWithFont keeps the caps in proportion to the font instead.
#pragma once

class QWidget;

namespace ddpm::ui {

/// Keeps `widget`'s minimum and maximum widths, as they are set now, in proportion to its
/// font's average character width from now on: when the font grows 1.6 times, so do they
/// (and they come back with the font). Call after setting the limits; idempotent.
void scaleWidthWithFont(QWidget* widget);

} // namespace ddpm::ui
