#include "workers/forward_worker.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include <ATen/ATen.h>
#include <QElapsedTimer>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/image_tensor.h"
#include "ddpm/rng.h"
#include "image_convert.h"

namespace ddpm::ui {

namespace {

constexpr int kHistogramBins = 80;
constexpr double kHistogramLow = -4.0;
constexpr double kHistogramHigh = 4.0;

/// Seed of the Markov chain's noise at step t: every step has its own generator, so a walk
/// can resume from any stored state and give bit-identical states whatever path led there.
std::uint64_t stepSeed(std::uint64_t seed, int t)
{
    // splitmix64 of (seed, t)
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(t) + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// t values of the strip: n evenly spaced over 0..T (fewer when T + 1 < n).
QVector<int> stripSteps(int steps, int count)
{
    const int n = std::max(2, std::min(count, steps + 1));
    QVector<int> out;
    for (int k = 0; k < n; ++k) {
        const int t = static_cast<int>(std::lround(static_cast<double>(k) * steps / (n - 1)));
        if (out.isEmpty() || out.back() != t)
            out.push_back(t);
    }
    return out;
}

QImage toDisplay(const at::Tensor& x)
{
    return toQImage(ddpm::tensorToImage(x.squeeze(0)));
}

double normalCdf(double z)
{
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

} // namespace

/// The image at the requested resolution with what theory needs of it.
struct Prepared {
    std::shared_ptr<const ddpm::Image> source;
    int resolution = -1;
    quint64 generation = 0;
    at::Tensor x0; ///< [1, C, H, W] float32 in [-1, 1]
    QImage x0Image;
    std::array<double, 256> weights{}; ///< share of each 8-bit value over all pixels and channels
    double mean = 0.0;
    double var = 0.0;
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

    // Walked Markov-chain states for (prepared, schedule, seed): t -> [1, C, H, W].
    quint64 chainGeneration = 0;
    const ddpm::NoiseSchedule* chainSchedule = nullptr;
    quint64 chainSeed = 0;
    int storeEvery = 1;
    std::set<int> keep; ///< strip steps, always stored
    std::map<int, at::Tensor> states;
    int cursor = 0; ///< the furthest state reached by the last walk (stored even off the grid)

    /// Remembers the furthest state walked so far; drops the previous one if it is off the grid.
    void setCursor(int t, const at::Tensor& state)
    {
        if (states.count(t))
            return;
        if (cursor > 0 && cursor % storeEvery != 0 && !keep.count(cursor))
            states.erase(cursor);
        states[t] = state;
        cursor = t;
    }

    void resetChain(const Prepared& p, const ddpm::NoiseSchedule* s, quint64 seed, int steps)
    {
        chainGeneration = p.generation;
        chainSchedule = s;
        chainSeed = seed;
        states.clear();
        keep.clear();
        states[0] = p.x0;
        cursor = 0;
        const std::int64_t stateBytes = p.x0.numel() * static_cast<std::int64_t>(sizeof(float));
        const std::int64_t perBudget = std::max<std::int64_t>(1, ForwardWorker::kChainCacheBytes / std::max<std::int64_t>(1, stateBytes));
        storeEvery = static_cast<int>(std::max<std::int64_t>(1, (steps + perBudget - 1) / perBudget));
    }
};

ForwardWorker::ForwardWorker(QObject* parent)
    : QObject(parent)
    , m_cache(std::make_unique<Cache>())
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
            std::array<double, 256> counts{};
            for (std::uint8_t v : img.pixels)
                counts[v] += 1.0;
            const double n = static_cast<double>(img.pixels.size());
            double mean = 0.0, second = 0.0;
            for (int v = 0; v < 256; ++v) {
                fresh.weights[v] = counts[v] / n;
                const double x = v / 127.5 - 1.0;
                mean += fresh.weights[v] * x;
                second += fresh.weights[v] * x * x;
            }
            fresh.mean = mean;
            fresh.var = std::max(0.0, second - mean * mean);
            p = std::move(fresh);
        }
        if (c.schedule != request.schedule) {
            c.schedule = request.schedule;
            c.diffusion = std::make_unique<ddpm::Diffusion>(schedule);
        }
        const ddpm::Diffusion& diffusion = *c.diffusion;
        const at::Tensor tt = diffusion.timesteps(t, 1);
        const double ab = schedule.alphaBar(t);

        // Walks the chain to t from the nearest stored state; an undefined tensor if stopped.
        QElapsedTimer sinceProgress;
        sinceProgress.start();
        auto walkTo = [&](int target) -> at::Tensor {
            auto it = c.states.upper_bound(target);
            --it; // states[0] always exists
            int s = it->first;
            at::Tensor state = it->second;
            const int total = target - s;
            for (int u = s + 1; u <= target; ++u) {
                if (m_stop) {
                    c.setCursor(s, state); // the next walk goes on from here
                    return {};
                }
                ddpm::Rng rng(stepSeed(request.seed, u));
                state = diffusion.qStep(state, diffusion.timesteps(u, 1), rng.normal(state.sizes()));
                s = u;
                if (u % c.storeEvery == 0 || c.keep.count(u))
                    c.states[u] = state;
                if (sinceProgress.elapsed() >= 50) {
                    sinceProgress.restart();
                    Q_EMIT progress(request.id, u - (target - total), total);
                }
            }
            c.setCursor(target, state);
            return state;
        };

