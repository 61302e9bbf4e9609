// A trained model as a safetensors file (safetensors.h), so that it loads outside DDPM Studio:
// the network's parameters and buffers under the torch module's own names, as
// named_parameters() and named_buffers() give them ("in_conv.weight", "down.0.skip.bias",
// ...), float32, in the module's order; the model's EMA weights unless the trained ones are
// asked for. The metadata, all strings, says what the numbers mean:
//   format "pt"                 the tensors are in PyTorch's layout (Hugging Face's convention)
//   producer "ddpm-studio", ddpm_version, export_version (kModelExportVersion)
//   weights "ema" | "trained"
//   model                        the architecture: ModelConfig's JSON (kind, preset, channels, ...)
//   model_kind, preset, item_shape (JSON, e.g. [1,28,28]), parameter_count
//   prediction (eps|x0|v), variance (small|large|learned|learned-range)
//   schedule (its name), diffusion_steps (T), zero_terminal_snr ("true"|"false"),
//   betas (JSON: beta_1..beta_T as the model was trained, after any rescale)
//   step (training steps done), data (the data spec), train (TrainConfig's JSON)
#pragma once

#include <map>
#include <string>

#include "ddpm/model.h"
#include "ddpm/safetensors.h"

namespace ddpm {

constexpr int kModelExportVersion = 1;

/// The network's tensors, named as in its module, copied to the CPU.
NamedTensors exportTensors(const TrainedModel& trained);

/// The metadata above; ddpmVersion is the program's version ("weights" is "trained" when the
/// model was opened raw). Throws ddpm::Error when the checkpoint's metadata lacks a field.
std::map<std::string, std::string> exportMetadata(const TrainedModel& trained, const std::string& ddpmVersion);

/// Writes both to path atomically (writeSafetensors); throws ddpm::Error.
void exportModel(const TrainedModel& trained, const std::string& ddpmVersion, const std::string& path);

} // namespace ddpm
