// The Forward page's view of one frame: x_0, the noise and x_t (with the Markov chain's x_t
// beside the closed form's in compare mode), each captioned; the histogram of x_t with the
// measured and predicted statistics; and the strip of x_t at round fractions of T underneath,
// the tile nearest the current t framed. Pictures say when they are shown shrunk (nearest-
// neighbour, at what scale) and that values in model space are shown clamped to [-1, 1].
// It shows a ForwardResult as given and computes nothing. The statistics sit under the
// histogram where the view has the height for them there; where it has not (presentation
// mode's font on a laptop's screen, the lesson open), under the pictures, where they wrap to
// fewer lines and the histogram takes the column's height.
#pragma once

#include <QImage>
#include <QList>
#include <QVector>
#include <QWidget>

#include "jobs/forward_job.h"

class QBoxLayout;
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
    /// The strip tile framed as nearest the current t (-1 before the first strip).
    int markedStripIndex() const;

    /// What the note under a picture of values in model space says: shown clamped to [-1, 1].
    static QString clampNote();

    /// Whether the statistics sit under the pictures (the view is short of height) rather than
    /// under the histogram.
    bool statsUnderPictures() const;

protected:
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void showStrip(const ForwardResult& result);
    void showStats(const ForwardResult& result);
    void markCurrentT();
    void updateStripTitle();
    /// Puts the statistics under the histogram or under the pictures (see the file comment).
    void placeStats();

    ImageView* m_x0View = nullptr;
    ImageView* m_noiseView = nullptr;
    ImageView* m_xtView = nullptr;
    ImageView* m_xtChainView = nullptr; ///< shown in compare mode only
    QLabel* m_stripTitle = nullptr;
    QString m_stripHeading;   ///< what the strip shows; the title adds how and the marked t
    QVector<int> m_stripSteps; ///< t of each strip tile in use
    int m_currentT = 0;
    QList<ImageView*> m_stripViews;
    HistogramPlot* m_histogram = nullptr;
    QLabel* m_stats = nullptr;
    QBoxLayout* m_pictureColumn = nullptr;   ///< the pictures' row, and the statistics when short of height
    QBoxLayout* m_histogramColumn = nullptr; ///< the histogram, and the statistics under it
    bool m_placingStats = false;
};

} // namespace ddpm::ui
