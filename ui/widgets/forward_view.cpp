#include "widgets/forward_view.h"

#include <cmath>

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

    auto* histogramBox = new QVBoxLayout;
    histogramBox->addWidget(m_histogram, 1);
    histogramBox->addWidget(m_stats);

    auto* top = new QHBoxLayout;
    top->addWidget(m_x0View, 1);
    top->addWidget(m_noiseView, 1);
    top->addWidget(m_xtView, 1);
    top->addWidget(m_xtChainView, 1);
    top->addLayout(histogramBox, 1);

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
