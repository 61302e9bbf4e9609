// A trained model as a safetensors file (see model_export.h).
#include "ddpm/model_export.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

#include "ddpm/error.h"
#include "ddpm/network_model.h"
#include "ddpm/schedule.h"

namespace ddpm {

using nlohmann::json;

NamedTensors exportTensors(const TrainedModel& trained)
{
    torch::nn::Module& module = trained.model->module();
    NamedTensors tensors;
    for (const auto& item : module.named_parameters(true))
        tensors.emplace_back(item.key(), item.value().detach().to(at::kCPU).clone());
    for (const auto& item : module.named_buffers(true))
        tensors.emplace_back(item.key(), item.value().detach().to(at::kCPU).clone());
    return tensors;
}

std::map<std::string, std::string> exportMetadata(const TrainedModel& trained, const std::string& ddpmVersion)
{
    const NetworkModel& model = *trained.model;
    const ModelConfig& config = model.config();
    const Parameterization param = model.parameterization();
    const NoiseSchedule* schedule = model.schedule();
    if (schedule == nullptr) throw Error("the model " + model.name() + " carries no schedule; it is not a trained model");
    std::map<std::string, std::string> m;
    m["format"] = "pt";
    m["producer"] = "ddpm-studio";
    m["ddpm_version"] = ddpmVersion;
    m["export_version"] = std::to_string(kModelExportVersion);
    m["weights"] = trained.raw ? "trained" : "ema";
    m["model"] = json::parse(config.toJson()).dump();
    m["model_kind"] = config.kindName();
    m["preset"] = config.preset;
    m["item_shape"] = json(model.itemShape()).dump();
    m["parameter_count"] = std::to_string(parameterCount(trained.model->module()));
    m["prediction"] = predictionName(param.prediction);
    m["variance"] = varianceKindName(param.variance);
    m["schedule"] = schedule->name();
    m["diffusion_steps"] = std::to_string(schedule->steps());
    m["zero_terminal_snr"] = schedule->zeroTerminalSnr() ? "true" : "false";
    m["betas"] = json(schedule->table(Quantity::Beta)).dump();
    try {
        const json meta = json::parse(trained.metadataJson);
        m["step"] = std::to_string(meta.at("step").get<long long>());
        m["data"] = meta.at("data").at("spec").get<std::string>();
        m["train"] = meta.at("train").dump();
    } catch (const json::exception&) {
        throw Error("checkpoint " + trained.checkpointPath + " lacks the training step, data or settings a run's"
                    " checkpoint has; it is damaged or from another tool");
    }
    return m;
}

void exportModel(const TrainedModel& trained, const std::string& ddpmVersion, const std::string& path)
{
    writeSafetensors(path, exportTensors(trained), exportMetadata(trained, ddpmVersion));
}

} // namespace ddpm
