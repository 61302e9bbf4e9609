// bench_bound: how long the variational bound takes for one 28x28 gray image (K = 1, T = 1000),
// with the zero model and with a small UNet (ddpm::UNet, untrained: time does not depend on the
// weights), and how batching timesteps into one model call changes that. Prints one JSON object
// on stdout.
//
//   bench_bound [--threads N] [--repeats R] [--res-blocks 1|2]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/utils.h>

#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/network_model.h"
#include "ddpm/rng.h"
#include "ddpm/runtime.h"
#include "ddpm/schedule.h"
#include "ddpm/unet.h"

namespace {

/// Timesteps per model call to compare; 0 (last) is evaluateBound's own choice.
constexpr int kTimestepBatches[] = {1, 4, 16, 64, 256, 1000, 0};

/// The small UNet timed here: 28x28 gray, 32 base channels, levels 28 -> 14 -> 7 with
/// multipliers 1, 2, 2, attention at 14, dropout off (eval mode anyway).
ddpm::UNetConfig benchUNetConfig(int resBlocks)
{
    ddpm::UNetConfig c;
    c.inChannels = 1;
    c.imageSize = 28;
    c.baseChannels = 32;
    c.channelMults = {1, 2, 2};
    c.numResBlocks = resBlocks;
    c.attentionResolutions = {14};
    c.attentionHeads = 1;
    c.groups = 8;
    c.dropout = 0.0;
    return c;
}

/// The timestep batch of the row with the smallest median.
int fastestTimestepBatch(const nlohmann::ordered_json& rows)
{
    const nlohmann::ordered_json* best = &rows.front();
    for (const auto& row : rows)
        if (row["median_s"].get<double>() < (*best)["median_s"].get<double>())
            best = &row;
    return (*best)["timestep_batch"].get<int>();
}

double seconds(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/// Median seconds of evaluateBound over repeats (after one warm-up run), with its call count.
nlohmann::ordered_json timeBound(const ddpm::Diffusion& diffusion, ddpm::DenoiseModel& model,
                                 const at::Tensor& x0, int timestepBatch, int repeats)
{
    ddpm::BoundOptions options;
    options.timestepBatch = timestepBatch;
    ddpm::BoundResult result = ddpm::evaluateBound(diffusion, model, x0, options); // warm-up
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        result = ddpm::evaluateBound(diffusion, model, x0, options);
        times.push_back(seconds(start));
    }
    const double med = median(times);
    nlohmann::ordered_json row;
    row["timestep_batch"] = result.timestepBatch;
    row["model_calls"] = result.modelCalls;
    row["median_s"] = med;
    row["min_s"] = *std::min_element(times.begin(), times.end());
    row["per_call_ms"] = 1e3 * med / static_cast<double>(result.modelCalls);
    row["total_bpd"] = result.totalBpd;
    return row;
}

/// Median milliseconds of one model call on a batch of b images at mixed timesteps.
double timeModelCall(ddpm::DenoiseModel& model, const at::Tensor& x0, int batch, int steps, int repeats)
{
    ddpm::Rng rng(1);
    const at::Tensor xt = rng.normal({batch, x0.size(1), x0.size(2), x0.size(3)});
    const at::Tensor t = rng.integers(1, steps, {batch});
    model.predict(xt, t); // warm-up
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const at::Tensor eps = model.predict(xt, t);
        (void)eps.sum().item<float>();
        times.push_back(seconds(start));
    }
    return 1e3 * median(times);
}

int parseInt(const std::string& flag, const char* text, int lo, int hi)
{
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < lo || value > hi)
        throw ddpm::Error(flag + " " + text + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    return static_cast<int>(value);
}

} // namespace

