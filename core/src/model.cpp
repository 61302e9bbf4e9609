// The zero baseline and the model spec parser the CLI and GUI share: "zero", a checkpoint
// file, or a run directory.
#include "ddpm/model.h"

#include <filesystem>
#include <limits>
#include <system_error>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "ddpm/checkpoint.h"
#include "ddpm/error.h"
#include "ddpm/flat_adamw.h"
#include "ddpm/network_model.h"
#include "ddpm/oracle_model.h"
#include "ddpm/schedule.h"
#include "ddpm/training_checkpoint.h"
#include "json_limits.h"

namespace ddpm {

namespace fs = std::filesystem;
using nlohmann::json;

ZeroNoiseModel::ZeroNoiseModel(VarianceKind variance)
{
    if (variance == VarianceKind::Learned || variance == VarianceKind::LearnedRange)
        throw Error("the zero model has no learned variance; use small or large");
    m_param.variance = variance;
}

at::Tensor ZeroNoiseModel::predict(const at::Tensor& xt, const at::Tensor& /*t*/)
{
    return at::zeros_like(xt);
}

std::string ZeroNoiseModel::name() const
{
    return "zero (predicts no noise)";
}

namespace {

TrainedModel modelFromCheckpoint(const CheckpointFile& file, const std::string& path, bool raw)
{
    const std::string what = "checkpoint " + path;
    try {
        const json meta = json::parse(file.metadataJson);
        if (!meta.contains("kind") || meta["kind"] != kTrainingCheckpointKind)
            throw Error(what + " was not written by DDPM Studio's trainer (no training run inside)");
        // The network is checked to be a preset before it is built, and every tensor against
        // it (names, dtypes, shapes) before one is used.
        const ModelConfig config = trainedModelConfig(meta.at("model").dump(), what);
        Parameterization param;
        param.prediction = parsePrediction(meta.at("parameterization").at("prediction").get<std::string>());
        param.variance = parseVarianceKind(meta.at("parameterization").at("variance").get<std::string>());
        const int steps = static_cast<int>(
            wholeNumber(meta.at("schedule").at("steps"), 2, NoiseSchedule::kMaxSteps, what, "the schedule's steps"));
        const long long step = wholeNumber(meta.at("step"), 0, std::numeric_limits<long long>::max(), what, "the step");
        Network net = buildNetwork(config);
        at::Tensor flat = flattenParameters(*net.module);
        const std::string network = std::string("the ") + config.kindName() + " " + config.preset + " its metadata describes";
        requireTensors(file, trainingCheckpointTensors(flat.numel(), steps), what, network);
        const at::Tensor betas = file.tensor("source_betas").contiguous();
        NoiseSchedule schedule = NoiseSchedule::fromBetas(
            std::vector<double>(betas.data_ptr<double>(), betas.data_ptr<double>() + betas.numel()),
            meta.at("schedule").at("name").get<std::string>(),
            meta.at("schedule").at("zero_terminal_snr").get<bool>());
        {
            at::NoGradGuard noGrad;
            flat.copy_(file.tensor(raw ? "params" : "ema"));
        }
        net.module->eval();
        const std::string name = std::string(config.kindName()) + " " + config.preset + " at step "
            + std::to_string(step) + (raw ? " (trained weights)" : " (EMA weights)");
        return {std::make_unique<NetworkModel>(std::move(net), param, name, std::move(schedule)), path,
                file.metadataJson, raw};
    } catch (const json::exception&) {
        throw Error(what + " lacks the model description a trained model has; it is damaged or"
                    " from another tool");
    }
}

} // namespace

TrainedModel openTrainedModel(const std::string& path, bool raw)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        // Readers take no lock, and a run training meanwhile prunes its old checkpoints: one
        // listed a moment ago may be gone before it is opened, so then the folder is listed again.
        std::string newestProblem;
        for (int listing = 0; listing < 3; ++listing) {
            const std::vector<std::string> all = listCheckpoints(path);
            if (all.empty())
                throw Error("run directory " + path + " has no checkpoints/step-*.ckpt; train first or name a checkpoint file");
            bool vanished = false;
            for (auto it = all.rbegin(); it != all.rend(); ++it) {
                try {
                    return modelFromCheckpoint(readCheckpoint(*it), *it, raw);
                } catch (const Error& e) {
                    if (!fs::exists(*it, ec))
                        vanished = true;
                    else if (newestProblem.empty())
                        newestProblem = e.what();
                }
            }
            if (!vanished)
                break;
        }
        throw Error("no checkpoint in " + path + " verifies; the newest problem: "
                    + (newestProblem.empty() ? std::string("they were removed as they were read") : newestProblem));
    }
    if (!fs::exists(path, ec))
        throw Error("model " + path + " not found; give a checkpoint file or a run directory");
    return modelFromCheckpoint(readCheckpoint(path), path, raw);
}

std::unique_ptr<DenoiseModel> makeModel(const std::string& spec, bool raw, const NoiseSchedule* oracleSchedule)
{
    if (spec == "zero")
        return std::make_unique<ZeroNoiseModel>();
    if (spec.rfind("oracle:", 0) == 0)
        return makeOracleModel(spec.substr(7), oracleSchedule != nullptr ? *oracleSchedule
                                                                         : NoiseSchedule::fromName("linear", 1000));
    if (spec.empty())
        throw Error("model spec is empty; use \"zero\" (the baseline that predicts no noise), a checkpoint or a run directory");
    return std::move(openTrainedModel(spec, raw).model);
}

} // namespace ddpm
