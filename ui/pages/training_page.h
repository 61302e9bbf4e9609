// Training page: trains a UNet or MLP on Fashion-MNIST, an image folder or a 2-D toy set in a
// worker thread, with live curves, EMA sample previews and checkpoints in a run folder that
// `ddpm train --resume` can continue (and the other way round).
//
// Composes TrainingOptions (the settings column), TrainingPlots (the curves) and two
// SamplePreviews (real data; the EMA model's samples), all in widgets/. This file keeps the
// run buttons and their states, the workers (TrainingWorker for the run, DataInspector for
// the data preview and parameter count), the status texts, export and settings.
#pragma once

#include <QWidget>

#include <memory>
#include <vector>

#include "workers/data_inspector.h"
#include "workers/training_worker.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSettings;
class QThread;
class QTimer;

namespace ddpm::ui {

class SamplePreview;
class TrainingOptions;
class TrainingPlots;

class TrainingPage : public QWidget {
    Q_OBJECT
public:
    using State = TrainingWorker::State;

    /// budget: the torch threads its worker shares with the other pages' (null: one of its own).
    explicit TrainingPage(QWidget* parent = nullptr, std::shared_ptr<ddpm::ThreadBudget> budget = nullptr);
    /// Stops a run (saving its checkpoint) and joins the worker threads.
    ~TrainingPage() override;

    TrainingOptions* options() const { return m_options; }
    TrainingPlots* plots() const { return m_plots; }
    SamplePreview* dataPreview() const { return m_dataPreview; }
    SamplePreview* samplePreview() const { return m_samplePreview; }
    /// The worker's state as last reported.
    State state() const { return m_state; }
    /// Whether a command was sent and its answer has not come yet.
    bool isBusy() const { return m_busy; }
    /// The current (or last) run's folder; empty before the first.
    QString runDir() const { return m_session.runDir; }
    long long step() const { return m_step; }

    void saveSettings(QSettings& settings) const;
    void restoreSettings(const QSettings& settings);

    bool exportCsv(const QString& path);
    bool exportPng(const QString& path);
    /// The settings behind the plots, for an export's caption line and PNG text (empty before a run).
    QString figureCaption() const;
    /// Asks where to save the plots, then exportPng (File › Export).
    void exportPngAsk();

public Q_SLOTS:
    /// Start a new run with the settings shown, or resume a paused one.
    void startOrResume();
    void pause();
    void singleStep();
    void stop();
    void saveCheckpoint();
    /// Opens a run folder or a .ckpt file (paused at its step); asks for one when path is empty.
    void openCheckpoint(const QString& path = QString());

Q_SIGNALS:
    void stateChanged(ddpm::ui::TrainingWorker::State state);
    void trainingFailed(const QString& message);
    /// A checkpoint of the run in runDir was written: the trained model can be evaluated.
    void modelSaved(const QString& runDir);

private:
    QWidget* buildControls();
    QWidget* buildPreviews();
    QPushButton* addButton(const QString& objectName, const QString& text, const QString& toolTip, void (TrainingPage::*slot)());
    void send(void (TrainingWorker::*command)());
    void updateButtons();
    /// A paused run takes Steps as its new total.
    void onTotalStepsEdited(long long steps);
    /// After a run: the curves and samples shown become the previous run's, and say so.
    void onOptionsEdited();
    /// The data preview stops showing data that is no longer chosen, until the new one is in.
    void onModelInputsChanged();
    /// The EMA samples' text before this session's next preview: at which step it comes.
    void showNextPreviewStep();
    void requestInspection();
    void onInspected(const DataInspection& result);
    void onStarted(const TrainingSession& session);
    void onState(TrainingWorker::State state, qint64 step);
    void onProgress(const TrainingProgress& progress);
    void onPreviewStarted(qint64 step);
    void onPreview(const TrainingPreview& preview);
    void onCheckpoint(const QString& path, qint64 step);
    void onFinished(qint64 step);
    void onFailed(const QString& message);
    void showError(const QString& message);
    void openCheckpointAsk();
    void exportCsvAsk();

    QThread* m_thread = nullptr;
    std::shared_ptr<ddpm::ThreadBudget> m_budget; // a run's count: the budget's training share
    TrainingWorker* m_worker = nullptr;
    QThread* m_inspectorThread = nullptr;
    DataInspector* m_inspector = nullptr;
    QTimer* m_inspectTimer = nullptr;
    quint64 m_inspectId = 0;
    quint64 m_answeredId = 0;   // the newest inspection answered
    bool m_startPending = false; // Start waits for the inspection in flight

    State m_state = State::Idle;
    bool m_busy = false;
    long long m_step = 0;
    TrainingSession m_session;
    bool m_previewShown = false;     // this session's EMA samples are on the page
    QString m_previewCaption;        // and what they are
    bool m_showsPreviousRun = false; // the settings changed since the run on the page ended
    QString m_dataPreviewKey;        // the data (spec and image size) the data preview shows; empty: none
    QString m_inspectDataKey;        // the data of the inspection in flight

    TrainingOptions* m_options = nullptr;
    TrainingPlots* m_plots = nullptr;
    SamplePreview* m_dataPreview = nullptr;
    SamplePreview* m_samplePreview = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_step1 = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_exportCsv = nullptr;
    QPushButton* m_exportPng = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_speed = nullptr;
    QLabel* m_runtime = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_runFolder = nullptr;
    QLabel* m_checkpoint = nullptr;
};

} // namespace ddpm::ui
