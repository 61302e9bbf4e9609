#include "workers/sampling_worker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>

#include <ATen/ATen.h>

#include "ddpm/animation.h"
#include "ddpm/dataset.h"
#include "ddpm/error.h"
#include "ddpm/memory_budget.h"
#include "ddpm/model.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/sampler.h"
#include "ddpm/sampling_plan.h"
#include "ddpm/schedule.h"
#include "ddpm/thread_budget.h"
#include "ddpm/trajectory.h"
#include "workers/chain_model.h"
#include "workers/worker_support.h"

namespace ddpm::ui {

namespace {

using Clock = std::chrono::steady_clock;

QVector<float> floatsOf(const at::Tensor& t)
{
    if (!t.defined())
        return {};
    const at::Tensor c = t.to(at::kCPU, at::kFloat).contiguous();
    return QVector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

QByteArray bytesOf(const at::Tensor& t)
{
    if (!t.defined())
        return {};
    const at::Tensor c = t.to(at::kCPU, at::kByte).contiguous();
    return QByteArray(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<qsizetype>(c.numel()));
}

ChainFrame chainFrame(const ddpm::TrajectoryFrame& f, bool images)
{
    ChainFrame out;
    out.step = f.step;
    out.t = f.t;
    if (images) {
        out.xt = bytesOf(f.xt);
        out.x0 = bytesOf(f.x0);
        out.eps = bytesOf(f.eps);
    } else {
        out.pointsXt = floatsOf(f.xt);
        out.pointsX0 = floatsOf(f.x0);
        out.pointsEps = floatsOf(f.eps);
    }
    return out;
}

/// Up to 2,000 points of a toy set (drawn as the oracle draws them: seed 0).
void loadBackdrop(const std::string& dataSpec, ChainInfo& info)
{
    const ddpm::DataSpec spec = ddpm::DataSpec::parse(dataSpec);
    if (spec.isImages())
        return;
    ddpm::DataLoadOptions options;
    options.limit = 2000;
    options.seed = 0;
    const at::Tensor data = ddpm::loadData(spec, options).to(at::kDouble).contiguous();
    if (data.dim() != 2 || data.size(1) < 2)
        return;
    const double* d = data.data_ptr<double>();
    const std::int64_t dims = data.size(1);
    for (std::int64_t i = 0; i < data.size(0); ++i) {
        info.dataX.push_back(d[i * dims]);
        info.dataY.push_back(d[i * dims + 1]);
    }
}

ChainStep chainStep(const ddpm::StepStatistics& st)
{
    ChainStep s;
    s.step = st.step;
    s.t = st.t;
    s.xtStd = st.xtStd;
    s.x0Change = st.x0Change;
    s.itemXtStd = QVector<float>(st.itemXtStd.begin(), st.itemXtStd.end());
    s.itemX0Change = QVector<float>(st.itemX0Change.begin(), st.itemX0Change.end());
    return s;
}

} // namespace

/// A chain with what recomputing its steps takes; members in construction order (the plan
/// refers to the model and the fallback schedule).
struct SamplingWorker::Chain {
    quint64 id = 0;
    bool images = true;
    ddpm::NoiseSchedule fallback;
    std::unique_ptr<ddpm::DenoiseModel> model;
    std::unique_ptr<ddpm::SamplingPlan> plan;
    std::unique_ptr<ddpm::Trajectory> trajectory;

