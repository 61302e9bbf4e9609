#include "widgets/bound_plots.h"

#include <QFontMetrics>
#include <QGraphicsEffect>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

#include "widgets/bound_text.h"
#include "widgets/export.h"
#include "widgets/plot.h"
#include "widgets/plot_style.h"

namespace ddpm::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// All of t = 1..T with a little room on both sides for the markers.
QCPRange fullRange(int steps)
{
    const double margin = std::max(0.5, 0.015 * steps);
    return QCPRange(1 - margin, std::max(2, steps) + margin);
}

// A value a log axis can draw: non-positive and non-finite values become gaps.
double forLog(double value)
{
    return std::isfinite(value) && value > 0 ? value : kNaN;
}

/// Raises the top of `plot`'s y range, if need be, so that `label`, drawn above the line at
/// `value`, has its height (in its font, with its padding) between the line and the axis rect's
/// top: a fixed share of the range is too little in a short plot. At most half the height.
/// Returns whether it changed the range.
bool makeRoomAbove(QCustomPlot* plot, const QCPItemText* label, double value)
{
    const int height = plot->axisRect()->height();
    if (height <= 0 || !std::isfinite(value))
        return false;
    const QMargins padding = label->padding();
    const int needed = QFontMetrics(label->font()).height() + padding.top() + padding.bottom() + 2;
    const double share = std::min(0.5, double(needed) / height);
    const QCPRange range = plot->yAxis->range();
    // The line's distance from the top is (upper - value) / (upper - lower) of the height.
    const double upper = (value - share * range.lower) / (1.0 - share);
    if (upper <= range.upper)
        return false;
    plot->yAxis->setRangeUpper(upper);
    return true;
}

} // namespace

BoundPlots::BoundPlots(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_plotArea = new QWidget(this);
    auto* plotLayout = new QVBoxLayout(m_plotArea);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    auto* vertical = new QSplitter(Qt::Vertical, m_plotArea);
    plotLayout->addWidget(vertical);
    buildTermsPlot(vertical);
    auto* bottom = new QSplitter(Qt::Horizontal, vertical);
    buildCumulativePlot(bottom);
    buildWeightPlot(bottom);
    bottom->addWidget(m_cumulativePlot);
    bottom->addWidget(m_weightPlot);
    vertical->addWidget(m_termsPlot);
    vertical->addWidget(bottom);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    layout->addWidget(m_plotArea, 1);

    m_hoverLabel = new QLabel(this);
    m_hoverLabel->setObjectName(QStringLiteral("hoverLabel"));
    m_hoverLabel->setText(tr("Move the mouse over a plot to read the values at t; drag or use the wheel "
                             "to pan and zoom along t, double-click to see all of t."));
    m_hoverLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Wrapped, so the long readout never sets the page's minimum width.
    m_hoverLabel->setWordWrap(true);
    layout->addWidget(m_hoverLabel);
    for (QCustomPlot* plot : {m_termsPlot, m_cumulativePlot, m_weightPlot}) {
        applyApplicationFont(plot);
        fitLegendColumns(plot);
    }
}

QCustomPlot* BoundPlots::makePlot(QWidget* parent, const QString& objectName, const PlotText& text, bool logY,
                                  const QColor& curveColour)
{
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    plot->setMinimumSize(240, 160);
    plot->plotLayout()->insertRow(0);
    QFont titleFont = font();
    titleFont.setBold(true);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, text.title, titleFont));
    plot->xAxis->setLabel(QStringLiteral("t"));
    plot->yAxis->setLabel(text.yLabel);
    if (logY) {
        plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        QSharedPointer<QCPAxisTickerLog> ticker(new QCPAxisTickerLog);
        plot->yAxis->setTicker(ticker);
        plot->yAxis->setNumberFormat(QStringLiteral("eb"));
        plot->yAxis->setNumberPrecision(0);
    }
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
    placeLegendBelow(plot); // under the plot: never over the curves

    auto* cursor = new QCPItemStraightLine(plot);
    cursor->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
    cursor->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
    cursor->point1->setCoords(1, 0);
    cursor->point2->setCoords(1, 1);
    cursor->setPen(QPen(QColor(120, 120, 120), 1, Qt::DotLine));
    cursor->setVisible(false);
    cursor->setSelectable(false);
    m_cursors.append(cursor);

    connect(plot, &QCustomPlot::mouseMove, this, [this, plot](QMouseEvent* event) { onHover(plot, event); });
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
        if (m_report.empty())
            return;
        m_termsPlot->xAxis->setRange(fullRange(m_report.steps));
    });
    // Every plot shows the same stretch of t.
    connect(plot->xAxis, QOverload<const QCPRange&>::of(&QCPAxis::rangeChanged), this, [this](const QCPRange& range) {
        for (QCustomPlot* other : {m_termsPlot, m_cumulativePlot, m_weightPlot}) {
            if (other != nullptr && other->xAxis->range() != range) {
                other->xAxis->setRange(range);
                other->replot(QCustomPlot::rpQueuedReplot);
            }
        }
    });

    QCPGraph* curve = plot->addGraph();
    curve->setName(text.curveName);
    curve->setPen(QPen(curveColour, 1.5));
    return plot;
}

