// Pixel statistics of the forward process: a histogram of x_t's values, and what
// q(x_t | x_0) (Ho et al. 2020, Eq. 4) predicts for them when x_t's pixels are pooled:
// the mixture over x_0's pixel values v of N(sqrt(alpha_bar_t) v, 1 - alpha_bar_t).
#pragma once

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ddpm {

/// Mean and standard deviation (population, divide by n) of pooled pixel values.
struct PixelMoments {
    double mean = 0.0;
    double std = 0.0;
};

/// x_0's pixel values as a discrete distribution: the distinct values (increasing) and the
/// share of all elements each has (the shares sum to 1).
struct PixelDistribution {
    std::vector<double> values;
    std::vector<double> weights;

    double mean() const;
    double variance() const; ///< population variance, never negative
};

/// Equal-width bin counts of every element of x (any shape, real dtype) over [low, high]
/// (bins of width (high - low) / bins; a value equal to high falls in the last bin; values
/// outside are not counted). Throws ddpm::Error for bins < 1 or low >= high.
std::vector<double> pixelHistogram(const at::Tensor& x, int bins, double low, double high);

/// Counts turned into a density: count / (n * bin width), n the number of elements counted
/// or not (so values outside [low, high] lower the density, as they should).
std::vector<double> histogramDensity(const std::vector<double>& counts, std::int64_t n, double low, double high);

/// Mean and population std of every element of x (computed in float64).
PixelMoments pixelMoments(const at::Tensor& x);

/// The distinct values of x_0 (any shape, real dtype) and their shares. An 8-bit image in
/// model space has at most 256 of them.
PixelDistribution pixelDistribution(const at::Tensor& x0);

/// Predicted moments of x_t's pooled pixels under q(x_t | x_0) (Eq. 4):
/// mean sqrt(alpha_bar_t) E[x_0], std sqrt(alpha_bar_t Var[x_0] + 1 - alpha_bar_t).
/// alphaBar in [0, 1]; throws ddpm::Error otherwise.
PixelMoments qMarginalMoments(const PixelDistribution& x0, double alphaBar);

/// Predicted density of x_t's pooled pixels per equal-width bin over [low, high]: the mass
/// sum_v w_v P(lo < N(sqrt(alpha_bar_t) v, 1 - alpha_bar_t) < hi) divided by the bin width.
/// At alpha_bar_t = 1 each value's mass falls in its own bin. Same bins as pixelHistogram.
std::vector<double> qMarginalDensity(const PixelDistribution& x0, double alphaBar, int bins, double low,
                                     double high);

} // namespace ddpm
