// DDPM ancestral sampling and DDIM (see sampler.h).
#include "ddpm/sampler.h"

#include <cmath>
#include <sstream>

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/rng.h"

namespace ddpm {

Sampler::Sampler(const Diffusion& diffusion, DenoiseModel& model)
    : m_diffusion(diffusion), m_model(model)
{
}

int Sampler::steps() const
{
    return m_diffusion.steps();
}

at::Tensor Sampler::timestepsFor(const at::Tensor& xt, int t) const
{
    if (t < 1 || t > m_diffusion.steps())
        throw Error("sampling step t = " + std::to_string(t) + " is outside 1.." + std::to_string(m_diffusion.steps()));
    // One value expanded over the batch: the networks see it is one t (time_embedding.h).
    return at::full({1}, static_cast<std::int64_t>(t), at::TensorOptions().dtype(at::kLong).device(xt.device()))
        .expand({xt.size(0)});
}

at::Tensor Sampler::initialNoise(const std::vector<std::int64_t>& shape, Rng& rng) const
{
    return rng.normal(shape, at::kFloat, m_diffusion.device());
}

at::Tensor Sampler::sample(const std::vector<std::int64_t>& shape, Rng& rng, const ProgressFn& progress,
                           const std::atomic<bool>* stop)
{
    const int k = steps();
    at::Tensor x = initialNoise(shape, rng);
    if (progress) progress(0, k);
    for (int t = k; t >= 1; --t) {
        throwIfCancelled(stop);
        x = step(x, t, rng).xPrev;
        if (progress) progress(k - t + 1, k);
    }
    return x;
}

DdpmSampler::DdpmSampler(const Diffusion& diffusion, DenoiseModel& model, SamplerOptions options)
    : Sampler(diffusion, model), m_param(model.parameterization()), m_options(options)
{
    if (!m_param.learnsVariance())
        m_param.variance = options.variance;
}

SamplerStep DdpmSampler::step(const at::Tensor& xt, int t, Rng& rng)
{
    at::InferenceMode inference;
    const at::Tensor ts = timestepsFor(xt, t);
    const at::Tensor output = m_model.predict(xt, ts);
    const ReverseGaussian r = m_diffusion.pMeanVariance(m_param, output, xt, ts, m_options.clipDenoised);
    SamplerStep s;
    s.x0Pred = r.denoised.x0;
    s.epsPred = r.denoised.eps;
    if (t > 1) {
        // x_{t-1} = mu + sigma z (Algorithm 2, line 4).
        const at::Tensor z = rng.normal(xt.sizes(), xt.scalar_type(), xt.device());
        s.xPrev = r.p.mean + (0.5 * r.p.logVariance).exp() * z;
    } else {
        s.xPrev = r.p.mean; // the last step shows the mean, no noise
    }
    return s;
}

std::string DdpmSampler::describe() const
{
    return std::string("DDPM, ") + varianceKindName(m_param.variance) + " variance";
}

DdimSampler::DdimSampler(const Diffusion& diffusion, DenoiseModel& model, double eta, bool clipDenoised)
    : Sampler(diffusion, model), m_param(model.parameterization()), m_eta(eta), m_clipDenoised(clipDenoised)
{
    if (!(eta >= 0.0 && eta <= 1.0))
        throw Error("DDIM's eta " + std::to_string(eta) + " is outside 0..1");
}

SamplerStep DdimSampler::step(const at::Tensor& xt, int t, Rng& rng)
{
    at::InferenceMode inference;
    const at::Tensor ts = timestepsFor(xt, t);
    const Denoised d = m_diffusion.interpret(m_param, m_model.predict(xt, ts), xt, ts, m_clipDenoised);
    const double ab = m_diffusion.schedule().alphaBar(t);
    const double abPrev = t > 1 ? m_diffusion.schedule().alphaBar(t - 1) : 1.0;
    const double sigma = t > 1 ? m_eta * std::sqrt((1.0 - abPrev) / (1.0 - ab) * (1.0 - ab / abPrev)) : 0.0;
    const double epsCoef = std::sqrt(std::max(0.0, 1.0 - abPrev - sigma * sigma));
    SamplerStep s;
    s.x0Pred = d.x0;
    s.epsPred = d.eps;
    s.xPrev = std::sqrt(abPrev) * d.x0 + epsCoef * d.eps;
    if (sigma > 0)
        s.xPrev = s.xPrev + sigma * rng.normal(xt.sizes(), xt.scalar_type(), xt.device());
    return s;
}

std::string DdimSampler::describe() const
{
    std::ostringstream out;
    out << "DDIM, eta = " << m_eta;
    return out.str();
}

} // namespace ddpm
