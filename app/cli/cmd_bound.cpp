// `ddpm bound`: the variational bound of one image or a few images of a data set, term by
// term in bits/dim, as JSON (terms and totals) or CSV (terms only).
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "ddpm/bound.h"
#include "ddpm/dataset.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/model.h"
#include "ddpm/schedule.h"
#include "progress_line.h"

namespace ddpm::cli {

namespace {

struct BoundArgs {
    std::string image;
    std::string data;
    std::string model;
    std::string schedule = "linear";
    int steps = 1000;
    bool zeroTerminalSnr = false;
    std::string variance = "small";
    bool clipDenoised = false;
    int samples = 1;
    std::uint64_t seed = 0;
    std::string format = "json";
    int size = 0;
    long long images = 1;
    std::string out;
    int threads = 0;
    bool raw = false;
    bool varianceGiven = false;
    bool scheduleGiven = false;
};

/// Full precision for doubles in CSV (JSON gets nlohmann's round-trip formatting).
std::string formatDouble(double value)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

at::Tensor loadImages(const BoundArgs& args)
{
    if (!args.image.empty()) {
        ImageLoadOptions options;
        options.size = args.size;
        const Image image = loadImage(args.image, options);
        return imageToTensor(image).unsqueeze(0);
    }
    const DataSpec spec = DataSpec::parse(args.data);
    if (!spec.isImages())
        throw UsageError{"--data " + args.data
                         + " is a 2-D point set; the bound's decoder needs 8-bit images"
                           " (use fashion-mnist, mnist:DIR, folder:DIR or image:FILE)"};
    DataLoadOptions options;
    options.limit = args.images;
    options.size = args.size;
    return loadData(spec, options);
}

std::string toJson(const BoundArgs& args, const Diffusion& diffusion, const DenoiseModel& model,
                   const BoundOptions& options, const BoundResult& result, std::int64_t images)
{
    nlohmann::ordered_json json;
    json["prior_bpd"] = result.priorBpd;
    json["decoder_bpd"] = result.decoderBpd;
    json["terms_bpd_sum"] = result.termsBpdSum;
    json["total_bpd"] = result.totalBpd;
    nlohmann::ordered_json terms = nlohmann::ordered_json::array();
    for (size_t i = 0; i < result.termsBpd.size(); ++i) {
        nlohmann::ordered_json term;
        term["t"] = static_cast<int>(i + 1);
        term["bpd"] = result.termsBpd[i];
        term["l_simple"] = result.lSimple[i];
        terms.push_back(std::move(term));
    }
    json["terms"] = std::move(terms);
    json["schedule"] = diffusion.schedule().name();
    json["steps"] = diffusion.steps();
    json["zero_terminal_snr"] = diffusion.schedule().zeroTerminalSnr();
    const Parameterization param = model.parameterization();
    json["variance"] = varianceKindName(param.learnsVariance() ? param.variance : options.variance);
    json["prediction"] = predictionName(param.prediction);
    json["clip_denoised"] = options.clipDenoised;
    json["samples"] = options.samples;
    json["seed"] = options.seed;
    json["images"] = images;
    json["model"] = args.model;
    json["model_calls"] = result.modelCalls;
    json["timestep_batch"] = result.timestepBatch;
    return json.dump(2) + "\n";
}

std::string toCsv(const BoundResult& result)
{
    std::ostringstream csv;
    csv << "t,bpd,l_simple\n";
    for (size_t i = 0; i < result.termsBpd.size(); ++i)
        csv << (i + 1) << ',' << formatDouble(result.termsBpd[i]) << ',' << formatDouble(result.lSimple[i]) << '\n';
    return csv.str();
}

void runBound(const BoundArgs& args)
{
    const bool hasImage = !args.image.empty();
    const bool hasData = !args.data.empty();
    if (hasImage == hasData)
        throw UsageError{"give exactly one of --image FILE or --data SPEC"};
    if (args.model.empty())
        throw UsageError{"--model is required: zero (the baseline that predicts no noise), a checkpoint or a run directory"};

    BoundOptions options;
    options.variance = parseVarianceKind(args.variance);
    options.clipDenoised = args.clipDenoised;
    options.samples = args.samples;
    options.seed = args.seed;

    std::unique_ptr<DenoiseModel> model = makeModel(args.model, args.raw);
    const NoiseSchedule* trained = model->schedule();
    if (trained != nullptr && args.scheduleGiven)
        throw UsageError{"the checkpoint fixes the schedule (" + trained->name() + ", T = "
                         + std::to_string(trained->steps()) + "); drop --schedule, --steps and --zero-terminal-snr"};
    const Parameterization param = model->parameterization();
    if (param.learnsVariance() && args.varianceGiven)
        throw UsageError{std::string("the model learned its variance (") + varianceKindName(param.variance)
                         + "); drop --variance"};
    if (trained != nullptr && !args.varianceGiven && !param.learnsVariance())
        options.variance = param.variance;
    Diffusion diffusion(trained != nullptr ? *trained
                                           : NoiseSchedule::fromName(args.schedule, args.steps, args.zeroTerminalSnr));
    applyThreads(args.threads);

    const at::Tensor x0 = loadImages(args);
    ProgressLine progress("bound", "t");
    const BoundResult result = evaluateBound(diffusion, *model, x0, options, progress.callback());

    const std::string text = args.format == "json"
                                 ? toJson(args, diffusion, *model, options, result, x0.size(0))
                                 : toCsv(result);
    writeOutput(args.out, text);
}

} // namespace

void addBoundCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("bound", "The variational bound term by term (L_T, L_{t-1}, L_0) in bits/dim "
                                            "for an image or a few images of a data set");
    auto o = std::make_shared<BoundArgs>();
    sub->add_option("--image", o->image, "Image file (PNG, JPEG, ...); give this or --data");
    sub->add_option("--data", o->data,
                    "Data spec: fashion-mnist[:train|:test], mnist:DIR, folder:DIR or image:FILE; give this or --image");
    sub->add_option("--model", o->model, "zero (the baseline that predicts no noise), a checkpoint file or a run directory (required)");
    auto* schedule = sub->add_option("--schedule", o->schedule, "Noise schedule: linear, cosine, quadratic, sigmoid, scaled-linear or custom:FILE")
        ->default_val("linear");
    auto* steps = addStepsOption(*sub, o->steps);
    auto* zts = sub->add_flag("--zero-terminal-snr", o->zeroTerminalSnr, "Rescale the schedule so alpha_bar_T = 0");
    auto* variance = sub->add_option("--variance", o->variance,
                                     "p_theta's fixed variance: small (posterior variance) or large (beta_t); "
                                     "a checkpoint's by default")
        ->check(oneOf({"small", "large"}))
        ->default_val("small");
    sub->add_flag("--raw", o->raw, "Use a checkpoint's trained weights instead of their EMA");
    sub->add_flag("--clip-denoised", o->clipDenoised, "Clamp the predicted x_0 to [-1, 1] before the posterior mean");
    sub->add_option("--samples", o->samples, "Noise draws K averaged per t, 1..1000")
        ->transform(integerIn(1, 1000))
        ->default_val(1);
    addSeedOption(*sub, o->seed, "Seed of the noise draws (same seed, same numbers)");
    sub->add_option("--format", o->format, "Output format: json (terms and totals) or csv (t,bpd,l_simple rows)")
        ->check(oneOf({"json", "csv"}))
        ->default_val("json");
    sub->add_option("--size", o->size, "Scale and centre-crop images to N x N, 1..16384 (0, the default, keeps the size)")
        ->transform(integerIn(0, 16384))
        ->default_val(0);
    sub->add_option("--images", o->images, "With --data: how many images to average over, 1..100000000")
        ->transform(integerIn(1, 100'000'000))
        ->default_val(1);
    sub->add_option("--out", o->out, "Write to this file (atomically) instead of standard output");
    addThreadsOption(*sub, o->threads);
    setExample(*sub, "ddpm bound --image cat.png --size 32 --model zero --steps 1000 --samples 4 --format json");
    sub->callback([o, schedule, steps, zts, variance] {
        o->scheduleGiven = schedule->count() + steps->count() + zts->count() > 0;
        o->varianceGiven = variance->count() > 0;
        runBound(*o);
    });
}

} // namespace ddpm::cli
