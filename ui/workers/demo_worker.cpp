#include "workers/demo_worker.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "ddpm/bound.h"
#include "ddpm/dataset.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/image_tensor.h"
#include "ddpm/model.h"
#include "ddpm/paper_figures.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/sample_grid.h"
#include "ddpm/sampler.h"
#include "ddpm/sampling_plan.h"
#include "ddpm/schedule.h"
#include "ddpm/strip.h"
#include "ddpm/thread_budget.h"
#include "ddpm/trajectory.h"
#include "chain_images.h"
#include "workers/chain_model.h"
#include "workers/sampling_worker.h"
#include "workers/worker_support.h"

namespace ddpm::ui {

namespace {

/// Side-by-side chains keep at most this many pictures each (evenly spaced, both ends kept).
constexpr int kSidePictures = 101;
/// Figure tiles are enlarged (whole pixels) to at least this side.
constexpr int kTileSide = 64;
constexpr int kFig7Samples = 4;
constexpr int kFig5Images = 8;
constexpr int kFig5Points = 24;

/// What every demonstration starts from: the model with its fallback schedule (which the
/// model may refer to, so neither moves).
struct Setup {
    explicit Setup(const SamplingSettings& s)
        : fallback(s.oracleSchedule.build()), model(makeChainModel(s, fallback)), item(model->itemShape())
    {
    }
    Setup(const Setup&) = delete;
    Setup& operator=(const Setup&) = delete;
    bool images() const { return item.size() == 3; }

    ddpm::NoiseSchedule fallback;
    std::unique_ptr<ddpm::DenoiseModel> model;
    std::vector<std::int64_t> item;
};

std::unique_ptr<ddpm::SamplingPlan> makePlan(Setup& setup, const SamplingSettings& s)
{
    return std::make_unique<ddpm::SamplingPlan>(*setup.model, chainSamplingSpec(s, *setup.model), &setup.fallback,
                                                ddpm::pickDevice("auto"));
}

/// Up to `count` items of the model's data ([N, C, H, W] in [-1, 1]) shaped as the model's
/// items; test: Fashion-MNIST's test split. Throws ddpm::Error saying why there are none.
at::Tensor dataImages(const SamplingSettings& s, const Setup& setup, int count, bool test)
{
    if (!setup.images())
        throw ddpm::Error("This demonstration needs images; the model makes 2-D points.");
    const std::string text = modelDataSpec(s);
    if (text.empty())
        throw ddpm::Error("The model does not say which data it was trained on (no data.spec in its checkpoint), so "
                          "there is no image to start from.");
    ddpm::DataSpec spec = ddpm::DataSpec::parse(text);
    if (!spec.isImages())
        throw ddpm::Error("The model's data (" + text + ") holds no images.");
    if (test && spec.kind == ddpm::DataSpec::Kind::FashionMnist)
        spec.path = "test";
    ddpm::DataLoadOptions options;
    options.limit = count;
    options.gray = setup.item[0] == 1;
    if (setup.item[1] == setup.item[2])
        options.size = static_cast<int>(setup.item[1]);
    return ddpm::loadData(spec, options);
}

ddpm::Image tile(const at::Tensor& image)
{
    return enlarged(ddpm::tensorToImage(image.detach().to(at::kCPU, at::kFloat)), kTileSide);
}

std::string tLabel(int t) { return "t = " + std::to_string(t); }

/// Evenly spaced indices 0..n-1, both ends kept, at most count.
std::vector<int> spread(int n, int count)
{
    std::vector<int> out;
    count = std::min(count, n);
    for (int j = 0; j < count; ++j) {
        const int i = count == 1 ? 0 : static_cast<int>(std::lround(double(j) * (n - 1) / (count - 1)));
        if (out.empty() || out.back() != i)
            out.push_back(i);
    }
    return out;
}

class Runner {
public:
    Runner(DemoWorker& worker, const DemoRequest& request, const ddpm::ThreadBudget& budget)
        : m_worker(worker), m_request(request), m_stop(request.stop.get()), m_budget(budget)
    {
    }

    DemoResult run()
    {
        DemoResult result;
        result.id = m_request.id;
        result.kind = m_request.kind;
        result.title = demoName(m_request.kind);
        report(0, 0, true);
        Setup setup(m_request.settings);
        switch (m_request.kind) {
        case DemoKind::SideBySide: sideBySide(setup, result); break;
        case DemoKind::SharingXt: sharingXt(setup, result); break;
        case DemoKind::Interpolation: interpolation(setup, result); break;
        case DemoKind::RateDistortion: rateDistortion(setup, result); break;
        case DemoKind::Progressive:
            throw ddpm::Error("Progressive generation is drawn from the recorded chain, not computed.");
        }
        return result;
    }

private:
    /// Progress, and between steps the thread budget's count again (training may have started).
    void report(long long done, long long total, bool force = false)
    {
        m_budget.applyOtherJobThreads();
        if (m_gate.pass(force || done >= total))
            Q_EMIT m_worker.progress(m_request.id, static_cast<int>(done), static_cast<int>(total));
    }

