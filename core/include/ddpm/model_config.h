// Which network a run trains: its kind, a named preset and the full architecture, as stored
// in config.json and checkpoints.
//
// UNet presets (square images; attention placed by downsampling rate, as improved DDPM does):
//   tiny     improved-diffusion's small config: base 32, multipliers 1,2,2, one ResBlock per
//            level, attention at rate 4 (7 x 7 for 28 x 28) and in the middle, GroupNorm(32),
//            one head, dropout 0 (1,112,801 parameters on 1 x 28 x 28)
//   small    base 64, multipliers 1,2,2, two ResBlocks, attention at rates 2 and 4, dropout 0.1
//   cifar10  the DDPM paper's CIFAR-10 net: base 128, multipliers 1,2,2,2, two ResBlocks,
//            attention at rate 2 (16 x 16 for 32 x 32), dropout 0.1 (35.7M parameters on 3 x 32 x 32)
// MLP presets (points):
//   tiny     concat(x, 32-wide sinusoid of t) -> 3 x (Linear 128, SiLU) -> Linear (37,762 parameters in 2-D)
//   base     width 128, depth 3, a 64-wide embedding through its own MLP added to every layer
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ddpm/mlp.h"
#include "ddpm/unet.h"

namespace ddpm {

struct ModelConfig {
    enum class Kind { UNet, MLP };
    Kind kind = Kind::UNet;
    std::string preset = "tiny";
    UNetConfig unet;   ///< used when kind is UNet
    MLPConfig mlp;     ///< used when kind is MLP

    /// "unet" / "mlp".
    const char* kindName() const { return kind == Kind::UNet ? "unet" : "mlp"; }
    /// JSON object text of every field (what checkpoints and config.json store).
    std::string toJson() const;
    /// Inverse of toJson; throws ddpm::Error for a missing or bad field (and validates).
    static ModelConfig fromJson(const std::string& json);
    void validate() const;
};

/// "unet" / "mlp"; throws ddpm::Error otherwise.
ModelConfig::Kind parseModelKind(const std::string& text);
/// The preset names of a kind, the default first.
const std::vector<std::string>& modelPresets(ModelConfig::Kind kind);
/// Default preset for data: "tiny" for images, "base" for points.
std::string defaultPreset(ModelConfig::Kind kind);

/// The preset's architecture for data of `channels` x `imageSize` x `imageSize` (UNet) or of
/// `channels` dimensions (MLP), with `outChannels` outputs (a Parameterization's
/// outputChannels). Throws ddpm::Error for an unknown preset or data the preset cannot take
/// (e.g. an image size not divisible by the net's downsampling), naming what works.
ModelConfig modelPreset(ModelConfig::Kind kind, const std::string& preset, int channels, int imageSize,
                        int outChannels);

/// Scalar parameters of the net a config builds (it builds the net once on the CPU to count),
/// for showing next to a preset.
std::int64_t parameterCount(const ModelConfig& config);

} // namespace ddpm
