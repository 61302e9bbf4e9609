// TrainingWorker: owns one training session (core's Trainer and its RunDirectory) in a
// worker thread and runs it in chunks of steps, so commands are heard between chunks.
//
// Every public command may be called from any thread: it is queued to the worker's thread
// (pause and stop also raise an atomic flag that the chunk loop and a preview's sampler check
// between steps, so they take effect within one step). Results come back as plain values
// (jobs/training_job.h, no torch types): progress at most about 25 times a second with every
// step's report batched, EMA sample previews, checkpoint paths, state changes and failures. The
// run folder gets what `ddpm train` writes: config.json, metrics.csv, checkpoints/, samples/,
// and is locked for the session (core's RunLock), so a folder another process trains in (the
// CLI, another window) is refused with a message naming that process. A session holds its
// torch thread count in the thread budget from start to end (ThreadBudget::holdTraining: the
// budget's training share, or a resumed run's own count) and runs at it in the worker's thread.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

#include "ddpm/thread_budget.h"
#include "jobs/training_job.h"
#include "workers/worker_support.h"

namespace ddpm {
class RunDirectory;
class RunLock;
class Trainer;
} // namespace ddpm

namespace ddpm::ui {

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused };
    Q_ENUM(State)

    /// budget: the threads shared with the other pages' workers (null: one of its own).
    explicit TrainingWorker(std::shared_ptr<ddpm::ThreadBudget> budget = nullptr, QObject* parent = nullptr);
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
    /// A new total for the paused session, more than the steps done (fails with a message
    /// otherwise); written to the run's config.json, so `ddpm train --resume` goes on to it too.
    /// Progress with the new total and ETA follows.
    void setTotalSteps(long long steps);
    /// Saves a checkpoint (unless this step's is saved) and ends the session; without one it
    /// just answers Idle.
    void stop();
    void saveCheckpoint();

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
    void doSetTotalSteps(long long steps);
    void doStop();
    void doSave();
    void beginSession(const QString& resumedFrom);
    /// Holds threads in the budget for the session and sets this thread's count to it.
    void holdThreads(int threads);
    void runChunk();
    void scheduleChunk();
    void trainOneStep();
    void makePreview(long long step);
    QString saveNow();
    void emitProgress(bool force);
    void endSession();
    void setState(State state);
    void fail(const QString& context, bool endIt);

    std::shared_ptr<ddpm::ThreadBudget> m_budget;
    ddpm::ThreadBudget::TrainingHold m_hold; // while a session exists
    std::unique_ptr<ddpm::Trainer> m_trainer;
    std::unique_ptr<ddpm::RunLock> m_lock;  // held while m_run is written
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
