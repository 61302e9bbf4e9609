#include "widgets/chain_plots.h"

#include <QVBoxLayout>

#include <cmath>

#include "widgets/plot.h"
#include "widgets/plot_style.h"
#include "widgets/wrapping_title.h"

namespace ddpm::ui {

namespace {

const QColor kBatch(120, 120, 120);
const QColor kItem(31, 119, 180);
const QColor kCursor(255, 127, 14);

QCPItemStraightLine* addCursor(QCustomPlot* plot)
{
    auto* line = new QCPItemStraightLine(plot);
    line->setPen(QPen(kCursor, 1.5));
    line->point1->setCoords(0, 0);
    line->point2->setCoords(0, 1);
    return line;
}

} // namespace

ChainPlots::ChainPlots(QWidget* parent)
    : QWidget(parent)
{
    m_change = makePlot(tr("Predicted x₀: change per step"), tr("RMS"));
    m_change->setObjectName(QStringLiteral("x0ChangePlot"));
    m_std = makePlot(tr("Std of xₜ"), tr("std"));
    m_std->setObjectName(QStringLiteral("xtStdPlot"));
    m_changeCursor = addCursor(m_change);
    m_stdCursor = addCursor(m_std);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_change, 1);
    layout->addWidget(m_std, 1);
    clear(1000, true);
}

QCustomPlot* ChainPlots::makePlot(const QString& title, const QString& yLabel)
{
    auto* plot = new QCustomPlot(this);
    plot->setMinimumSize(180, 120);
    plot->plotLayout()->insertRow(0);
    auto* heading = new WrappingTitle(plot, title, plot->font()); // wraps in a narrow column
    plot->plotLayout()->addElement(0, 0, heading);
    plot->xAxis->setLabel(tr("t"));
    plot->xAxis->setRangeReversed(true); // the chain runs from T down to 0
    plot->xAxis->ticker()->setTickCount(4);
    plot->yAxis->setLabel(yLabel);
    QCPGraph* batch = plot->addGraph();
    batch->setName(tr("batch"));
    batch->setPen(QPen(kBatch, 1.5));
    QCPGraph* item = plot->addGraph();
    item->setName(tr("selected sample"));
    item->setPen(QPen(kItem, 1.5));
    placeLegendBelow(plot, 2);
    applyApplicationFont(plot);
    return plot;
}

void ChainPlots::clear(int originalSteps, bool perItem)
{
    m_steps.clear();
    m_perItem = perItem;
    for (QCustomPlot* plot : {m_change, m_std}) {
        plot->graph(0)->data()->clear();
        plot->graph(1)->data()->clear();
        plot->graph(1)->setVisible(perItem);
        plot->graph(1)->addToLegend();
        if (!perItem)
            plot->graph(1)->removeFromLegend();
        plot->xAxis->setRange(0, std::max(1, originalSteps));
        plot->yAxis->setRange(0, 1);
        fitLegendColumns(plot);
    }
    setCursorT(originalSteps);
}

void ChainPlots::append(const QVector<ChainStep>& steps)
{
    for (const ChainStep& s : steps) {
        m_steps.push_back(s);
        if (std::isfinite(s.x0Change))
            m_change->graph(0)->addData(s.t, s.x0Change);
        m_std->graph(0)->addData(s.t, s.xtStd);
        if (m_perItem && m_selected < s.itemXtStd.size()) {
            const double change = s.itemX0Change.value(m_selected, NAN);
            if (std::isfinite(change))
                m_change->graph(1)->addData(s.t, change);
            m_std->graph(1)->addData(s.t, s.itemXtStd[m_selected]);
        }
    }
    rescale();
}

void ChainPlots::setSelectedItem(int item)
{
    if (item == m_selected)
        return;
    m_selected = item;
    rebuildSelected();
    rescale();
}

void ChainPlots::rebuildSelected()
{
    m_change->graph(1)->data()->clear();
    m_std->graph(1)->data()->clear();
    if (!m_perItem)
        return;
    for (const ChainStep& s : m_steps) {
        if (m_selected >= s.itemXtStd.size())
            continue;
        const double change = s.itemX0Change.value(m_selected, NAN);
        if (std::isfinite(change))
            m_change->graph(1)->addData(s.t, change);
        m_std->graph(1)->addData(s.t, s.itemXtStd[m_selected]);
    }
}

void ChainPlots::rescale()
{
    for (QCustomPlot* plot : {m_change, m_std}) {
        bool found = false;
        QCPRange range = plot->graph(0)->getValueRange(found);
        bool foundItem = false;
        const QCPRange item = plot->graph(1)->getValueRange(foundItem);
        if (foundItem)
            range = found ? QCPRange(std::min(range.lower, item.lower), std::max(range.upper, item.upper)) : item;
        if (found || foundItem)
            plot->yAxis->setRange(0, std::max(1e-6, range.upper * 1.08));
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void ChainPlots::setCursorT(int t)
{
    for (QCPItemStraightLine* line : {m_changeCursor, m_stdCursor}) {
        line->point1->setCoords(t, 0);
        line->point2->setCoords(t, 1);
    }
    m_change->replot(QCustomPlot::rpQueuedReplot);
    m_std->replot(QCustomPlot::rpQueuedReplot);
}

int ChainPlots::pointCount() const
{
    return m_std->graph(0)->dataCount();
}

} // namespace ddpm::ui
