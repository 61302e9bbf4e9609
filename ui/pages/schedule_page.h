// Schedule page: several schedules overlaid: beta_t, alpha_bar_t, sqrt terms, log-SNR(t).
//
// Composes a ScheduleList (the schedules to compare, widgets/schedule_list.h), a View box
// (which quantities, t or t/T, linear or log y, export), the lesson panel (beside those two
// where the page is wide enough for it to be read there, else under them) and SchedulePlots
// (the plots and the hover readout, widgets/schedule_plots.h), which take the height the
// controls leave. This file keeps the page's API, the export as PNG, PDF and CSV, error
// reporting and the settings.
#pragma once

#include <QList>
#include <QWidget>

#include <vector>

#include "ddpm/schedule.h"
#include "schedule_choice.h"
#include "widgets/schedule_plots.h"

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QVBoxLayout;
class QCPGraph;
class QCustomPlot;
class QSettings;
class QTableWidget;

namespace ddpm::ui {

class LessonPanel;

class SchedulePage : public QWidget {
    Q_OBJECT
public:
    /// What the plot area shows: every quantity in a grid, or one of them large.
    using View = SchedulePlots::View;

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

    View view() const { return m_plots->view(); }
    void setView(View view);
    bool logY() const { return m_plots->logY(); }
    /// Log y axes for beta, alpha_bar and the sqrt terms (non-positive values are left out).
    /// log-SNR is already logarithmic and keeps a linear axis.
    void setLogY(bool on);
    bool normalisedT() const { return m_plots->normalisedT(); }
    /// x axis as t/T in (0, 1] instead of t = 1..T (to compare schedules with different T).
    void setNormalisedT(bool on);

    /// The quantities plotted, in grid order: beta, alpha_bar, sqrt(alpha_bar), sqrt(1 - alpha_bar), log-SNR.
    static const std::vector<ddpm::Quantity>& plottedQuantities();
    /// The plot widget (for export and tests).
    QCustomPlot* plot() const { return m_plots->plot(); }
    /// The graph of schedule `index` for quantity q, or nullptr when q is not shown in this view.
    QCPGraph* graph(int index, ddpm::Quantity q) const;
    /// The core schedule behind row `index` (its tables are what the graphs show).
    const ddpm::NoiseSchedule& schedule(int index) const;

    /// Updates the tracers and the readout table for x (t, or t/T when normalised), as a
    /// mouse move over the plot does.
    void showValuesAt(double x);
    /// The readout table: one row per schedule; columns schedule, t, then the plotted quantities.
    QTableWidget* readout() const { return m_plots->readout(); }

    /// Whether the lesson panel sits beside the schedules and the View box (a wide page) or in
    /// a row of its own under them (a narrow one, presentation mode's font).
    bool lessonBesideControls() const;

    /// The line exported figures carry: every schedule with its T, and the axes.
    QString figureCaption() const;
    /// Writes the plot as PNG or PDF by suffix, without the hover line and tracers and with
    /// figureCaption() under it (and as PNG text); shows a dialog and returns false on failure.
    bool exportPlot(const QString& path);
    /// Asks where to save the plot (PNG or PDF), then exportPlot (File › Export).
    void askExportPlot();
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
    /// Chosen in "Use on every page": the user wants every page to use this schedule.
    void useSchedule(const ddpm::ui::ScheduleChoice& choice);

protected:
    bool event(QEvent* event) override;

private:
    QWidget* buildViewBox();
    /// Puts the lesson beside the controls or under them, by the page's width (see the constructor).
    void placeLesson();
    void updateLogYCheck();
    void reportError(const QString& message);
    void onSchedulesChanged();
    void askExportCsv();

    ScheduleList* m_list = nullptr;
    SchedulePlots* m_plots = nullptr;
    QWidget* m_viewBox = nullptr;
    LessonPanel* m_lesson = nullptr;
    QHBoxLayout* m_controls = nullptr; ///< the schedules and the View box, and the lesson where it fits
    QVBoxLayout* m_layout = nullptr;
    QComboBox* m_viewCombo = nullptr;
    QCheckBox* m_logYCheck = nullptr;
    QCheckBox* m_normalisedCheck = nullptr;
};

} // namespace ddpm::ui
