// Help › About: the app's version; the versions of Qt (at run time and at build time),
// LibTorch and OpenCV; where torch computes (the device in use and its intra-op thread
// count); and the licences (the app GPL-3.0-or-later, QCustomPlot GPL-3.0).
#pragma once

#include <QString>

class QMessageBox;
class QWidget;

namespace ddpm::ui {

/// The About box's text (rich text), as of now (the thread count can change).
QString aboutText();

/// Opens the About box over `parent`, window-modal without blocking (as the pages' message
/// boxes are), deleted when closed; returns it.
QMessageBox* openAboutBox(QWidget* parent);

} // namespace ddpm::ui
