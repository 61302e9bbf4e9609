#include "widgets/forward_view.h"

#include <algorithm>
#include <cmath>

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "widgets/histogram_plot.h"
#include "widgets/image_view.h"
#include "widgets/least_height.h"
#include "widgets/number_text.h"

namespace ddpm::ui {

QString ForwardView::clampNote()
{
    return tr("clamped to [−1, 1]");
}

ForwardView::ForwardView(QWidget* parent)
    : QWidget(parent)
{
    setAutoFillBackground(true);
    m_x0View = new ImageView(tr("x₀"), this);
    m_noiseView = new ImageView(tr("noise ε"), this);
    m_xtView = new ImageView(tr("xₜ"), this);
    m_xtChainView = new ImageView(tr("xₜ (Markov chain)"), this);
    m_xtChainView->setVisible(false);
    for (ImageView* v : {m_x0View, m_noiseView, m_xtView, m_xtChainView})
        v->setPlaceholder(tr("computing…"));
    // The histogram beside them spans ±4; the pictures can only show [−1, 1].
    for (ImageView* v : {m_noiseView, m_xtView, m_xtChainView})
        v->setNote(clampNote());
    m_histogram = new HistogramPlot(this);
    m_stats = new QLabel(this);
    m_stats->setObjectName(QStringLiteral("forwardStats"));
    m_stats->setTextFormat(Qt::RichText);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->setWordWrap(true);
    m_stats->setToolTip(tr("Measured over every pixel and channel of xₜ. Predicted by q(xₜ | x₀): "
                           "mean √ᾱₜ·mean(x₀), std √(ᾱₜ·var(x₀) + 1 − ᾱₜ)."));

    // Two columns: the pictures and the histogram. The statistics go under one or the other
    // (placeStats); each column lays out through LeastHeightLayout, so their wrapped text never
    // holds the pictures or the histogram at their preferred heights.
    auto* pictureRow = new QHBoxLayout;
    pictureRow->addWidget(m_x0View, 1);
    pictureRow->addWidget(m_noiseView, 1);
    pictureRow->addWidget(m_xtView, 1);
    pictureRow->addWidget(m_xtChainView, 1);
    m_pictureColumn = new LeastHeightLayout;
    m_pictureColumn->setContentsMargins(0, 0, 0, 0);
    m_pictureColumn->addLayout(pictureRow, 1);
    m_histogramColumn = new LeastHeightLayout;
    m_histogramColumn->setContentsMargins(0, 0, 0, 0);
    m_histogramColumn->addWidget(m_histogram, 1);
    m_histogramColumn->addWidget(m_stats);

    // Three pictures shown (the noise or the chain's x_t hidden), the histogram a fourth share.
    auto* top = new QHBoxLayout;
    top->addLayout(m_pictureColumn, 3);
    top->addLayout(m_histogramColumn, 1);

    auto* stripRow = new QHBoxLayout;
    stripRow->setSpacing(4);
    for (int i = 0; i < kStripCount; ++i) {
        auto* view = new ImageView(QString(), this);
        view->setFollowWidth(true);
        view->setNoteShown(false); // the strip's title says it once for every tile
        view->setMinimumWidth(48);
        m_stripViews.push_back(view);
        stripRow->addWidget(view, 1);
    }
    m_stripTitle = new QLabel(this);
    m_stripTitle->setObjectName(QStringLiteral("stripTitle"));
    m_stripTitle->setWordWrap(true);

    // The wrapped statistics and strip title must not keep the pictures from shrinking to fit.
    auto* layout = new LeastHeightLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top, 1);
    layout->addSpacing(6);
    layout->addWidget(m_stripTitle);
    layout->addLayout(stripRow);
}

QImage ForwardView::x0Image() const
{
    return m_x0View->image();
}

QImage ForwardView::noiseImage() const
{
    return m_noiseView->image();
}

QImage ForwardView::xtImage() const
{
    return m_xtView->image();
}

QImage ForwardView::xtChainImage() const
{
    return m_xtChainView->isVisibleTo(this) ? m_xtChainView->image() : QImage();
}

QList<QImage> ForwardView::stripImages() const
{
    QList<QImage> out;
    for (ImageView* v : m_stripViews)
        if (!v->image().isNull())
            out.push_back(v->image());
    return out;
}

