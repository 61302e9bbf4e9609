// bench_threads: training and sampling at once, as the app's two workers run them: training
// images/s (Trainer::step on the tiny UNet, batch 64, synthetic images) and chain steps/s (one
// sampler step of 16 images on another tiny UNet, what a Reverse chain step costs) alone and
// at once, each job on its own std::thread with its own torch thread count. The counts compared
// at once: both at the total N (what the app did before the thread budget), training N with the
// chain on 1, both on 1, and the budget's split (core's ThreadBudget: training
// trainingShareOf(N), the chain otherShareOf(N, that)) when it is none of those;
// "app_uses" names the row the app's split is. Configurations alternate within each round
// (the order rotates); the medians over rounds come last. Prints one JSON object on stdout.
//
//   bench_threads [--total N] [--seconds S] [--rounds R]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "ddpm/blas_kernels.h"
#include "ddpm/diffusion.h"
#include "ddpm/model_config.h"
#include "ddpm/network_model.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/sampler.h"
#include "ddpm/schedule.h"
#include "ddpm/thread_budget.h"
#include "ddpm/trainer.h"
#include "process_threads.h"

namespace {

using ddpm::test::processThreads;
using Clock = std::chrono::steady_clock;

constexpr int kTrainBatch = 64;
constexpr int kChainBatch = 16;

/// The 1-minute load average (what else the machine ran).
double loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double load = -1;
    in >> load;
    return load;
}

/// One configuration: training's and the chain's thread counts, 0 for a job that does not run.
struct Config {
    std::string name;
    int trainThreads = 0;
    int chainThreads = 0;
};

struct Result {
    double trainImagesPerSecond = 0;
    double chainStepsPerSecond = 0;
    int maxThreads = 0;
};

/// The jobs timed: a trainer and a separate net that samples (no state shared between the two).
class Jobs {
public:
    Jobs()
        : m_trainer(trainConfig(), syntheticImages()),
          m_diffusion(ddpm::NoiseSchedule::fromName("linear", 1000))
    {
        const ddpm::ModelConfig config = ddpm::modelPreset(ddpm::ModelConfig::Kind::UNet, "tiny", 1, 28, 1);
        m_model = std::make_unique<ddpm::NetworkModel>(ddpm::buildNetwork(config), ddpm::Parameterization{},
                                                       "tiny UNet (untrained)");
        m_sampler = std::make_unique<ddpm::DdpmSampler>(m_diffusion, *m_model, ddpm::SamplerOptions{});
        m_x = ddpm::Rng(5).normal({kChainBatch, 1, 28, 28});
    }

    void trainStep() { m_trainer.step(); }

    void chainStep(ddpm::Rng& rng)
    {
        m_x = m_sampler->step(m_x, m_t, rng).xPrev;
        m_t = m_t > 1 ? m_t - 1 : m_diffusion.steps();
    }

    /// Runs the configuration for `seconds`: each job on its own thread at its own count, a
    /// short warm-up first, both timed over the same window.
    Result run(const Config& c, double seconds)
    {
        const int jobs = (c.trainThreads > 0) + (c.chainThreads > 0);
        std::atomic<int> ready{0};
        std::atomic<bool> stop{false};
        Result r;
        const auto worker = [&](int threads, int warmup, auto step, double& perSecond, double items) {
            ddpm::applyThreadCount(threads); // in this thread, as a worker does at job start
            for (int i = 0; i < warmup; ++i) step();
            ++ready;
            while (ready.load() < jobs) std::this_thread::yield();
            const auto t0 = Clock::now();
            long long n = 0;
            while (!stop.load()) {
                step();
                ++n;
            }
            perSecond = items * double(n) / std::chrono::duration<double>(Clock::now() - t0).count();
        };
        ddpm::Rng rng(6);
        std::vector<std::thread> threads;
        if (c.trainThreads > 0)
            threads.emplace_back(worker, c.trainThreads, 2, [this] { trainStep(); }, std::ref(r.trainImagesPerSecond),
                                 double(kTrainBatch));
        if (c.chainThreads > 0)
            threads.emplace_back(worker, c.chainThreads, 3, [this, &rng] { chainStep(rng); },
                                 std::ref(r.chainStepsPerSecond), 1.0);
        while (ready.load() < jobs) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const auto end = Clock::now() + std::chrono::duration<double>(seconds);
        while (Clock::now() < end) {
            r.maxThreads = std::max(r.maxThreads, processThreads());
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        stop = true;
        for (std::thread& t : threads) t.join();
        return r;
    }

private:
    static ddpm::TrainConfig trainConfig()
    {
        ddpm::TrainConfig config;
        config.data = "benchmark";
        config.model = "unet";
        config.preset = "tiny";
        config.batch = kTrainBatch;
        config.lr = 1e-4;
        config.warmup = 0;
        config.device = "cpu";
        config.steps = 1000000000LL;
        return config;
    }

    static ddpm::TrainingData syntheticImages()
    {
        ddpm::TrainingData data;
        data.items = at::rand({1024, 1, 28, 28}) * 2 - 1;
        data.fingerprint = "synthetic benchmark data";
        return data;
    }

    ddpm::Trainer m_trainer;
    ddpm::Diffusion m_diffusion;
    std::unique_ptr<ddpm::NetworkModel> m_model;
    std::unique_ptr<ddpm::DdpmSampler> m_sampler;
    at::Tensor m_x;
    int m_t = 1000;
};

double median(std::vector<double> v)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

} // namespace

