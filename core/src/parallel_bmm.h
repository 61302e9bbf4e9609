// A batched matrix product split over the intra-op threads, differentiable: the UNet's
// attention. torch 1.13's CPU bmm multiplies the batch's matrices one after another on one
// thread (one small BLAS call each), so for attention's many small products the other
// threads wait; here each thread takes a share of the batch. Each product is the same BLAS
// call either way, so the result does not depend on the thread count.
#pragma once

#include <ATen/core/Tensor.h>

namespace ddpm {

/// a @ b for a [B, n, k] and b [B, k, m] (any strides): [B, n, m], with autograd.
at::Tensor parallelBmm(const at::Tensor& a, const at::Tensor& b);

} // namespace ddpm
