// Saving what a page shows: a file dialog that remembers its folder, plots as PNG or PDF,
// and text (CSV) written atomically. Failures are shown to the user in a dialog; success, in
// the status bar of the main window the parent is in ("Saved PATH").
#pragma once

#include <QString>

class QCustomPlot;
class QImage;
class QWidget;

namespace ddpm::ui {

/// Asks where to save; filters like "PNG image (*.png);;PDF document (*.pdf)".
/// Returns an empty string when cancelled. Adds the filter's suffix if the name has none.
QString askSavePath(QWidget* parent, const QString& title, const QString& defaultName, const QString& filters);

/// Writes the plot as PNG or PDF by the path's suffix (width x height in pixels/points,
/// 0 = the widget's size), with `caption` (the settings behind the figure) as a line of text
/// under the plot and, in a PNG, as its "Description" text. Shows a dialog and returns false
/// on failure.
bool savePlot(QWidget* parent, QCustomPlot* plot, const QString& path, const QString& caption = QString(),
              int width = 0, int height = 0);

/// Writes text (CSV, JSON) atomically. Shows a dialog and returns false on failure.
bool saveText(QWidget* parent, const QString& path, const QString& text);

/// Writes a widget's rendering (grab()) as PNG atomically, with `caption` as a line of text
/// under it and as the PNG's "Description" text. Shows a dialog and returns false on failure.
bool saveWidgetPng(QWidget* parent, QWidget* widget, const QString& path, const QString& caption = QString());

/// Writes an image as PNG atomically, with `caption` as a line of text under it and as the
/// PNG's "Description" text. Shows a dialog and returns false on failure.
bool saveImagePng(QWidget* parent, const QImage& image, const QString& path, const QString& caption = QString());

/// The PNG text key that holds an exported figure's caption.
inline const char* figureCaptionKey() { return "Description"; }

} // namespace ddpm::ui
