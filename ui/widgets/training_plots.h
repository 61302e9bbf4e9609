// The Training page's live curves: the loss (raw and smoothed, TensorBoard's debiased EMA),
// the loss per tenth of 1..T over steps as a heat map, the gradient norm and the learning rate.
// Data is appended as it arrives and drawn by a 150 ms timer only when something new arrived
// and the plots are visible, never once per step. The x axis shows steps or training time; the
// loss and gradient norm can use a log axis. Each plot pans (drag) and zooms (wheel); once a
// person has moved a plot it stays where they put it while data arrives, and a double-click
// makes it follow the data again. The curves export as CSV, the plots as one PNG.
#pragma once

#include <QSet>
#include <QWidget>

#include <array>
#include <vector>

#include "jobs/training_job.h"

class QCheckBox;
class QComboBox;
class QCPColorMap;
class QCustomPlot;
class QLabel;
class QSlider;
class QTimer;

namespace ddpm::ui {

class TrainingPlots : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPlots(QWidget* parent = nullptr);

    /// Forgets every point; T sets the heat map's t axis.
    void clear(int diffusionSteps);
    void append(const std::vector<TrainingPoint>& points);
    int pointCount() const { return static_cast<int>(m_step.size()); }

    /// Smoothing weight in [0, 0.99] (0: the raw curve).
    void setSmoothing(double weight);
    double smoothing() const { return m_weight; }
    void setLogY(bool log);
    bool logY() const { return m_logY; }
    /// Training time on x instead of steps.
    void setTimeAxis(bool time);
    bool timeAxis() const { return m_timeAxis; }

    /// step, training_s, loss, loss_smoothed, grad_norm, lr, items_per_s, loss_bucket_0..9; header first.
    QString csv() const;
    /// The four plots as one PNG, with caption (the run's settings) under them and as the PNG's
    /// text; false when there is nothing to show or writing failed (a dialog says why).
    bool exportPng(const QString& path, const QString& caption = QString());

    QCustomPlot* lossPlot() const { return m_lossPlot; }
    QCustomPlot* bucketPlot() const { return m_bucketPlot; }
    QCustomPlot* gradPlot() const { return m_gradPlot; }
    QCustomPlot* lrPlot() const { return m_lrPlot; }

    /// True while the plot shows its whole data (rescaled on each replot); false once the person
    /// dragged or zoomed it, until a double-click or clear().
    bool follows(const QCustomPlot* plot) const { return !m_pinned.contains(plot); }
    /// Makes the plot follow the data again and replots it.
    void follow(QCustomPlot* plot);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QCustomPlot* makePlot(const QString& objectName, const QString& title, const QString& yLabel);
    double key(size_t i) const { return m_timeAxis ? m_wall[i] : double(m_step[i]); }
    void smoothFrom(size_t first);
    void rebuildGraphs();
    void updateHeatMap();
    void replotIfDirty();

    int m_diffusionSteps = 1000;
    double m_weight = 0.6;
    bool m_logY = false;
    bool m_timeAxis = false;
    bool m_dirty = false;
    double m_emaLast = 0;   // the smoother's state after the last point
    long long m_emaCount = 0;

    std::vector<long long> m_step;
    std::vector<double> m_wall, m_loss, m_smoothed, m_grad, m_lr, m_ips;
    std::vector<std::array<double, 10>> m_buckets;

    QSlider* m_smoothingSlider = nullptr;
    QLabel* m_smoothingLabel = nullptr;
    QCheckBox* m_logYBox = nullptr;
    QComboBox* m_xAxis = nullptr;
    QWidget* m_plotArea = nullptr;
    QCustomPlot* m_lossPlot = nullptr;
    QCustomPlot* m_bucketPlot = nullptr;
    QCPColorMap* m_heatMap = nullptr;
    QCustomPlot* m_gradPlot = nullptr;
    QCustomPlot* m_lrPlot = nullptr;
    QTimer* m_timer = nullptr;
    QSet<const QCustomPlot*> m_pinned; // plots the person panned or zoomed
};

} // namespace ddpm::ui
