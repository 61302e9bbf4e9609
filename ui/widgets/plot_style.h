// How every plot of the app writes its text, draws its lines and places its legend: text in
// the application's font (the font the widgets use), so plot text is as large as the rest of
// the window, also after the font changes (presentation mode); lines as much wider than their
// owners set them as that font is larger than the desktop's; colours from the palette (light
// or dark theme); drawn at the screen's device pixel ratio; the legend under the plot, never
// over the data.
#pragma once

class QColor;
class QCustomPlot;
class QObject;

namespace ddpm::ui {

/// Sets the application font on every axis (labels and tick labels) of every axis rect and
/// colour scale, the legend and its items, every text element and text item (both keep their
/// weight and slant). Call again after adding axis rects, legend items or text. Also starts
/// followApplicationStyle(plot).
void applyApplicationFont(QCustomPlot* plot);

/// How many times as wide as their owners set them plot lines are drawn: the application
/// font's size over the desktop's general font size, never below 1 (about 1.6 in presentation
/// mode, 1 otherwise).
double plotLineScale();

/// Keeps `plot` in the application's style from now on, without code in the plot's owner:
/// when the application font changes, its text takes the new font and its legend is laid out
/// again; after every layout each axis asks for no more ticks than its labels have room for
/// on its length in its font (at most the owner's tick count, so a narrow plot's labels never
/// run together); before every replot the pens of its plottables,
/// items and axes and its scatter marks are made plotLineScale() times as wide as their owner
/// set them (a pen or tick count the owner sets later is taken as the new one to scale); its
/// colours follow its palette (applyPaletteColours), also after the palette changes; its paint
/// buffers follow the device pixel ratio of the screen it is on (sharp on a HiDPI screen, also
/// after moving to another). Idempotent.
void followApplicationStyle(QCustomPlot* plot);

/// Colours the plot's frame from its widget palette, so a plot matches the light or dark theme
/// (ui/theme.h) around it: the background Base; axes, ticks, tick labels, axis labels, text
/// elements and colour scales Text; grids and the zero line between Base and Text; a legend
/// inside the axis rect on a slightly see-through Base, framed between Base and Text, one
/// placed below the plot on nothing; legend text Text. These are the theme's: colours owners
/// set on them are replaced. Data colours stay the owners': on a dark background only those
/// too dark to read there (contrast under 2.5:1 with Base, e.g. a dark grey line or text item
/// meant for white) are drawn with their lightness mirrored (plotDataColour), and as the
/// owner set them again on a light one. followApplicationStyle applies this before every
/// replot and replots on a palette change.
void applyPaletteColours(QCustomPlot* plot);

/// `colour` as a plot draws it on `background`: unchanged, or with its lightness mirrored when
/// the background is dark and the colour's contrast with it is under 2.5:1 (alpha kept).
QColor plotDataColour(const QColor& colour, const QColor& background);

/// Makes every QCustomPlot in the application follow the style, also plots whose owners never
/// call these functions: an event filter on the application (a child of `owner`, removed with
/// it) styles each plot when it is first polished, and the plots that exist now at once.
void followApplicationStyleEverywhere(QObject* owner);

/// Moves the legend out of the axis rect into a row under the plot (compact swatches, no
/// frame), so it never covers data, and keeps it laid out in as many columns (up to
/// maxColumns) as fit the plot's width, also when the plot is resized.
void placeLegendBelow(QCustomPlot* plot, int maxColumns = 2);
/// Lays out a legend placed by placeLegendBelow again (after adding or removing items).
void fitLegendColumns(QCustomPlot* plot);

} // namespace ddpm::ui
