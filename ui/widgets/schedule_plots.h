// The Schedule page's plots: one QCustomPlot with a grid of every quantity (or one of them
// large), log y axes, t or t/T on the x axis, a shared zoom along t, a hover line with a
// tracer on every curve, and below it a table of every schedule's values at the hovered t.
#pragma once

#include <QString>
#include <QWidget>

#include <vector>

#include "ddpm/schedule.h"
#include "widgets/schedule_list.h"

class QCPAxisRect;
class QCPRange;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemTracer;
class QCPLayer;
class QCPMarginGroup;
class QCustomPlot;
class QMouseEvent;
class QTableWidget;

namespace ddpm::ui {

class SchedulePlots : public QWidget {
    Q_OBJECT
public:
    /// What the plot area shows: every quantity in a grid, or one of them large.
    enum class View { Grid, Beta, AlphaBar, SqrtAlphaBar, SqrtOneMinusAlphaBar, LogSnr };

    /// How a plotted quantity is named.
    struct QuantityText {
        const char* key;    ///< settings value of the single-quantity view
        QString title;      ///< plot title
        QString shortName;  ///< view menu and readout header
        bool logAllowed;    ///< whether the log-y toggle applies
    };

    /// The quantities plotted, in grid order: beta, alpha_bar, sqrt(alpha_bar), sqrt(1 - alpha_bar), log-SNR.
    static const std::vector<ddpm::Quantity>& plottedQuantities();
    /// Names of plottedQuantities()[index].
    static const QuantityText& quantityText(int index);

    explicit SchedulePlots(QWidget* parent = nullptr);
    ~SchedulePlots() override;

    /// Shows these schedules (legend order) on the full range of t, keeping the options.
    void setSchedules(const std::vector<ShownSchedule>& shown);
    View view() const { return m_view; }
    void setView(View view);
    bool logY() const { return m_logY; }
    /// Log y axes for beta, alpha_bar and the sqrt terms (values <= 0 are left out); log-SNR stays linear.
    void setLogY(bool on);
    bool normalisedT() const { return m_normalisedT; }
    /// x axis as t/T in (0, 1] instead of t = 1..T; the hovered place stays where it was on the axis.
    void setNormalisedT(bool on);
    /// Sets every option at once, forgets the hovered place and shows the full range of t.
    void setOptions(View view, bool logY, bool normalisedT);

    QCustomPlot* plot() const { return m_plot; }
    /// The graph of schedule `index` for quantity q, or nullptr when q is not shown in this view.
    QCPGraph* graph(int index, ddpm::Quantity q) const;
    /// The readout table: one row per schedule; columns schedule, t, then the plotted quantities.
    QTableWidget* readout() const { return m_readout; }
    /// Moves the hover line and tracers to x (t, or t/T when normalised) and fills the readout.
    void showValuesAt(double x);
    /// Shows or hides the hover line and tracers (hidden while a figure is exported).
    void setHoverShown(bool shown);

protected:
    void changeEvent(QEvent* event) override;

private:
    /// t = 0..T (or 0..1 normalised) and a little past the end, so t = T can be hovered.
    QCPRange fullXRange() const;
    void rebuild();
    void resetXRange();
    void updateReadout();
    void onMouseMove(QMouseEvent* event);
    double maxSteps() const;

    std::vector<ShownSchedule> m_shown;
    View m_view = View::Grid;
    bool m_logY = false;
    bool m_normalisedT = false;
    double m_hoverX = -1.0; ///< last hovered x (t or t/T); negative: none yet
    bool m_syncingX = false;

    QCustomPlot* m_plot = nullptr;
    QCPLayer* m_overlay = nullptr;
    QTableWidget* m_readout = nullptr;
    std::vector<QCPAxisRect*> m_rects;                  ///< [plotted quantity], nullptr when not shown
    std::vector<QCPItemStraightLine*> m_lines;          ///< hover line per rect, as m_rects
    std::vector<QCPMarginGroup*> m_marginGroups;        ///< recreated with the layout
    std::vector<std::vector<QCPGraph*>> m_graphs;       ///< [schedule][plotted quantity], nullptr when not shown
    std::vector<std::vector<QCPItemTracer*>> m_tracers; ///< as m_graphs
};

} // namespace ddpm::ui
