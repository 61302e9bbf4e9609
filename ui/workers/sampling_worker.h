// SamplingWorker: runs a reverse chain off the GUI thread and records it (core's
// SamplingPlan, Sampler and Trajectory). Plain values in (SamplingRequest) and out (ChainInfo,
// ChainUpdate), from jobs/sampling_job.h. Frames and statistics stream out while the chain
// is computed, batched into at most about 25 updates a second; a per-request atomic flag
// cancels. When the memory bound stored only every k-th step, the last finished chain stays
// here (model, plan and key frames; not the frames the page already holds) so any step between
// stored ones can be recomputed on request. It also writes animations (core's
// writeAnimation), which can take seconds. Chains run at the thread budget's count for a job
// other than training (ThreadBudget::applyOtherJobThreads), set in the worker's thread at the
// start and re-read between steps.
#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

#include "ddpm/image.h"
#include "jobs/sampling_job.h"

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

class SamplingWorker : public QObject {
    Q_OBJECT
public:
    /// budget: the threads shared with the other pages' workers (null: one of its own).
    explicit SamplingWorker(std::shared_ptr<ddpm::ThreadBudget> budget = nullptr, QObject* parent = nullptr);
    ~SamplingWorker() override;

    /// Runs in the worker's thread (invoke it queued). Emits started, then updates, then
    /// exactly one of finished, failed or cancelled, each carrying request.id (failed may
    /// come without started, e.g. for a checkpoint that does not load).
    void run(const ddpm::ui::SamplingRequest& request);

    /// Recomputes chain step k (1..K) of the last finished chain, when it is chain id and
    /// stored only every k-th step; emits frameRecomputed, or recomputeFailed with the reason.
    void recompute(quint64 id, int step);

    /// Writes frames as an animation (GIF, MP4 or WebM by the extension) at fps; emits
    /// animationWritten or animationFailed.
    void writeAnimation(const std::vector<ddpm::Image>& frames, const QString& path, double fps);

    /// Bytes the recorded frames may take: a quarter of the memory available now, within
    /// 64 MiB .. 1 GiB (a larger chain keeps every k-th step; see Trajectory).
    static std::size_t frameBudget();

private:
    struct Chain;
    std::unique_ptr<Chain> m_last; // the last finished chain that recomputes (stride > 1)
    std::shared_ptr<ddpm::ThreadBudget> m_budget;

Q_SIGNALS:
    void started(const ddpm::ui::ChainInfo& info);
    void update(const ddpm::ui::ChainUpdate& update);
    void finished(quint64 id, double seconds);
    void failed(quint64 id, const QString& message);
    void cancelled(quint64 id);
    void frameRecomputed(quint64 id, const ddpm::ui::ChainFrame& frame);
    void recomputeFailed(quint64 id, int step, const QString& message);
    void animationWritten(const QString& path);
    void animationFailed(const QString& message);
};

} // namespace ddpm::ui
