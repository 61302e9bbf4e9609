// GroupNorm, optionally followed by SiLU, as one differentiable operation: the UNet's
// normalisation layers. The UNet runs its convolutions channels-last on the CPU, the layout
// oneDNN computes in without reordering every input and output, but torch 1.13's own GroupNorm
// is 10-20 times slower on channels-last input than on NCHW. So a channels-last float32 CPU
// tensor goes through a fused kernel here: forward, one pass for the statistics and one that
// writes the normalised (and SiLU'd) output; backward, two passes; only the input and two
// numbers per group are kept for the backward pass. A ResBlock's time-embedding shift is
// taken in too, so x + shift is never written out (the shift and its channel means are kept). Deterministic: each image is reduced on
// one thread and the batch is summed in a fixed order, so the thread count does not change a
// bit. Every other tensor (NCHW, CUDA, other dtypes) goes to at::group_norm and at::silu.
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace ddpm {

/// GroupNorm of x + shift ([N, C, H, W], C divisible by groups; `shift` [N, C] is added to
/// every pixel of its image and channel, [1, C] to every image's, undefined for none) with per-channel scale gamma and
/// offset beta ([C] each), eps added to each group's variance; then v * sigmoid(v) when `silu`.
at::Tensor groupNormSiLU(const at::Tensor& x, std::int64_t groups, const at::Tensor& gamma,
                         const at::Tensor& beta, double eps, bool silu, const at::Tensor& shift = {});

/// Whether groupNormSiLU(x, ..., shift) takes the fused kernel (for tests and benchmarks).
bool groupNormSiLUIsFused(const at::Tensor& x, const at::Tensor& shift = {});

} // namespace ddpm
