// SiLU, x * sigmoid(x), for the MLP: in place on a tensor no gradient flows through (the
// inference passes: sampling, evaluation), and as a differentiable operation for training.
// Debian's LibTorch 1.13 computes at::silu with scalar or 8-wide exp calls and its backward in
// another kernel; these kernels evaluate exp with a polynomial that the compiler vectorises for
// AVX-512, AVX2 or SSE (picked when the program starts), within 2e-7 relative of at::silu.
// Other tensors (non-float, not contiguous, not on the CPU) go to at::silu.
#pragma once

#include <ATen/core/Tensor.h>

namespace ddpm {

/// x * sigmoid(x) as a new tensor; its backward is dy s (1 + x (1 - s)), s = sigmoid(x).
at::Tensor silu(const at::Tensor& x);

/// x = x * sigmoid(x); x must not need a gradient (the caller checks GradMode or inference mode).
void siluInPlace(at::Tensor& x);

} // namespace ddpm
