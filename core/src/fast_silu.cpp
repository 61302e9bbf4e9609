// A vectorisable SiLU (see fast_silu.h).
#include "fast_silu.h"

#include <cstdint>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include "vector_math.h"

namespace ddpm {

namespace {

/// y = x sigmoid(x) = x / (1 + exp(-x)); y may be x (in place).
DDPM_VECTOR_CLONES void siluKernel(const float* x, float* y, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i) {
        const float v = x[i];
        y[i] = v / (1.0f + expBounded(clampExpArgument(-v)));
    }
}

/// dx = dy s (1 + x (1 - s)) with s = sigmoid(x): the derivative of x s.
DDPM_VECTOR_CLONES void siluBackwardKernel(const float* __restrict__ x, const float* __restrict__ dy,
                                           float* __restrict__ dx, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i) {
        const float s = sigmoidBounded(x[i]);
        dx[i] = dy[i] * s * (1.0f + x[i] * (1.0f - s));
    }
}

/// Chunks of 16 Ki values on the intra-op pool (a 1024 x 128 activation is 8 of them).
constexpr std::int64_t kChunk = 16384;

bool fits(const at::Tensor& x)
{
    return x.scalar_type() == at::kFloat && x.is_cpu() && x.is_contiguous();
}

/// The autograd node: keeps the input, recomputes the sigmoid in the backward pass.
struct SiLUFunction : torch::autograd::Function<SiLUFunction> {
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x)
    {
        at::Tensor y = at::empty_like(x);
        const float* in = x.data_ptr<float>();
        float* out = y.data_ptr<float>();
        at::parallel_for(0, x.numel(), kChunk, [in, out](std::int64_t begin, std::int64_t end) {
            siluKernel(in + begin, out + begin, end - begin);
        });
        ctx->save_for_backward({x});
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list dy)
    {
        const at::Tensor x = ctx->get_saved_variables()[0];
        const at::Tensor g = dy[0].contiguous();
        at::Tensor dx = at::empty_like(x);
        const float* in = x.data_ptr<float>();
        const float* grad = g.data_ptr<float>();
        float* out = dx.data_ptr<float>();
        at::parallel_for(0, x.numel(), kChunk, [in, grad, out](std::int64_t begin, std::int64_t end) {
            siluBackwardKernel(in + begin, grad + begin, out + begin, end - begin);
        });
        return {dx};
    }
};

} // namespace

at::Tensor silu(const at::Tensor& x)
{
    if (!fits(x) || x.numel() == 0) return at::silu(x);
    return SiLUFunction::apply(x);
}

void siluInPlace(at::Tensor& x)
{
    if (!fits(x) || x.requires_grad()) {
        x = at::silu_(x);
        return;
    }
    float* data = x.data_ptr<float>();
    at::parallel_for(0, x.numel(), kChunk, [data](std::int64_t begin, std::int64_t end) {
        siluKernel(data + begin, data + begin, end - begin);
    });
}

} // namespace ddpm
