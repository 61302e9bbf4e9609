// `ddpm bench`: how fast this machine trains and samples a model preset. Times the full
// training step (Trainer::step: data, loss, backward, clipping, AdamW, EMA) and one DDPM
// sampling step, warm-up excluded, and prints one JSON object with medians over 5 windows.
#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/flat_adamw.h"
#include "ddpm/model_config.h"
#include "ddpm/network_model.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/sampler.h"
#include "ddpm/sampling_plan.h"
#include "ddpm/trainer.h"

namespace ddpm::cli {

namespace {

struct BenchArgs {
    std::string model = "unet";
    std::string preset;
    int batch = 64;
    int threads = 0;
    std::string what = "both";
    double seconds = 10;
    std::string device = "cpu";
    std::string precision = "fp32";
    bool bare = false;
    std::string chain; ///< SAMPLER[:SPACING]: also time whole chains (e.g. ddim:50, ddpm)
};

struct Timing {
    double msPerStep = 0;
    double itemsPerSecond = 0;
};

/// Times windows of a step: warm-up steps first (which also size the windows so that five of
/// them last about `seconds`), then each window() runs that many steps and returns ms per step.
class StepTimer {
public:
    StepTimer(std::function<void()> step, double seconds, int warmup)
        : step_(std::move(step))
    {
        const auto w0 = Clock::now();
        for (int i = 0; i < warmup; ++i) step_();
        const double perStep = std::chrono::duration<double>(Clock::now() - w0).count() / std::max(1, warmup);
        perWindow_ = std::max(1, static_cast<int>(seconds / 5.0 / std::max(perStep, 1e-6)));
    }

