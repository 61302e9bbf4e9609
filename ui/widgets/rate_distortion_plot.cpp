#include "widgets/rate_distortion_plot.h"

#include <QVBoxLayout>

#include <algorithm>

#include "widgets/plot.h"
#include "widgets/plot_style.h"

namespace ddpm::ui {

RateDistortionPlot::RateDistortionPlot(QWidget* parent)
    : QWidget(parent)
{
    m_rate = makePlot(tr("Distortion against rate"), tr("rate (bits/dim)"));
    m_rate->setObjectName(QStringLiteral("rateDistortionPlot"));
    m_time = makePlot(tr("Distortion against t"), tr("t (xₜ received)"));
    m_time->setObjectName(QStringLiteral("distortionTimePlot"));
    m_time->xAxis->setRangeReversed(true); // received from T down to 0
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_rate, 1);
    layout->addWidget(m_time, 1);
}

QCustomPlot* RateDistortionPlot::makePlot(const QString& title, const QString& xLabel)
{
    auto* plot = new QCustomPlot(this);
    plot->setMinimumSize(180, 120);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title));
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(tr("distortion (RMSE, 0..255)"));
    QCPCurve* curve = new QCPCurve(plot->xAxis, plot->yAxis); // rate is not sorted on every chain
    curve->setPen(QPen(QColor(31, 119, 180), 1.5));
    curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
    applyApplicationFont(plot);
    return plot;
}

void RateDistortionPlot::setPoints(const QVector<RatePoint>& points)
{
    m_points = points;
    QVector<double> rate, t, distortion;
    for (const RatePoint& p : points) {
        rate << p.rateBpd;
        t << p.t;
        distortion << p.distortion;
    }
    auto* rateCurve = qobject_cast<QCPCurve*>(m_rate->plottable(0));
    auto* timeCurve = qobject_cast<QCPCurve*>(m_time->plottable(0));
    rateCurve->setData(rate, distortion);
    timeCurve->setData(t, distortion);
    for (QCustomPlot* plot : {m_rate, m_time}) {
        plot->rescaleAxes();
        plot->yAxis->setRangeLower(0);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace ddpm::ui
