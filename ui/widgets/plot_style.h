// How every plot of the app writes its text: in the application's font (the font the widgets
// use), so plot text is as large as the rest of the window and follows the user's setting.
#pragma once

class QCustomPlot;

namespace ddpm::ui {

/// Sets the application font on every axis (labels and tick labels) of every axis rect, the
/// legend and its items, and on every text element (titles keep their weight). Call again
/// after adding axis rects, legend items or text elements.
void applyApplicationFont(QCustomPlot* plot);

} // namespace ddpm::ui