int main(int argc, char** argv)
{
    ddpm::configureAllocator();
    try {
        int threads = 2;
        int repeats = 5;
        int resBlocks = 1;
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            if (arg == "--threads" && i + 1 < argc)
                threads = parseInt(arg, argv[++i], 1, 256);
            else if (arg == "--repeats" && i + 1 < argc)
                repeats = parseInt(arg, argv[++i], 1, 100);
            else if (arg == "--res-blocks" && i + 1 < argc)
                resBlocks = parseInt(arg, argv[++i], 1, 2);
            else
                throw ddpm::Error("unknown argument " + arg
                                  + "; use --threads N (default 2), --repeats R (default 5), --res-blocks 1|2 (default 1)");
        }
        ddpm::setThreadCount(threads);

        const int steps = 1000;
        const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", steps));
        ddpm::Rng rng(7);
        const at::Tensor x0 = rng.integers(0, 255, {1, 1, 28, 28}).to(at::kFloat) / 127.5 - 1.0;

        nlohmann::ordered_json report;
        report["bench"] = "bound";
        report["image"] = "1 x 28 x 28 gray, random 8-bit values";
        report["schedule"] = "linear";
        report["steps"] = steps;
        report["samples"] = 1;
        report["threads"] = ddpm::threadCount();
        report["hardware_threads"] = std::thread::hardware_concurrency();
        report["repeats"] = repeats;

        // Zero model: the bound's own arithmetic (noise, q, posterior, KL, decoder) and nothing else.
        ddpm::ZeroNoiseModel zero;
        // One run with the biggest tensors first: glibc's malloc raises its mmap and trim
        // thresholds after freeing a big block, so without this the configurations timed before
        // the big one would pay page faults the later ones do not (order bias, seen here).
        {
            ddpm::BoundOptions big;
            big.timestepBatch = steps;
            ddpm::evaluateBound(diffusion, zero, x0, big);
        }
        nlohmann::ordered_json zeroRows = nlohmann::ordered_json::array();
        for (int tb : kTimestepBatches)
            zeroRows.push_back(timeBound(diffusion, zero, x0, tb, repeats));
        nlohmann::ordered_json zeroReport;
        zeroReport["auto"] = zeroRows.back();
        zeroReport["by_timestep_batch"] = zeroRows;
        zeroReport["batching_speedup"] =
            zeroRows.front()["median_s"].get<double>() / zeroRows.back()["median_s"].get<double>();
        zeroReport["fastest_timestep_batch"] = fastestTimestepBatch(zeroRows);
        report["zero_model"] = zeroReport;

        // Small UNet: time per call by batch size, then the whole bound by timestep batch.
        // Untrained, but with its zero output layer replaced by seeded random weights so the
        // bound is not the zero model's (the time is the same either way).
        const ddpm::UNetConfig config = benchUNetConfig(resBlocks);
        torch::manual_seed(0);
        ddpm::UNet unet(config);
        {
            at::NoGradGuard noGrad;
            for (const auto& item : unet->named_parameters())
                if (item.key() == "out_conv.weight")
                    item.value().normal_(0.0, 0.02);
        }
        auto netModel = ddpm::makeNetworkModel(unet, "small UNet (untrained)");
        ddpm::DenoiseModel& net = *netModel;
        const int netRepeats = std::max(1, std::min(repeats, 3));
        nlohmann::ordered_json netReport;
        netReport["label"] = net.name();
        netReport["architecture"] = "ddpm::UNet 1x28x28, base 32, mults 1,2,2, " + std::to_string(resBlocks)
            + " res block(s) per level, attention at 14 (1 head), GroupNorm 8, time embedding 128";
        netReport["parameters"] = ddpm::parameterCount(*unet);
        nlohmann::ordered_json perCall = nlohmann::ordered_json::array();
        for (int b : {1, 16, 64, 256, 1000}) {
            nlohmann::ordered_json row;
            row["batch"] = b;
            const double ms = timeModelCall(net, x0, b, steps, b >= 100 ? netRepeats : 3 * netRepeats);
            row["median_ms"] = ms;
            row["per_image_ms"] = ms / b;
            perCall.push_back(row);
        }
        netReport["model_call"] = perCall;
        nlohmann::ordered_json netRows = nlohmann::ordered_json::array();
        for (int tb : kTimestepBatches)
            netRows.push_back(timeBound(diffusion, net, x0, tb, netRepeats));
        netReport["bound_by_timestep_batch"] = netRows;
        netReport["batching_speedup"] =
            netRows.front()["median_s"].get<double>() / netRows.back()["median_s"].get<double>();
        netReport["fastest_timestep_batch"] = fastestTimestepBatch(netRows);
        report["unet"] = netReport;

        std::cout << report.dump(2) << std::endl;
        return 0;
    } catch (const ddpm::Error& e) {
        std::cerr << "bench_bound: " << e.what() << std::endl;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "bench_bound: unexpected error: " << e.what() << std::endl;
        return 1;
    }
}
