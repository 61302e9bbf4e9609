// 2-D toy point sets. Every random number comes from ddpm::Rng's standard normals (uniforms
// are made from them through the normal CDF), so a seed gives the same set on every machine.
#include "toy_data.h"

#include <cmath>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/rng.h"

namespace ddpm {

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Standard normal -> uniform on [0, 1] through the normal CDF, Phi(z) = erfc(-z / sqrt 2) / 2.
at::Tensor uniformFromNormal(const at::Tensor& z)
{
    return at::erfc(z * (-1.0 / std::sqrt(2.0))) * 0.5;
}

/// Centres and scales each column by the given exact moments: (x - mean) / std.
at::Tensor standardize(
    const at::Tensor& x, const at::Tensor& y, double meanX, double varX, double meanY, double varY)
{
    const at::Tensor sx = (x - meanX) / std::sqrt(varX);
    const at::Tensor sy = (y - meanY) / std::sqrt(varY);
    return at::stack({ sx, sy }, 1).to(at::kFloat).contiguous();
}

// Each set below takes the same [n, 4] block of standard normals z; columns are used in a fixed
// order so a set's points depend only on (n, seed).

/// Spiral (t cos t, t sin t) with t uniform on [1.5 pi, 4.5 pi] plus N(0, 0.5^2) noise.
/// Moments over t: E[t cos t] = 2, E[t sin t] = 2 / (3 pi), E[t^2 cos^2 t] = 4.875 pi^2 - 1/4,
/// E[t^2 sin^2 t] = 4.875 pi^2 + 1/4 (integrated in closed form).
at::Tensor swissRoll(const at::Tensor& z)
{
    const double noise = 0.5;
    const at::Tensor t = 1.5 * kPi + 3.0 * kPi * uniformFromNormal(z.select(1, 0));
    const at::Tensor x = t * at::cos(t) + noise * z.select(1, 1);
    const at::Tensor y = t * at::sin(t) + noise * z.select(1, 2);
    const double meanX = 2.0;
    const double meanY = 2.0 / (3.0 * kPi);
    const double varX = 4.875 * kPi * kPi - 0.25 - meanX * meanX + noise * noise;
    const double varY = 4.875 * kPi * kPi + 0.25 - meanY * meanY + noise * noise;
    return standardize(x, y, meanX, varX, meanY, varY);
}

/// Two interleaved half circles: (cos a, sin a) and (1 - cos a, 1/2 - sin a), a uniform on
/// [0, pi], each moon with probability 1/2, plus N(0, 0.1^2) noise.
/// Mixture moments: mean (1/2, 1/4), var x = 3/4, var y = 9/16 - 1/pi (before noise).
at::Tensor moons(const at::Tensor& z)
{
    const double noise = 0.1;
    const at::Tensor upper = uniformFromNormal(z.select(1, 0)) < 0.5;
    const at::Tensor a = kPi * uniformFromNormal(z.select(1, 1));
    const at::Tensor ca = at::cos(a);
    const at::Tensor sa = at::sin(a);
    const at::Tensor x = at::where(upper, ca, 1.0 - ca) + noise * z.select(1, 2);
    const at::Tensor y = at::where(upper, sa, 0.5 - sa) + noise * z.select(1, 3);
    return standardize(x, y, 0.5, 0.75 + noise * noise, 0.25, 0.5625 - 1.0 / kPi + noise * noise);
}

/// Eight N(c_k, 0.1^2 I) blobs with centres c_k = r (cos k pi/4, sin k pi/4), k = 0..7 equally
/// likely; r^2 = 2 (1 - 0.1^2) makes each coordinate's variance r^2/2 + 0.1^2 = 1 exactly.
/// Eight Gaussians of this std on a ring of radius sqrt(2 (1 - std^2)): unit variance per coordinate.
constexpr double kGaussians8Std = 0.1;

at::Tensor gaussians8(const at::Tensor& z)
{
    const double sigma = kGaussians8Std;
    const double r = std::sqrt(2.0 * (1.0 - sigma * sigma));
    const at::Tensor k = at::clamp(at::floor(8.0 * uniformFromNormal(z.select(1, 0))), 0.0, 7.0);
    const at::Tensor angle = k * (kPi / 4.0);
    const at::Tensor x = r * at::cos(angle) + sigma * z.select(1, 1);
    const at::Tensor y = r * at::sin(angle) + sigma * z.select(1, 2);
    return standardize(x, y, 0.0, 1.0, 0.0, 1.0);
}

/// Uniform over the 8 dark squares of a 4 x 4 board on [-2, 2]^2 (column + row even).
/// Both marginals are uniform on [-2, 2]: mean 0, variance 4/3.
at::Tensor checkerboard(const at::Tensor& z)
{
    const at::Tensor x = 4.0 * uniformFromNormal(z.select(1, 0)) - 2.0;
    const at::Tensor column = at::clamp(at::floor(x + 2.0), 0.0, 3.0);
    const at::Tensor pick = at::clamp(at::floor(2.0 * uniformFromNormal(z.select(1, 1))), 0.0, 1.0);
    const at::Tensor row = 2.0 * pick + at::fmod(column, 2.0);
    const at::Tensor y = row + uniformFromNormal(z.select(1, 2)) - 2.0;
    return standardize(x, y, 0.0, 4.0 / 3.0, 0.0, 4.0 / 3.0);
}

/// Three concentric circles of radius 1/3, 2/3, 1, picked with probability 1/6, 2/6, 3/6
/// (proportional to length, so points are evenly spread), radial N(0, 0.03^2) noise.
/// Each coordinate: mean 0, variance (E[r^2] + 0.03^2) / 2 with E[r^2] = 2/3.
at::Tensor rings(const at::Tensor& z)
{
    const double noise = 0.03;
    const at::Tensor u = uniformFromNormal(z.select(1, 0));
    const at::Tensor radius = at::where(u < 1.0 / 6.0, at::full_like(u, 1.0 / 3.0),
                                  at::where(u < 0.5, at::full_like(u, 2.0 / 3.0), at::full_like(u, 1.0)))
        + noise * z.select(1, 2);
    const at::Tensor angle = 2.0 * kPi * uniformFromNormal(z.select(1, 1));
    const double var = (2.0 / 3.0 + noise * noise) / 2.0;
    return standardize(radius * at::cos(angle), radius * at::sin(angle), 0.0, var, 0.0, var);
}

std::string namesList()
{
    std::string out;
    for (const std::string& name : toyDataNames())
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

} // namespace

const std::vector<std::string>& toyDataNames()
{
    static const std::vector<std::string> names
        = { "swiss-roll", "moons", "gaussians8", "checkerboard", "rings" };
    return names;
}

at::Tensor makeToyData(const std::string& name, std::int64_t n, std::uint64_t seed)
{
    at::Tensor (*make)(const at::Tensor&) = nullptr;
    if (name == "swiss-roll")
        make = swissRoll;
    else if (name == "moons")
        make = moons;
    else if (name == "gaussians8")
        make = gaussians8;
    else if (name == "checkerboard")
        make = checkerboard;
    else if (name == "rings")
        make = rings;
    else
        throw Error("unknown toy data set '" + name + "'; use one of: " + namesList());
    if (n < 1 || n > kMaxToyPoints)
        throw Error("toy data set '" + name + "' cannot have " + std::to_string(n) + " points; use 1 to "
            + std::to_string(kMaxToyPoints));

    Rng rng(seed);
    const at::Tensor z = rng.normal({ n, 4 }).to(at::kDouble);
    return make(z);
}

ToyMixture gaussians8Mixture()
{
    const double sigma = kGaussians8Std;
    const double r = std::sqrt(2.0 * (1.0 - sigma * sigma));
    const at::Tensor angle = at::arange(8, at::kDouble) * (kPi / 4.0);
    return ToyMixture{at::stack({r * at::cos(angle), r * at::sin(angle)}, 1), sigma};
}

} // namespace ddpm