void BoundPlots::buildTermsPlot(QWidget* parent)
{
    m_termsPlot = makePlot(parent, QStringLiteral("termsPlot"),
                           {tr("The bound term by term: %1 per t, with L₀ and L_T").arg(ltm1Text()),
                            tr("bits/dim (log scale)"), tr("%1 per t (at t = 1: L₀)").arg(ltm1Text())},
                           true, QColor(31, 119, 180));
    m_termsPlot->setToolTip(tr("%1 = KL(q(xₜ₋₁ | xₜ, x₀) ‖ p_θ(xₜ₋₁ | xₜ)) for each t (Eqs. 5 and 8), in bits/dim.\n"
                               "At t = 1 the decoder L₀ = −log p_θ(x₀ | x₁) (Eq. 13); at t = T the prior "
                               "L_T = KL(q(x_T | x₀) ‖ N(0, I)).")
                                .arg(ltm1Text()));
    QCPGraph* decoder = m_termsPlot->addGraph();
    decoder->setName(tr("L₀, decoder (t = 1)"));
    decoder->setLineStyle(QCPGraph::lsNone);
    decoder->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(214, 39, 40), QColor(214, 39, 40), 9));
    QCPGraph* prior = m_termsPlot->addGraph();
    prior->setName(tr("L_T, prior (drawn at t = T)"));
    prior->setLineStyle(QCPGraph::lsNone);
    prior->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QColor(44, 160, 44), QColor(44, 160, 44), 10));
    for (const QString& name : {QStringLiteral("decoderLabel"), QStringLiteral("priorLabel")}) {
        auto* label = new QCPItemText(m_termsPlot);
        label->setObjectName(name);
        label->setPadding(QMargins(6, 0, 6, 4));
        label->setVisible(false);
    }
}

void BoundPlots::buildCumulativePlot(QWidget* parent)
{
    m_cumulativePlot = makePlot(parent, QStringLiteral("cumulativePlot"),
                                {tr("Cumulative sum over t"), tr("bits/dim"), tr("L₀ + Σ %1 up to t").arg(ltm1Text())},
                                false, QColor(148, 103, 189));
    m_cumulativePlot->setToolTip(tr("L₀ + Σ %1 over the steps up to t: where along t the bound's bits are "
                                    "spent. The dashed line adds L_T: the whole bound L (Eq. 5).")
                                     .arg(ltm1Text()));
    auto* totalLine = new QCPItemStraightLine(m_cumulativePlot);
    totalLine->setObjectName(QStringLiteral("totalLine"));
    totalLine->setPen(QPen(QColor(44, 160, 44), 1, Qt::DashLine));
    totalLine->setVisible(false);
    auto* totalText = new QCPItemText(m_cumulativePlot);
    totalText->setObjectName(QStringLiteral("totalText"));
    totalText->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    totalText->setPadding(QMargins(4, 0, 4, 2));
    totalText->setVisible(false);
    // The ticks of this layout are already made: a raised range is drawn by the next replot.
    connect(m_cumulativePlot, &QCustomPlot::afterLayout, this, [this, totalText] {
        if (totalText->visible() && makeRoomAbove(m_cumulativePlot, totalText, m_report.totalBpd))
            m_cumulativePlot->replot(QCustomPlot::rpQueuedReplot);
    });
}

