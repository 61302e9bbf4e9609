// Training sets for the tiny runs of tiny_runs.h: the first items of a config's data, and
// seeded gray images for the tiny UNet. Given to a Trainer as they are, with a fingerprint
// that names them.
#pragma once

#include <cstdint>
#include <string>

#include "ddpm/rng.h"
#include "ddpm/trainer.h"

namespace ddpm::test {

/// The first n items of what config's data spec gives with config's seed (for a toy set, n
/// points [n, 2]), fingerprinted "first N of SPEC".
inline TrainingData firstItems(const TrainConfig& config, std::int64_t n)
{
    TrainingData d;
    d.items = loadTrainingData(config).items.narrow(0, 0, n).contiguous();
    d.fingerprint = "first " + std::to_string(n) + " of " + config.data;
    return d;
}

/// 16 gray 8 x 8 images [16, 1, 8, 8] float32 in [-1, 1]: pixel values 0..255 from Rng(4),
/// as x / 127.5 - 1. Sized for the tiny UNet, which halves 8 twice.
inline TrainingData grayImages()
{
    Rng rng(4);
    TrainingData d;
    // Tensor methods, which are what at's / and - operators call: no <ATen/ATen.h> needed.
    d.items = rng.integers(0, 255, {16, 1, 8, 8}).to(at::kFloat).div(127.5).sub(1.0).contiguous();
    d.fingerprint = "images 16x1x8x8";
    return d;
}

} // namespace ddpm::test
