// The oracle denoiser: what a perfectly trained model would predict. For data treated as
// its empirical distribution (equal point masses at the N items x_i), or as an exact mixture
// of isotropic Gaussians N(m_k, s^2 I) (toy:gaussians8), the minimum-MSE prediction of the
// noise has a closed form. With c = sqrt(alpha_bar_t) and v_k = c^2 s^2 + 1 - alpha_bar_t:
//   w_k(x_t)       = softmax_k( -|x_t - c m_k|^2 / (2 v_k) )        (which component made x_t)
//   E[x_0 | x_t]   = sum_k w_k (m_k + (c s^2 / v_k)(x_t - c m_k))
//   E[eps | x_t]   = (x_t - c E[x_0 | x_t]) / sqrt(1 - alpha_bar_t)
// (point masses: s = 0). Sampling with it reproduces the data distribution; for a finite image
// set it reproduces the training images themselves: memorisation made visible.
#pragma once

#include <memory>
#include <string>

#include <ATen/core/Tensor.h>

#include "ddpm/model.h"
#include "ddpm/schedule.h"

namespace ddpm {

class OracleModel final : public DenoiseModel {
public:
    /// means: [K, ...] the point masses or the mixture's means (float, CPU); std: the
    /// components' standard deviation (0 for point masses). Throws ddpm::Error for no items.
    OracleModel(at::Tensor means, double std, NoiseSchedule schedule, std::string name);

    /// Predicts eps (Prediction::Epsilon with the small variance) for x_t [B, ...] at t [B].
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override;
    Parameterization parameterization() const override { return {}; }
    const NoiseSchedule* schedule() const override { return &m_schedule; }
    std::string name() const override { return m_name; }
    std::vector<std::int64_t> itemShape() const override;

    std::int64_t components() const { return m_means.size(0); }

private:
    at::Tensor m_means;      // float64 [K, D]
    at::Tensor m_meanNorms;  // float64 [K]: |m_k|^2
    std::vector<std::int64_t> m_itemShape;
    double m_std;
    NoiseSchedule m_schedule;
    std::string m_name;
};

/// The oracle of a data spec (dataset.h): toy:gaussians8 as its exact mixture, every other
/// set as the empirical distribution of its items (toy sets: 2,000 points drawn with seed 0;
/// images at their own size). Throws ddpm::Error from loading the data.
std::unique_ptr<OracleModel> makeOracleModel(const std::string& dataSpec, const NoiseSchedule& schedule);

} // namespace ddpm