void ForwardView::showResult(const ForwardResult& result)
{
    const bool chain = result.mode == ForwardMode::MarkovChain;
    const bool compare = result.mode == ForwardMode::Compare;
    m_x0View->setImage(result.x0);
    m_x0View->setCaption(tr("x₀ (%1 × %2)").arg(result.x0.width()).arg(result.x0.height()));
    m_noiseView->setImage(result.noise);
    m_noiseView->setCaption(chain ? tr("effective ε = (xₜ − √ᾱₜ x₀) / √(1 − ᾱₜ)") : tr("noise ε ~ N(0, I)"));
    m_noiseView->setVisible(!compare); // compare: the two x_t side by side instead
    m_xtView->setImage(result.xt);
    m_xtView->setCaption(tr("xₜ at t = %1 (%2)").arg(result.t).arg(chain ? tr("Markov chain") : tr("closed form")));
    m_xtChainView->setVisible(compare);
    m_xtChainView->setImage(compare ? result.xtChain : QImage());
    m_xtChainView->setCaption(compare ? tr("xₜ at t = %1 (Markov chain, seed %2)").arg(result.t).arg(result.seed) : QString());
    if (compare)
        m_histogram->setComparisonData(result.histLow, result.histHigh, result.histDensity, result.chainHistDensity,
                                       result.theoryDensity);
    else
        m_histogram->setData(result.histLow, result.histHigh, result.histDensity, result.theoryDensity);

    m_currentT = result.t;
    if (result.complete)
        showStrip(result);
    markCurrentT();
    showStats(result);
}

int ForwardView::markedStripIndex() const
{
    int best = -1;
    for (int i = 0; i < m_stripSteps.size(); ++i)
        if (best < 0 || std::abs(m_stripSteps[i] - m_currentT) < std::abs(m_stripSteps[best] - m_currentT))
            best = i;
    return best;
}

void ForwardView::markCurrentT()
{
    const int marked = markedStripIndex();
    for (int i = 0; i < m_stripViews.size(); ++i)
        m_stripViews[i]->setHighlighted(i == marked);
    updateStripTitle();
}

void ForwardView::updateStripTitle()
{
    QStringList notes;
    const ImageView* tile = m_stripViews.isEmpty() ? nullptr : m_stripViews.front();
    if (tile && !tile->image().isNull()) {
        const QString scale = tile->scaleNote();
        notes << (scale.isEmpty() ? tr("tiles %1").arg(clampNote()) : tr("tiles %1, %2").arg(scale, clampNote()));
    }
    const int marked = markedStripIndex();
    if (marked >= 0) {
        const int stripT = m_stripSteps[marked];
        notes << (stripT == m_currentT ? tr("framed: the current t = %1").arg(m_currentT)
                                       : tr("framed: t = %1, the tile nearest the current t = %2").arg(stripT).arg(m_currentT));
    }
    m_stripTitle->setText(notes.isEmpty() ? m_stripHeading
                                          : QStringLiteral("%1 (%2)").arg(m_stripHeading, notes.join(QStringLiteral("; "))));
}

void ForwardView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateStripTitle(); // the tiles' scale changes with the width
    placeStats();
}

bool ForwardView::event(QEvent* event)
{
    const bool done = QWidget::event(event);
    // New size hints (presentation mode's font, longer statistics) may move the statistics.
    if (event->type() == QEvent::LayoutRequest)
        placeStats();
    return done;
}

void ForwardView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    placeStats();
}

bool ForwardView::statsUnderPictures() const
{
    return m_pictureColumn->indexOf(m_stats) >= 0;
}

