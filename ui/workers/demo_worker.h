// DemoWorker: the Reverse chain page's demonstrations off the GUI thread (core's
// paper_figures.h and two recorded chains for a side-by-side). Plain values in (DemoRequest)
// and out (DemoResult), from jobs/demo_job.h. Lives on the page's worker thread beside
// SamplingWorker; progress goes through a RateGate; a per-request atomic flag cancels. Runs
// at the thread budget's count for a job other than training, re-read between steps.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include "jobs/demo_job.h"

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

class DemoWorker : public QObject {
    Q_OBJECT
public:
    /// budget: the threads shared with the other pages' workers (null: one of its own).
    explicit DemoWorker(std::shared_ptr<ddpm::ThreadBudget> budget = nullptr, QObject* parent = nullptr);

    /// Runs in the worker's thread (invoke it queued). Emits progress, then exactly one of
    /// finished, failed or cancelled, each carrying request.id. Progressive generation
    /// (Fig. 6) is not the worker's: it fails.
    void run(const ddpm::ui::DemoRequest& request);

Q_SIGNALS:
    /// done of total units (chain steps, or the bound's timesteps); total 0 while unknown.
    void progress(quint64 id, int done, int total);
    void finished(const ddpm::ui::DemoResult& result);
    void failed(quint64 id, const QString& message);
    void cancelled(quint64 id);

private:
    std::shared_ptr<ddpm::ThreadBudget> m_budget;
};

} // namespace ddpm::ui