    double window()
    {
        const auto t0 = Clock::now();
        for (int i = 0; i < perWindow_; ++i) step_();
        return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / perWindow_;
    }

private:
    using Clock = std::chrono::steady_clock;
    std::function<void()> step_;
    int perWindow_ = 1;
};

constexpr int kWindows = 5;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

Timing timingOf(double msPerStep, int batch)
{
    return {msPerStep, batch * 1000.0 / msPerStep};
}

/// Runs step warm-up times, then 5 windows each lasting about seconds / 5; the median window.
Timing timeSteps(const std::function<void()>& step, int batch, double seconds, int warmup)
{
    StepTimer timer(step, seconds, warmup);
    std::vector<double> ms;
    for (int w = 0; w < kWindows; ++w) ms.push_back(timer.window());
    return timingOf(median(ms), batch);
}

/// Two steps timed in alternating windows (a b, b a, a b, ...), so that a machine whose speed
/// drifts slows both alike. `ratio` is the median over the pairs of b's ms per step over a's,
/// a's speed relative to b's.
struct PairedTiming {
    Timing a, b;
    double ratio = 0;
};

PairedTiming timeAlternating(StepTimer& a, StepTimer& b, int batch)
{
    std::vector<double> msA, msB, ratios;
    for (int w = 0; w < kWindows; ++w) {
        const bool aFirst = w % 2 == 0;
        const double first = aFirst ? a.window() : b.window();
        const double second = aFirst ? b.window() : a.window();
        msA.push_back(aFirst ? first : second);
        msB.push_back(aFirst ? second : first);
        ratios.push_back(msB.back() / msA.back());
    }
    return {timingOf(median(msA), batch), timingOf(median(msB), batch), median(ratios)};
}

/// Synthetic data of the shape the preset is for: uniform images in [-1, 1] (as the Python
/// peer draws them) or points of eight Gaussians on a ring.
TrainingData benchData(const BenchArgs& args, std::int64_t count)
{
    Rng rng(1);
    TrainingData data;
    if (args.model == "mlp") {
        const at::Tensor k = rng.integers(0, 7, {count}).to(at::kDouble) * (2 * 3.14159265358979323846 / 8);
        data.items = (at::stack({k.cos(), k.sin()}, 1) * 2.0 + 0.1 * rng.normal({count, 2}, at::kDouble)).to(at::kFloat);
    } else {
        const bool cifar = args.preset == "cifar10";
        const std::int64_t c = cifar ? 3 : 1, side = cifar ? 32 : 28;
        data.items = at::rand({count, c, side, side}) * 2 - 1;
    }
    data.fingerprint = "synthetic benchmark data";
    return data;
}

/// The bare training step the full one is compared with: the same net, batch, x_t, eps-MSE,
/// backward and FlatAdamW, with no data order, t-sampler, clipping, EMA, metrics or host read.
/// Its timings alternate window by window with the full step's.
PairedTiming timeFullAndBareSteps(const BenchArgs& args, Trainer& trainer, int warmup)
{
    const TrainingData& data = trainer.data();
    const bool images = data.items.dim() == 4;
    const ModelConfig config = modelPreset(images ? ModelConfig::Kind::UNet : ModelConfig::Kind::MLP,
                                           trainer.config().preset, static_cast<int>(data.items.size(1)),
                                           images ? static_cast<int>(data.items.size(2)) : 0,
                                           static_cast<int>(data.items.size(1)));
    Network net = buildNetwork(config);
    net.module->to(trainer.device());
    net.module->train();
    FlatAdamW optimizer(*net.module, AdamWOptions{0.9, 0.999, 1e-8, 0.0});
    const Diffusion& diffusion = trainer.diffusion();
    Rng rng(3);
    const at::Tensor x0 = data.items.narrow(0, 0, args.batch).to(trainer.device());
    StepTimer full([&] { trainer.step(); }, args.seconds, warmup);
    StepTimer bare(
        [&] {
            const at::Tensor t = rng.integers(1, diffusion.steps(), {args.batch}).to(trainer.device());
            const at::Tensor eps = rng.normal(x0.sizes(), at::kFloat, trainer.device());
            const at::Tensor loss = (net.forward(diffusion.qSample(x0, t, eps), t) - eps).square().mean();
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step(optimizer.gatherGradients(), 1e-4);
        },
        args.seconds, warmup);
    return timeAlternating(full, bare, args.batch);
}

/// Seconds of whole reverse chains (x_T drawn, every step to x_0) of batch items: the median
/// of five after one warm-up chain.
nlohmann::ordered_json timeChains(const BenchArgs& args, Trainer& trainer)
{
    const auto colon = args.chain.find(':');
    SamplingSpec spec;
    spec.sampler = args.chain.substr(0, colon);
    spec.spacing = colon == std::string::npos ? std::string() : args.chain.substr(colon + 1);
    spec.clipDenoised = args.model == "unet";
    checkSamplerName(spec.sampler);
    SamplingPlan plan(trainer.emaModel(), spec, nullptr, trainer.device());
    std::vector<std::int64_t> shape{args.batch};
    for (std::int64_t d : trainer.itemShape()) shape.push_back(d);
    Rng rng(4);
    const auto chain = [&] {
        at::Tensor x = plan.sampler().initialNoise(shape, rng);
        for (int k = plan.steps(); k >= 1; --k) x = plan.sampler().step(x, k, rng).xPrev;
        (void)x.sum().item<double>(); // wait for a device to finish
    };
    chain();
    std::vector<double> seconds;
    for (int i = 0; i < 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        chain();
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    return {{"sampler", spec.sampler}, {"spacing", spec.spacing.empty() ? "all" : spec.spacing},
            {"steps", plan.steps()}, {"seconds", seconds[2]}, {"items_per_s", args.batch / seconds[2]}};
}

void runBench(const BenchArgs& args)
{
    applyThreads(args.threads);
    TrainConfig config;
    config.data = "benchmark";
    config.model = args.model;
    config.preset = args.preset.empty() ? (args.model == "mlp" ? "tiny" : "tiny") : args.preset;
    config.batch = args.batch;
    config.lr = 1e-4;
    config.warmup = 0;
    config.device = args.device;
    config.precision = args.precision;
    config.steps = 1000000000LL;
    Trainer trainer(config, benchData(args, std::max<std::int64_t>(4LL * args.batch, 1024)));

    nlohmann::ordered_json out;
    out["model"] = args.model;
    out["preset"] = trainer.config().preset;
    out["parameters"] = trainer.parameterCount();
    out["batch"] = args.batch;
    out["threads"] = threadCount();
    out["device"] = trainer.device().str();
    const bool unet = args.model == "unet";
    if (args.what == "train" || args.what == "both") {
        const int warmup = unet ? 3 : 20;
        if (args.bare) {
            const PairedTiming p = timeFullAndBareSteps(args, trainer, warmup);
            out["train"] = {{"items_per_s", p.a.itemsPerSecond}, {"ms_per_step", p.a.msPerStep}};
            out["bare"] = {{"items_per_s", p.b.itemsPerSecond}, {"ms_per_step", p.b.msPerStep},
                           {"full_over_bare", p.ratio}};
        } else {
            const Timing t = timeSteps([&] { trainer.step(); }, args.batch, args.seconds, warmup);
            out["train"] = {{"items_per_s", t.itemsPerSecond}, {"ms_per_step", t.msPerStep}};
        }
    }
    if (args.what == "sample" || args.what == "both") {
        SamplerOptions options;
        options.clipDenoised = unet;
        DdpmSampler sampler(trainer.diffusion(), trainer.emaModel(), options);
        Rng rng(2);
        std::vector<std::int64_t> shape{args.batch};
        for (std::int64_t d : trainer.itemShape()) shape.push_back(d);
        at::Tensor x = rng.normal(shape);
        int t = trainer.diffusion().steps();
        const Timing s = timeSteps(
            [&] {
                x = sampler.step(x, t, rng).xPrev;
                t = t > 1 ? t - 1 : trainer.diffusion().steps();
            },
            args.batch, args.seconds, unet ? 5 : 20);
        out["sample"] = {{"items_per_s", s.itemsPerSecond}, {"ms_per_step", s.msPerStep}};
        if (!args.chain.empty())
            out["chain"] = timeChains(args, trainer);
    }
    std::cout << out.dump(2) << std::endl;
}

} // namespace

void addBenchCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("bench", "Time the training step and the sampling step of a model preset");
    auto o = std::make_shared<BenchArgs>();
    sub->add_option("--model", o->model, "unet or mlp")->check(oneOf({"unet", "mlp"}))->default_val(o->model);
    sub->add_option("--preset", o->preset, "unet tiny|small|cifar10, mlp tiny|base (default tiny)");
    sub->add_option("--batch", o->batch, "Batch size (items per step)")->transform(integerIn(1, 65536))->default_val(o->batch);
    addThreadsOption(*sub, o->threads);
    sub->add_option("--what", o->what, "train, sample or both")->check(oneOf({"train", "sample", "both"}))
        ->default_val(o->what);
    sub->add_option("--seconds", o->seconds, "Timed seconds per part (5 windows)")
        ->transform(numberIn(0.5, 3600))->default_val(o->seconds);
    sub->add_option("--device", o->device, "auto, cpu or cuda")->check(oneOf({"auto", "cpu", "cuda"}))
        ->default_val(o->device);
    sub->add_option("--precision", o->precision, "fp32, or bf16 autocast of the training forward pass")
        ->check(oneOf({"fp32", "bf16"}))->default_val(o->precision);
    sub->add_flag("--bare", o->bare,
                  "Also time a bare training step (net, eps-MSE, backward, AdamW only) as \"bare\", in windows "
                  "alternating with the full step's");
    sub->add_option("--chain", o->chain,
                    "With sample: also time whole chains, SAMPLER[:SPACING] (e.g. ddim:50, ddpm), as \"chain\"");
    setExample(*sub, "ddpm bench --model unet --preset tiny --batch 64 --threads 2 --what train");
    sub->callback([o] { runBench(*o); });
}

} // namespace ddpm::cli
