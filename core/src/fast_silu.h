// SiLU, x * sigmoid(x), in place on a tensor no gradient flows through: the networks' inference
// passes (sampling, evaluation) use it. Debian's LibTorch 1.13 computes at::silu with scalar
// exp calls (about 0.7 ns a value here); this kernel evaluates exp with a polynomial that the
// compiler vectorises for AVX-512, AVX2 or SSE (picked when the program starts), several times
// faster, within 2e-7 relative of at::silu. Other tensors (non-float, not contiguous, not on
// the CPU, or needing a gradient) go to at::silu_.
#pragma once

#include <ATen/core/Tensor.h>

namespace ddpm {

/// x = x * sigmoid(x); x must not need a gradient (the caller checks GradMode or inference mode).
void siluInPlace(at::Tensor& x);

} // namespace ddpm
