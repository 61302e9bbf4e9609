// Everything one sampling run needs, built from the choices a user makes (`ddpm sample`
// flags, the Reverse chain page): the sampler, the spacing of its steps and the variance.
// Owns the respaced schedule, its Diffusion, the RespacedModel and the Sampler, so the
// caller keeps one object and walks plan.sampler().step(x, k, rng) for k = steps()..1.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <c10/core/Device.h>

#include "ddpm/parameterization.h"

namespace ddpm {

class DenoiseModel;
class Diffusion;
class NoiseSchedule;
class RespacedModel;
class Sampler;

struct SamplingSpec {
    std::string sampler = "ddpm";           ///< ddpm | ddim
    /// Which timesteps to visit (respacing.h): "" = all T; a count "50"; "ddim50";
    /// sections "10,10,20"; "leading:50", "trailing:50", "linspace:50".
    std::string spacing;
    double eta = 0.0;                       ///< DDIM's eta (0 = deterministic)
    /// DDPM's sigma_t^2 for a fixed-variance model (none: the model's own); refused with a
    /// learned variance.
    std::optional<VarianceKind> variance;
    bool clipDenoised = false;              ///< clamp the predicted x_0 to [-1, 1]
};

/// "ddpm" / "ddim"; throws ddpm::Error otherwise.
void checkSamplerName(const std::string& name);

class SamplingPlan {
public:
    /// model: its schedule() when it has one, else schedule (throws ddpm::Error when neither).
    /// Throws ddpm::Error for a bad spacing, eta or variance choice, naming it.
    SamplingPlan(DenoiseModel& model, const SamplingSpec& spec, const NoiseSchedule* schedule = nullptr,
                 c10::Device device = c10::Device(c10::kCPU));
    ~SamplingPlan();
    SamplingPlan(const SamplingPlan&) = delete;
    SamplingPlan& operator=(const SamplingPlan&) = delete;

    Sampler& sampler() { return *m_sampler; }
    /// The chain's steps K (T when not respaced).
    int steps() const;
    /// The original t of each chain step k = 1..K, index k - 1.
    const std::vector<int>& timesteps() const { return m_timesteps; }
    /// The diffusion the model was trained on (for the bound and forward views).
    const NoiseSchedule& originalSchedule() const;
    /// E.g. "DDIM, eta = 0 on 50 of 1000 steps".
    std::string describe() const;

private:
    std::unique_ptr<NoiseSchedule> m_original;
    std::vector<int> m_timesteps;
    std::unique_ptr<RespacedModel> m_respaced;
    std::unique_ptr<Diffusion> m_diffusion;
    std::unique_ptr<Sampler> m_sampler;
};

} // namespace ddpm
