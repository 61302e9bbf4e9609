// `ddpm sample`: draws samples from a model with DDPM ancestral sampling (the paper's
// Algorithm 2) or DDIM, on all T steps or a respaced subset: a grid PNG, a directory of one
// PNG per sample, or a CSV of 2-D points; optionally a strip of the chain (x_t above the
// predicted x_0).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "cli_common.h"
#include "ddpm/animation.h"
#include "ddpm/error.h"
#include "ddpm/image_tensor.h"
#include "ddpm/model.h"
#include "ddpm/rng.h"
#include "ddpm/sample_grid.h"
#include "ddpm/sampler.h"
#include "ddpm/sampling_plan.h"
#include "ddpm/schedule.h"
#include "ddpm/strip.h"
#include "ddpm/trajectory.h"
#include "progress_line.h"

namespace ddpm::cli {

namespace {

namespace fs = std::filesystem;

struct SampleArgs {
    std::string model;
    bool raw = false;
    int n = 16;
    std::string sampler = "ddpm";
    std::string steps;                 // a spacing: "" = all T, "50", "ddim50", "10,10,20", "trailing:50"
    double eta = 0.0;
    bool etaGiven = false;
    std::string variance;
    bool clipDenoised = false;
    std::uint64_t seed = 0;
    std::string out;
    std::string strip;
    int stripColumns = 8;
    std::string trajectory;
    double fps = 20;
    std::string schedule = "linear";   // for models without their own (oracle, zero)
    int diffusionSteps = 1000;
    bool scheduleGiven = false;
    int threads = 0;
};

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// The chain steps k (K..1) whose x_t and predicted x_0 the strip shows: evenly spaced, both ends.
std::vector<int> stripSteps(int chainSteps, int columns)
{
    std::vector<int> ks;
    const int n = std::min(columns, chainSteps);
    for (int j = 0; j < n; ++j) {
        const int k = chainSteps - static_cast<int>(std::lround(n == 1 ? 0.0 : double(j) * (chainSteps - 1) / (n - 1)));
        if (ks.empty() || ks.back() != k) ks.push_back(k);
    }
    return ks;
}

void writePoints(const std::string& path, const at::Tensor& x)
{
    const at::Tensor c = x.to(at::kDouble).contiguous();
    std::string text = "x,y\n";
    const double* d = c.data_ptr<double>();
    char row[64];
    for (std::int64_t i = 0; i < c.size(0); ++i) {
        std::snprintf(row, sizeof row, "%.9g,%.9g\n", d[2 * i], d[2 * i + 1]);
        text += row;
    }
    writeOutput(path, text);
}

void writeImageDirectory(const std::string& dir, const at::Tensor& x)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create the directory " + dir + ": " + ec.message());
    for (std::int64_t i = 0; i < x.size(0); ++i) {
        std::string name = std::to_string(i);
        name = std::string(name.size() < 5 ? 5 - name.size() : 0, '0') + name + ".png";
        savePng(tensorToImage(x[i]), (fs::path(dir) / name).string());
    }
}

/// Frames kept for --strip and --trajectory: up to 512 MiB (T = 1000 of 64 images 28 x 28 fit).
constexpr std::size_t kTrajectoryBudget = std::size_t(512) << 20;
/// Items per forward pass of the net (and most samples a recorded chain holds).
constexpr std::int64_t kSampleBatch = 256;
/// Most frames an animation shows of the chain (then the final sample is held for a second).
constexpr int kAnimationFrames = 100;

/// Stored 8-bit images [N, C, H, W] back to [-1, 1] floats for the picture helpers.
at::Tensor fromBytes(const at::Tensor& bytes)
{
    return bytes.to(at::kFloat) / 127.5 - 1.0;
}

void writeStrip(Trajectory& chain, Sampler& sampler, const SampleArgs& args)
{
    std::vector<Image> xtTiles, x0Tiles;
    std::vector<std::string> labels;
    for (int k : stripSteps(chain.chainSteps(), args.stripColumns)) {
        const TrajectoryFrame f = chain.frameAt(k, sampler);
        xtTiles.push_back(sampleGrid(fromBytes(f.xt.narrow(0, 0, 1)), 112));
        x0Tiles.push_back(sampleGrid(fromBytes(f.x0.narrow(0, 0, 1)), 112));
        labels.push_back("t = " + std::to_string(f.t));
    }
    const std::vector<std::string> below(labels.size(), "predicted x0");
    savePng(stackVertically({composeStrip(xtTiles, labels), composeStrip(x0Tiles, below)}), args.strip);
}

void writeTrajectory(const Trajectory& chain, const std::string& path, double fps)
{
    const std::vector<TrajectoryFrame>& frames = chain.frames();
    const std::size_t every = (frames.size() + kAnimationFrames - 1) / kAnimationFrames;
    std::vector<Image> pictures;
    const at::Tensor& final = chain.samples();
    for (std::size_t i = 0; i < frames.size(); ++i) {
        if (i % every != 0 && i + 1 != frames.size()) continue;
        const TrajectoryFrame& f = frames[i];
        const Image picture = chain.images() ? sampleGrid(fromBytes(f.xt)) : scatterPlot(f.xt, final, 384);
        pictures.push_back(composeStrip({picture}, {f.step == 0 ? std::string("x_0 (the samples)") : "t = " + std::to_string(f.t)}));
    }
    for (int hold = 1; hold < static_cast<int>(std::lround(fps)); ++hold) pictures.push_back(pictures.back());
    writeAnimation(pictures, path, fps);
}

void runSample(const SampleArgs& args)
{
    if (args.out.empty())
        throw UsageError{"--out is required: FILE.png (a grid), DIR/ (one PNG per sample) or FILE.csv (2-D points)"};
    const std::string out = lower(args.out);
    std::error_code ec;
    const bool toDir = endsWith(args.out, "/") || fs::is_directory(args.out, ec);
    const bool toCsv = !toDir && endsWith(out, ".csv");
    if (!toDir && !toCsv && !endsWith(out, ".png"))
        throw UsageError{"--out " + args.out + " must end in .png (a grid) or .csv (points), or name a directory (ending in /)"};
    if (!args.strip.empty()) requireExtension("--strip", args.strip, ".png");
    if (!args.trajectory.empty() && !isAnimationPath(args.trajectory))
        throw UsageError{"--trajectory " + args.trajectory + " must end in .gif, .mp4 or .webm"};
    if (args.etaGiven && args.sampler != "ddim")
        throw UsageError{"--eta is DDIM's; add --sampler ddim (DDPM's noise is set by --variance)"};
    if (!args.variance.empty() && args.sampler == "ddim")
        throw UsageError{"--variance is DDPM's; DDIM's noise is set by --eta"};

    const NoiseSchedule fallback = NoiseSchedule::fromName(args.schedule, args.diffusionSteps);
    std::unique_ptr<DenoiseModel> model = makeModel(args.model, args.raw, &fallback);
    if (model->schedule() != nullptr && args.scheduleGiven && args.model.rfind("oracle:", 0) != 0)
        throw UsageError{"--model " + args.model + " brings its own schedule; drop --schedule and --diffusion-steps"};
    const std::vector<std::int64_t> item = model->itemShape();
    if (item.empty())
        throw UsageError{"--model " + args.model + " does not say what it makes; give a checkpoint, a run directory or oracle:DATA"};
    const bool images = item.size() == 3;
    if (toCsv && (images || item[0] != 2))
        throw UsageError{"--out FILE.csv is for 2-D point models; this model makes images, so use FILE.png or DIR/"};
    if (!toCsv && !images)
        throw UsageError{"this model makes 2-D points; write them with --out FILE.csv"};
    if (!args.strip.empty() && !images)
        throw UsageError{"--strip shows images; this model makes 2-D points"};

    SamplingSpec spec;
    spec.sampler = args.sampler;
    spec.spacing = args.steps;
    spec.eta = args.eta;
    if (!args.variance.empty()) spec.variance = parseVarianceKind(args.variance);
    spec.clipDenoised = args.clipDenoised;
    applyThreads(args.threads);
    SamplingPlan plan(*model, spec, &fallback);

    std::vector<std::int64_t> shape{args.n};
    shape.insert(shape.end(), item.begin(), item.end());
    Sampler& sampler = plan.sampler();
    Rng rng(args.seed);
    ProgressLine progress("sampling", "step");
    at::Tensor x;
    if (args.strip.empty() && args.trajectory.empty()) {
        // In batches of at most kSampleBatch, so a large --n needs no more memory than that.
        const ProgressFn report = progress.callback();
        const std::int64_t batches = (args.n + kSampleBatch - 1) / kSampleBatch;
        const int k = plan.steps();
        std::vector<at::Tensor> parts;
        for (std::int64_t b = 0; b < batches; ++b) {
            shape[0] = std::min<std::int64_t>(kSampleBatch, args.n - b * kSampleBatch);
            const ProgressFn part = report ? ProgressFn([&, b](long long done, long long) { report(b * k + done, batches * k); })
                                           : ProgressFn();
            parts.push_back(sampler.sample(shape, rng, part));
        }
        x = parts.size() == 1 ? parts.front() : at::cat(parts, 0);
    } else {
        if (args.n > kSampleBatch)
            throw UsageError{"--strip and --trajectory record the chain of at most " + std::to_string(kSampleBatch)
                             + " samples; ask for fewer with --n, or draw the rest in a run without them"};
        Trajectory chain(args.n, item, plan.timesteps(), kTrajectoryBudget);
        chain.run(sampler, rng, progress.callback());
        x = chain.samples();
        if (!args.strip.empty()) writeStrip(chain, sampler, args);
        if (!args.trajectory.empty()) writeTrajectory(chain, args.trajectory, args.fps);
    }

    if (toCsv) {
        writePoints(args.out, x);
    } else if (toDir) {
        writeImageDirectory(args.out, x);
    } else {
        savePng(sampleGrid(x), args.out);
    }
}

} // namespace

void addSampleCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("sample", "Draw samples from a model: DDPM (Algorithm 2) or DDIM, on all or some of the steps");
    auto o = std::make_shared<SampleArgs>();
    sub->add_option("--model", o->model,
                    "A checkpoint file, a run directory (its newest checkpoint that verifies) or oracle:DATA (the closed-form"
                    " denoiser of a data set, e.g. oracle:toy:gaussians8)")->required();
    sub->add_flag("--raw", o->raw, "Use the trained weights instead of their EMA");
    sub->add_option("--n", o->n, "Number of samples")->transform(integerIn(1, 100000))->default_val(o->n);
    sub->add_option("--sampler", o->sampler, "ddpm (ancestral) or ddim")->check(oneOf({"ddpm", "ddim"}))->default_val("ddpm");
    sub->add_option("--steps", o->steps,
                    "Steps of the chain: K (evenly spaced), ddimK, sections a,b,c, leading:K, trailing:K or linspace:K"
                    " (default: all T)");
    auto* eta = sub->add_option("--eta", o->eta, "DDIM's eta: 0 deterministic, 1 as much noise as DDPM")
        ->transform(numberIn(0.0, 1.0));
    sub->add_option("--variance", o->variance, "DDPM's sigma_t^2 for a fixed-variance model: small (beta~_t) or large (beta_t);"
                                               " default: the model's")
        ->check(oneOf({"small", "large"}));
    sub->add_flag("--clip-denoised", o->clipDenoised, "Clamp the predicted x_0 to [-1, 1] at every step");
    addSeedOption(*sub, o->seed, "Seed of x_T and every step's noise");
    sub->add_option("--out", o->out, "FILE.png (a grid), DIR/ (00000.png, 00001.png, ...) or FILE.csv (2-D models: x,y)");
    sub->add_option("--strip", o->strip, "Also write a PNG strip of the first sample's chain: x_t above the predicted x_0");
    sub->add_option("--trajectory", o->trajectory, "Also write the chain as an animation: FILE.gif, FILE.mp4 or FILE.webm"
                                                   " (x_t of every sample, or the 2-D particles)");
    sub->add_option("--fps", o->fps, "Frames per second of --trajectory")->transform(numberIn(0.5, 100))->default_val(o->fps);
    sub->add_option("--strip-columns", o->stripColumns, "Chain steps in the strip")->transform(integerIn(2, 64))
        ->default_val(o->stripColumns);
    auto* schedule = sub->add_option("--schedule", o->schedule, "For oracle:DATA: the noise schedule (default linear)");
    auto* tSteps = sub->add_option("--diffusion-steps", o->diffusionSteps, "For oracle:DATA: the diffusion's T (default 1000)")
        ->transform(integerIn(2, NoiseSchedule::kMaxSteps));
    addThreadsOption(*sub, o->threads);
    setExample(*sub, "ddpm sample --model run --n 16 --sampler ddim --steps 50 --clip-denoised --seed 1 --out samples.png");
    sub->callback([o, eta, schedule, tSteps] {
        o->etaGiven = eta->count() > 0;
        o->scheduleGiven = schedule->count() > 0 || tSteps->count() > 0;
        runSample(*o);
    });
}

} // namespace ddpm::cli