    QString modelText(const ddpm::SamplingPlan& plan) const
    {
        return m_request.modelLabel + QStringLiteral(" (") + QString::fromStdString(plan.describe())
            + QStringLiteral(")");
    }

    QString seedText() const
    {
        return QStringLiteral("; seed %1. DDPM Studio.").arg(m_request.settings.seed);
    }

    void sideBySide(Setup& setup, DemoResult& result)
    {
        const auto [a, b] = comparedSettings(m_request.settings, m_request.comparison);
        at::Tensor backdrop;
        if (!setup.images()) {
            const std::string data = modelDataSpec(m_request.settings);
            if (!data.empty() && !ddpm::DataSpec::parse(data).isImages()) {
                ddpm::DataLoadOptions options;
                options.limit = 2000;
                backdrop = ddpm::loadData(ddpm::DataSpec::parse(data), options);
            }
        }
        auto planA = makePlan(setup, a);
        auto planB = makePlan(setup, b);
        const long long total = planA->steps() + planB->steps();
        long long offset = 0;
        const int batch = std::max(1, m_request.settings.batch);
        const auto record = [&](ddpm::SamplingPlan& plan, const SamplingSettings& s, SideChain& side) {
            ddpm::Trajectory trajectory(batch, setup.item, plan.timesteps(), SamplingWorker::frameBudget() / 2);
            ddpm::Rng rng(s.seed); // the same seed: the same x_T for both chains
            trajectory.run(plan.sampler(), rng, [&](long long done, long long) { report(offset + done, total); },
                           m_stop);
            offset += plan.steps();
            const auto& frames = trajectory.frames();
            for (int i : spread(static_cast<int>(frames.size()), kSidePictures)) {
                const ddpm::TrajectoryFrame& f = frames[static_cast<size_t>(i)];
                side.pictures.push_back(setup.images()
                                            ? ddpm::sampleGrid(f.xt.to(at::kFloat) / 127.5 - 1.0, 240)
                                            : ddpm::scatterPlot(f.xt.narrow(1, 0, 2), backdrop, 320));
                side.ts.push_back(f.t);
            }
            side.title = comparisonTitle(s, m_request.comparison);
            side.planText = QString::fromStdString(plan.describe());
        };
        record(*planA, a, result.left);
        record(*planB, b, result.right);
        result.title = QStringLiteral("%1: %2 | %3").arg(demoName(DemoKind::SideBySide), result.left.title,
                                                          result.right.title);
        result.caption = QStringLiteral("Side by side from the same x_T: %1, left %2, right %3; batch %4%5")
                             .arg(m_request.modelLabel, result.left.planText, result.right.planText)
                             .arg(batch)
                             .arg(seedText());
    }

    /// Chain steps at about 25, 50, 75 and 100 % of K, without repeats.
    static std::vector<int> quarterSteps(int k)
    {
        std::vector<int> ks;
        for (int q = 1; q <= 4; ++q) {
            const int step = std::max(1, static_cast<int>(std::lround(k * q / 4.0)));
            if (ks.empty() || ks.back() != step)
                ks.push_back(step);
        }
        return ks;
    }

    void sharingXt(Setup& setup, DemoResult& result)
    {
        const at::Tensor x0 = dataImages(m_request.settings, setup, 1, false);
        auto plan = makePlan(setup, sharingXtSettings(m_request.settings)); // always DDPM, as the paper
        const std::vector<int> ks = quarterSteps(plan->steps());
        ddpm::Rng rng(m_request.settings.seed);
        std::vector<ddpm::Image> rows;
        long long done = 0, total = 0;
        for (int k : ks)
            total += static_cast<long long>(k) * kFig7Samples;
        for (int k : ks) {
            const at::Tensor samples = ddpm::samplesSharingXt(plan->sampler(), x0, {k}, kFig7Samples, rng, m_stop)[0];
            done += static_cast<long long>(k) * kFig7Samples;
            report(done, total);
            const int t = plan->timesteps()[static_cast<size_t>(k - 1)];
            std::vector<ddpm::Image> tiles{tile(x0[0])};
            std::vector<std::string> labels{"x0"};
            std::vector<ddpm::Image> row;
            for (std::int64_t i = 0; i < samples.size(0); ++i) {
                row.push_back(tile(samples[i]));
                tiles.push_back(row.back());
                labels.push_back(i == 0 ? "from x_t, " + tLabel(t) : "sample " + std::to_string(i + 1));
            }
            result.tiles.push_back(row);
            result.rowTs.push_back(t);
            rows.push_back(ddpm::composeStrip(tiles, labels));
        }
        result.figure = ddpm::stackVertically(rows);
        const QString sampler = sharingXtSamplerText(m_request.settings);
        result.title += QStringLiteral(": ") + sampler;
        result.caption = QStringLiteral("Fig. 7 (Ho et al. 2020): %1 samples sharing x_t of the data's first image, "
                                        "one row per t, sampled with %2; %3%4")
                             .arg(kFig7Samples)
                             .arg(sampler, modelText(*plan))
                             .arg(seedText());
    }

