// BoundWorker: evaluates the variational bound (core's evaluateBound) off the GUI thread.
// Plain values in (BoundRequest) and out (BoundReport), from jobs/bound_job.h; progress
// arrives through queued signals at most about 25 times a second; a per-request atomic flag
// cancels. Runs at the thread budget's count for a job other than training, re-read between
// timestep batches.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include "ddpm/progress.h"
#include "jobs/bound_job.h"

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

class BoundWorker : public QObject {
    Q_OBJECT
public:
    /// budget: the threads shared with the other pages' workers (null: one of its own).
    explicit BoundWorker(std::shared_ptr<ddpm::ThreadBudget> budget = nullptr, QObject* parent = nullptr);

    /// Runs in the worker's thread (invoke it queued). Emits progress while it works and then
    /// exactly one of finished, failed or cancelled, each carrying request.id.
    void run(const BoundRequest& request);

    /// The computation itself, in the calling thread: resize, build schedule and model,
    /// evaluate. Throws ddpm::Error on bad input and ddpm::Cancelled when stop is set.
    static BoundReport compute(const BoundRequest& request, const ddpm::ProgressFn& progress = {});

Q_SIGNALS:
    /// done of total timesteps, at most about 25 per second (the last one always arrives).
    void progress(quint64 id, qint64 done, qint64 total);
    void finished(const ddpm::ui::BoundReport& report);
    void failed(quint64 id, const QString& message);
    void cancelled(quint64 id);

private:
    std::shared_ptr<ddpm::ThreadBudget> m_budget;
};

} // namespace ddpm::ui
