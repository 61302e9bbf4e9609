#include "widgets/histogram_plot.h"

#include <algorithm>
#include <cmath>

#include <QVBoxLayout>

#include "widgets/plot.h"
#include "widgets/plot_style.h"

namespace ddpm::ui {

namespace {

/// The least height of the plot's data area, in pixels; the axes and the legend come on top.
constexpr int kMinDataHeight = 100;

} // namespace

HistogramPlot::HistogramPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMinimumWidth(290); // two legend entries a row fit
    // No minimum height in pixels: the plot's own, which its layout works out from a data area
    // of kMinDataHeight, the axes' labels and the legend rows in their font (plot_style passes
    // it on after every layout), so the legend is never cut: presentation mode's font, four
    // entries in one column.
    m_plot->axisRect()->setMinimumSize(50, kMinDataHeight);

    m_bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_bars->setName(tr("pixels of xₜ"));
    m_bars->setPen(QPen(QColor(70, 110, 170)));
    m_bars->setBrush(QColor(70, 110, 170, 110));
    m_bars->setWidthType(QCPBars::wtPlotCoords);

    // Drawn in this order, so the chain's line lies on top of the prediction: the prediction
    // a wide, pale dashed line, the chain a narrow solid one in another colour.
    m_theory = m_plot->addGraph();
    m_theory->setName(tr("predicted q(xₜ | x₀)"));
    m_theory->setPen(QPen(QColor(230, 140, 40), 3.0, Qt::DashLine));
    m_theory->setLineStyle(QCPGraph::lsStepCenter);

    m_normal = m_plot->addGraph();
    m_normal->setName(tr("N(0, 1)"));
    m_normal->setPen(QPen(QColor(40, 40, 40), 1.5, Qt::DotLine));
    QVector<double> xs, ys;
    for (int i = 0; i <= 400; ++i) {
        const double x = -4.0 + 8.0 * i / 400;
        xs.push_back(x);
        ys.push_back(std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI));
    }
    m_normal->setData(xs, ys, true);

    m_compare = m_plot->addGraph();
    m_compare->setName(tr("Markov chain"));
    m_compare->setPen(QPen(QColor(180, 20, 90), 1.6));
    m_compare->setLineStyle(QCPGraph::lsStepCenter);
    m_compare->setVisible(false);
    m_compare->removeFromLegend();

    m_plot->xAxis->setLabel(tr("pixel value of xₜ"));
    m_plot->yAxis->setLabel(tr("density"));
    m_plot->xAxis->setRange(-4.0, 4.0);
    m_plot->yAxis->setRange(0.0, 0.6);
    // The legend under the plot (two entries a row when wide enough): never over a bar or a curve.
    placeLegendBelow(m_plot);
    applyApplicationFont(m_plot);
}

void HistogramPlot::setData(double low, double high, const QVector<double>& measured,
                            const QVector<double>& predicted)
{
    setComparisonData(low, high, measured, {}, predicted);
}

void HistogramPlot::setComparisonData(double low, double high, const QVector<double>& closedForm,
                                      const QVector<double>& chain, const QVector<double>& predicted)
{
    const QVector<double>& measured = closedForm;
    m_measured = measured;
    const int bins = measured.size();
    if (bins == 0) {
        clear();
        return;
    }
    const bool comparing = chain.size() == bins;
    m_compared = comparing ? chain : QVector<double>();
    const double width = (high - low) / bins;
    QVector<double> centres(bins);
    for (int b = 0; b < bins; ++b)
        centres[b] = low + (b + 0.5) * width;
    m_bars->setWidth(width);
    m_bars->setData(centres, measured, true);
    if (predicted.size() == bins)
        m_theory->setData(centres, predicted, true);
    else
        m_theory->data()->clear();
    m_bars->setName(comparing ? tr("closed form") : tr("pixels of xₜ"));
    if (comparing) {
        m_compare->setData(centres, chain, true);
        m_compare->setVisible(true);
        if (!m_plot->legend->hasItemWithPlottable(m_compare)) {
            // Keep the legend order: bars, chain, prediction, N(0, 1).
            m_theory->removeFromLegend();
            m_normal->removeFromLegend();
            m_compare->addToLegend();
            m_theory->addToLegend();
            m_normal->addToLegend();
            applyApplicationFont(m_plot);
            fitLegendColumns(m_plot);
        }
    } else {
        m_compare->data()->clear();
        m_compare->setVisible(false);
        if (m_compare->removeFromLegend())
            fitLegendColumns(m_plot);
    }

    double top = 0.45;
    for (double v : measured)
        top = std::max(top, v);
    for (double v : m_compared)
        top = std::max(top, v);
    for (double v : predicted)
        top = std::max(top, v);
    m_plot->xAxis->setRange(low, high);
    m_plot->yAxis->setRange(0.0, top * 1.08); // the legend is outside: only a little headroom
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HistogramPlot::clear()
{
    m_measured.clear();
    m_compared.clear();
    m_bars->data()->clear();
    m_compare->data()->clear();
    m_theory->data()->clear();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ddpm::ui
