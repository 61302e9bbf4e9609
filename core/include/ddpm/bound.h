// The variational bound of Ho et al. (2020), Eq. 5, term by term, in bits per dimension:
//   L = L_T + sum_{t=2..T} L_{t-1} + L_0
//   L_T     = KL(q(x_T | x_0) || N(0, I))
//   L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t))
//   L_0     = -log p_theta(x_0 | x_1), the discretized Gaussian decoder (Eq. 13)
// Bits per dimension = nats averaged over every pixel and channel, divided by ln 2.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ddpm/diffusion.h"
#include "ddpm/progress.h"

namespace ddpm {

class DenoiseModel;

/// KL(N(mean1, exp(logVar1)) || N(mean2, exp(logVar2))) elementwise, in nats.
at::Tensor normalKl(const at::Tensor& mean1, const at::Tensor& logVar1,
                    const at::Tensor& mean2, const at::Tensor& logVar2);

/// log of the probability N(mean, exp(logScale)^2) gives x's bin, elementwise, in nats.
/// x holds 8-bit data scaled to [-1, 1]; bins have width 2/255 with the first and last
/// open-ended (Eq. 13).
at::Tensor discretizedGaussianLogLikelihood(const at::Tensor& x, const at::Tensor& mean,
                                            const at::Tensor& logScale);

/// L_T per image in bits/dim: [B] float64 (computed in float64 whatever x0's dtype).
at::Tensor priorBpd(const Diffusion& diffusion, const at::Tensor& x0);

/// The bound's term for each row of a batch of (x_0, x_t, t), in bits/dim, [B] in x_t's dtype:
/// where(t == 1, L_0 = -log p_theta(x_0 | x_1), L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p_theta)).
/// output is the model's raw output at (x_t, t), read through param; clipDenoised clamps the
/// predicted x_0. The one code path of evaluation (evaluateBound) and of the L_vlb loss.
at::Tensor vbTermsBpd(const Diffusion& diffusion, const Parameterization& param, const at::Tensor& output,
                      const at::Tensor& x0, const at::Tensor& xt, const at::Tensor& t, bool clipDenoised);

/// The weight w_t with L_{t-1} = C_t + w_t * E||eps - eps_theta||^2 (per dimension, nats)
/// for an eps model without clipping (Eq. 12): beta_t^2 / (2 sigma_t^2 alpha_t (1 - alpha_bar_t)).
/// Index t - 1; entry t = 1 is the same expression (the decoder is not a KL).
/// L_simple (Eq. 14) sets every w_t to 1.
std::vector<double> lSimpleWeights(const NoiseSchedule& schedule, VarianceKind variance);

struct BoundOptions {
    /// sigma_t^2 for a model whose variance is fixed (small or large); a model that learned
    /// its variance uses its own and ignores this.
    VarianceKind variance = VarianceKind::Small;
    bool clipDenoised = false;
    int samples = 1;          ///< K noise draws per t, averaged (1..1000)
    std::uint64_t seed = 0;
    int timestepBatch = 0;    ///< timesteps per model call; 0 picks one from the image size
};

/// Elements one model call aims to hold when BoundOptions::timestepBatch is 0 (2^16, e.g.
/// 84 timesteps of a 28x28 gray image). Measured on 2 CPU cores (docs/PERFORMANCE.md): bigger
/// calls leave the cache and get slower per element, both for the bound's own float64
/// arithmetic and for a small conv net; smaller calls pay per-call overhead.
constexpr std::int64_t kBoundElementsPerCall = std::int64_t(1) << 16;

/// The timesteps per model call evaluateBound uses when asked to pick: about
/// kBoundElementsPerCall / elementsPerTimestep (elementsPerTimestep = B * C * H * W),
/// at least 1, at most steps, then evened out so that every call holds about as many.
int pickTimestepBatch(std::int64_t elementsPerTimestep, int steps);

struct BoundResult {
    double priorBpd = 0;      ///< L_T
    double decoderBpd = 0;    ///< L_0 (the t = 1 term)
    double termsBpdSum = 0;   ///< sum over t = 2..T of L_{t-1}
    double totalBpd = 0;      ///< prior + decoder + terms sum
    std::vector<double> termsBpd;   ///< index t - 1: t = 1 is L_0, t >= 2 is L_{t-1}
    std::vector<double> lSimple;    ///< index t - 1: mean over dims of (eps - eps_theta)^2 (Eq. 14), eps_theta read through the model's parameterisation
    long long modelCalls = 0;       ///< forward passes made
    int timestepBatch = 0;          ///< timesteps per forward pass used
};

/// Evaluates every term for x0 ([B, C, H, W] in [-1, 1]; results are averages over the batch).
/// Seeded; reports progress in timesteps done of T; throws Cancelled when stop is set and
/// ddpm::Error on bad options or input.
BoundResult evaluateBound(const Diffusion& diffusion, DenoiseModel& model, const at::Tensor& x0,
                          const BoundOptions& options, const ProgressFn& progress = {},
                          const std::atomic<bool>* stop = nullptr);

} // namespace ddpm
