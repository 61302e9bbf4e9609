// How every plot of the app writes its text and places its legend: in the application's font
// (the font the widgets use), so plot text is as large as the rest of the window; the legend
// under the plot, never over the data.
#pragma once

class QCustomPlot;

namespace ddpm::ui {

/// Sets the application font on every axis (labels and tick labels) of every axis rect, the
/// legend and its items, and on every text element (titles keep their weight). Call again
/// after adding axis rects, legend items or text elements.
void applyApplicationFont(QCustomPlot* plot);

/// Moves the legend out of the axis rect into a row under the plot (compact swatches, no
/// frame), so it never covers data, and keeps it laid out in as many columns (up to
/// maxColumns) as fit the plot's width, also when the plot is resized.
void placeLegendBelow(QCustomPlot* plot, int maxColumns = 2);
/// Lays out a legend placed by placeLegendBelow again (after adding or removing items).
void fitLegendColumns(QCustomPlot* plot);

} // namespace ddpm::ui
