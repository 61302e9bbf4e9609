// Width limits that grow with the font. A column capped at a width in pixels (a page's
// settings column) would clip its own text once the application font grows (presentation
// mode); scaleWidthWithFont keeps the caps in proportion to the font instead.
#pragma once

class QWidget;

namespace ddpm::ui {

/// Which of a widget's width limits follow its font.
enum class ScaledLimits {
    MinimumAndMaximum,
    /// The maximum only: for a column that scrolls, whose minimum need not grow with the text
    /// (a minimum that grows with the font can push the window past a small screen).
    MaximumOnly,
};

/// Keeps `widget`'s minimum and maximum widths (or only the maximum), as they are set now, in
/// proportion to its font's average character width from now on: when the font grows 1.6
/// times, so do they (and they come back with the font). Call after setting the limits;
/// idempotent.
void scaleWidthWithFont(QWidget* widget, ScaledLimits limits = ScaledLimits::MinimumAndMaximum);

} // namespace ddpm::ui
