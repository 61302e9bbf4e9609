// The recorded reverse chain (see trajectory.h).
#include "ddpm/trajectory.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/rng.h"
#include "ddpm/sampler.h"

namespace ddpm {

namespace {

std::int64_t itemValues(const std::vector<std::int64_t>& shape)
{
    std::int64_t v = 1;
    for (std::int64_t d : shape) v *= d;
    return v;
}

at::Tensor toBytes(const at::Tensor& x, double lo, double hi)
{
    return ((x.to(at::kCPU, at::kFloat).clamp(lo, hi) - lo) * (255.0 / (hi - lo))).round().to(at::kByte).contiguous();
}

std::vector<float> floats(const at::Tensor& t)
{
    const at::Tensor c = t.to(at::kCPU, at::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

StepStatistics statistics(int step, int t, const at::Tensor& xt, const at::Tensor& x0, const at::Tensor& previousX0)
{
    StepStatistics s;
    s.step = step;
    s.t = t;
    const at::Tensor flat = xt.detach().to(at::kCPU, at::kFloat).flatten(1);
    s.xtStd = flat.std(/*unbiased=*/false).item<double>();
    s.itemXtStd = floats(flat.std(1, /*unbiased=*/false));
    if (x0.defined() && previousX0.defined()) {
        const at::Tensor d2 = (x0 - previousX0).flatten(1).square();
        s.x0Change = std::sqrt(d2.mean().item<double>());
        s.itemX0Change = floats(d2.mean(1).sqrt());
    } else {
        s.x0Change = std::numeric_limits<double>::quiet_NaN();
        s.itemX0Change.assign(static_cast<std::size_t>(flat.size(0)), std::numeric_limits<float>::quiet_NaN());
    }
    return s;
}

/// Key frames come every kKeyFactor stored strides.
constexpr int kKeyFactor = 4;

} // namespace

std::size_t Trajectory::frameBytes(std::int64_t n, const std::vector<std::int64_t>& itemShape)
{
    const std::size_t values = static_cast<std::size_t>(n * itemValues(itemShape));
    return itemShape.size() == 3 ? 3 * values : 3 * 4 * values;
}

Trajectory::Trajectory(std::int64_t n, std::vector<std::int64_t> itemShape, std::vector<int> timesteps,
                       std::size_t budgetBytes)
    : m_n(n), m_itemShape(std::move(itemShape)), m_timesteps(std::move(timesteps))
{
    if (n < 1 || m_itemShape.empty() || m_timesteps.empty())
        throw Error("a trajectory needs at least one item of a known shape and one step");
    const std::size_t perFrame = frameBytes(n, m_itemShape);
    const std::size_t keyBytes = static_cast<std::size_t>(n * itemValues(m_itemShape)) * 4 + 8192;
    const std::size_t frames = m_timesteps.size() + 1;
    if (perFrame * frames > budgetBytes) {
        // Per kept step: a frame, and a quarter of a key frame.
        const std::size_t perKept = perFrame + keyBytes / kKeyFactor + 1;
        const std::size_t keepable = std::max<std::size_t>(2, budgetBytes / perKept);
        m_stride = static_cast<int>(std::min<std::size_t>(m_timesteps.size(), (frames + keepable - 1) / keepable));
        m_keyEvery = kKeyFactor * m_stride;
    }
}

TrajectoryFrame Trajectory::makeFrame(int k, const at::Tensor& xt, const at::Tensor& x0, const at::Tensor& eps) const
{
    TrajectoryFrame f;
    f.step = k;
    f.t = k >= 1 ? m_timesteps[static_cast<std::size_t>(k - 1)] : 0;
    if (images()) {
        f.xt = toBytes(xt, -1.0, 1.0);
        if (x0.defined()) f.x0 = toBytes(x0, -1.0, 1.0);
        if (eps.defined()) f.eps = toBytes(eps, -3.0, 3.0);
    } else {
        f.xt = xt.to(at::kCPU, at::kFloat).clone();
        if (x0.defined()) f.x0 = x0.to(at::kCPU, at::kFloat).clone();
        if (eps.defined()) f.eps = eps.to(at::kCPU, at::kFloat).clone();
    }
    return f;
}

void Trajectory::run(Sampler& sampler, Rng& rng, const ProgressFn& progress, const std::atomic<bool>* stop,
                     const std::function<void(const TrajectoryFrame&)>& onFrame,
                     const std::function<void(const StepStatistics&)>& onStep)
{
    const int k0 = chainSteps();
    if (sampler.steps() != k0)
        throw Error("the trajectory has " + std::to_string(k0) + " steps but the sampler " + std::to_string(sampler.steps()));
    m_frames.clear();
    m_released = false;
    m_samples = at::Tensor();
    m_keys.clear();
    std::vector<std::int64_t> shape{m_n};
    shape.insert(shape.end(), m_itemShape.begin(), m_itemShape.end());
    at::Tensor x = sampler.initialNoise(shape, rng);
    at::Tensor previousX0;
    if (progress) progress(0, k0);
    for (int k = k0; k >= 1; --k) {
        throwIfCancelled(stop);
        if (m_keyEvery > 0 && (k0 - k) % m_keyEvery == 0)
            m_keys.push_back(KeyFrame{k, x.to(at::kCPU, at::kFloat).clone(), rng.state()});
        SamplerStep s = sampler.step(x, k, rng);
        if (onStep) {
            const at::Tensor x0 = s.x0Pred.detach().to(at::kCPU, at::kFloat);
            onStep(statistics(k, m_timesteps[static_cast<std::size_t>(k - 1)], x, x0, previousX0));
            previousX0 = x0;
        }
        if ((k0 - k) % m_stride == 0) {
            m_frames.push_back(makeFrame(k, x, s.x0Pred, s.epsPred));
            if (onFrame) onFrame(m_frames.back());
        }
        x = std::move(s.xPrev);
        if (progress) progress(k0 - k + 1, k0);
    }
    m_samples = x.to(at::kCPU, at::kFloat).contiguous();
    m_frames.push_back(makeFrame(0, x, at::Tensor(), at::Tensor()));
    if (onFrame) onFrame(m_frames.back());
    if (onStep) onStep(statistics(0, 0, x, at::Tensor(), at::Tensor()));
}

TrajectoryFrame Trajectory::frameAt(int k, Sampler& sampler)
{
    const int k0 = chainSteps();
    if (k < 0 || k > k0)
        throw Error("trajectory step " + std::to_string(k) + " is outside 0.." + std::to_string(k0));
    if (!m_samples.defined())
        throw Error("the trajectory has not been run");
    if (k == 0) return m_released ? makeFrame(0, m_samples, at::Tensor(), at::Tensor()) : m_frames.back();
    if (!m_released && stores(k)) return m_frames[static_cast<std::size_t>((k0 - k) / m_stride)];
    // The nearest key frame at or before step k in the chain's order (a step number >= k).
    const KeyFrame* key = nullptr;
    for (const KeyFrame& kf : m_keys)
        if (kf.step >= k && (key == nullptr || kf.step < key->step)) key = &kf;
    if (key == nullptr) {
        if (m_keyEvery == 0) throw Error("the trajectory's frames were released and it keeps no key frames");
        throw Error("the trajectory lost the key frame before step " + std::to_string(k));
    }
    Rng rng(0);
    rng.setState(key->rngState);
    at::Tensor x = key->xt.to(sampler.diffusion().device());
    for (int j = key->step; j > k; --j) x = sampler.step(x, j, rng).xPrev;
    const SamplerStep s = sampler.step(x, k, rng);
    return makeFrame(k, x, s.x0Pred, s.epsPred);
}

bool Trajectory::stores(int k) const
{
    return k == 0 || (k >= 1 && k <= chainSteps() && (chainSteps() - k) % m_stride == 0);
}

void Trajectory::releaseStoredFrames()
{
    m_frames.clear();
    m_frames.shrink_to_fit();
    m_released = true;
}

std::size_t Trajectory::bytes() const
{
    std::size_t total = 0;
    auto add = [&](const at::Tensor& t) {
        if (t.defined()) total += static_cast<std::size_t>(t.numel()) * t.element_size();
    };
    for (const TrajectoryFrame& f : m_frames) {
        add(f.xt);
        add(f.x0);
        add(f.eps);
    }
    for (const KeyFrame& k : m_keys) {
        add(k.xt);
        add(k.rngState);
    }
    return total;
}

} // namespace ddpm
