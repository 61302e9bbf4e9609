// ForwardWorker: computes what the Forward process page shows (x_0, the noise, x_t, a strip
// of x_t at evenly spaced t, the histogram of x_t against theory) on its own thread; in
// compare mode x_t both from the closed form and from the Markov chain (same t, same seed).
//
// Requests and results are plain values (jobs/forward_job.h, no torch types), passed by
// queued signals. Requests are coalesced: only the latest pending one runs, and a running
// Markov-chain walk stops as soon as a newer request arrives (its progress is kept for the
// next one).
// The diffusion work is core's: the walk is ddpm::ForwardChain (the same per-step seeded walk
// as Diffusion::qSampleChain and `ddpm noise --chain`), the histogram and theory come from
// ddpm/forward_stats.h; this class only caches, converts to QImage and reports. It runs at the
// thread budget's count for a job other than training, re-read between chain steps.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include <QObject>

#include "jobs/forward_job.h"

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

class ForwardWorker : public QObject {
    Q_OBJECT
public:
    /// budget: the threads shared with the other pages' workers (null: one of its own).
    explicit ForwardWorker(std::shared_ptr<ddpm::ThreadBudget> budget = nullptr, QObject* parent = nullptr);
    ~ForwardWorker() override;

    /// Thread-safe. Replaces any pending request, asks a running one to stop, and schedules
    /// processing on the worker's thread.
    void submit(const ForwardRequest& request);
    /// Thread-safe. Drops the pending request and stops the running one.
    void cancel();

    /// Largest memory (bytes) kept for walked Markov-chain states.
    static constexpr std::int64_t kChainCacheBytes = 160LL * 1024 * 1024;

Q_SIGNALS:
    /// A frame (complete or not) for request id.
    void resultReady(const ddpm::ui::ForwardResult& result);
    /// Markov-chain walk progress for request id: step done of total (at most about 20 per second).
    void progress(quint64 id, int done, int total);

private:
    void processPending();
    void compute(const ForwardRequest& request);

    struct Cache;
    std::unique_ptr<Cache> m_cache; // used on the worker thread only

    std::mutex m_mutex;
    std::unique_ptr<ForwardRequest> m_pending; // guarded by m_mutex
    bool m_scheduled = false;                  // guarded by m_mutex
    std::atomic<bool> m_stop{false};
    std::shared_ptr<ddpm::ThreadBudget> m_budget;
};

} // namespace ddpm::ui
