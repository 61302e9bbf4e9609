#include "workers/chain_model.h"

#include <filesystem>
#include <vector>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "ddpm/checkpoint.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/sampling_plan.h"
#include "ddpm/schedule.h"

namespace ddpm::ui {

std::unique_ptr<ddpm::DenoiseModel> makeChainModel(const SamplingSettings& s, const ddpm::NoiseSchedule& fallback)
{
    std::unique_ptr<ddpm::DenoiseModel> model = ddpm::makeModel(s.modelSpec.toStdString(), false, &fallback);
    if (model->itemShape().empty())
        throw ddpm::Error("The model " + model->name() + " does not say what it makes; choose a checkpoint, a run "
                          "folder or an oracle.");
    return model;
}

ddpm::SamplingSpec chainSamplingSpec(const SamplingSettings& s, const ddpm::DenoiseModel& model)
{
    ddpm::SamplingSpec spec;
    spec.sampler = s.sampler.toStdString();
    spec.spacing = s.spacing.trimmed().toStdString();
    if (spec.sampler == "ddim")
        spec.eta = s.eta;
    else if (!s.variance.isEmpty() && !model.parameterization().learnsVariance())
        spec.variance = ddpm::parseVarianceKind(s.variance.toStdString());
    spec.clipDenoised = s.clipDenoised;
    return spec;
}

std::string modelDataSpec(const SamplingSettings& s)
{
    const std::string spec = s.modelSpec.toStdString();
    if (s.isOracle())
        return spec.substr(7);
    try {
        std::string path = spec;
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            const std::vector<std::string> all = ddpm::listCheckpoints(path);
            if (all.empty())
                return {};
            path = all.back();
        }
        const nlohmann::json meta = nlohmann::json::parse(ddpm::readCheckpoint(path).metadataJson);
        return meta.at("data").at("spec").get<std::string>();
    } catch (...) {
        return {};
    }
}

} // namespace ddpm::ui
