// The zero baseline and the model spec parser the CLI and GUI share: "zero", a checkpoint
// file, or a run directory.
#include "ddpm/model.h"

#include <filesystem>
#include <system_error>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "ddpm/checkpoint.h"
#include "ddpm/error.h"
#include "ddpm/flat_adamw.h"
#include "ddpm/network_model.h"
#include "ddpm/oracle_model.h"
#include "ddpm/schedule.h"

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

std::unique_ptr<DenoiseModel> modelFromCheckpoint(const CheckpointFile& file, const std::string& path, bool raw)
{
    try {
        const json meta = json::parse(file.metadataJson);
        const ModelConfig config = ModelConfig::fromJson(meta.at("model").dump());
        Parameterization param;
        param.prediction = parsePrediction(meta.at("parameterization").at("prediction").get<std::string>());
        param.variance = parseVarianceKind(meta.at("parameterization").at("variance").get<std::string>());
        const at::Tensor betas = file.tensor("source_betas").to(at::kDouble).contiguous();
        NoiseSchedule schedule = NoiseSchedule::fromBetas(
            std::vector<double>(betas.data_ptr<double>(), betas.data_ptr<double>() + betas.numel()),
            meta.at("schedule").at("name").get<std::string>(),
            meta.at("schedule").at("zero_terminal_snr").get<bool>());
        Network net = buildNetwork(config);
        at::Tensor flat = flattenParameters(*net.module);
        const at::Tensor& weights = file.tensor(raw ? "params" : "ema");
        if (weights.numel() != flat.numel() || weights.scalar_type() != at::kFloat)
            throw Error("checkpoint " + path + " holds " + std::to_string(weights.numel()) + " weights where its "
                        + config.kindName() + " " + config.preset + " needs " + std::to_string(flat.numel())
                        + "; it is for a different architecture");
        {
            at::NoGradGuard noGrad;
            flat.copy_(weights);
        }
        net.module->eval();
        const long long step = meta.at("step").get<long long>();
        const std::string name = std::string(config.kindName()) + " " + config.preset + " at step "
            + std::to_string(step) + (raw ? " (trained weights)" : " (EMA weights)");
        return std::make_unique<NetworkModel>(std::move(net), param, name, std::move(schedule));
    } catch (const json::exception&) {
        throw Error("checkpoint " + path + " lacks the model description a trained model has; it is damaged or"
                    " from another tool");
    }
}

} // namespace

std::unique_ptr<DenoiseModel> makeModel(const std::string& spec, bool raw, const NoiseSchedule* oracleSchedule)
{
    if (spec == "zero")
        return std::make_unique<ZeroNoiseModel>();
    if (spec.rfind("oracle:", 0) == 0)
        return makeOracleModel(spec.substr(7), oracleSchedule != nullptr ? *oracleSchedule
                                                                         : NoiseSchedule::fromName("linear", 1000));
    if (spec.empty())
        throw Error("model spec is empty; use \"zero\" (the baseline that predicts no noise), a checkpoint or a run directory");

    std::error_code ec;
    if (fs::is_directory(spec, ec)) {
        const std::vector<std::string> all = listCheckpoints(spec);
        if (all.empty())
            throw Error("run directory " + spec + " has no checkpoints/step-*.ckpt; train first or name a checkpoint file");
        std::string lastProblem;
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            try {
                return modelFromCheckpoint(readCheckpoint(*it), *it, raw);
            } catch (const Error& e) {
                lastProblem = e.what();
            }
        }
        throw Error("no checkpoint in " + spec + " verifies; the newest problem: " + lastProblem);
    }
    if (!fs::exists(spec, ec))
        throw Error("model " + spec + " not found; use \"zero\", a checkpoint file or a run directory");
    return modelFromCheckpoint(readCheckpoint(spec), spec, raw);
}

} // namespace ddpm
