#include "workers/forward_worker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/forward_chain.h"
#include "ddpm/forward_stats.h"
#include "ddpm/image_tensor.h"
#include "ddpm/progress.h"
#include "ddpm/rng.h"
#include "ddpm/thread_budget.h"
#include "image_convert.h"
#include "workers/worker_support.h"

namespace ddpm::ui {

namespace {

constexpr int kHistogramBins = 80;
constexpr double kHistogramLow = -4.0;
constexpr double kHistogramHigh = 4.0;

/// t values of the strip: 0, T and round fractions of T between them (0.25, 0.5, 0.75; with six
/// tiles also 0.1; with eight also 0.05 and 0.9), so T = 1000 reads 0, 50, 100, 250, 500, 750,
/// 900, 1000. Other counts are evenly spaced; fewer when T is small.
QVector<int> stripSteps(int steps, int count)
{
    std::vector<double> fractions;
    if (count >= 8)
        fractions = {0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0};
    else if (count >= 6)
        fractions = {0.0, 0.1, 0.25, 0.5, 0.75, 1.0};
    else if (count == 5)
        fractions = {0.0, 0.25, 0.5, 0.75, 1.0};
    else
        for (int k = 0, n = std::max(2, count); k < n; ++k)
            fractions.push_back(static_cast<double>(k) / (n - 1));
    QVector<int> out;
    for (double f : fractions) {
        const int t = static_cast<int>(std::lround(f * steps));
        if (out.isEmpty() || out.back() != t)
            out.push_back(t);
    }
    return out;
}

QImage toDisplay(const at::Tensor& x)
{
    return toQImage(ddpm::tensorToImage(x.squeeze(0)));
}

} // namespace

/// The image at the requested resolution with what theory needs of it.
struct Prepared {
    std::shared_ptr<const ddpm::Image> source;
    int resolution = -1;
    quint64 generation = 0;
    at::Tensor x0; ///< [1, C, H, W] float32 in [-1, 1]
    QImage x0Image;
    ddpm::PixelDistribution values; ///< x_0's pixel values and their shares
};

struct ForwardWorker::Cache {
    quint64 nextGeneration = 1;
    Prepared prepared;

    std::shared_ptr<const ddpm::NoiseSchedule> schedule;
    std::unique_ptr<ddpm::Diffusion> diffusion;

    // Closed-form noise for (prepared, seed).
    quint64 noiseGeneration = 0;
    quint64 noiseSeed = 0;
    at::Tensor eps;
    QImage epsImage;

    // The strip for (prepared, schedule, seed, mode, count).
    struct StripKey {
        quint64 generation = 0;
        const ddpm::NoiseSchedule* schedule = nullptr;
        quint64 seed = 0;
        ForwardMode mode = ForwardMode::ClosedForm;
        int count = 0;
        bool operator==(const StripKey& o) const
        {
            return generation == o.generation && schedule == o.schedule && seed == o.seed && mode == o.mode &&
                   count == o.count;
        }
    } stripKey;
    QVector<QImage> strip;
    QVector<int> stripT;

    // The resumable Markov-chain walk for (prepared, schedule, seed); core keeps its states.
    quint64 chainGeneration = 0;
    const ddpm::NoiseSchedule* chainSchedule = nullptr;
    quint64 chainSeed = 0;
    std::unique_ptr<ddpm::ForwardChain> chain;
};

ForwardWorker::ForwardWorker(std::shared_ptr<ddpm::ThreadBudget> budget, QObject* parent)
    : QObject(parent)
    , m_cache(std::make_unique<Cache>())
    , m_budget(threadBudgetOrOwn(std::move(budget)))
{
    qRegisterMetaType<ddpm::ui::ForwardRequest>();
    qRegisterMetaType<ddpm::ui::ForwardResult>();
}

ForwardWorker::~ForwardWorker() = default;

void ForwardWorker::submit(const ForwardRequest& request)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pending = std::make_unique<ForwardRequest>(request);
    m_stop = true; // a running request is superseded
    if (!m_scheduled) {
        m_scheduled = true;
        QMetaObject::invokeMethod(this, [this] { processPending(); }, Qt::QueuedConnection);
    }
}