void ForwardView::placeStats()
{
    if (m_placingStats || !isVisible() || height() <= 0)
        return; // a hidden page is placed when it shows
    m_placingStats = true;
    // The view's least height with the statistics under the histogram, at the widths the
    // columns have: the least height now, less the top row's, plus the top row's with them
    // there. The pictures' row and the histogram as the columns' layouts take them.
    const int least = layout()->heightForWidth(width());
    const int spacing = std::max(0, m_histogramColumn->spacing());
    const int pictures = m_pictureColumn->itemAt(0)->minimumSize().height();
    const int histogram = m_histogramColumn->itemAt(0)->minimumSize().height();
    const int histogramWidth = std::max(m_histogram->width(), m_stats->minimumSizeHint().width());
    const int underHistogram = std::max(pictures, histogram + spacing + m_stats->heightForWidth(histogramWidth));
    const bool under = statsUnderPictures();
    const int topNow = under ? std::max(pictures + spacing + m_stats->heightForWidth(m_pictureColumn->geometry().width()), histogram)
                             : underHistogram;
    const int needed = least - topNow + underHistogram;
    // Under the histogram while it fits with room to spare (a view held at its least height is
    // short of it); back there only with two lines more than it needs, so the choice settles.
    const bool fits = under ? needed + 2 * fontMetrics().lineSpacing() <= height() : needed < height();
    if (fits == under) {
        QBoxLayout* from = under ? m_pictureColumn : m_histogramColumn;
        QBoxLayout* to = under ? m_histogramColumn : m_pictureColumn;
        from->removeWidget(m_stats);
        to->addWidget(m_stats);
    }
    m_placingStats = false;
}

void ForwardView::showStrip(const ForwardResult& result)
{
    if (result.mode == ForwardMode::MarkovChain)
        m_stripHeading = tr("xₜ along one walk of the Markov chain (seed %1)").arg(result.seed);
    else if (result.mode == ForwardMode::Compare)
        m_stripHeading = tr("xₜ by the closed form with one noise ε for every t (seed %1; compare mode "
                            "shows the closed form's strip)").arg(result.seed);
    else
        m_stripHeading = tr("xₜ by the closed form with one noise ε for every t (seed %1)").arg(result.seed);
    m_stripSteps = result.stripSteps;
    for (int i = 0; i < m_stripViews.size(); ++i) {
        ImageView* view = m_stripViews[i];
        const bool used = i < result.strip.size();
        view->setVisible(used);
        view->setImage(used ? result.strip[i] : QImage());
        view->setCaption(used ? QStringLiteral("t = %1").arg(result.stripSteps[i]) : QString());
    }
}

void ForwardView::showStats(const ForwardResult& result)
{
    // One column per estimate: measured (closed form, and the chain in compare mode), predicted.
    struct Column {
        QString title;
        double mean;
        double std;
    };
    QList<Column> columns;
    if (result.mode == ForwardMode::Compare) {
        columns << Column{tr("closed&nbsp;form"), result.measuredMean, result.measuredStd}
                << Column{tr("Markov&nbsp;chain"), result.chainMeasuredMean, result.chainMeasuredStd};
    } else {
        columns << Column{tr("measured"), result.measuredMean, result.measuredStd};
    }
    columns << Column{tr("predicted"), result.predictedMean, result.predictedStd};

    const QString cell = QStringLiteral("<td align=right>&nbsp;&nbsp;%1</td>");
    // Non-breaking spaces: "SNR = 0.33" never wraps between the name and its number.
    QString header, means, stds;
    for (const Column& c : columns) {
        header += cell.arg(c.title);
        means += cell.arg(c.mean, 0, 'f', 4);
        stds += cell.arg(c.std, 0, 'f', 4);
    }
    const QString measuredFor = result.mode == ForwardMode::Compare
        ? tr("same t and seed %1; ").arg(result.seed)
        : QString();
    m_stats->setText(
        // t heads the table; the last line may wrap, but never inside "SNR = value".
        tr("<table><tr><td><b>t&nbsp;=&nbsp;%1</b></td>%3</tr><tr><td>mean&nbsp;of&nbsp;xₜ</td>%4</tr>"
           "<tr><td>std&nbsp;of&nbsp;xₜ</td>%5</tr></table>"
           "T&nbsp;=&nbsp;%2; %6x₀ mean&nbsp;%7, std&nbsp;%8; ᾱₜ&nbsp;=&nbsp;%9, SNR&nbsp;=&nbsp;%10")
            .arg(result.t)
            .arg(result.steps)
            .arg(header, means, stds, measuredFor)
            .arg(result.x0Mean, 0, 'f', 3)
            .arg(result.x0Std, 0, 'f', 3)
            .arg(numberText(result.alphaBar, 4), numberText(result.snr, 4)));
}

} // namespace ddpm::ui
