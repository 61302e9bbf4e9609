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

    /// n indices in 0..K-1 drawn with replacement from probabilities p ([K], non-negative).
    at::Tensor categorical(const at::Tensor& p, std::int64_t n);
    /// A random permutation of 0..n-1 (int64, CPU).
    at::Tensor permutation(std::int64_t n);

    /// The generator's state (for checkpoints) and its restore; throws ddpm::Error for a state
    /// of the wrong size.
    at::Tensor state() const;
    void setState(const at::Tensor& state);

private:
    at::Generator m_generator;
};

} // namespace ddpm
