// AdamW (Loshchilov & Hutter 2019) over one flat buffer: the module's parameters are made
// views of a single contiguous float32 tensor, so an update is one pass over the buffers on
// the CPU (a handful of whole-buffer operations on other devices) instead of several
// operations per parameter, and the state is three flat tensors that a checkpoint stores as
// they are.
#pragma once

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace torch::nn {
class Module;
}

namespace ddpm {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay = 0.0;
};

/// Moves every parameter of module into one contiguous buffer (values kept) and returns it;
/// afterwards each parameter is a view of it, in module->parameters() order.
at::Tensor flattenParameters(torch::nn::Module& module);

class FlatAdamW {
public:
    /// module's parameters are flattened (see flattenParameters).
    FlatAdamW(torch::nn::Module& module, AdamWOptions options);

    /// The parameters' gradients as one flat tensor (zeros for a parameter without one).
    at::Tensor gatherGradients() const;
    /// One update with learning rate lr from the flat gradient grad; increments stepCount.
    void step(const at::Tensor& grad, double lr);
    /// Clears the parameters' gradients (set to undefined, as zero_grad(set_to_none) does).
    void zeroGrad();

    at::Tensor parameters() const { return m_params; }
    at::Tensor firstMoment() const { return m_m; }
    at::Tensor secondMoment() const { return m_v; }
    std::int64_t stepCount() const { return m_step; }
    /// Restores the state a checkpoint kept; throws ddpm::Error for a size that does not fit.
    void restore(const at::Tensor& params, const at::Tensor& m, const at::Tensor& v, std::int64_t step);

private:
    std::vector<at::Tensor> m_views;  // the module's parameters
    at::Tensor m_params;
    at::Tensor m_m;
    at::Tensor m_v;
    std::int64_t m_step = 0;
    AdamWOptions m_options;
};

} // namespace ddpm
