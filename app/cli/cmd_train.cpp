// `ddpm train`: trains a model into a run directory (config.json, metrics.csv, checkpoints/,
// samples/), or continues one with --resume. Ctrl-C or SIGTERM finishes the current step,
// saves a checkpoint and exits with code 130 saying how to resume. The run directory is
// locked while training (run_lock.h): a second writer is refused with exit code 2.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "ddpm/error.h"
#include "ddpm/experiment.h"
#include "ddpm/run_directory.h"
#include "ddpm/run_lock.h"
#include "ddpm/runtime.h"
#include "ddpm/schedule.h"
#include "ddpm/trainer.h"
#include "ddpm/training_preview.h"

namespace ddpm::cli {

namespace {

std::atomic<bool> g_stopRequested{false};  // set by the signal handler only

extern "C" void onStopSignal(int)
{
    g_stopRequested.store(true);
}

struct TrainArgs {
    TrainConfig config;      // the flags' values (their defaults where not given)
    std::string out;
    std::string resume;
    std::string experiment;  // --config FILE
    long long steps = 0;
    bool stepsGiven = false;
    bool threadsGiven = false;
    bool deviceGiven = false;
    bool sampleStepsGiven = false;

    /// A flag bound to a field of config, and how to copy that field into another config.
    struct Field {
        const CLI::Option* option;
        std::function<void(TrainConfig& to, const TrainConfig& from)> copy;
    };
    std::vector<Field> fields;

    /// Records that option sets config.*field (so that, given, it overrides an experiment file).
    template <class T>
    CLI::Option* field(CLI::Option* option, T TrainConfig::*member)
    {
        fields.push_back({option, [member](TrainConfig& to, const TrainConfig& from) { to.*member = from.*member; }});
        return option;
    }

    /// The settings of a new run: the experiment file's (--config), each flag given on the
    /// command line overriding its field, or else the flags' values alone.
    TrainConfig settings() const
    {
        if (experiment.empty()) return config;
        TrainConfig c = readExperiment(experiment);
        for (const Field& f : fields)
            if (f.option->count() > 0) f.copy(c, config);
        return c;
    }
};

std::string duration(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e8) return "?";
    const long long s = static_cast<long long>(seconds + 0.5);
    char text[32];
    if (s >= 3600) std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, (s / 60) % 60);
    else if (s >= 60) std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
    else std::snprintf(text, sizeof text, "%llds", s);
    return text;
}

