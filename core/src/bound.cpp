// The variational bound of Ho et al. (2020), Eq. 5, term by term, in bits per dimension.
//
// Evaluation follows the shape of improved DDPM's bits/dim loop: for every t a fresh x_t is
// drawn from q(x_t | x_0) (Eq. 4), the model predicts eps, p_theta's mean comes from it, and
// the term is the KL to the true posterior (t >= 2) or the decoder's negative log-likelihood
// (t = 1). All KL and likelihood arithmetic runs in float64; the model sees float32.
#include "ddpm/bound.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/rng.h"

namespace ddpm {

namespace {

constexpr double kLn2 = 0.69314718055994530942;
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kMinProbability = 1e-12;
constexpr int kMaxSamples = 1000;

/// Mean over every dimension but the first: [N, ...] -> [N].
at::Tensor meanOverDims(const at::Tensor& x)
{
    return x.reshape({x.size(0), -1}).mean(1);
}

/// A seed per noise sample k, so sample k's draws do not depend on how many samples there are.
std::uint64_t sampleSeed(std::uint64_t seed, int k)
{
    // splitmix64 of (seed, k): well-spread seeds for neighbouring k.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(k) + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void validateImages(const at::Tensor& x0)
{
    if (!x0.defined())
        throw Error("the bound needs an image tensor, got none");
    if (x0.dim() != 4 || x0.numel() == 0)
        throw Error("the bound needs images shaped [B, C, H, W] with no empty dimension, got shape "
                    + std::string(c10::str(x0.sizes())));
    if (!at::isFloatingType(x0.scalar_type()))
        throw Error("the bound needs floating-point images scaled to [-1, 1], got dtype "
                    + std::string(c10::toString(x0.scalar_type())));
    const at::Tensor x = x0.to(at::kDouble);
    if (!at::isfinite(x).all().item<bool>())
        throw Error("the bound's images contain NaN or infinite values; they must lie in [-1, 1]");
    const double lo = x.min().item<double>();
    const double hi = x.max().item<double>();
    if (lo < -1.0 || hi > 1.0)
        throw Error("the bound's images must lie in [-1, 1] (8-bit data as x / 127.5 - 1), got values in ["
                    + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

void validateOptions(const Diffusion& diffusion, const BoundOptions& options)
{
    if (options.samples < 1 || options.samples > kMaxSamples)
        throw Error("samples " + std::to_string(options.samples) + " is outside 1.."
                    + std::to_string(kMaxSamples) + " (noise draws averaged per t)");
    if (options.timestepBatch < 0)
        throw Error("timestep batch " + std::to_string(options.timestepBatch)
                    + " is negative; use 0 to pick one from the image size, or a count of timesteps per model call");
    const NoiseSchedule& schedule = diffusion.schedule();
    if (schedule.alphaBar(schedule.steps()) <= 0.0)
        throw Error("the bound is undefined for schedule " + schedule.name()
                    + " with alpha_bar_T = 0 (zero terminal SNR): x_0 from epsilon divides by sqrt(alpha_bar_T);"
                      " evaluate it on a schedule without the zero-terminal-SNR rescale");
}

} // namespace

at::Tensor normalKl(const at::Tensor& mean1, const at::Tensor& logVar1, const at::Tensor& mean2,
                    const at::Tensor& logVar2)
{
    // KL(N1 || N2) = 1/2 (log s2^2 - log s1^2 + s1^2 / s2^2 + (m1 - m2)^2 / s2^2 - 1), elementwise.
    const at::Tensor diff = mean1 - mean2;
    return 0.5 * (-1.0 + logVar2 - logVar1 + at::exp(logVar1 - logVar2) + diff * diff * at::exp(-logVar2));
}

at::Tensor discretizedGaussianLogLikelihood(const at::Tensor& x, const at::Tensor& mean,
                                            const at::Tensor& logScale)
{
    // Eq. 13: the bin of x is [x - 1/255, x + 1/255], except that the first bin (x = -1)
    // reaches down to -inf and the last (x = 1) up to +inf. With z the standardised edges,
    // P = Phi(z_hi) - Phi(z_lo). Each piece is written with erfc on the side where it is
    // small, so a bin far in a tail keeps its digits instead of cancelling 1 - 1.
    const at::Tensor invScale = at::exp(-logScale);
    const at::Tensor centred = x - mean;
    const at::Tensor zHi = (centred + 1.0 / 255.0) * invScale;
    const at::Tensor zLo = (centred - 1.0 / 255.0) * invScale;

    // Phi(z) = erfc(-z / sqrt 2) / 2 and 1 - Phi(z) = erfc(z / sqrt 2) / 2.
    const at::Tensor cdfHi = 0.5 * at::erfc(-zHi * kInvSqrt2);           // Phi(z_hi)
    const at::Tensor survivalLo = 0.5 * at::erfc(zLo * kInvSqrt2);       // 1 - Phi(z_lo)
    // Interior bins: above the mean take the difference of upper tails, below it of lower tails.
    const at::Tensor upperTail = survivalLo - 0.5 * at::erfc(zHi * kInvSqrt2);
    const at::Tensor lowerTail = cdfHi - 0.5 * at::erfc(-zLo * kInvSqrt2);
    const at::Tensor interior = at::where(centred >= 0, upperTail, lowerTail);

    // The open-ended bins: x is exactly -1 or 1 for 8-bit data; the thresholds sit well
    // inside the neighbouring bins, so rounding of x / 127.5 - 1 cannot move a pixel across.
    const at::Tensor probability =
        at::where(x < -0.999, cdfHi, at::where(x > 0.999, survivalLo, interior));
    return at::log(probability.clamp_min(kMinProbability));
}

at::Tensor priorBpd(const Diffusion& diffusion, const at::Tensor& x0)
{
    validateImages(x0);
    const at::Tensor x = x0.to(diffusion.device(), at::kDouble);
    const at::Tensor t = diffusion.timesteps(diffusion.steps(), x.size(0));
    const Gaussian q = diffusion.qMeanVariance(x, t);
    const at::Tensor zero = at::zeros({}, x.options());
    // L_T = KL(q(x_T | x_0) || N(0, I)): p(x_T) has mean 0 and log-variance 0.
    const at::Tensor kl = normalKl(q.mean, q.logVariance.expand_as(q.mean), zero, zero);
    return meanOverDims(kl) / kLn2;
}

at::Tensor vbTermsBpd(const Diffusion& diffusion, const Parameterization& param, const at::Tensor& output,
                      const at::Tensor& x0, const at::Tensor& xt, const at::Tensor& t, bool clipDenoised)
{
    const ReverseGaussian p = diffusion.pMeanVariance(param, output, xt, t, clipDenoised);
    const Gaussian q = diffusion.qPosterior(x0, xt, t);                              // Eq. 6, 7
    const at::Tensor kl = meanOverDims(normalKl(q.mean, q.logVariance, p.p.mean, p.p.logVariance)) / kLn2;
    const at::Tensor logScale = (0.5 * p.p.logVariance).expand_as(p.p.mean);
    const at::Tensor nll = -meanOverDims(discretizedGaussianLogLikelihood(x0, p.p.mean, logScale)) / kLn2;
    return at::where(t.to(kl.device()) == 1, nll, kl);
}

std::vector<double> lSimpleWeights(const NoiseSchedule& schedule, VarianceKind variance)
{
    // With mu_theta from eps (Eq. 11), mu~_t - mu_theta = beta_t / sqrt(alpha_t (1 - alpha_bar_t))
    // (eps_theta - eps), so the KL's mean term is (Eq. 12)
    //   beta_t^2 / (2 sigma_t^2 alpha_t (1 - alpha_bar_t)) * (eps - eps_theta)^2.
    // sigma_t^2 is the one p_theta uses: Small the posterior variance (log clipped: beta~_2 at
    // t = 1), Large beta_t (beta~_2 at t = 1, like improved DDPM).
    const std::vector<double>& beta = schedule.table(Quantity::Beta);
    const std::vector<double>& alpha = schedule.table(Quantity::Alpha);
    const std::vector<double>& alphaBar = schedule.table(Quantity::AlphaBar);
    const std::vector<double> logSigma2 = fixedLogVariance(schedule, variance);
    std::vector<double> weights(beta.size());
    for (size_t i = 0; i < beta.size(); ++i)
        weights[i] = beta[i] * beta[i] / (2.0 * std::exp(logSigma2[i]) * alpha[i] * (1.0 - alphaBar[i]));
    return weights;
}

int pickTimestepBatch(std::int64_t elementsPerTimestep, int steps)
{
    if (steps < 1)
        return 1;
    const std::int64_t perCall =
        std::max<std::int64_t>(1, kBoundElementsPerCall / std::max<std::int64_t>(1, elementsPerTimestep));
    const int most = static_cast<int>(std::min<std::int64_t>(perCall, steps));
    // Even the calls out: 1000 steps at most 600 a call become two calls of 500, not 600 + 400.
    const int calls = (steps + most - 1) / most;
    return (steps + calls - 1) / calls;
}

BoundResult evaluateBound(const Diffusion& diffusion, DenoiseModel& model, const at::Tensor& x0,
                          const BoundOptions& options, const ProgressFn& progress,
                          const std::atomic<bool>* stop)
{
    validateOptions(diffusion, options);
    validateImages(x0);

    const int steps = diffusion.steps();
    const at::Tensor x = x0.to(diffusion.device(), at::kDouble).contiguous();
    const std::int64_t batch = x.size(0);
    const std::vector<int64_t> imageShape(x.sizes().begin() + 1, x.sizes().end());

    BoundResult result;
    result.timestepBatch = options.timestepBatch > 0 ? std::min(options.timestepBatch, steps)
                                                     : pickTimestepBatch(x.numel(), steps);
    result.termsBpd.assign(steps, 0.0);
    result.lSimple.assign(steps, 0.0);

    Parameterization param = model.parameterization();
    if (!param.learnsVariance())
        param.variance = options.variance;

    // One generator per noise sample, consumed in the order t = T..1 with one draw of
    // [B, C, H, W] per t: the noise at (k, t) does not depend on the timestep batch.
    std::vector<Rng> rngs;
    rngs.reserve(options.samples);
    for (int k = 0; k < options.samples; ++k)
        rngs.emplace_back(sampleSeed(options.seed, k));

    const double perSample = 1.0 / options.samples;
    const int tb = result.timestepBatch;
    long long done = 0;
    if (progress)
        progress(0, steps);

    for (int tHigh = steps; tHigh >= 1; tHigh -= tb) {
        const int tLow = std::max(1, tHigh - tb + 1);
        const int n = tHigh - tLow + 1;
        // Rows are t-major: row i * B + b holds timestep tHigh - i and image b.
        const at::Tensor tRows =
            at::arange(tHigh, tLow - 1, -1, at::TensorOptions().dtype(at::kLong)).repeat_interleave(batch);
        const at::Tensor x0Rows = x.repeat({n, 1, 1, 1});
        std::vector<int64_t> noiseShape{batch};
        noiseShape.insert(noiseShape.end(), imageShape.begin(), imageShape.end());

        for (int k = 0; k < options.samples; ++k) {
            std::vector<at::Tensor> draws;
            draws.reserve(n);
            for (int i = 0; i < n; ++i)
                draws.push_back(rngs[k].normal(noiseShape, at::kFloat, diffusion.device()));
            const at::Tensor noise = at::cat(draws, 0).to(at::kDouble);

            const at::Tensor xt = diffusion.qSample(x0Rows, tRows, noise);           // Eq. 4
            throwIfCancelled(stop);
            at::Tensor output = model.predict(xt.to(at::kFloat), tRows);
            ++result.modelCalls;
            std::vector<int64_t> expected(xt.sizes().begin(), xt.sizes().end());
            expected[1] = param.outputChannels(static_cast<int>(expected[1]));
            if (!output.defined() || !output.sizes().equals(expected))
                throw Error("model " + model.name() + " returned an output shaped "
                            + (output.defined() ? std::string(c10::str(output.sizes())) : std::string("(none)"))
                            + " for input shaped " + std::string(c10::str(xt.sizes())) + "; "
                            + param.describe() + " needs " + std::string(c10::str(expected)));
            output = output.to(diffusion.device(), at::kDouble);

            // L_{t-1} for the t >= 2 rows, L_0 for the t = 1 rows (Eq. 5).
            const at::Tensor terms = vbTermsBpd(diffusion, param, output, x0Rows, xt, tRows, options.clipDenoised);
            const at::Tensor epsTheta = diffusion.interpret(param, output, xt, tRows, false).eps;
            const at::Tensor diff = noise - epsTheta;
            const at::Tensor lSimple = meanOverDims(diff * diff);                  // Eq. 14

            const at::Tensor termsPerT = terms.reshape({n, batch}).mean(1).cpu().contiguous();
            const at::Tensor lSimplePerT = lSimple.reshape({n, batch}).mean(1).cpu().contiguous();
            const double* termsData = termsPerT.data_ptr<double>();
            const double* lSimpleData = lSimplePerT.data_ptr<double>();
            for (int i = 0; i < n; ++i) {
                const int t = tHigh - i;
                result.termsBpd[t - 1] += termsData[i] * perSample;
                result.lSimple[t - 1] += lSimpleData[i] * perSample;
            }
        }
        done += n;
        if (progress)
            progress(done, steps);
    }

    result.priorBpd = priorBpd(diffusion, x).mean().item<double>();
    result.decoderBpd = result.termsBpd[0];
    result.termsBpdSum = 0.0;
    for (int t = 2; t <= steps; ++t)
        result.termsBpdSum += result.termsBpd[t - 1];
    result.totalBpd = result.priorBpd + result.decoderBpd + result.termsBpdSum;
    return result;
}

} // namespace ddpm
