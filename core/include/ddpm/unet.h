// The epsilon network for images: a DDPM / improved-DDPM style UNet (ResBlocks with GroupNorm,
// SiLU and a time-embedding projection, self-attention at chosen resolutions, stride-2
// downsampling, nearest-neighbour upsampling, skips concatenated on the way up).
#pragma once

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

namespace ddpm {

/// The shape of a UNet. Defaults: a small net for 28x28 gray images (Fashion-MNIST).
struct UNetConfig {
    int inChannels = 1;                      ///< image channels in (1..64)
    int outChannels = 0;                     ///< output channels (0: inChannels; a learned variance doubles it)
    int imageSize = 28;                      ///< square images of imageSize x imageSize pixels
    int baseChannels = 32;                   ///< channels at full resolution (even; divisible by groups)
    std::vector<int> channelMults{1, 2, 2};  ///< one entry per resolution level, each 1..16
    int numResBlocks = 2;                    ///< ResBlocks per level on the way down (up: one more)
    std::vector<int> attentionResolutions{14}; ///< image sizes (e.g. 14 of 28 -> 14 -> 7) that get self-attention
    int attentionHeads = 1;                  ///< DDPM uses one head
    double dropout = 0.1;                    ///< in every ResBlock, in [0, 1)
    int groups = 8;                          ///< GroupNorm groups (DDPM: 32 with 128 base channels)

    /// Levels (= channelMults.size()); the image is halved between levels.
    int levels() const { return static_cast<int>(channelMults.size()); }
    /// Image size at each level: imageSize, imageSize / 2, ...
    std::vector<int> resolutions() const;
    /// Width of the time embedding after its MLP (4 x baseChannels, as in DDPM).
    int timeEmbeddingDim() const { return 4 * baseChannels; }
    int outputChannels() const { return outChannels > 0 ? outChannels : inChannels; }
    /// Throws ddpm::Error naming the first bad value and what is allowed.
    void validate() const;
};

/// The net's output at (x_t, t). Built from a validated config; parameters initialised from
/// torch's global generator (call torch::manual_seed first for a reproducible net), except, as
/// improved DDPM does, the last convolution of every ResBlock, every attention projection and
/// the output convolution, which start at zero (a fresh net outputs 0; each block starts as the identity).
class UNetImpl : public torch::nn::Module {
public:
    explicit UNetImpl(const UNetConfig& config);

    /// x: [B, inChannels, imageSize, imageSize] float32; t: [B] int64 in 1..T.
    /// Returns [B, outputChannels(), imageSize, imageSize] float32.
    /// Throws ddpm::Error when the shapes do not match the config.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& t);

    const UNetConfig& config() const { return m_config; }

private:
    UNetConfig m_config;
    torch::nn::Linear m_timeIn{nullptr};
    torch::nn::Linear m_timeOut{nullptr};
    torch::nn::Conv2d m_inConv{nullptr};
    torch::nn::ModuleList m_down{nullptr};    ///< one entry per stored skip
    torch::nn::ModuleList m_middle{nullptr};  ///< ResBlock, attention, ResBlock
    torch::nn::ModuleList m_up{nullptr};      ///< one entry per consumed skip
    torch::nn::GroupNorm m_outNorm{nullptr};
    torch::nn::Conv2d m_outConv{nullptr};
};
TORCH_MODULE(UNet);

} // namespace ddpm