void runTrain(const TrainArgs& args)
{
    const bool resuming = !args.resume.empty();
    if (resuming == !args.out.empty())
        throw UsageError{resuming ? "give either --resume DIR or --out DIR, not both"
                                  : "--out DIR is required (the run directory), or --resume DIR to continue a run"};
    // One writer per run directory (run_lock.h): held until this function returns or throws.
    std::unique_ptr<RunLock> lock;
    std::unique_ptr<RunDirectory> run;
    std::unique_ptr<Trainer> trainer;
    if (resuming) {
        run = std::make_unique<RunDirectory>(RunDirectory::open(args.resume));
        lock = std::make_unique<RunLock>(args.resume, "ddpm train", "stop it before resuming the run");
        auto [checkpoint, path] = run->newestCheckpoint();
        // Exact resume needs the thread count the run used: the checkpoint's, unless --threads says otherwise.
        const nlohmann::json meta = nlohmann::json::parse(checkpoint.metadataJson);
        if (!meta.contains("train") || !meta.contains("threads") || !meta["threads"].is_number_integer())
            throw Error(path + " is not a training checkpoint of DDPM Studio (no training settings inside)");
        const TrainConfig stored = TrainConfig::fromJson(meta["train"].dump());
        const int storedThreads = meta["threads"].get<int>();
        applyThreads(args.threadsGiven ? args.config.threads : storedThreads);
        TrainingData data = loadTrainingData(stored);
        trainer = std::make_unique<Trainer>(checkpoint, std::move(data), args.deviceGiven ? args.config.device : "");
        if (args.stepsGiven) trainer->setTotalSteps(args.steps);
        if (args.sampleStepsGiven) trainer->setSampleSteps(args.config.sampleSteps);
        run->truncateMetrics(trainer->stepCount());
        run->writeConfig(trainer->config());
        std::cerr << "ddpm train: resuming " << args.resume << " at step " << trainer->stepCount() << " from " << path
                  << "\n";
    } else {
        TrainConfig config = args.settings();
        if (args.stepsGiven) config.steps = args.steps;
        config.validate();
        applyThreads(config.threads);
        TrainingData data = loadTrainingData(config);
        trainer = std::make_unique<Trainer>(config, std::move(data));
        lock = std::make_unique<RunLock>(args.out, "ddpm train", "stop it or choose another --out");
        run = std::make_unique<RunDirectory>(RunDirectory::create(args.out, trainer->config()));
    }
    const TrainConfig& c = trainer->config();
    const std::string dir = run->path();
    std::cerr << "ddpm train: " << c.model << " " << c.preset << " (" << trainer->parameterCount() << " parameters), "
              << trainer->parameterization().describe() << ", " << c.loss << " loss, on " << c.data << " ("
              << trainer->data().items.size(0) << " items), " << runtimeDescription(trainer->device()) << "\n";

    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    auto lastPrint = std::chrono::steady_clock::now() - std::chrono::seconds(10);
    double smoothed = 0;
    bool savedAtThisStep = false;
    while (trainer->stepCount() < c.steps && !g_stopRequested.load()) {
        const StepReport r = trainer->step();
        savedAtThisStep = false;
        smoothed = r.step == 1 ? r.itemsPerSecond : 0.95 * smoothed + 0.05 * r.itemsPerSecond;
        if (r.step % c.logEvery == 0) run->appendMetrics(r);
        if (r.step % c.checkpointEvery == 0 || r.step == c.steps) {
            run->saveCheckpoint(*trainer, c.keep);
            savedAtThisStep = true;
        }
        if (c.sampleEvery > 0 && r.step % c.sampleEvery == 0 && !g_stopRequested.load()) {
            try {
                run->saveSamples(r.step, samplePreview(*trainer, &g_stopRequested).picture);
            } catch (const Cancelled&) {
                // Ctrl-C during a preview: the checkpoint below matters, the preview does not
            }
        }
        const auto now = std::chrono::steady_clock::now();
        const double sinceSeconds = std::chrono::duration<double>(now - lastPrint).count();
        if (sinceSeconds >= (terminal ? 0.25 : 30.0) || r.step == c.steps) {
            lastPrint = now;
            const double eta = smoothed > 0 ? (c.steps - r.step) * c.batch / smoothed : -1;
            char line[256];
            std::snprintf(line, sizeof line, "step %lld/%lld  loss %.5f  %.0f %s/s  ETA %s", r.step, c.steps, r.loss,
                          smoothed, trainer->isImages() ? "img" : "pts", duration(eta).c_str());
            if (terminal) std::cerr << "\r" << line << "\033[K" << std::flush;
            else std::cerr << line << "\n";
        }
    }
    if (terminal) std::cerr << "\n";
    if (!savedAtThisStep && trainer->stepCount() > 0)
        run->saveCheckpoint(*trainer, c.keep);
    if (g_stopRequested.load())
        throw ExitWith{130, "ddpm train: stopped at step " + std::to_string(trainer->stepCount())
                                + "; checkpoint saved; continue with: ddpm train --resume " + dir};
    std::cerr << "ddpm train: done, " << trainer->stepCount() << " steps in " << dir << "\n";
}

} // namespace

void addTrainCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("train", "Train a diffusion model into a run directory (checkpoints, metrics, samples)");
    auto o = std::make_shared<TrainArgs>();
    TrainConfig& c = o->config;
    TrainArgs& f = *o; // f.field(option, &TrainConfig::x): the flag overrides x of an experiment file
    auto* config = sub->add_option("--config", o->experiment,
                                   "Experiment file (JSON, e.g. a run's config.json) with the run's settings; flags given"
                                   " override it");
    f.field(sub->add_option("--data", c.data,
                            "Data spec: fashion-mnist[:train|:test], mnist:DIR, folder:DIR, image:FILE or toy:NAME")
                ->default_val(c.data),
            &TrainConfig::data);
    auto* steps = sub->add_option("--steps", o->steps, "Training steps in all (with --resume: the new total)")
        ->transform(integerIn(1, 1000000000));
    sub->add_option("--out", o->out, "Run directory to create (config.json, metrics.csv, checkpoints/, samples/)");
    sub->add_option("--resume", o->resume, "Continue the run in this directory from its newest checkpoint");
    f.field(sub->add_option("--model", c.model, "unet (images) or mlp (2-D points); default from the data")
                ->check(oneOf({"unet", "mlp"})),
            &TrainConfig::model);
    f.field(sub->add_option("--preset", c.preset, "Model preset: unet tiny|small|cifar10, mlp base|tiny; default tiny / base"),
            &TrainConfig::preset);
    f.field(sub->add_option("--size", c.imageSize, "Resize and centre-crop images to N x N (0 keeps their size)")
                ->transform(integerIn(0, 1024))->default_val(0),
            &TrainConfig::imageSize);
    f.field(sub->add_option("--prediction", c.prediction, "What the net predicts: eps, x0 or v")
                ->check(oneOf({"eps", "x0", "v"}))->default_val(c.prediction),
            &TrainConfig::prediction);
    f.field(sub->add_option("--variance", c.variance, "Reverse variance: small, large, learned or learned-range")
                ->check(oneOf({"small", "large", "learned", "learned-range"}))->default_val(c.variance),
            &TrainConfig::variance);
    f.field(sub->add_option("--loss", c.loss, "simple (L_simple), vlb (the bound) or hybrid (L_simple + 0.001 L_vlb)")
                ->check(oneOf({"simple", "vlb", "hybrid"}))->default_val(c.loss),
            &TrainConfig::loss);
    f.field(sub->add_option("--t-sampling", c.tSampling, "How t is drawn: uniform or importance")
                ->check(oneOf({"uniform", "importance"}))->default_val(c.tSampling),
            &TrainConfig::tSampling);
    f.field(sub->add_option("--schedule", c.schedule,
                            "Noise schedule: linear, cosine, quadratic, sigmoid, scaled-linear or custom:FILE")
                ->default_val(c.schedule),
            &TrainConfig::schedule);
    f.field(sub->add_option("--diffusion-steps", c.diffusionSteps, "The diffusion's T")
                ->transform(integerIn(2, 100000))->default_val(c.diffusionSteps),
            &TrainConfig::diffusionSteps);
    f.field(sub->add_flag("--zero-terminal-snr", c.zeroTerminalSnr,
                          "Rescale the schedule so alpha_bar_T = 0 (needs --prediction v); --zero-terminal-snr=false"
                          " turns off an experiment's"),
            &TrainConfig::zeroTerminalSnr);
    f.field(sub->add_option("--batch", c.batch, "Batch size (default 64 for images, 256 for points)")
                ->transform(integerIn(1, 65536)),
            &TrainConfig::batch);
    f.field(sub->add_option("--lr", c.lr, "Peak learning rate of AdamW (default 5e-4 for images, 1e-3 for points)")
                ->transform(numberIn(1e-8, 1.0)),
            &TrainConfig::lr);
    f.field(sub->add_option("--warmup", c.warmup, "Steps of linear learning-rate warm-up")
                ->transform(integerIn(0, 10000000))->default_val(c.warmup),
            &TrainConfig::warmup);
    f.field(sub->add_option("--weight-decay", c.weightDecay, "AdamW weight decay")
                ->transform(numberIn(0.0, 1.0))->default_val(c.weightDecay),
            &TrainConfig::weightDecay);
    f.field(sub->add_option("--grad-clip", c.gradClip, "Clip the gradient norm to this (0 = off)")
                ->transform(numberIn(0.0, 1e6))->default_val(c.gradClip),
            &TrainConfig::gradClip);
    f.field(sub->add_option("--ema", c.emaDecay, "EMA decay of the weights (warmed up as min(decay, (1+n)/(10+n)))")
                ->transform(numberIn(0.0, 1.0))->default_val(c.emaDecay),
            &TrainConfig::emaDecay);
    f.field(sub->add_flag("--flip", c.flip, "Random horizontal flips of the images (--flip=false turns off an experiment's)"),
            &TrainConfig::flip);
    f.field(addSeedOption(*sub, c.seed, "Random seed of the run (net, data order, noise)"), &TrainConfig::seed);
    auto* threads = f.field(addThreadsOption(*sub, c.threads), &TrainConfig::threads);
    auto* device = f.field(sub->add_option("--device", c.device, "auto, cpu or cuda")
                               ->check(oneOf({"auto", "cpu", "cuda"}))->default_val(c.device),
                           &TrainConfig::device);
    f.field(sub->add_option("--precision", c.precision,
                            "fp32, or bf16 autocast of the forward pass (faster on CPUs with AVX512-BF16 or AMX)")
                ->check(oneOf({"fp32", "bf16"}))->default_val(c.precision),
            &TrainConfig::precision);
    f.field(sub->add_option("--checkpoint-every", c.checkpointEvery, "Save a checkpoint every N steps")
                ->transform(integerIn(1, 1000000000))->default_val(c.checkpointEvery),
            &TrainConfig::checkpointEvery);
    f.field(sub->add_option("--keep", c.keep, "Checkpoints kept (the newest K)")
                ->transform(integerIn(1, 1000))->default_val(c.keep),
            &TrainConfig::keep);
    f.field(sub->add_option("--sample-every", c.sampleEvery, "EMA sample grid every N steps (0 = never)")
                ->transform(integerIn(0, 1000000000))->default_val(c.sampleEvery),
            &TrainConfig::sampleEvery);
    auto* sampleSteps = f.field(
        sub->add_option("--sample-steps", c.sampleSteps,
                        "How the sample grids sample: K = DDIM (eta 0) on K of the T steps, fast; 0 = DDPM on all T")
            ->transform(integerIn(0, NoiseSchedule::kMaxSteps))->default_val(c.sampleSteps),
        &TrainConfig::sampleSteps);
    f.field(sub->add_option("--log-every", c.logEvery, "A metrics.csv row every N steps")
                ->transform(integerIn(1, 1000000000))->default_val(c.logEvery),
            &TrainConfig::logEvery);
    setExample(*sub, "ddpm train --data fashion-mnist --steps 100000 --out run\n"
                     "  ddpm train --data toy:moons --steps 3000 --out moons\n"
                     "  ddpm train --config moons.json --lr 2e-3 --out moons-fast\n"
                     "  ddpm train --resume run");
    sub->callback([o, sub, config, steps, threads, device, sampleSteps] {
        if (!o->resume.empty() && config->count() > 0)
            throw UsageError{"--config starts a new run and --resume continues one with its own settings; give one of them"};
        if (!o->resume.empty())
            for (const CLI::Option* opt : sub->get_options())
                if (opt->count() > 0 && opt != steps && opt != threads && opt != device && opt != sampleSteps
                    && opt->get_name() != "--resume" && opt->get_name() != "--help")
                    throw UsageError{"with --resume the run keeps its settings; only --steps, --threads and --device"
                                     " apply (and --sample-steps to the sample grids), not " + opt->get_name()};
        o->stepsGiven = steps->count() > 0;
        o->threadsGiven = threads->count() > 0;
        o->deviceGiven = device->count() > 0;
        o->sampleStepsGiven = sampleSteps->count() > 0;
        runTrain(*o);
    });
    // Every option but these sets a field of the run's settings, so that it can override --config.
    for (const CLI::Option* opt : sub->get_options()) {
        const std::string name = opt->get_name();
        bool known = name == "--help" || name == "--config" || name == "--steps" || name == "--out" || name == "--resume";
        for (const TrainArgs::Field& field : o->fields) known = known || field.option == opt;
        if (!known) throw std::logic_error("ddpm train: option " + name + " is not bound to a TrainConfig field");
    }
}

} // namespace ddpm::cli
