// HistogramPlot: a density histogram (bars) with the density theory predicts for each bin
// and the N(0, 1) curve overlaid; used for the pixel values of x_t. Optionally a second
// measured density (a step line) to compare two samplings of x_t against the same theory.
// The legend sits under the plot, in the application font, and always inside it: the plot's
// minimum height is what its axes and legend need over a small data area; the chain's line is
// drawn last.
#pragma once

#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPGraph;

namespace ddpm::ui {

class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPlot(QWidget* parent = nullptr);

    /// Equal bins over [low, high]: measured density per bin and the predicted density per
    /// bin (may be empty). Both in 1/unit, so they compare directly with the N(0, 1) curve.
    void setData(double low, double high, const QVector<double>& measured, const QVector<double>& predicted);
    /// As setData, with two measured densities on the same bins: closedForm as bars and chain
    /// as a step line, each named in the legend.
    void setComparisonData(double low, double high, const QVector<double>& closedForm, const QVector<double>& chain,
                           const QVector<double>& predicted);
    void clear();

    QCustomPlot* plot() const { return m_plot; }
    /// The measured densities last set (for tests).
    const QVector<double>& measured() const { return m_measured; }
    /// The second measured densities last set (empty unless comparing; for tests).
    const QVector<double>& compared() const { return m_compared; }

private:
    QCustomPlot* m_plot = nullptr;
    QCPBars* m_bars = nullptr;
    QCPGraph* m_compare = nullptr;
    QCPGraph* m_theory = nullptr;
    QCPGraph* m_normal = nullptr;
    QVector<double> m_measured;
    QVector<double> m_compared;
};

} // namespace ddpm::ui
