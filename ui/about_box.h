// Help › About: the app's version; the versions of Qt (at run time and at build time),
// LibTorch and OpenCV; where torch computes (the device in use and its intra-op thread
// count, and with a thread budget how it is split while training runs); and the licences (the
// app GPL-3.0-or-later, QCustomPlot GPL-3.0).
#pragma once

#include <QString>

class QMessageBox;
class QWidget;

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

/// The About box's text (rich text), as of now (the thread count can change). With budget, the
/// count is its total and the row says how training and the other pages split it.
QString aboutText(const ddpm::ThreadBudget* budget = nullptr);

/// Opens the About box over `parent`, window-modal without blocking (as the pages' message
/// boxes are), deleted when closed; returns it.
QMessageBox* openAboutBox(QWidget* parent, const ddpm::ThreadBudget* budget = nullptr);

} // namespace ddpm::ui
