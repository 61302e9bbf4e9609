// The epsilon network for 2-D toy data: an MLP with the sinusoidal time embedding added to
// every hidden layer.
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace ddpm {

struct MLPConfig {
    int dims = 2;               ///< data dimensions in (1..64; the toy sets have 2)
    int outDims = 0;            ///< output dimensions (0: dims; a learned variance doubles it)
    int hidden = 128;           ///< width of every hidden layer (1..4096)
    int depth = 3;              ///< hidden layers (1..32)
    int timeEmbeddingDim = 64;  ///< sinusoidal embedding size (even, 4..1024)
    /// false: the embedding goes through an MLP and is added after every hidden layer;
    /// true: the raw embedding is concatenated to x at the input only (the "tiny" peer net).
    bool concatTime = false;

    int outputDims() const { return outDims > 0 ? outDims : dims; }

    /// Throws ddpm::Error naming the first bad value and what is allowed.
    void validate() const;
};

/// The net's output at (x_t, t) for points. Added time (default): e = MLP(sinusoid(t))
/// (Linear, SiLU, Linear to hidden); h_1 = W_1 x + e; h_{i+1} = W_{i+1} SiLU(h_i) + e;
/// out = W_out SiLU(h_depth). Concatenated time: h_1 = W_1 [x, sinusoid(t)], then as above without e.
/// Parameters from torch's global generator, except W_out, which starts at zero (a fresh net
/// predicts eps = 0, as the UNet's zero-initialised output layer does).
class MLPImpl : public torch::nn::Module {
public:
    explicit MLPImpl(const MLPConfig& config);

    /// x: [B, dims] float32; t: [B] int64 in 1..T. Returns [B, outputDims()] float32.
    /// Throws ddpm::Error when the shapes do not match the config.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& t);

    const MLPConfig& config() const { return m_config; }

private:
    MLPConfig m_config;
    torch::nn::Linear m_timeIn{nullptr};
    torch::nn::Linear m_timeOut{nullptr};
    torch::nn::ModuleList m_layers{nullptr};  ///< depth layers: dims -> hidden, then hidden -> hidden
    torch::nn::Linear m_out{nullptr};
};
TORCH_MODULE(MLP);

} // namespace ddpm