void ForwardWorker::cancel()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_pending.reset();
    m_stop = true;
}

void ForwardWorker::processPending()
{
    for (;;) {
        ForwardRequest request;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_pending) {
                m_scheduled = false;
                return;
            }
            request = *m_pending;
            m_pending.reset();
            m_stop = false;
        }
        compute(request);
    }
}

void ForwardWorker::compute(const ForwardRequest& request)
{
    ForwardResult result;
    result.id = request.id;
    result.mode = request.mode;
    result.seed = request.seed;
    try {
        m_budget->applyOtherJobThreads(); // in this thread, before any torch work
        if (!request.image || request.image->empty())
            throw ddpm::Error("no image to noise: open an image first");
        if (!request.schedule)
            throw ddpm::Error("no noise schedule chosen");
        const ddpm::NoiseSchedule& schedule = *request.schedule;
        const int steps = schedule.steps();
        const int t = std::clamp(request.t, 1, steps);
        Cache& c = *m_cache;

        // The image at the chosen resolution.
        Prepared& p = c.prepared;
        if (p.source != request.image || p.resolution != request.resolution) {
            const ddpm::Image img = request.resolution > 0 ? ddpm::resizeCenterCrop(*request.image, request.resolution)
                                                           : *request.image;
            Prepared fresh;
            fresh.source = request.image;
            fresh.resolution = request.resolution;
            fresh.generation = c.nextGeneration++;
            fresh.x0 = ddpm::imageToTensor(img).unsqueeze(0).contiguous();
            fresh.x0Image = toQImage(img);
            fresh.values = ddpm::pixelDistribution(fresh.x0);
            p = std::move(fresh);
        }
        if (c.schedule != request.schedule) {
            c.schedule = request.schedule;
            c.diffusion = std::make_unique<ddpm::Diffusion>(schedule);
        }
        const ddpm::Diffusion& diffusion = *c.diffusion;
        const at::Tensor tt = diffusion.timesteps(t, 1);
        const double ab = schedule.alphaBar(t);

        // Walks the chain (core's ForwardChain) to a step, reporting progress about 20 times a
        // second (reaching the target always reports). Throws ddpm::Cancelled when a newer
        // request arrives; the chain keeps what was walked.
        RateGate gate(std::chrono::milliseconds(50));
        const ddpm::ProgressFn report = [&](long long done, long long total) {
            m_budget->applyOtherJobThreads(); // training may have started or stopped meanwhile
            if (gate.pass(done >= total))
                Q_EMIT progress(request.id, static_cast<int>(done), static_cast<int>(total));
        };
        auto walkTo = [&](int target) { return c.chain->walkTo(target, &m_stop, report); };

        const QVector<int> stripT = stripSteps(steps, request.stripCount);
        const bool wantClosed = request.mode != ForwardMode::MarkovChain;
        const bool wantChain = request.mode != ForwardMode::ClosedForm;
        // Compare mode shows the closed form's strip: no walk to T needed.
        const ForwardMode stripMode =
            request.mode == ForwardMode::MarkovChain ? ForwardMode::MarkovChain : ForwardMode::ClosedForm;
        at::Tensor xt, xtChain, noise;
        if (wantClosed) {
            if (c.noiseGeneration != p.generation || c.noiseSeed != request.seed || !c.eps.defined()) {
                ddpm::Rng rng(request.seed);
                c.eps = rng.normal(p.x0.sizes());
                c.epsImage = toDisplay(c.eps);
                c.noiseGeneration = p.generation;
                c.noiseSeed = request.seed;
            }
            xt = diffusion.qSample(p.x0, tt, c.eps);
            result.noise = c.epsImage;
        }
        if (wantChain) {
            if (!c.chain || c.chainGeneration != p.generation || c.chainSchedule != request.schedule.get() ||
                c.chainSeed != request.seed) {
                c.chain = std::make_unique<ddpm::ForwardChain>(schedule, p.x0, request.seed, kChainCacheBytes);
                c.chainGeneration = p.generation;
                c.chainSchedule = request.schedule.get();
                c.chainSeed = request.seed;
            }
            if (stripMode == ForwardMode::MarkovChain)
                c.chain->setPinned(std::vector<int>(stripT.begin(), stripT.end()));
            xtChain = walkTo(t);
            if (!wantClosed) {
                xt = xtChain;
                xtChain = at::Tensor();
                noise = diffusion.predictEpsFromX0(xt, tt, p.x0);
                result.noise = toDisplay(noise);
            } else {
                result.xtChain = toDisplay(xtChain);
            }
        }

        result.t = t;
        result.steps = steps;
        result.x0 = p.x0Image;
        result.xt = toDisplay(xt);
        result.alphaBar = ab;
        result.snr = ab < 1.0 ? ab / (1.0 - ab) : std::numeric_limits<double>::infinity();
        result.x0Mean = p.values.mean();
        result.x0Std = std::sqrt(p.values.variance());
        const ddpm::PixelMoments measured = ddpm::pixelMoments(xt);
        result.measuredMean = measured.mean;
        result.measuredStd = measured.std;
        const ddpm::PixelMoments predicted = ddpm::qMarginalMoments(p.values, ab);
        result.predictedMean = predicted.mean;
        result.predictedStd = predicted.std;

        // Histogram as a density, and what q(x_t | x_0) predicts for each bin.
        result.histLow = kHistogramLow;
        result.histHigh = kHistogramHigh;
        const std::vector<double> density = ddpm::histogramDensity(
            ddpm::pixelHistogram(xt, kHistogramBins, kHistogramLow, kHistogramHigh), xt.numel(), kHistogramLow,
            kHistogramHigh);
        const std::vector<double> theory =
            ddpm::qMarginalDensity(p.values, ab, kHistogramBins, kHistogramLow, kHistogramHigh);
        result.histDensity = QVector<double>(density.begin(), density.end());
        result.theoryDensity = QVector<double>(theory.begin(), theory.end());
        if (xtChain.defined()) {
            const ddpm::PixelMoments chainMeasured = ddpm::pixelMoments(xtChain);
            result.chainMeasuredMean = chainMeasured.mean;
            result.chainMeasuredStd = chainMeasured.std;
            const std::vector<double> chainDensity = ddpm::histogramDensity(
                ddpm::pixelHistogram(xtChain, kHistogramBins, kHistogramLow, kHistogramHigh), xtChain.numel(),
                kHistogramLow, kHistogramHigh);
            result.chainHistDensity = QVector<double>(chainDensity.begin(), chainDensity.end());
        }

        // The strip, cached per (image, schedule, seed, mode of the strip).
        const Cache::StripKey key{p.generation, request.schedule.get(), request.seed, stripMode, request.stripCount};
        if (key == c.stripKey && !c.strip.isEmpty()) {
            result.strip = c.strip;
            result.stripSteps = c.stripT;
            result.complete = true;
            Q_EMIT resultReady(result);
            return;
        }
        QVector<QImage> strip;
        if (stripMode == ForwardMode::ClosedForm) {
            for (int s : stripT)
                strip.push_back(s == 0 ? p.x0Image : toDisplay(diffusion.qSample(p.x0, diffusion.timesteps(s, 1), c.eps)));
        } else {
            Q_EMIT resultReady(result); // x_t now; the strip once the walk reaches T
            walkTo(steps);
            for (int s : stripT) {
                if (s == 0)
                    strip.push_back(p.x0Image);
                else if (c.chain->isStored(s))
                    strip.push_back(toDisplay(c.chain->stored(s)));
                else
                    strip.push_back(toDisplay(walkTo(s)));
            }
        }
        if (m_stop)
            return;
        c.stripKey = key;
        c.strip = strip;
        c.stripT = stripT;
        result.strip = strip;
        result.stripSteps = stripT;
        result.complete = true;
        Q_EMIT resultReady(result);
    } catch (const ddpm::Cancelled&) {
        return; // superseded by a newer request
    } catch (...) {
        // The page heads the message ("Could not compute this frame"); torch's backtrace is cut off.
        ForwardResult failed;
        failed.id = request.id;
        failed.error = currentErrorText(QString());
        failed.complete = true;
        Q_EMIT resultReady(failed);
    }
}

} // namespace ddpm::ui
