// TrainingWorker: owns one training session (core's Trainer and its RunDirectory) in a
// worker thread and runs it in chunks of steps, so commands are heard between chunks.
//
// Every public command may be called from any thread: it is queued to the worker's thread
// (pause and stop also raise an atomic flag that the chunk loop and a preview's sampler check
// between steps, so they take effect within one step). Results come back as plain values
// (no torch types): progress at most about 25 times a second with every step's report
// batched, EMA sample previews, checkpoint paths, state changes and failures. The run folder
// gets what `ddpm train` writes: config.json, metrics.csv, checkpoints/, samples/.
#pragma once

#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <array>
#include <atomic>
#include <memory>
#include <vector>

#include "ddpm/train_config.h"
#include "workers/worker_support.h"

namespace ddpm {
class RunDirectory;
class Trainer;
} // namespace ddpm

namespace ddpm::ui {

/// What Start trains: every setting of the run, and where its files go.
struct TrainingSettings {
    ddpm::TrainConfig config;
    QString runDir; ///< empty: a new folder runs/<date-time> under the app's data location
};

/// One training step's report, plus the training time so far.
struct TrainingPoint {
    long long step = 0;
    double wallSeconds = 0;     ///< training time of this session up to this step (previews included)
    double loss = 0;
    double gradNorm = 0;        ///< before clipping
    double lr = 0;
    double itemsPerSecond = 0;
    std::array<double, 10> bucketLoss{}; ///< mean loss with t in the k-th tenth of 1..T (NaN: none)
};

/// Steps done since the last progress signal, and where the run stands.
struct TrainingProgress {
    std::vector<TrainingPoint> points; ///< oldest first; each step exactly once
    long long step = 0;
    long long totalSteps = 0;
    double itemsPerSecond = 0;  ///< smoothed over recent steps
    double etaSeconds = -1;     ///< to totalSteps at that rate; -1 unknown
};

/// A session that began (Start or Open checkpoint).
struct TrainingSession {
    QString runDir;
    QString resumedFrom;        ///< the checkpoint file, when resumed
    long long step = 0;         ///< steps already done
    long long totalSteps = 0;
    bool images = true;
    qint64 parameterCount = 0;
    QString summary;            ///< e.g. "mlp tiny (37,762 parameters), eps, small variance, simple loss on toy:moons"
    QString runtime;            ///< e.g. "CPU · 2 threads"
    ddpm::TrainConfig config;   ///< with the defaults the trainer filled in
    QImage dataGrid;            ///< images: real examples
    std::vector<double> dataX;  ///< points: up to 5,000 of the data
    std::vector<double> dataY;
};

/// An EMA sample preview: an image grid, or points for 2-D data.
struct TrainingPreview {
    long long step = 0;
    QImage image;
    std::vector<double> x;
    std::vector<double> y;
};

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused };
    Q_ENUM(State)

    explicit TrainingWorker(QObject* parent = nullptr);
    ~TrainingWorker() override;

    /// Loads the data, builds the trainer, creates the run folder, then runs. Ignored (failed)
    /// while a session exists.
    void start(const TrainingSettings& settings);
    /// Resumes the run a folder's newest checkpoint or a .ckpt file holds, paused at its step.
    /// totalSteps > the checkpoint's step raises the run's total; a checkpoint outside a run
    /// folder continues in a new folder.
    void openCheckpoint(const QString& path, long long totalSteps = 0);
    void pause();
    void resume();
    /// One step while paused.
    void singleStep();
    /// Saves a checkpoint (unless this step's is saved) and ends the session; without one it
    /// just answers Idle.
    void stop();
    void saveCheckpoint();

    /// The default folder of a new run: AppDataLocation/runs/yyyyMMdd-HHmmss.
    static QString defaultRunDir();

Q_SIGNALS:
    void started(const ddpm::ui::TrainingSession& session);
    void stateChanged(ddpm::ui::TrainingWorker::State state, qint64 step);
    void progress(const ddpm::ui::TrainingProgress& progress);
    /// A preview's sampling began (it runs between steps and may take a while for images).
    void previewStarted(qint64 step);
    void previewReady(const ddpm::ui::TrainingPreview& preview);
    void checkpointSaved(const QString& path, qint64 step);
    /// The run reached its total steps (a checkpoint is saved; the session ends, Idle follows).
    void finished(qint64 step);
    /// A message for the user; the session stays unless it cannot go on (then Idle follows).
    void failed(const QString& message);

private:
    void doStart(const TrainingSettings& settings);
    void doOpen(const QString& path, long long totalSteps);
    void doPause();
    void doResume();
    void doStep();
    void doStop();
    void doSave();
    void beginSession(const QString& resumedFrom);
    void runChunk();
    void scheduleChunk();
    void trainOneStep();
    void makePreview(long long step);
    QString saveNow();
    void emitProgress(bool force);
    void endSession();
    void setState(State state);
    void fail(const QString& context, bool endIt);

    std::unique_ptr<ddpm::Trainer> m_trainer;
    std::unique_ptr<ddpm::RunDirectory> m_run;
    std::atomic<bool> m_interrupt{false};
    State m_state = State::Idle;
    bool m_chunkQueued = false;
    long long m_savedStep = -1;        // the step of the newest checkpoint saved
    double m_wallSeconds = 0;
    double m_itemsPerSecond = 0;
    std::vector<TrainingPoint> m_pending;
    RateGate m_gate;
};

} // namespace ddpm::ui

Q_DECLARE_METATYPE(ddpm::ui::TrainingSession)
Q_DECLARE_METATYPE(ddpm::ui::TrainingProgress)
Q_DECLARE_METATYPE(ddpm::ui::TrainingPreview)
