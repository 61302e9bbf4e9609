// 2-D toy point sets for the MLP: swiss roll, two moons, eight Gaussians, checkerboard, rings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ddpm {

/// Toy set names in the order the CLI lists them.
const std::vector<std::string>& toyDataNames();

/// Most points one toy set may have.
constexpr std::int64_t kMaxToyPoints = 10'000'000;

/// Draws n points of the named set with ddpm::Rng(seed): float32 [n, 2] on the CPU, centred
/// and scaled by each set's exact (analytic) mean and standard deviation, so every coordinate
/// has mean 0 and standard deviation 1 in expectation. The same (name, n, seed) always gives
/// the same points. Throws ddpm::Error for an unknown name or n outside 1..kMaxToyPoints.
at::Tensor makeToyData(const std::string& name, std::int64_t n, std::uint64_t seed);

/// toy:gaussians8 as the exact distribution it is drawn from: eight equally likely isotropic
/// Gaussians with these means ([8, 2], on a ring) and this standard deviation per coordinate.
struct ToyMixture {
    at::Tensor means;
    double std = 0;
};
ToyMixture gaussians8Mixture();

} // namespace ddpm
