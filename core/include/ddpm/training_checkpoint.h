// What a training checkpoint holds, beyond the file format (checkpoint.h): the kind tag in
// its metadata, the network it describes, and the names, dtypes and shapes of its tensors.
// Loaders compare a file with what its own metadata implies before they use a byte of it,
// so a file from a stranger that is well formed but inconsistent is refused, naming the
// tensor (docs/RELIABILITY.md, "Hostile files").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/checkpoint.h"
#include "ddpm/model_config.h"

namespace ddpm {

/// The metadata's "kind" in every checkpoint the trainer writes.
constexpr const char* kTrainingCheckpointKind = "ddpm-studio-training-run";

/// The tensors of a training checkpoint of a network with `parameters` scalars on a diffusion
/// of T = diffusionSteps steps, in the order the trainer writes them:
///   params, ema, adam_m, adam_v   f32 [parameters]   the flat weights, their EMA, AdamW's moments
///   source_betas                  f64 [T]            the schedule before any rescale
///   rng, torch_rng                u8 [state bytes]   the run's generator and torch's CPU generator
///   t_history                     f64 [T, 10]        the timestep sampler's loss history
///   t_counts                      i64 [T]
/// Nothing else: requireTensors refuses extra entries.
std::vector<TensorSpec> trainingCheckpointTensors(std::int64_t parameters, int diffusionSteps);

/// The network of a training checkpoint's "model" entry (ModelConfig JSON), refused unless it
/// is exactly a preset's architecture for its own input, image size and outputs: the trainer
/// builds presets only, and a crafted file must not make a loader build a network of any
/// size it likes. Throws ddpm::Error "<what> ...".
ModelConfig trainedModelConfig(const std::string& modelJson, const std::string& what);

} // namespace ddpm