        const QVector<int> stripT = stripSteps(steps, request.stripCount);
        at::Tensor xt, noise;
        if (request.mode == ForwardMode::ClosedForm) {
            if (c.noiseGeneration != p.generation || c.noiseSeed != request.seed || !c.eps.defined()) {
                ddpm::Rng rng(request.seed);
                c.eps = rng.normal(p.x0.sizes());
                c.epsImage = toDisplay(c.eps);
                c.noiseGeneration = p.generation;
                c.noiseSeed = request.seed;
            }
            xt = diffusion.qSample(p.x0, tt, c.eps);
            result.noise = c.epsImage;
        } else {
            if (c.chainGeneration != p.generation || c.chainSchedule != request.schedule.get() ||
                c.chainSeed != request.seed)
                c.resetChain(p, request.schedule.get(), request.seed, steps);
            for (int s : stripT)
                c.keep.insert(s);
            xt = walkTo(t);
            if (!xt.defined())
                return; // superseded
            noise = diffusion.predictEpsFromX0(xt, tt, p.x0);
            result.noise = toDisplay(noise);
        }

        result.t = t;
        result.steps = steps;
        result.x0 = p.x0Image;
        result.xt = toDisplay(xt);
        result.alphaBar = ab;
        result.snr = ab < 1.0 ? ab / (1.0 - ab) : std::numeric_limits<double>::infinity();
        result.x0Mean = p.mean;
        result.x0Std = std::sqrt(p.var);
        result.measuredMean = xt.mean().item<double>();
        result.measuredStd = std::sqrt(std::max(0.0, xt.var(/*unbiased=*/false).item<double>()));
        result.predictedMean = std::sqrt(ab) * p.mean;
        result.predictedStd = std::sqrt(ab * p.var + 1.0 - ab);

        // Histogram as a density, and what q(x_t | x_0) predicts for each bin: a mixture over
        // x_0's 8-bit values v of N(sqrt(ab) v, 1 - ab).
        result.histLow = kHistogramLow;
        result.histHigh = kHistogramHigh;
        const double width = (kHistogramHigh - kHistogramLow) / kHistogramBins;
        const at::Tensor counts = at::histc(xt.reshape({-1}), kHistogramBins, kHistogramLow, kHistogramHigh)
                                      .to(at::kDouble)
                                      .contiguous();
        const double n = static_cast<double>(xt.numel());
        const double* countData = counts.data_ptr<double>();
        const double sigma = std::sqrt(std::max(1e-300, 1.0 - ab));
        result.histDensity.resize(kHistogramBins);
        result.theoryDensity.resize(kHistogramBins);
        for (int b = 0; b < kHistogramBins; ++b) {
            result.histDensity[b] = countData[b] / (n * width);
            const double lo = kHistogramLow + b * width;
            const double hi = lo + width;
            double mass = 0.0;
            for (int v = 0; v < 256; ++v) {
                if (p.weights[v] == 0.0)
                    continue;
                const double mu = std::sqrt(ab) * (v / 127.5 - 1.0);
                mass += p.weights[v] * (normalCdf((hi - mu) / sigma) - normalCdf((lo - mu) / sigma));
            }
            result.theoryDensity[b] = mass / width;
        }

        // The strip, cached per (image, schedule, seed, mode).
        const Cache::StripKey key{p.generation, request.schedule.get(), request.seed, request.mode, request.stripCount};
        if (key == c.stripKey && !c.strip.isEmpty()) {
            result.strip = c.strip;
            result.stripSteps = c.stripT;
            result.complete = true;
            Q_EMIT resultReady(result);
            return;
        }
        QVector<QImage> strip;
        if (request.mode == ForwardMode::ClosedForm) {
            for (int s : stripT)
                strip.push_back(s == 0 ? p.x0Image : toDisplay(diffusion.qSample(p.x0, diffusion.timesteps(s, 1), c.eps)));
        } else {
            Q_EMIT resultReady(result); // x_t now; the strip once the walk reaches T
            if (!walkTo(steps).defined())
                return;
            for (int s : stripT) {
                auto it = c.states.find(s);
                if (it == c.states.end()) {
                    const at::Tensor state = walkTo(s);
                    if (!state.defined())
                        return;
                    strip.push_back(toDisplay(state));
                } else {
                    strip.push_back(s == 0 ? p.x0Image : toDisplay(it->second));
                }
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
    } catch (const std::exception& e) {
        ForwardResult failed;
        failed.id = request.id;
        failed.error = QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
        failed.complete = true;
        Q_EMIT resultReady(failed);
    }
}

} // namespace ddpm::ui
