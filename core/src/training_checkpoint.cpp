// What a training checkpoint holds (see training_checkpoint.h).
#include "ddpm/training_checkpoint.h"

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/rng.h"
#include "ddpm/timestep_sampler.h"

namespace ddpm {

std::vector<TensorSpec> trainingCheckpointTensors(std::int64_t parameters, int diffusionSteps)
{
    const std::int64_t t = diffusionSteps;
    const std::int64_t runRngBytes = Rng(0).state().numel();
    const std::int64_t torchRngBytes = at::detail::getDefaultCPUGenerator().get_state().numel();
    return {{"params", at::kFloat, {parameters}},
            {"ema", at::kFloat, {parameters}},
            {"adam_m", at::kFloat, {parameters}},
            {"adam_v", at::kFloat, {parameters}},
            {"source_betas", at::kDouble, {t}},
            {"rng", at::kByte, {runRngBytes}},
            {"torch_rng", at::kByte, {torchRngBytes}},
            {"t_history", at::kDouble, {t, TimestepSampler::kHistory}},
            {"t_counts", at::kLong, {t}}};
}

ModelConfig trainedModelConfig(const std::string& modelJson, const std::string& what)
{
    ModelConfig stored;
    ModelConfig preset;
    try {
        stored = ModelConfig::fromJson(modelJson);
        const bool unet = stored.kind == ModelConfig::Kind::UNet;
        preset = unet ? modelPreset(stored.kind, stored.preset, stored.unet.inChannels, stored.unet.imageSize,
                                    stored.unet.outputChannels())
                      : modelPreset(stored.kind, stored.preset, stored.mlp.dims, 0, stored.mlp.outputDims());
    } catch (const Error& e) {
        throw Error(what + " describes a network DDPM Studio does not build: " + e.what());
    }
    if (preset.toJson() != stored.toJson())
        throw Error(what + " describes a " + stored.kindName() + " '" + stored.preset
                    + "' whose architecture is not that preset's (" + stored.toJson()
                    + "); DDPM Studio trains presets only, so the file was altered or is from another tool");
    return stored;
}

} // namespace ddpm
