// `ddpm noise`: one image noised by the forward process at chosen t, written as a labelled strip.
#include <ATen/ATen.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cli_common.h"
#include "ddpm/diffusion.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/memory_budget.h"
#include "ddpm/rng.h"
#include "ddpm/schedule.h"
#include "ddpm/strip.h"
#include "progress_line.h"

namespace ddpm::cli {
namespace {

constexpr int kMaxNoiseSize = 4096;
constexpr size_t kMaxTiles = 64;
/// The most memory one run may need (16 GiB), whatever the machine has; documented in docs/CLI.md.
constexpr std::int64_t kMaxNoiseBytes = std::int64_t(16) << 30;

struct NoiseOptions {
    std::string image;
    int size = 0;
    std::string schedule = "linear";
    int steps = 1000;
    bool zeroTerminalSnr = false;
    std::vector<int> t;
    std::uint64_t seed = 0;
    bool chain = false;
    std::string out;
    int threads = 0;
};

/// Peak memory of one run for an image of pixels x channels and `tiles` timesteps. Measured
/// (peak RSS, Debian 12, 2048 x 2048 RGB, both modes): about 20 float32 states of working
/// memory (decoding, noise, arithmetic, 8-bit conversion, the strip, PNG encoding) plus 1.6
/// states per tile (its x_t and its 8-bit copies), plus about 0.5 GiB of libraries.
std::int64_t noiseMemoryBytes(std::int64_t pixels, int channels, size_t tiles)
{
    const std::int64_t stateBytes = pixels * channels * static_cast<std::int64_t>(sizeof(float));
    return (std::int64_t(512) << 20) + stateBytes * 20 + stateBytes * static_cast<std::int64_t>(tiles) * 8 / 5;
}

void runNoise(const NoiseOptions& o)
{
    // Cheap checks first, so bad usage fails before any image is decoded.
    requireExtension("--out", o.out, ".png");
    const NoiseSchedule schedule = NoiseSchedule::fromName(o.schedule, o.steps, o.zeroTerminalSnr);
    const int T = schedule.steps();
    const std::vector<int>& ts = o.t; // in the order given, duplicates kept (one tile each)
    for (int t : ts)
        if (t < 1 || t > T)
            throw UsageError{"--t: " + std::to_string(t) + " is outside 1.." + std::to_string(T) + " (T = " +
                             std::to_string(T) + " steps)"};
    if (ts.size() > kMaxTiles)
        throw UsageError{"--t lists " + std::to_string(ts.size()) + " timesteps; at most " +
                         std::to_string(kMaxTiles) + " fit in one strip"};

    ImageLoadOptions loadOptions;
    loadOptions.size = o.size;
    const Image image = loadImage(o.image, loadOptions);
    // Refuse up front what the machine cannot hold, rather than swap for minutes.
    requireMemory(noiseMemoryBytes(static_cast<std::int64_t>(image.width) * image.height, image.channels, ts.size()),
                  kMaxNoiseBytes,
                  "a strip of " + std::to_string(ts.size()) + " timesteps of a " + std::to_string(image.width) + " x " +
                      std::to_string(image.height) + " image",
                  "use a smaller --size or fewer --t values");
    applyThreads(o.threads);

    const Diffusion diffusion(schedule);
    const at::Tensor x0 = imageToTensor(image).unsqueeze(0); // [1, C, H, W] in [-1, 1]
    Rng rng(o.seed);
    std::vector<at::Tensor> xs;
    if (o.chain) {
        // One walk of the Markov chain (Eq. 2), fresh noise at every step, read off at each t.
        ProgressLine progress("chain", "step");
        xs = diffusion.qSampleChain(x0, ts, rng, nullptr, progress.callback());
    } else {
        // Closed form (Eq. 4) with one noise draw shared by every t, so the strip shows the
        // same eps fading in as alpha_bar_t falls.
        const at::Tensor noise = rng.normal(x0.sizes());
        for (int t : ts)
            xs.push_back(diffusion.qSample(x0, diffusion.timesteps(t, 1), noise));
    }

    std::vector<Image> tiles{image};
    std::vector<std::string> labels{"x_0"};
    for (size_t i = 0; i < ts.size(); ++i) {
        tiles.push_back(tensorToImage(xs[i].squeeze(0))); // clamped to [-1, 1] like x_0
        labels.push_back("t = " + std::to_string(ts[i]));
    }
    savePng(composeStrip(tiles, labels), o.out);
}

} // namespace

void addNoiseCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("noise", "Noise an image with the forward process q(x_t | x_0) at chosen t and "
                                            "write a labelled strip x_0, x_t1, x_t2, ... as PNG");
    auto o = std::make_shared<NoiseOptions>();
    sub->add_option("--image", o->image, "Input image (PNG, JPEG, BMP, TIFF, WebP, PNM)")->required();
    sub->add_option("--size", o->size,
                    "Scale the shorter side to N and centre-crop N x N, 1.." + std::to_string(kMaxNoiseSize) +
                        "; 0 (default) keeps the size")
        ->transform(integerIn(0, kMaxNoiseSize))
        ->default_val(0);
    sub->add_option("--schedule", o->schedule,
                    "Schedule: linear, cosine, quadratic, sigmoid, scaled-linear or custom:FILE")
        ->default_val("linear");
    addStepsOption(*sub, o->steps);
    sub->add_flag("--zero-terminal-snr", o->zeroTerminalSnr, "Rescale the schedule so alpha_bar_T = 0");
    sub->add_option("--t", o->t,
                    "Comma-separated timesteps in 1..T, e.g. 1,250,500,1000; one tile each, in the order given "
                    "(duplicates kept, empty items skipped), at most " + std::to_string(kMaxTiles))
        ->delimiter(',')
        ->allow_extra_args(false) // one value per --t: "1,2", not "1 2"
        ->transform(integerIn(std::numeric_limits<int>::min(), std::numeric_limits<int>::max(),
                          "comma-separated integers in 1..T, e.g. 1,250,500"))
        ->required();
    addSeedOption(*sub, o->seed, "Seed of the Gaussian noise (same seed, same PNG)");
    sub->add_flag("--chain", o->chain,
                  "Walk the Markov chain q(x_t | x_{t-1}) step by step instead of the closed form q(x_t | x_0)");
    sub->add_option("--out", o->out, "Output PNG file (written atomically)")->required();
    addThreadsOption(*sub, o->threads);
    setExample(*sub, "ddpm noise --image cat.png --size 64 --t 1,250,500,1000 --seed 7 --out strip.png");
    sub->callback([o] { runNoise(*o); });
}

} // namespace ddpm::cli
