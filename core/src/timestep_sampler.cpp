// Uniform and importance sampling of t (see timestep_sampler.h).
#include "ddpm/timestep_sampler.h"

#include <cmath>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/rng.h"

namespace ddpm {

TimestepSampling parseTimestepSampling(const std::string& text)
{
    if (text == "uniform") return TimestepSampling::Uniform;
    if (text == "importance") return TimestepSampling::Importance;
    throw Error("unknown t-sampling '" + text + "'; use uniform or importance");
}

const char* timestepSamplingName(TimestepSampling kind)
{
    return kind == TimestepSampling::Uniform ? "uniform" : "importance";
}

TimestepSampler::TimestepSampler(TimestepSampling kind, int steps)
    : m_kind(kind), m_steps(steps)
{
    if (steps < 1) throw Error("a timestep sampler needs T >= 1");
    m_history = at::zeros({steps, kHistory}, at::kDouble);
    m_counts = at::zeros({steps}, at::kLong);
}

bool TimestepSampler::warmedUp() const
{
    return m_counts.min().item<std::int64_t>() >= kHistory;
}

std::vector<double> TimestepSampler::probabilities() const
{
    std::vector<double> p(static_cast<std::size_t>(m_steps), 1.0 / m_steps);
    if (m_kind == TimestepSampling::Uniform || !warmedUp())
        return p;
    const at::Tensor w = m_history.pow(2).mean(1).sqrt().contiguous();
    const double* wd = w.data_ptr<double>();
    double sum = 0;
    for (int i = 0; i < m_steps; ++i) sum += wd[i];
    if (!(sum > 0) || !std::isfinite(sum))
        return p;
    for (int i = 0; i < m_steps; ++i)
        p[i] = (wd[i] / sum) * (1.0 - kUniformShare) + kUniformShare / m_steps;
    return p;
}

TimestepSampler::Draw TimestepSampler::draw(Rng& rng, std::int64_t batch) const
{
    Draw d;
    if (m_kind == TimestepSampling::Uniform || !warmedUp()) {
        d.t = rng.integers(1, m_steps, {batch});
        return d; // every weight 1: left undefined, so the trainer skips the multiply
    }
    const std::vector<double> p = probabilities();
    const at::Tensor probs = at::tensor(c10::ArrayRef<double>(p), at::kDouble);
    d.t = rng.categorical(probs, batch) + 1;
    d.weights = (1.0 / (m_steps * probs.index_select(0, d.t - 1))).to(at::kFloat);
    return d;
}

void TimestepSampler::update(const at::Tensor& t, const at::Tensor& losses)
{
    if (m_kind == TimestepSampling::Uniform) return;
    const at::Tensor tc = t.to(at::kCPU, at::kLong).contiguous();
    const at::Tensor lc = losses.detach().to(at::kCPU, at::kDouble).contiguous();
    const std::int64_t* td = tc.data_ptr<std::int64_t>();
    const double* ld = lc.data_ptr<double>();
    double* hist = m_history.data_ptr<double>();
    std::int64_t* counts = m_counts.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < tc.numel(); ++i) {
        const std::int64_t row = td[i] - 1;
        if (row < 0 || row >= m_steps || !std::isfinite(ld[i])) continue;
        hist[row * kHistory + counts[row] % kHistory] = ld[i];
        ++counts[row];
    }
}

void TimestepSampler::restore(const at::Tensor& history, const at::Tensor& counts)
{
    if (!history.defined() || !counts.defined() || history.sizes() != m_history.sizes()
        || counts.sizes() != m_counts.sizes())
        throw Error("the checkpoint's t-sampling history does not fit T = " + std::to_string(m_steps));
    m_history = history.to(at::kDouble).contiguous().clone();
    m_counts = counts.to(at::kLong).contiguous().clone();
}

} // namespace ddpm
