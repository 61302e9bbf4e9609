// EMA sample previews of a training run: what `ddpm train` writes to samples/ and the Training
// page shows, made here only, so both draw the same samples for the same settings and step.
//
// The chain follows TrainConfig::sampleSteps:
//   0         DDPM ancestral sampling (Algorithm 2) over all T steps, sigma_t^2 = beta~_t (a
//             learned variance: the model's own); T network calls.
//   K in 1..T DDIM (Song et al. 2021, Eq. 12) with eta = 0 on K evenly spaced steps of 1..T
//             (respacing "K", both ends kept), the chain of
//             `ddpm sample --sampler ddim --steps K --clip-denoised`; K network calls.
// Images: config.sampleCount samples, the predicted x_0 clamped to [-1, 1] at every step, as a
// grid; 2-D points: kPreviewPoints samples as a scatter over the first kPreviewDataPoints
// items of the data. x_T and any noise come from Rng(previewSeed(config, step)).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

#include "ddpm/image.h"
#include "ddpm/progress.h"
#include "ddpm/sampling_plan.h"
#include "ddpm/train_config.h"

namespace ddpm {

class Trainer;

/// Samples per preview of a 2-D model, and data points drawn behind them.
constexpr std::int64_t kPreviewPoints = 1000;
constexpr std::int64_t kPreviewDataPoints = 5000;

/// The seed of the preview at step: config.seed + 7919 step (wrapping).
std::uint64_t previewSeed(const TrainConfig& config, long long step);

/// The sampler, spacing and clipping of a preview (as above) for a model of that
/// parameterisation; images clip the predicted x_0.
SamplingSpec previewSamplingSpec(const TrainConfig& config, const Parameterization& param, bool images);

struct PreviewSamples {
    long long step = 0;       ///< the trainer's step count when sampled
    at::Tensor samples;       ///< float32 [N, C, H, W] in about [-1, 1], or [N, D]; on the trainer's device
    Image picture;            ///< the grid or scatter that samples/step-NNNNNNNN.png holds
    std::string chain;        ///< e.g. "DDIM, eta = 0 on 50 of 1000 steps"
};

/// Samples the trainer's EMA model now (between steps, never during one). progress reports
/// chain steps done of K (or T); stop is checked between them (throws ddpm::Cancelled).
PreviewSamples samplePreview(Trainer& trainer, const std::atomic<bool>* stop = nullptr,
                             const ProgressFn& progress = {});

} // namespace ddpm
