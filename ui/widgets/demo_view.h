// The Reverse chain page's "Demonstrations" tab: the last demonstration's result
// (jobs/demo_job.h). A figure (Figs. 6-8) as one picture; a side-by-side as two batch
// pictures at the same fraction of their chains, moved by its own slider or by the page's
// scrubber (setFraction); Fig. 5 as RateDistortionPlot. A figure is never shown smaller than
// its pixels (its labels are written in them): it scrolls where the tab is smaller, unless
// "Fit" asks for the whole of it at once. Export writes a PNG with the
// result's caption under it and as its PNG text.
#pragma once

#include <QImage>
#include <QWidget>

#include "jobs/demo_job.h"

class QLabel;
class QPushButton;
class QSlider;
class QStackedWidget;

namespace ddpm::ui {

class ImageView;
class RateDistortionPlot;

class DemoView : public QWidget {
    Q_OBJECT
public:
    explicit DemoView(QWidget* parent = nullptr);

    void showResult(const DemoResult& result);
    bool hasResult() const { return m_has; }
    const DemoResult& result() const { return m_result; }
    /// Text in place of a result (e.g. "computing…"); the last result stays until a new one.
    void setPlaceholder(const QString& text);

    /// Side by side: shows both chains at fraction (0 = x_T, 1 = the final samples).
    void setFraction(double fraction);
    double fraction() const;
    /// Side by side: the pictures shown (null otherwise).
    QImage leftImage() const;
    QImage rightImage() const;
    /// Figures: the picture (null otherwise).
    QImage figureImage() const;
    RateDistortionPlot* rateDistortion() const { return m_rate; }
    /// Figures: shown at full size at least (scrolling where the tab is smaller), so the t and
    /// lambda labels written in them stay readable; enlarged to fill a larger tab. With fit, the
    /// whole figure shrunk to the tab instead. Off at first.
    void setFitWhole(bool fit);
    bool fitsWhole() const;
    /// The figure's view (for tests).
    const ImageView* figureView() const { return m_figure; }

    /// Writes what is shown as PNG with the caption, without asking. False without a result
    /// or when writing failed (a dialog says why).
    bool exportPng(const QString& path);

private:
    void showSides();
    void exportAsk();
    void updateFigureSize();

    DemoResult m_result;
    bool m_has = false;
    QLabel* m_title = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_placeholder = nullptr;
    ImageView* m_figure = nullptr;
    QPushButton* m_fit = nullptr;   ///< checked: the whole figure shrunk to the tab
    ImageView* m_left = nullptr;
    ImageView* m_right = nullptr;
    QSlider* m_fraction = nullptr;
    QLabel* m_fractionText = nullptr;
    RateDistortionPlot* m_rate = nullptr;
    QPushButton* m_export = nullptr;
};

} // namespace ddpm::ui
