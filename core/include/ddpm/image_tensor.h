// Conversions between 8-bit images and model-space tensors in [-1, 1].
#pragma once

#include <ATen/core/Tensor.h>

#include "ddpm/image.h"

namespace ddpm {

/// [C, H, W] float32 tensor with x / 127.5 - 1 (so 0 -> -1, 255 -> 1).
at::Tensor imageToTensor(const Image& image);

/// Inverse of imageToTensor: accepts [C, H, W] (C = 1 or 3) or [H, W], any float dtype
/// and device; clamps to [-1, 1] and rounds (x + 1) * 127.5 to 8-bit.
Image tensorToImage(const at::Tensor& tensor);

/// For showing unbounded tensors (noise, x_t): maps [lo, hi] linearly to [0, 255] with clamping.
Image tensorToImageRange(const at::Tensor& tensor, double lo, double hi);

} // namespace ddpm
