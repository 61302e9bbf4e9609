// The demonstrations of Ho et al. (2020), Section 4.3-4.4, on any model and sampler:
//   Fig. 5  rate-distortion of progressive lossy compression: after receiving x_t the rate is
//           the bits sent so far, L_T + sum_{s=t+1..T} L_{s-1} (bits/dim), and the distortion
//           the RMSE of the predicted x_0 against x_0 on the 0..255 scale;
//   Fig. 6  progressive generation: the predicted x_0 along the chain (a Trajectory's frames);
//   Fig. 7  samples that share x_t: x_t ~ q(x_t | x_0) of one image, then several reverse
//           chains from it, for a few t;
//   Fig. 8  interpolation: x_t and x'_t of two images mixed as (1 - lambda) x_t + lambda x'_t
//           and decoded by the reverse chain with the same noise for every lambda.
// Timesteps here are a sampler's chain steps k (1..K); on a respaced chain step k stands for
// the original t = timesteps[k - 1], whose q(x_t | x_0) the respaced diffusion reproduces.
#pragma once

#include <atomic>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ddpm/bound.h"
#include "ddpm/progress.h"

namespace ddpm {

class DenoiseModel;
class Diffusion;
class Rng;
class Sampler;

/// Runs the chain from x at step k down to the sample (steps k..1); returns x_0.
at::Tensor continueChain(Sampler& sampler, at::Tensor x, int k, Rng& rng, const std::atomic<bool>* stop = nullptr);

/// Fig. 7: for each chain step k in ks, one x_k ~ q(x_k | x0) of the image x0 ([1, C, H, W]),
/// then n reverse chains from it; returns one [n, C, H, W] tensor per k.
std::vector<at::Tensor> samplesSharingXt(Sampler& sampler, const at::Tensor& x0, const std::vector<int>& ks, int n,
                                         Rng& rng, const std::atomic<bool>* stop = nullptr);

/// Fig. 8: x_k of images a and b ([1, C, H, W] each), mixed for each lambda and decoded with the
/// same reverse noise; returns [lambdas, C, H, W].
at::Tensor interpolateThroughXt(Sampler& sampler, const at::Tensor& a, const at::Tensor& b, int k,
                                const std::vector<double>& lambdas, Rng& rng, const std::atomic<bool>* stop = nullptr);

struct RateDistortionPoint {
    int t = 0;                ///< x_t received (T..1; 0 once x_0 itself is decoded)
    double rateBpd = 0;       ///< bits/dim sent so far
    double distortion = 0;    ///< RMSE of the predicted x_0, 0..255 scale
};

/// Fig. 5 for images x0 ([B, C, H, W], 8-bit data in [-1, 1]) at the timesteps ts (1..T, any
/// order; the result is in decreasing t, then t = 0 with the whole bound and no distortion).
/// The bound's terms come from evaluateBound(options); each distortion from one x_t ~ q.
std::vector<RateDistortionPoint> rateDistortion(const Diffusion& diffusion, DenoiseModel& model, const at::Tensor& x0,
                                                std::vector<int> ts, const BoundOptions& options,
                                                const ProgressFn& progress = {},
                                                const std::atomic<bool>* stop = nullptr);

} // namespace ddpm