void BoundPlots::buildWeightPlot(QWidget* parent)
{
    m_weightPlot = makePlot(parent, QStringLiteral("weightPlot"),
                            {tr("How L_simple reweights the bound"), tr("wₜ / mean w (log scale)"),
                             tr("wₜ / mean w: the bound's weight of ‖ε − ε_θ‖²")},
                            true, QColor(255, 127, 14));
    auto* simpleLine = new QCPItemStraightLine(m_weightPlot);
    simpleLine->point1->setCoords(0, 1);
    simpleLine->point2->setCoords(1, 1);
    simpleLine->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
    auto* simpleText = new QCPItemText(m_weightPlot);
    simpleText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    simpleText->position->setCoords(0.02, 1);
    simpleText->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    simpleText->setText(tr("L_simple: every wₜ = 1"));
    simpleText->setColor(QColor(90, 90, 90));
    simpleText->setPadding(QMargins(2, 0, 2, 2));
    m_weightPlot->setToolTip(
        tr("%1 = Cₜ + wₜ · E‖ε − ε_θ‖² per dimension (Eq. 12); L_simple (Eq. 14) sets every wₜ to 1.\n"
           "The curve is wₜ divided by its mean over t: above 1 the bound weighs t more than L_simple "
           "does, below 1 less.")
            .arg(ltm1Text()));
}

void BoundPlots::showReport(const BoundReport& report)
{
    m_report = report;
    const BoundReport& r = m_report;
    const int steps = static_cast<int>(r.termsBpd.size());
    QVector<double> ts(steps), terms(steps), cumulative(steps), weights(steps);
    m_cumulative.assign(steps, 0.0);
    m_relativeWeights.assign(steps, kNaN);

    double weightSum = 0;
    int weightCount = 0;
    for (double w : r.weights) {
        if (std::isfinite(w) && w > 0) {
            weightSum += w;
            ++weightCount;
        }
    }
    const double weightMean = weightCount > 0 ? weightSum / weightCount : kNaN;

    double running = 0;
    for (int i = 0; i < steps; ++i) {
        ts[i] = i + 1;
        terms[i] = forLog(r.termsBpd[i]);
        running += r.termsBpd[i];
        m_cumulative[i] = running;
        cumulative[i] = running;
        if (i < static_cast<int>(r.weights.size()))
            m_relativeWeights[i] = r.weights[i] / weightMean;
        weights[i] = forLog(m_relativeWeights[i]);
    }

    m_termsPlot->graph(0)->setData(ts, terms, true);
    m_termsPlot->graph(1)->setData(QVector<double>{1}, QVector<double>{forLog(r.decoderBpd)}, true);
    m_termsPlot->graph(2)->setData(QVector<double>{double(steps)}, QVector<double>{forLog(r.priorBpd)}, true);
    auto* decoderLabel = m_termsPlot->findChild<QCPItemText*>(QStringLiteral("decoderLabel"));
    auto* priorLabel = m_termsPlot->findChild<QCPItemText*>(QStringLiteral("priorLabel"));
    decoderLabel->position->setCoords(1, forLog(r.decoderBpd));
    decoderLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    decoderLabel->setText(tr("L₀ = %1").arg(bpdText(r.decoderBpd)));
    decoderLabel->setVisible(std::isfinite(forLog(r.decoderBpd)));
    priorLabel->position->setCoords(steps, forLog(r.priorBpd));
    priorLabel->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    priorLabel->setText(tr("L_T = %1").arg(bpdText(r.priorBpd)));
    priorLabel->setVisible(std::isfinite(forLog(r.priorBpd)));

    m_cumulativePlot->graph(0)->setData(ts, cumulative, true);
    auto* totalLine = m_cumulativePlot->findChild<QCPItemStraightLine*>(QStringLiteral("totalLine"));
    auto* totalText = m_cumulativePlot->findChild<QCPItemText*>(QStringLiteral("totalText"));
    totalLine->point1->setCoords(0, r.totalBpd);
    totalLine->point2->setCoords(1, r.totalBpd);
    totalLine->setVisible(true);
    totalText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    totalText->position->setCoords(0.02, r.totalBpd);
    totalText->setText(tr("total with L_T = %1 bits/dim").arg(bpdText(r.totalBpd)));
    totalText->setColor(QColor(44, 120, 44));
    totalText->setVisible(true);

    m_weightPlot->graph(0)->setData(ts, weights, true);

    for (QCustomPlot* plot : {m_termsPlot, m_cumulativePlot, m_weightPlot}) {
        plot->rescaleAxes();
        plot->xAxis->setRange(fullRange(steps));
    }
    // Room above and below the curves for the L_0 and L_T labels.
    m_termsPlot->yAxis->scaleRange(1.6, std::sqrt(m_termsPlot->yAxis->range().lower * m_termsPlot->yAxis->range().upper));
    const QCPRange cumulativeRange = m_cumulativePlot->yAxis->range();
    m_cumulativePlot->yAxis->setRange(std::min(0.0, cumulativeRange.lower),
                                      std::max(cumulativeRange.upper, r.totalBpd) * 1.12 + 1e-12);
    QCPRange weightRange = m_weightPlot->yAxis->range();
    weightRange.lower = std::min(weightRange.lower, 0.5);
    weightRange.upper = std::max(weightRange.upper, 2.0);
    m_weightPlot->yAxis->setRange(weightRange);
    m_weightPlot->yAxis->scaleRange(1.3, std::sqrt(weightRange.lower * weightRange.upper));
    for (QCustomPlot* plot : {m_termsPlot, m_cumulativePlot, m_weightPlot})
        plot->replot(QCustomPlot::rpQueuedReplot);
}

