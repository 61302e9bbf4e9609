// Bound page: L_T, L_{t-1}, L_0 per t in bits/dim for the Forward page's image and a model,
// the cumulative sum, the L_simple weight curve and the totals; evaluated in a worker thread.
//
// Composes BoundOptions (the Evaluation box), BoundTotals (the totals table) and BoundPlots
// (the three plots with the hover readout), all in widgets/. This file keeps the page's API,
// the inputs from the Forward page, the worker and its job in flight, staleness, export and
// settings.
#pragma once

#include <QWidget>

#include <atomic>
#include <memory>

#include "ddpm/image.h"
#include "schedule_choice.h"
#include "workers/bound_worker.h"

class QCustomPlot;
class QGraphicsOpacityEffect;
class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSettings;
class QTableWidget;
class QThread;

namespace ddpm::ui {

class BoundOptions;
class BoundPlots;
class BoundTotals;

class BoundPage : public QWidget {
    Q_OBJECT
public:
    /// budget: the torch threads its worker shares with the other pages' (null: one of its own).
    explicit BoundPage(QWidget* parent = nullptr, std::shared_ptr<ddpm::ThreadBudget> budget = nullptr);
    /// Stops a running evaluation and joins its thread.
    ~BoundPage() override;

    /// The image whose bound is evaluated (from the Forward page) and a name for it.
    void setImage(const ddpm::Image& image, const QString& name);
    void setSchedule(const ScheduleChoice& choice);
    const ScheduleChoice& schedule() const { return m_schedule; }

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

    /// The controls as they are now (what Evaluate would compute).
    BoundSettings currentSettings() const;
    /// Control setters, for tests and scripts (same effect as using the widgets).
    void setSamples(int k);
    /// N in {16, 28, 32, 64, 128} or 0 for the original size; other values are added to the list.
    void setResolution(int n);
    void setLargeVariance(bool large);
    void setClipDenoised(bool clip);
    void setSeed(quint64 seed);
    /// Selects a model by spec ("zero" or a checkpoint path). A spec core cannot load is shown in
    /// a dialog and the previous choice stays; returns whether the model was accepted.
    bool setModelSpec(const QString& spec);
    /// Offers a trained model (run directory) among the model choices without choosing it.
    void offerModel(const QString& spec, const QString& label);

    /// The last finished evaluation (empty() before the first); kept when a later one fails or is cancelled.
    const BoundReport& result() const { return m_result; }
    bool hasResult() const { return !m_result.empty(); }
    /// Whether the shown result was computed from other inputs than the controls now hold.
    bool isStale() const;
    bool isRunning() const { return m_runningId != 0; }
    /// Whether the plots and totals are shown dimmed (they are while the result is stale).
    bool resultsDimmed() const;
    /// The settings and totals line of an exported figure (empty without a result).
    QString figureCaption() const;

    /// Writes the CSV of the last result (t, bpd, l_simple, weight) without asking; false when
    /// there is no result or writing failed (then a dialog says why).
    bool exportCsv(const QString& path);
    /// Writes the three plots as one PNG without asking.
    bool exportPng(const QString& path);
    /// Asks where to save the plots, then exportPng (File › Export).
    void exportPngAsk();

    QCustomPlot* termsPlot() const;
    QCustomPlot* cumulativePlot() const;
    QCustomPlot* weightPlot() const;
    QTableWidget* totalsTable() const;

public Q_SLOTS:
    /// Starts an evaluation of the current settings (cancelling one that runs).
    void evaluate();
    /// Asks the running evaluation to stop; evaluationCancelled follows.
    void cancel();

Q_SIGNALS:
    void evaluationStarted();
    void evaluationProgress(qint64 done, qint64 total);
    void evaluationFinished();
    void evaluationFailed(const QString& message);
    void evaluationCancelled();

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildControls();
    QWidget* buildResults();
    QPushButton* addButton(QHBoxLayout* row, const QString& text, const QString& toolTip, void (BoundPage::*slot)());
    void onProgress(quint64 id, qint64 done, qint64 total);
    void onFinished(const BoundReport& report);
    void onFailed(quint64 id, const QString& message);
    void onCancelled(quint64 id);
    void showError(const QString& title, const QString& message);
    void setRunning(bool running);
    void endRun(const QString& progressText, bool done);
    void updateInputsText();
    void updateStaleness();
    void exportCsvAsk();

    // inputs
    ddpm::Image m_image;
    QString m_imageName;
    quint64 m_imageSerial = 0;
    ScheduleChoice m_schedule;
    bool m_autoRunDone = false;

    // the worker and the job in flight
    QThread* m_thread = nullptr;
    BoundWorker* m_worker = nullptr;
    quint64 m_nextId = 1;
    quint64 m_runningId = 0;
    std::shared_ptr<std::atomic<bool>> m_stop;
    BoundReport m_result;

    // the controls column
    QScrollArea* m_controlsScroll = nullptr;
    QLabel* m_imageLabel = nullptr;
    QLabel* m_scheduleLabel = nullptr;
    BoundOptions* m_options = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    BoundTotals* m_totals = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportCsv = nullptr;

    // results
    QLabel* m_resultsLabel = nullptr;
    QLabel* m_staleBanner = nullptr;
    QGraphicsOpacityEffect* m_plotsDim = nullptr;
    QGraphicsOpacityEffect* m_totalsDim = nullptr;
    static constexpr double kStaleOpacity = 0.35;
    BoundPlots* m_plots = nullptr;
};

} // namespace ddpm::ui
