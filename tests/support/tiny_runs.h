// The smallest training runs the tests of core and of the GUI build: the tiny MLP preset on
// 2-D points and the tiny UNet preset on small images, each with a short diffusion (T steps).
// Settings only: torch-free, so a GUI test includes it cheaply. Their training sets:
// tiny_data.h.
#pragma once

#include "ddpm/train_config.h"

namespace ddpm::test {

/// The tiny MLP on toy:gaussians8 (eight Gaussians in 2-D) with T = diffusionSteps; every
/// other setting at its default.
inline TrainConfig tinyMlpConfig(int diffusionSteps)
{
    TrainConfig c;
    c.data = "toy:gaussians8";
    c.model = "mlp";
    c.preset = "tiny";
    c.diffusionSteps = diffusionSteps;
    return c;
}

/// The tiny UNet with T = diffusionSteps, on images the test passes to the Trainer itself
/// (data "images" names them; nothing is loaded); every other setting at its default.
inline TrainConfig tinyUnetConfig(int diffusionSteps)
{
    TrainConfig c = tinyMlpConfig(diffusionSteps);
    c.data = "images";
    c.model = "unet";
    return c;
}

/// The run whose checkpoints the file tests write and read: the tiny MLP with T = 20 on the
/// cosine schedule, batch 16 (with tiny_data.h's firstItems(config, 64), milliseconds a step).
inline TrainConfig checkpointRunConfig()
{
    TrainConfig c = tinyMlpConfig(20);
    c.schedule = "cosine";
    c.batch = 16;
    return c;
}

/// The run the GUI's worker tests train: the tiny MLP with T = 50, batch 64, seed 3, no EMA
/// previews, `steps` training steps (a count it never reaches keeps it going until stopped).
inline TrainConfig workerRunConfig(long long steps)
{
    TrainConfig c = tinyMlpConfig(50);
    c.steps = steps;
    c.batch = 64;
    c.sampleEvery = 0;
    c.seed = 3;
    return c;
}

} // namespace ddpm::test
