// Pixel statistics of the forward process: measured histogram and moments of x_t, and the
// density and moments q(x_t | x_0) (Eq. 4) predicts for x_t's pooled pixels.
#include "ddpm/forward_stats.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include <ATen/ATen.h>

#include "ddpm/error.h"

namespace ddpm {

namespace {

void checkBins(int bins, double low, double high)
{
    if (bins < 1)
        throw Error("histogram bins " + std::to_string(bins) + " must be at least 1");
    if (!(low < high) || !std::isfinite(low) || !std::isfinite(high))
        throw Error("histogram range [" + std::to_string(low) + ", " + std::to_string(high) +
                    "] must be finite with low < high");
}

void checkReal(const at::Tensor& x, const char* what)
{
    if (!x.defined())
        throw Error(std::string(what) + " is missing");
    if (at::isComplexType(x.scalar_type()) || x.scalar_type() == at::kBool)
        throw Error(std::string(what) + " must be real, got dtype " + c10::toString(x.scalar_type()));
}

double normalCdf(double z)
{
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

} // namespace

double PixelDistribution::mean() const
{
    double m = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i)
        m += weights[i] * values[i];
    return m;
}

double PixelDistribution::variance() const
{
    const double m = mean();
    double v = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i)
        v += weights[i] * (values[i] - m) * (values[i] - m);
    return std::max(0.0, v);
}

std::vector<double> pixelHistogram(const at::Tensor& x, int bins, double low, double high)
{
    checkBins(bins, low, high);
    checkReal(x, "histogram input");
    std::vector<double> out(static_cast<std::size_t>(bins), 0.0);
    if (x.numel() == 0)
        return out;
    // Bucketise in float64 on the CPU: index floor((v - low) / width), v == high in the last bin.
    const at::Tensor v = x.detach().reshape({-1}).to(at::kCPU, at::kDouble);
    const at::Tensor inside = v.ge(low).logical_and(v.le(high));
    const double width = (high - low) / bins;
    const at::Tensor idx = ((v.masked_select(inside) - low) / width).floor().to(at::kLong).clamp(0, bins - 1);
    const at::Tensor counts = at::bincount(idx, {}, bins).to(at::kDouble).contiguous();
    const double* c = counts.data_ptr<double>();
    std::copy(c, c + bins, out.begin());
    return out;
}

std::vector<double> histogramDensity(const std::vector<double>& counts, std::int64_t n, double low, double high)
{
    checkBins(static_cast<int>(counts.size()), low, high);
    const double width = (high - low) / static_cast<double>(counts.size());
    std::vector<double> out(counts.size(), 0.0);
    if (n <= 0)
        return out;
    for (std::size_t b = 0; b < counts.size(); ++b)
        out[b] = counts[b] / (static_cast<double>(n) * width);
    return out;
}

PixelMoments pixelMoments(const at::Tensor& x)
{
    checkReal(x, "pixel moments input");
    PixelMoments m;
    if (x.numel() == 0)
        return m;
    const at::Tensor v = x.detach().reshape({-1}).to(at::kDouble);
    m.mean = v.mean().item<double>();
    m.std = std::sqrt(std::max(0.0, v.var(/*unbiased=*/false).item<double>()));
    return m;
}

PixelDistribution pixelDistribution(const at::Tensor& x0)
{
    checkReal(x0, "x_0");
    PixelDistribution d;
    if (x0.numel() == 0)
        return d;
    const at::Tensor v = x0.detach().reshape({-1}).to(at::kCPU, at::kDouble);
    at::Tensor values, inverse, counts;
    std::tie(values, inverse, counts) = at::_unique2(v, /*sorted=*/true, /*return_inverse=*/false,
                                                     /*return_counts=*/true);
    values = values.contiguous();
    counts = counts.to(at::kDouble).contiguous();
    const std::int64_t k = values.numel();
    const double n = static_cast<double>(v.numel());
    d.values.assign(values.data_ptr<double>(), values.data_ptr<double>() + k);
    d.weights.resize(static_cast<std::size_t>(k));
    const double* c = counts.data_ptr<double>();
    for (std::int64_t i = 0; i < k; ++i)
        d.weights[static_cast<std::size_t>(i)] = c[i] / n;
    return d;
}

PixelMoments qMarginalMoments(const PixelDistribution& x0, double alphaBar)
{
    if (!(alphaBar >= 0.0 && alphaBar <= 1.0))
        throw Error("alpha_bar " + std::to_string(alphaBar) + " is outside [0, 1]");
    // Pooled over pixels, x_t = sqrt(ab) x_0 + sqrt(1 - ab) eps with eps independent of x_0.
    PixelMoments m;
    m.mean = std::sqrt(alphaBar) * x0.mean();
    m.std = std::sqrt(alphaBar * x0.variance() + 1.0 - alphaBar);
    return m;
}

std::vector<double> qMarginalDensity(const PixelDistribution& x0, double alphaBar, int bins, double low,
                                     double high)
{
    checkBins(bins, low, high);
    if (!(alphaBar >= 0.0 && alphaBar <= 1.0))
        throw Error("alpha_bar " + std::to_string(alphaBar) + " is outside [0, 1]");
    const double width = (high - low) / bins;
    const double scale = std::sqrt(alphaBar);
    const double sigma = std::sqrt(1.0 - alphaBar);
    std::vector<double> out(static_cast<std::size_t>(bins), 0.0);
    for (std::size_t i = 0; i < x0.values.size(); ++i) {
        const double w = x0.weights[i];
        if (w == 0.0)
            continue;
        const double mu = scale * x0.values[i];
        if (sigma == 0.0) {
            // A point mass: it lands in one bin (the last one for mu == high, as histograms count).
            if (mu >= low && mu <= high) {
                const int b = std::clamp(static_cast<int>(std::floor((mu - low) / width)), 0, bins - 1);
                out[static_cast<std::size_t>(b)] += w / width;
            }
            continue;
        }
        double prev = normalCdf((low - mu) / sigma);
        for (int b = 0; b < bins; ++b) {
            const double next = normalCdf((low + (b + 1) * width - mu) / sigma);
            out[static_cast<std::size_t>(b)] += w * (next - prev) / width;
            prev = next;
        }
    }
    return out;
}

} // namespace ddpm
