// The Forward page's view of one frame: x_0, the noise and x_t (with the Markov chain's x_t
// beside the closed form's in compare mode), each captioned; the histogram of x_t with the
// measured and predicted statistics; and the strip of x_t at evenly spaced t underneath.
// It shows a ForwardResult as given and computes nothing.
#pragma once

#include <QImage>
#include <QList>
#include <QWidget>

#include "workers/forward_worker.h"

class QLabel;

namespace ddpm::ui {

class HistogramPlot;
class ImageView;

class ForwardView : public QWidget {
    Q_OBJECT
public:
    /// How many images the strip holds at most (ForwardRequest::stripCount).
    static constexpr int kStripCount = 8;

    explicit ForwardView(QWidget* parent = nullptr);

    /// Shows one frame: images, captions, histogram and statistics. The strip (and its title)
    /// is replaced only when result.complete; a partial frame keeps the previous strip.
    void showResult(const ForwardResult& result);

    // What is shown (null images before the first frame).
    QImage x0Image() const;
    QImage noiseImage() const;
    QImage xtImage() const;
    /// Compare mode: the Markov chain's x_t; null in the other modes.
    QImage xtChainImage() const;
    /// The strip's images, left to right (only those in use).
    QList<QImage> stripImages() const;

private:
    void showStrip(const ForwardResult& result);
    void showStats(const ForwardResult& result);

    ImageView* m_x0View = nullptr;
    ImageView* m_noiseView = nullptr;
    ImageView* m_xtView = nullptr;
    ImageView* m_xtChainView = nullptr; ///< shown in compare mode only
    QLabel* m_stripTitle = nullptr;
    QList<ImageView*> m_stripViews;
    HistogramPlot* m_histogram = nullptr;
    QLabel* m_stats = nullptr;
};

} // namespace ddpm::ui
