// The 2-D toy data MLP (see mlp.h).
#include "ddpm/mlp.h"

#include <string>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/time_embedding.h"
#include "fast_silu.h"

namespace ddpm {

namespace nn = torch::nn;

namespace {

void checkRange(const char* what, long long value, long long lo, long long hi)
{
    if (value < lo || value > hi)
        throw Error(std::string("MLP ") + what + " " + std::to_string(value) + " must be in "
                    + std::to_string(lo) + ".." + std::to_string(hi));
}

} // namespace

void MLPConfig::validate() const
{
    checkRange("dims", dims, 1, 64);
    checkRange("outDims", outDims, 0, 128);
    checkRange("hidden", hidden, 1, 4096);
    checkRange("depth", depth, 1, 32);
    checkRange("timeEmbeddingDim", timeEmbeddingDim, 4, 1024);
    if (timeEmbeddingDim % 2 != 0)
        throw Error("MLP timeEmbeddingDim " + std::to_string(timeEmbeddingDim) + " must be even");
}

MLPImpl::MLPImpl(const MLPConfig& config)
    : m_config(config)
{
    m_config.validate();
    const MLPConfig& c = m_config;
    if (!c.concatTime) {
        m_timeIn = register_module("time_in", nn::Linear(c.timeEmbeddingDim, c.hidden));
        m_timeOut = register_module("time_out", nn::Linear(c.hidden, c.hidden));
    }
    m_layers = register_module("layers", nn::ModuleList());
    const int firstIn = c.concatTime ? c.dims + c.timeEmbeddingDim : c.dims;
    for (int i = 0; i < c.depth; ++i)
        m_layers->push_back(nn::Linear(i == 0 ? firstIn : c.hidden, c.hidden));
    m_out = register_module("out", nn::Linear(c.hidden, c.outputDims()));
    at::NoGradGuard noGrad;
    m_out->weight.zero_();
    m_out->bias.zero_();
}

at::Tensor MLPImpl::forward(const at::Tensor& x, const at::Tensor& t)
{
    if (!x.defined() || x.dim() != 2 || x.size(1) != m_config.dims)
        throw Error("MLP input must be [B, " + std::to_string(m_config.dims) + "]");
    if (!t.defined() || t.dim() != 1 || t.size(0) != x.size(0))
        throw Error("MLP timesteps must be [B] with B = " + std::to_string(x.size(0)));

    // The vectorised SiLU: in place without a gradient (sampling, evaluation), else with its
    // own backward.
    const bool inference = !at::GradMode::is_enabled();
    const auto silu = [inference](at::Tensor h) {
        if (!inference)
            return ddpm::silu(h);
        siluInPlace(h);
        return h;
    };
    if (m_config.concatTime) {
        at::Tensor h = concatTimestepEmbedding(x, t, m_config.timeEmbeddingDim);
        for (const auto& layer : *m_layers)
            h = silu(layer->as<nn::Linear>()->forward(h));
        return m_out->forward(h);
    }
    // [B, E], or [1, E] when one t runs over the whole batch (then broadcast).
    const at::Tensor emb = timestepEmbedding(distinctTimesteps(t), m_config.timeEmbeddingDim);
    const at::Tensor e = m_timeOut->forward(silu(m_timeIn->forward(emb)));
    at::Tensor h = x;
    bool first = true;
    for (const auto& layer : *m_layers) {
        h = layer->as<nn::Linear>()->forward(first ? h : silu(h));
        h = inference ? h.add_(e) : h + e;
        first = false;
    }
    return m_out->forward(silu(h));
}

} // namespace ddpm