void BoundPlots::onHover(QCustomPlot* plot, QMouseEvent* event)
{
    if (m_report.empty())
        return;
    const int steps = static_cast<int>(m_report.termsBpd.size());
    const int t = static_cast<int>(std::lround(plot->xAxis->pixelToCoord(event->pos().x())));
    if (t < 1 || t > steps) {
        for (QCPItemStraightLine* cursor : m_cursors)
            cursor->setVisible(false);
    } else {
        for (QCPItemStraightLine* cursor : m_cursors) {
            cursor->point1->setCoords(t, 0);
            cursor->point2->setCoords(t, 1);
            cursor->setVisible(true);
        }
        const size_t i = static_cast<size_t>(t - 1);
        const QString term = t == 1 ? tr("L₀ = %1").arg(bpdText(m_report.termsBpd[i]))
                                    : tr("%1 = %2").arg(ltm1Text(), bpdText(m_report.termsBpd[i]));
        QString text = tr("t = %1:  %2 bits/dim;  L₀ + Σ up to t = %3 bits/dim;  wₜ / mean w = %4")
                           .arg(t)
                           .arg(term, bpdText(m_cumulative[i]), bpdText(m_relativeWeights[i]));
        if (i < m_report.lSimple.size())
            text += tr(";  E(ε − ε_θ)² = %1").arg(bpdText(m_report.lSimple[i]));
        if (t == steps)
            text += tr(";  L_T = %1 bits/dim").arg(bpdText(m_report.priorBpd));
        m_hoverLabel->setText(text);
    }
    for (QCustomPlot* p : {m_termsPlot, m_cumulativePlot, m_weightPlot})
        p->replot(QCustomPlot::rpQueuedReplot);
}

bool BoundPlots::exportPng(const QString& path, const QString& caption)
{
    if (m_report.empty())
        return false;
    QList<bool> shown;
    for (QCPItemStraightLine* cursor : m_cursors) {
        shown.append(cursor->visible());
        cursor->setVisible(false);
    }
    for (QCustomPlot* plot : {m_termsPlot, m_cumulativePlot, m_weightPlot})
        plot->replot(QCustomPlot::rpImmediateRefresh);
    // The figure as evaluated: not dimmed, even when the page shows it stale.
    QGraphicsEffect* effect = graphicsEffect();
    const bool dimmed = effect && effect->isEnabled();
    if (effect)
        effect->setEnabled(false);
    const bool ok = saveWidgetPng(this, m_plotArea, path, caption);
    if (effect)
        effect->setEnabled(dimmed);
    for (int i = 0; i < m_cursors.size(); ++i)
        m_cursors[i]->setVisible(shown[i]);
    return ok;
}

} // namespace ddpm::ui