int main(int argc, char** argv)
{
    ddpm::selectBlasKernels(argv);
    ddpm::configureAllocator();
    int total = 2;
    double seconds = 6;
    int rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--total") total = std::atoi(argv[i + 1]);
        else if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
        else if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
        else {
            std::cerr << "bench_threads: unknown flag " << flag << "; use --total N, --seconds S, --rounds R\n";
            return 2;
        }
    }
    if (total < 1 || total > ddpm::ThreadBudget::kMaxThreads || seconds <= 0 || rounds < 1) {
        std::cerr << "bench_threads: --total must be 1..256, --seconds above 0, --rounds at least 1\n";
        return 2;
    }
    // The first convolution of the process at the largest count used (docs/PERFORMANCE.md).
    ddpm::setThreadCount(total);

    ddpm::ThreadBudget budget(total);
    const int share = budget.trainingShare();
    const int other = ddpm::ThreadBudget::otherShareOf(total, share);
    std::vector<Config> configs = {
        {"train alone at N", total, 0}, {"chain alone at N", 0, total}, {"chain alone at 1", 0, 1},
        {"both at N", total, total},    {"training N, chain 1", total, 1}, {"both at 1", 1, 1},
    };
    const auto same = [&](const Config& c) { return c.trainThreads == share && c.chainThreads == other; };
    auto app = std::find_if(configs.begin() + 3, configs.end(), same);
    if (app == configs.end()) {
        configs.push_back({"the budget's split", share, other});
        app = configs.end() - 1;
    }
    const std::string appUses = app->name;

    Jobs jobs;
    nlohmann::ordered_json out;
    out["total"] = total;
    out["hardware_threads"] = std::thread::hardware_concurrency();
    out["training_share"] = share;
    out["other_share_while_training"] = other;
    out["app_uses"] = appUses;
    out["seconds_per_run"] = seconds;
    out["train_batch"] = kTrainBatch;
    out["chain_batch"] = kChainBatch;
    out["load_average_before"] = loadAverage();
    std::vector<std::vector<Result>> results(configs.size());
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (int round = 0; round < rounds; ++round) {
        // Rotate the order each round, so no configuration always follows the same one.
        for (size_t k = 0; k < configs.size(); ++k) {
            const size_t i = (k + size_t(round)) % configs.size();
            const Result r = jobs.run(configs[i], seconds);
            results[i].push_back(r);
            runs.push_back({{"round", round}, {"config", configs[i].name},
                            {"train_threads", configs[i].trainThreads}, {"chain_threads", configs[i].chainThreads},
                            {"train_images_per_s", r.trainImagesPerSecond},
                            {"chain_steps_per_s", r.chainStepsPerSecond}, {"max_process_threads", r.maxThreads},
                            {"load_average", loadAverage()}});
        }
    }
    out["runs"] = runs;
    nlohmann::ordered_json medians = nlohmann::ordered_json::array();
    for (size_t i = 0; i < configs.size(); ++i) {
        std::vector<double> train, chain, threads;
        for (const Result& r : results[i]) {
            train.push_back(r.trainImagesPerSecond);
            chain.push_back(r.chainStepsPerSecond);
            threads.push_back(r.maxThreads);
        }
        medians.push_back({{"config", configs[i].name}, {"train_threads", configs[i].trainThreads},
                           {"chain_threads", configs[i].chainThreads}, {"train_images_per_s", median(train)},
                           {"chain_steps_per_s", median(chain)}, {"max_process_threads", median(threads)}});
    }
    out["medians"] = medians;
    out["load_average_after"] = loadAverage();
    std::cout << out.dump(2) << std::endl;
    return 0;
}
