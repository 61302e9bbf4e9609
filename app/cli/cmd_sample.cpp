// `ddpm sample`: draws samples from a trained model with DDPM ancestral sampling (the paper's
// Algorithm 2): a grid PNG, a directory of one PNG per sample, or a CSV of 2-D points.
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "cli_common.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/image_tensor.h"
#include "ddpm/model.h"
#include "ddpm/network_model.h"
#include "ddpm/rng.h"
#include "ddpm/sample_grid.h"
#include "ddpm/sampler.h"
#include "progress_line.h"

namespace ddpm::cli {

namespace {

namespace fs = std::filesystem;

struct SampleArgs {
    std::string model;
    bool raw = false;
    int n = 16;
    std::string sampler = "ddpm";
    std::string variance = "small";
    bool varianceGiven = false;
    bool clipDenoised = false;
    std::uint64_t seed = 0;
    std::string out;
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

void runSample(const SampleArgs& args)
{
    if (args.out.empty())
        throw UsageError{"--out is required: FILE.png (a grid), DIR/ (one PNG per sample) or FILE.csv (2-D points)"};
    std::unique_ptr<DenoiseModel> model = makeModel(args.model, args.raw);
    if (model->schedule() == nullptr)
        throw UsageError{"--model " + args.model + " has no trained schedule to sample with; give a checkpoint or a run directory"};
    auto* net = dynamic_cast<NetworkModel*>(model.get());
    if (net == nullptr)
        throw UsageError{"--model " + args.model + " is not a trained network"};
    const std::string out = lower(args.out);
    std::error_code ec;
    const bool toDir = endsWith(args.out, "/") || fs::is_directory(args.out, ec);
    const bool toCsv = !toDir && endsWith(out, ".csv");
    if (!toDir && !toCsv && !endsWith(out, ".png"))
        throw UsageError{"--out " + args.out + " must end in .png (a grid) or .csv (points), or name a directory (ending in /)"};
    const Parameterization param = model->parameterization();
    if (param.learnsVariance() && args.varianceGiven)
        throw UsageError{std::string("the model learned its variance (") + varianceKindName(param.variance) + "); drop --variance"};
    applyThreads(args.threads);

    // The item shape from the network's config: images C x S x S, or D-dimensional points.
    std::vector<std::int64_t> shape{args.n};
    const ModelConfig& config = net->config();
    const bool images = config.kind == ModelConfig::Kind::UNet;
    if (images) {
        shape.insert(shape.end(), {config.unet.inChannels, config.unet.imageSize, config.unet.imageSize});
    } else {
        shape.push_back(config.mlp.dims);
    }
    if (toCsv && (images || config.mlp.dims != 2))
        throw UsageError{"--out FILE.csv is for 2-D point models; this model makes images, so use FILE.png or DIR/"};
    if (!toCsv && !images)
        throw UsageError{"this model makes 2-D points; write them with --out FILE.csv"};

    const Diffusion diffusion(*model->schedule());
    SamplerOptions options;
    options.variance = param.learnsVariance() ? param.variance : (args.varianceGiven ? parseVarianceKind(args.variance) : param.variance);
    options.clipDenoised = args.clipDenoised;
    DdpmSampler sampler(diffusion, *model, options);
    Rng rng(args.seed);
    ProgressLine progress("sampling", "step");
    const at::Tensor x = sampler.sample(shape, rng, progress.callback());

    if (toCsv) {
        const at::Tensor c = x.to(at::kDouble).contiguous();
        std::string text = "x,y\n";
        const double* d = c.data_ptr<double>();
        char row[64];
        for (std::int64_t i = 0; i < c.size(0); ++i) {
            std::snprintf(row, sizeof row, "%.9g,%.9g\n", d[2 * i], d[2 * i + 1]);
            text += row;
        }
        writeOutput(args.out, text);
    } else if (toDir) {
        fs::create_directories(args.out, ec);
        if (ec) throw Error("cannot create the directory " + args.out + ": " + ec.message());
        for (std::int64_t i = 0; i < x.size(0); ++i) {
            char name[16];
            std::snprintf(name, sizeof name, "%05lld.png", static_cast<long long>(i));
            savePng(tensorToImage(x[i]), (fs::path(args.out) / name).string());
        }
    } else {
        savePng(sampleGrid(x), args.out);
    }
}

} // namespace

void addSampleCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("sample", "Draw samples from a trained model (DDPM ancestral sampling, Algorithm 2)");
    auto o = std::make_shared<SampleArgs>();
    sub->add_option("--model", o->model, "A checkpoint file or a run directory (its newest checkpoint that verifies)")->required();
    sub->add_flag("--raw", o->raw, "Use the trained weights instead of their EMA");
    sub->add_option("--n", o->n, "Number of samples")->transform(integerIn(1, 100000))->default_val(o->n);
    sub->add_option("--sampler", o->sampler, "ddpm (ancestral sampling over every t)")->check(oneOf({"ddpm"}))->default_val("ddpm");
    auto* variance = sub->add_option("--variance", o->variance, "sigma_t^2 of a fixed-variance model: small or large (default: the checkpoint's)")
        ->check(oneOf({"small", "large"}));
    sub->add_flag("--clip-denoised", o->clipDenoised, "Clamp the predicted x_0 to [-1, 1] at every step");
    addSeedOption(*sub, o->seed, "Seed of x_T and every step's noise");
    sub->add_option("--out", o->out, "FILE.png (a grid), DIR/ (00000.png, 00001.png, ...) or FILE.csv (2-D models: x,y)");
    addThreadsOption(*sub, o->threads);
    setExample(*sub, "ddpm sample --model run --n 16 --clip-denoised --seed 1 --out samples.png");
    sub->callback([o, variance] {
        o->varianceGiven = variance->count() > 0;
        runSample(*o);
    });
}

} // namespace ddpm::cli
