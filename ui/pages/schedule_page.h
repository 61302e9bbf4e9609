// Schedule page: several schedules overlaid: beta_t, alpha_bar_t, sqrt terms, log-SNR(t).
//
// A list of schedules to compare (each a ScheduleChoice row), one QCustomPlot with a grid of
// plots (or one chosen quantity), a hover readout of every schedule's values at t, linear or
// log y axes, t or t/T on the x axis, and export as PNG, PDF and CSV. Each schedule's tables
// are built once when it changes; the plot is rebuilt from those cached tables.
#pragma once

#include <QList>
#include <QWidget>

#include <memory>
#include <vector>

#include "ddpm/schedule.h"
#include "schedule_choice.h"

class QCheckBox;
class QComboBox;
class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemTracer;
class QCPLayer;
class QCPMarginGroup;
class QCustomPlot;
class QMouseEvent;
class QPushButton;
class QSettings;
class QTableWidget;
class QVBoxLayout;

namespace ddpm::ui {

class SchedulePage : public QWidget {
    Q_OBJECT
public:
    /// What the plot area shows: every quantity in a grid, or one of them large.
    enum class View { Grid, Beta, AlphaBar, SqrtAlphaBar, SqrtOneMinusAlphaBar, LogSnr };

    explicit SchedulePage(QWidget* parent = nullptr);
    ~SchedulePage() override;

    /// The schedules shown, in legend order.
    QList<ScheduleChoice> schedules() const;
    /// Replaces the shown schedules. If any is bad (e.g. linear at T = 10, an unreadable
    /// custom file) or the list is empty, reports an error and keeps the previous list.
    bool setSchedules(const QList<ScheduleChoice>& schedules);
    /// Appends one schedule; a bad one is reported and the list stays as it was.
    bool addSchedule(const ScheduleChoice& choice);
    /// Replaces schedule `index` (0-based); a bad one is reported and the row keeps its old choice.
    bool setScheduleAt(int index, const ScheduleChoice& choice);
    /// Removes schedule `index`; the last remaining schedule cannot be removed.
    bool removeSchedule(int index);

    View view() const { return m_view; }
    void setView(View view);
    bool logY() const { return m_logY; }
    /// Log y axes for beta, alpha_bar and the sqrt terms (non-positive values are left out).
    /// log-SNR is already logarithmic and keeps a linear axis.
    void setLogY(bool on);
    bool normalisedT() const { return m_normalisedT; }
    /// x axis as t/T in (0, 1] instead of t = 1..T (to compare schedules with different T).
    void setNormalisedT(bool on);

    /// The quantities plotted, in grid order: beta, alpha_bar, sqrt(alpha_bar), sqrt(1 - alpha_bar), log-SNR.
    static const std::vector<ddpm::Quantity>& plottedQuantities();
    /// The plot widget (for export and tests).
    QCustomPlot* plot() const { return m_plot; }
    /// The graph of schedule `index` for quantity q, or nullptr when q is not shown in this view.
    QCPGraph* graph(int index, ddpm::Quantity q) const;
    /// The core schedule behind row `index` (its tables are what the graphs show).
    const ddpm::NoiseSchedule& schedule(int index) const;

    /// Updates the tracers and the readout table for x (t, or t/T when normalised), as a
    /// mouse move over the plot does.
    void showValuesAt(double x);
    /// The readout table: one row per schedule; columns schedule, t, then the plotted quantities.
    QTableWidget* readout() const { return m_readout; }

    /// Writes the plot as PNG or PDF by suffix; shows a dialog and returns false on failure.
    bool exportPlot(const QString& path);
    /// Writes one CSV table of every schedule: columns schedule, steps, zero_terminal_snr, then
    /// the CLI's schedule columns (t, beta, ..., snr), one row per schedule and t, full precision.
    bool exportCsv(const QString& path);
    /// The text exportCsv writes.
    QString csvText() const;

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

Q_SIGNALS:
    /// A bad schedule or a failed action was reported to the user (also shown in a message box).
    void errorReported(const QString& message);
    /// The list of schedules changed.
    void schedulesChanged();

private:
    struct Row;

    void buildControls();
    void reportError(const QString& message);
    QWidget* makeRowWidget(Row& row);
    void discardRowWidget(Row& row);
    void refreshRows();
    void rebuildPlot();
    void updateReadout();
    void onPlotMouseMove(QMouseEvent* event);
    void resetXRange();
    double maxSteps() const;
    void askExportPlot();
    void askExportCsv();
    QColor unusedColour() const;

    std::vector<std::unique_ptr<Row>> m_rows;
    View m_view = View::Grid;
    bool m_logY = false;
    bool m_normalisedT = false;
    double m_hoverX = -1.0; ///< last hovered x (t or t/T); negative: none yet

    QVBoxLayout* m_rowLayout = nullptr;
    QPushButton* m_addButton = nullptr;
    QComboBox* m_viewCombo = nullptr;
    QCheckBox* m_logYCheck = nullptr;
    QCheckBox* m_normalisedCheck = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPLayer* m_overlay = nullptr;
    QTableWidget* m_readout = nullptr;
    std::vector<QCPAxisRect*> m_rects;            ///< [plotted quantity], nullptr when not shown
    std::vector<QCPItemStraightLine*> m_lines;     ///< hover line per rect, as m_rects
    std::vector<QCPMarginGroup*> m_marginGroups;   ///< recreated with the layout
    std::vector<std::vector<QCPGraph*>> m_graphs;  ///< [row][plotted quantity], nullptr when not shown
    std::vector<std::vector<QCPItemTracer*>> m_tracers; ///< as m_graphs
    bool m_syncingX = false;
};

} // namespace ddpm::ui