    explicit Chain(ddpm::NoiseSchedule schedule) : fallback(std::move(schedule)) {}
};

SamplingWorker::SamplingWorker(std::shared_ptr<ddpm::ThreadBudget> budget, QObject* parent)
    : QObject(parent), m_budget(threadBudgetOrOwn(std::move(budget)))
{
    qRegisterMetaType<ddpm::ui::ChainInfo>();
    qRegisterMetaType<ddpm::ui::ChainUpdate>();
    qRegisterMetaType<ddpm::ui::ChainFrame>();
}

SamplingWorker::~SamplingWorker() = default;

std::size_t SamplingWorker::frameBudget()
{
    const std::int64_t available = ddpm::availableMemoryBytes();
    const std::int64_t lo = 64LL << 20, hi = 1LL << 30;
    return static_cast<std::size_t>(available > 0 ? std::clamp(available / 4, lo, hi) : 256LL << 20);
}

void SamplingWorker::run(const SamplingRequest& request)
{
    const quint64 id = request.id;
    const auto start = Clock::now();
    const SamplingSettings& s = request.settings;
    m_last.reset(); // a new chain replaces the one that recomputed
    try {
        ddpm::throwIfCancelled(request.stop.get());
        const int threads = m_budget->applyOtherJobThreads(); // in this thread, before any torch work
        if (s.batch < 1 || s.batch > 4096)
            throw ddpm::Error("Batch " + std::to_string(s.batch) + " is outside 1..4096.");
        auto chain = std::make_unique<Chain>(s.oracleSchedule.build());
        chain->id = id;
        chain->model = makeChainModel(s, chain->fallback);
        ddpm::DenoiseModel* model = chain->model.get();
        const std::vector<std::int64_t> item = model->itemShape();
        const ddpm::Parameterization param = model->parameterization();
        const ddpm::SamplingSpec spec = chainSamplingSpec(s, *model);
        chain->plan = std::make_unique<ddpm::SamplingPlan>(*model, spec, &chain->fallback, ddpm::pickDevice("auto"));
        chain->trajectory = std::make_unique<ddpm::Trajectory>(s.batch, item, chain->plan->timesteps(),
                                                         request.frameBudget > 0 ? std::size_t(request.frameBudget)
                                                                                 : frameBudget());
        ddpm::SamplingPlan& plan = *chain->plan;
        ddpm::Trajectory& trajectory = *chain->trajectory;

        ChainInfo info;
        info.id = id;
        info.settings = s;
        info.modelLabel = request.modelLabel;
        info.modelName = QString::fromStdString(model->name());
        info.planText = QString::fromStdString(plan.describe());
        info.originalSteps = plan.originalSchedule().steps();
        info.timesteps = QVector<int>(plan.timesteps().begin(), plan.timesteps().end());
        info.itemShape = QVector<qint64>(item.begin(), item.end());
        info.batch = s.batch;
        info.stride = trajectory.stride();
        info.learnsVariance = param.learnsVariance();
        info.threads = threads;
        if (!info.images()) {
            const std::string data = modelDataSpec(s);
            if (!data.empty()) {
                loadBackdrop(data, info);
                info.dataText = QString::fromStdString(data)
                    + (s.isOracle() ? QStringLiteral(" (the oracle's data)") : QStringLiteral(" (its training data)"));
            }
        }
        Q_EMIT started(info);

        ChainUpdate pending;
        pending.id = id;
        pending.total = plan.steps();
        pending.threads = threads;
        RateGate gate;
        const auto flush = [this, &pending] {
            Q_EMIT update(pending);
            pending.frames.clear();
            pending.steps.clear();
        };
        const bool images = info.images();
        chain->images = images;
        ddpm::Rng rng(s.seed);
        trajectory.run(
            plan.sampler(), rng,
            [&](long long done, long long total) {
                pending.done = static_cast<int>(done);
                // Training started or stopped meanwhile: the next step runs at the new share.
                pending.threads = m_budget->applyOtherJobThreads();
                if (gate.pass(done >= total))
                    flush();
            },
            request.stop.get(), [&](const ddpm::TrajectoryFrame& f) { pending.frames.push_back(chainFrame(f, images)); },
            [&](const ddpm::StepStatistics& st) { pending.steps.push_back(chainStep(st)); });
        flush();
        if (trajectory.stride() > 1) {
            trajectory.releaseStoredFrames(); // the page holds them
            m_last = std::move(chain);
        }
        Q_EMIT finished(id, std::chrono::duration<double>(Clock::now() - start).count());
    } catch (const ddpm::Cancelled&) {
        Q_EMIT cancelled(id);
    } catch (...) {
        Q_EMIT failed(id, currentErrorText(QString()));
    }
}

void SamplingWorker::recompute(quint64 id, int step)
{
    try {
        if (!m_last || m_last->id != id)
            throw ddpm::Error("That chain is no longer kept; run it again.");
        m_budget->applyOtherJobThreads();
        const ddpm::TrajectoryFrame f = m_last->trajectory->frameAt(step, m_last->plan->sampler());
        Q_EMIT frameRecomputed(id, chainFrame(f, m_last->images));
    } catch (...) {
        Q_EMIT recomputeFailed(id, step, currentErrorText(QString()));
    }
}

void SamplingWorker::writeAnimation(const std::vector<ddpm::Image>& frames, const QString& path, double fps)
{
    try {
        ddpm::writeAnimation(frames, path.toStdString(), fps);
        Q_EMIT animationWritten(path);
    } catch (...) {
        Q_EMIT animationFailed(currentErrorText(QString()));
    }
}

} // namespace ddpm::ui
