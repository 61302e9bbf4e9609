// The Bound page's plots of one evaluation: every term L_{t-1} per t with L_0 and L_T (log
// scale), the cumulative sum over t with the total, and how L_simple reweights the bound
// (w_t over its mean, log scale). The three share the t axis (drag and wheel pan and zoom
// along t, double-click shows all of it); hovering draws a cursor on each and writes the
// values at t in the line below them.
#pragma once

#include <QList>
#include <QWidget>

#include <vector>

#include "jobs/bound_job.h"

class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace ddpm::ui {

class BoundPlots : public QWidget {
    Q_OBJECT
public:
    explicit BoundPlots(QWidget* parent = nullptr);

    /// Plots one evaluation (bits/dim per t = 1..T) on the full range of t.
    void showReport(const BoundReport& report);
    /// Writes the three plots (without the hover cursors or the line below) as one PNG with
    /// `caption` under them and as PNG text; false when nothing is plotted yet or writing
    /// failed (then a dialog says why).
    bool exportPng(const QString& path, const QString& caption = QString());

    QCustomPlot* termsPlot() const { return m_termsPlot; }
    QCustomPlot* cumulativePlot() const { return m_cumulativePlot; }
    QCustomPlot* weightPlot() const { return m_weightPlot; }

private:
    /// Texts of one plot: its title, y-axis label and the name of its first curve.
    struct PlotText {
        QString title;
        QString yLabel;
        QString curveName;
    };
    /// A plot with a cursor, hover and shared-t connections, and a first curve (graph 0) in curveColour.
    QCustomPlot* makePlot(QWidget* parent, const QString& objectName, const PlotText& text, bool logY,
                          const QColor& curveColour);
    void buildTermsPlot(QWidget* parent);
    void buildCumulativePlot(QWidget* parent);
    void buildWeightPlot(QWidget* parent);
    void onHover(QCustomPlot* plot, QMouseEvent* event);

    BoundReport m_report;             ///< what is plotted; empty() before the first
    std::vector<double> m_cumulative; ///< index t - 1: L_0 + sum_{s=2..t} L_{s-1}
    std::vector<double> m_relativeWeights; ///< index t - 1: w_t / mean(w)

    QWidget* m_plotArea = nullptr;
    QCustomPlot* m_termsPlot = nullptr;
    QCustomPlot* m_cumulativePlot = nullptr;
    QCustomPlot* m_weightPlot = nullptr;
    QList<QCPItemStraightLine*> m_cursors;
    QLabel* m_hoverLabel = nullptr;
};

} // namespace ddpm::ui
