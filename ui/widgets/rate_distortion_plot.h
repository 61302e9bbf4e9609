// Fig. 5 of Ho et al. (2020) as two QCustomPlots, one above the other: distortion (RMSE of the
// predicted x_0, 0..255) against rate (bits/dim sent so far), and distortion against t.
#pragma once

#include <QVector>
#include <QWidget>

#include "jobs/demo_job.h"

class QCustomPlot;

namespace ddpm::ui {

class RateDistortionPlot : public QWidget {
    Q_OBJECT
public:
    explicit RateDistortionPlot(QWidget* parent = nullptr);

    /// Replaces the curves (points in decreasing t, as core gives them) and replots.
    void setPoints(const QVector<RatePoint>& points);
    const QVector<RatePoint>& points() const { return m_points; }
    QCustomPlot* ratePlot() const { return m_rate; }
    QCustomPlot* timePlot() const { return m_time; }

private:
    QCustomPlot* makePlot(const QString& title, const QString& xLabel);

    QVector<RatePoint> m_points;
    QCustomPlot* m_rate = nullptr;
    QCustomPlot* m_time = nullptr;
};

} // namespace ddpm::ui
