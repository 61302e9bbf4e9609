// The reverse chain: a step API that returns x_{t-1} with the predicted x_0 and noise, the
// caller owning the loop (so a preview, the CLI and the scrubber can show every step).
// DDPM ancestral sampling is the paper's Algorithm 2:
//   x_T ~ N(0, I);  for t = T..1:  x_{t-1} = mu_theta(x_t, t) + sigma_t z,  z ~ N(0, I) (z = 0 at t = 1).
// Works for every parameterisation: mu_theta and sigma_t come from Diffusion::pMeanVariance.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ddpm/parameterization.h"
#include "ddpm/progress.h"

namespace ddpm {

class DenoiseModel;
class Diffusion;
class Rng;

struct SamplerStep {
    at::Tensor xPrev;   ///< x_{t-1}
    at::Tensor x0Pred;  ///< the predicted x_0 at (x_t, t)
    at::Tensor epsPred; ///< the predicted noise at (x_t, t)
};

struct SamplerOptions {
    /// sigma_t^2 for a model whose variance is fixed; a learned variance uses the model's own.
    VarianceKind variance = VarianceKind::Small;
    bool clipDenoised = true;   ///< clamp the predicted x_0 to [-1, 1] (images)
};

class DdpmSampler {
public:
    DdpmSampler(const Diffusion& diffusion, DenoiseModel& model, SamplerOptions options);

    /// One step of Algorithm 2 from x_t ([B, ...] float32) at t in 1..T; the noise z comes from rng.
    SamplerStep step(const at::Tensor& xt, int t, Rng& rng);
    /// The whole chain from x_T ~ N(0, I) drawn from rng, shaped [n, dims...]; reports steps done
    /// of T; throws Cancelled when stop is set.
    at::Tensor sample(const std::vector<std::int64_t>& shape, Rng& rng, const ProgressFn& progress = {},
                      const std::atomic<bool>* stop = nullptr);

    const Parameterization& parameterization() const { return m_param; }

private:
    const Diffusion& m_diffusion;
    DenoiseModel& m_model;
    Parameterization m_param;
    SamplerOptions m_options;
};

} // namespace ddpm