    void interpolation(Setup& setup, DemoResult& result)
    {
        const at::Tensor images = dataImages(m_request.settings, setup, 2, false);
        if (images.size(0) < 2)
            throw ddpm::Error("Interpolation needs two images; the model's data holds one.");
        auto plan = makePlan(setup, m_request.settings);
        const int k = std::max(1, plan->steps() / 2);
        std::vector<double> lambdas;
        for (int i = 0; i <= 8; ++i)
            lambdas.push_back(i / 8.0);
        ddpm::Rng rng(m_request.settings.seed);
        report(0, 1, true);
        const at::Tensor out = ddpm::interpolateThroughXt(plan->sampler(), images.narrow(0, 0, 1),
                                                          images.narrow(0, 1, 1), k, lambdas, rng, m_stop);
        report(1, 1);
        std::vector<ddpm::Image> tiles{tile(images[0])};
        std::vector<std::string> labels{"x0"};
        std::vector<ddpm::Image> row;
        for (std::int64_t i = 0; i < out.size(0); ++i) {
            row.push_back(tile(out[i]));
            tiles.push_back(row.back());
            char text[32];
            std::snprintf(text, sizeof text, "lambda %.3g", lambdas[static_cast<size_t>(i)]);
            labels.emplace_back(text);
        }
        tiles.push_back(tile(images[1]));
        labels.emplace_back("x0'");
        result.tiles.push_back(row);
        result.rowTs.push_back(plan->timesteps()[static_cast<size_t>(k - 1)]);
        result.figure = ddpm::composeStrip(tiles, labels);
        result.caption = QStringLiteral("Fig. 8 (Ho et al. 2020): the data's first two images interpolated through "
                                        "x_t at t = %1 and decoded with the same noise; %2%3")
                             .arg(result.rowTs.front())
                             .arg(modelText(*plan))
                             .arg(seedText());
    }

    void rateDistortion(Setup& setup, DemoResult& result)
    {
        const at::Tensor x0 = dataImages(m_request.settings, setup, kFig5Images, true);
        const ddpm::NoiseSchedule& schedule = setup.model->schedule() ? *setup.model->schedule() : setup.fallback;
        const ddpm::Diffusion diffusion(schedule);
        const int steps = schedule.steps();
        std::vector<int> ts;
        for (int i : spread(steps, kFig5Points))
            ts.push_back(i + 1);
        const SamplingSettings& s = m_request.settings;
        ddpm::BoundOptions options;
        options.variance = s.variance == QStringLiteral("large") ? ddpm::VarianceKind::Large : ddpm::VarianceKind::Small;
        options.clipDenoised = s.clipDenoised;
        options.seed = s.seed;
        const std::vector<ddpm::RateDistortionPoint> points = ddpm::rateDistortion(
            diffusion, *setup.model, x0, ts, options, [&](long long done, long long total) { report(done, total); },
            m_stop);
        for (const ddpm::RateDistortionPoint& p : points)
            result.rate.push_back({p.t, p.rateBpd, p.distortion});
        result.caption = QStringLiteral("Fig. 5 (Ho et al. 2020): rate-distortion of progressive coding on %1 "
                                        "%2images of the model's data; %3 (T = %4), %5 variance%6%7")
                             .arg(x0.size(0))
                             .arg(modelDataSpec(s).rfind("fashion-mnist", 0) == 0 ? QStringLiteral("test ") : QString())
                             .arg(m_request.modelLabel)
                             .arg(steps)
                             .arg(options.variance == ddpm::VarianceKind::Large ? QStringLiteral("large")
                                                                                 : QStringLiteral("small"))
                             .arg(s.clipDenoised ? QStringLiteral(", predicted x_0 clipped") : QString())
                             .arg(seedText());
    }

    DemoWorker& m_worker;
    const DemoRequest& m_request;
    const std::atomic<bool>* m_stop;
    const ddpm::ThreadBudget& m_budget;
    RateGate m_gate;
};

} // namespace

DemoWorker::DemoWorker(std::shared_ptr<ddpm::ThreadBudget> budget, QObject* parent)
    : QObject(parent), m_budget(threadBudgetOrOwn(std::move(budget)))
{
    qRegisterMetaType<ddpm::ui::DemoResult>();
}

void DemoWorker::run(const DemoRequest& request)
{
    try {
        ddpm::throwIfCancelled(request.stop.get());
        m_budget->applyOtherJobThreads(); // in this thread, before any torch work
        Runner runner(*this, request, *m_budget);
        const DemoResult result = runner.run();
        Q_EMIT finished(result);
    } catch (const ddpm::Cancelled&) {
        Q_EMIT cancelled(request.id);
    } catch (...) {
        Q_EMIT failed(request.id, currentErrorText(demoName(request.kind)));
    }
}

} // namespace ddpm::ui
