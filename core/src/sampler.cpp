// DDPM ancestral sampling (see sampler.h).
#include "ddpm/sampler.h"

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/rng.h"

namespace ddpm {

DdpmSampler::DdpmSampler(const Diffusion& diffusion, DenoiseModel& model, SamplerOptions options)
    : m_diffusion(diffusion), m_model(model), m_param(model.parameterization()), m_options(options)
{
    if (!m_param.learnsVariance())
        m_param.variance = options.variance;
}

SamplerStep DdpmSampler::step(const at::Tensor& xt, int t, Rng& rng)
{
    if (t < 1 || t > m_diffusion.steps())
        throw Error("sampling step t = " + std::to_string(t) + " is outside 1.." + std::to_string(m_diffusion.steps()));
    at::InferenceMode inference;
    const at::Tensor ts = at::full({xt.size(0)}, static_cast<std::int64_t>(t), at::TensorOptions().dtype(at::kLong));
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

at::Tensor DdpmSampler::sample(const std::vector<std::int64_t>& shape, Rng& rng, const ProgressFn& progress,
                               const std::atomic<bool>* stop)
{
    const int steps = m_diffusion.steps();
    at::Tensor x = rng.normal(shape, at::kFloat, m_diffusion.device());
    if (progress) progress(0, steps);
    for (int t = steps; t >= 1; --t) {
        throwIfCancelled(stop);
        x = step(x, t, rng).xPrev;
        if (progress) progress(steps - t + 1, steps);
    }
    return x;
}

} // namespace ddpm
