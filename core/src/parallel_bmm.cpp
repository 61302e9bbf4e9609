// The thread-split batched matrix product (see parallel_bmm.h).
#include "parallel_bmm.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

namespace ddpm {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

/// The product without autograd: each thread runs at::bmm on its slice of the batch.
at::Tensor bmmSplit(const at::Tensor& a, const at::Tensor& b)
{
    at::Tensor out = at::empty({a.size(0), a.size(1), b.size(2)}, a.options());
    at::parallel_for(0, a.size(0), 1, [&](std::int64_t begin, std::int64_t end) {
        at::Tensor slice = out.narrow(0, begin, end - begin);
        at::bmm_out(slice, a.narrow(0, begin, end - begin), b.narrow(0, begin, end - begin));
    });
    return out;
}

/// d(a b) = da b + a db: da = dc b^T, db = a^T dc, each split the same way.
struct ParallelBmmFunction : torch::autograd::Function<ParallelBmmFunction> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b)
    {
        ctx->save_for_backward({a, b});
        return bmmSplit(a, b);
    }

    static variable_list backward(AutogradContext* ctx, variable_list dc)
    {
        const variable_list saved = ctx->get_saved_variables();
        const at::Tensor& a = saved[0];
        const at::Tensor& b = saved[1];
        return {ctx->needs_input_grad(0) ? bmmSplit(dc[0], b.transpose(1, 2)) : at::Tensor(),
                ctx->needs_input_grad(1) ? bmmSplit(a.transpose(1, 2), dc[0]) : at::Tensor()};
    }
};

} // namespace

at::Tensor parallelBmm(const at::Tensor& a, const at::Tensor& b)
{
    // Elsewhere (CUDA, one thread, a batch of one) torch's own bmm is the better choice.
    if (!a.is_cpu() || at::get_num_threads() < 2 || a.size(0) < 2 || a.scalar_type() != b.scalar_type())
        return at::bmm(a, b);
    const bool needsGradient = at::GradMode::is_enabled() && (a.requires_grad() || b.requires_grad());
    return needsGradient ? ParallelBmmFunction::apply(a, b) : bmmSplit(a, b);
}

} // namespace ddpm
