// The reverse chain: a step API that returns x_{t-1} with the predicted x_0 and noise, the
// caller owning the loop (so a preview, the CLI and the scrubber can show every step).
// A sampler walks t = K..1 of its Diffusion; for a respaced chain that diffusion is the
// respaced one and the model a RespacedModel (respacing.h, sampling_plan.h).
//
// DDPM ancestral sampling is the paper's Algorithm 2:
//   x_T ~ N(0, I);  for t = T..1:  x_{t-1} = mu_theta(x_t, t) + sigma_t z,  z ~ N(0, I) (z = 0 at t = 1).
// Works for every parameterisation: mu_theta and sigma_t come from Diffusion::pMeanVariance.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
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

/// One reverse chain over t = steps()..1 of a diffusion.
class Sampler {
public:
    Sampler(const Diffusion& diffusion, DenoiseModel& model);
    virtual ~Sampler() = default;
    Sampler(const Sampler&) = delete;
    Sampler& operator=(const Sampler&) = delete;

    /// One step from x_t ([B, ...] float32) at t in 1..steps(); any noise comes from rng.
    /// Runs in inference mode. Throws ddpm::Error for t outside 1..steps().
    virtual SamplerStep step(const at::Tensor& xt, int t, Rng& rng) = 0;
    /// E.g. "DDPM, small variance" or "DDIM, eta = 0".
    virtual std::string describe() const = 0;

    int steps() const;
    const Diffusion& diffusion() const { return m_diffusion; }
    DenoiseModel& model() { return m_model; }

    /// x_T ~ N(0, I) drawn from rng, shaped [n, dims...], on the diffusion's device.
    at::Tensor initialNoise(const std::vector<std::int64_t>& shape, Rng& rng) const;
    /// The whole chain from initialNoise(shape, rng); reports steps done of steps(); throws
    /// Cancelled when stop is set.
    at::Tensor sample(const std::vector<std::int64_t>& shape, Rng& rng, const ProgressFn& progress = {},
                      const std::atomic<bool>* stop = nullptr);

protected:
    /// t as [B] int64, after the range check.
    at::Tensor timestepsFor(const at::Tensor& xt, int t) const;

    const Diffusion& m_diffusion;
    DenoiseModel& m_model;
};

struct SamplerOptions {
    /// sigma_t^2 for a model whose variance is fixed; a learned variance uses the model's own.
    VarianceKind variance = VarianceKind::Small;
    bool clipDenoised = true;   ///< clamp the predicted x_0 to [-1, 1] (images)
};

/// Algorithm 2 with sigma_t^2 = beta~_t (small), beta_t (large) or the model's learned one.
class DdpmSampler final : public Sampler {
public:
    DdpmSampler(const Diffusion& diffusion, DenoiseModel& model, SamplerOptions options);

    SamplerStep step(const at::Tensor& xt, int t, Rng& rng) override;
    std::string describe() const override;

    const Parameterization& parameterization() const { return m_param; }

private:
    Parameterization m_param;
    SamplerOptions m_options;
};

/// DDIM (Song et al. 2021, Eq. 12) with eta:
///   x_{t-1} = sqrt(alpha_bar_{t-1}) x0_pred + sqrt(1 - alpha_bar_{t-1} - sigma_t^2) eps_pred + sigma_t z,
///   sigma_t = eta sqrt((1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)) sqrt(1 - alpha_bar_t / alpha_bar_{t-1}).
/// eta = 0 is deterministic; eta = 1 on every step has DDPM's posterior variance beta~_t.
/// eps_pred is recomputed from the (clipped) x0_pred, so the two stay consistent.
class DdimSampler final : public Sampler {
public:
    /// eta in 0..1 (throws ddpm::Error outside).
    DdimSampler(const Diffusion& diffusion, DenoiseModel& model, double eta, bool clipDenoised);

    SamplerStep step(const at::Tensor& xt, int t, Rng& rng) override;
    std::string describe() const override;

private:
    Parameterization m_param;
    double m_eta;
    bool m_clipDenoised;
};

} // namespace ddpm
