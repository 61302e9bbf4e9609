// Seeded Gaussian noise that is the same on every device.
#pragma once

#include <cstdint>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

namespace ddpm {

/// Draws on the CPU from a seeded generator and moves the result to the requested
/// device, so a seed gives the same numbers with or without a GPU.
class Rng {
public:
    explicit Rng(std::uint64_t seed);

    /// Standard normal samples of the given shape.
    at::Tensor normal(at::IntArrayRef shape, at::ScalarType dtype = at::kFloat,
                      c10::Device device = c10::Device(c10::kCPU));
    /// Uniform integers in [low, high] inclusive (e.g. timesteps 1..T).
    at::Tensor integers(std::int64_t low, std::int64_t high, at::IntArrayRef shape,
                        c10::Device device = c10::Device(c10::kCPU));

private:
    at::Generator m_generator;
};

} // namespace ddpm
