// What a network's output means: the prediction (epsilon, x_0 or v) and the reverse
// process's variance (fixed small, fixed large, learned, learned-range). Owned by a model
// and stored in its checkpoint; Diffusion::interpret turns any output into {eps, x_0}.
//
// Prediction targets (x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps, Eq. 4):
//   Epsilon  eps                                                  (Ho et al. 2020, Eq. 14)
//   X0       x_0
//   V        v = sqrt(alpha_bar_t) eps - sqrt(1 - alpha_bar_t) x_0 (Salimans & Ho 2022)
// Variances of p_theta(x_{t-1} | x_t) (Section 3.2; Nichol & Dhariwal 2021, Eq. 15):
//   Small        sigma_t^2 = beta~_t (log clipped at t = 1: log beta~_2)
//   Large        sigma_t^2 = beta_t, with beta~_2 at t = 1
//   Learned      log sigma_t^2 = the net's second output half
//   LearnedRange log sigma_t^2 = f log beta_t + (1 - f) log beta~_t, f = (v + 1) / 2
// A learned variance doubles the net's output channels: [prediction, variance] along dim 1.
#pragma once

#include <string>
#include <vector>

namespace ddpm {

class NoiseSchedule;

enum class Prediction { Epsilon, X0, V };

enum class VarianceKind {
    Small,        ///< sigma_t^2 = beta~_t, the posterior variance (log clipped at t = 1)
    Large,        ///< sigma_t^2 = beta_t (with beta~_2 at t = 1, as improved DDPM does)
    Learned,      ///< the net outputs log sigma_t^2
    LearnedRange, ///< the net outputs v in [-1, 1] interpolating log beta~_t .. log beta_t
};

/// "eps" / "x0" / "v"; throws ddpm::Error naming the allowed values otherwise.
Prediction parsePrediction(const std::string& text);
const char* predictionName(Prediction prediction);
/// "small" / "large" / "learned" / "learned-range"; throws ddpm::Error otherwise.
VarianceKind parseVarianceKind(const std::string& text);
const char* varianceKindName(VarianceKind kind);

struct Parameterization {
    Prediction prediction = Prediction::Epsilon;
    VarianceKind variance = VarianceKind::Small;

    bool learnsVariance() const
    {
        return variance == VarianceKind::Learned || variance == VarianceKind::LearnedRange;
    }
    /// Output channels of a net whose data has `channels` channels (doubled when learned).
    int outputChannels(int channels) const { return learnsVariance() ? 2 * channels : channels; }
    /// For reports: e.g. "eps, small variance".
    std::string describe() const;
    bool operator==(const Parameterization& o) const
    {
        return prediction == o.prediction && variance == o.variance;
    }
};

/// log sigma_t^2 of a fixed variance (Small or Large), index t - 1, float64. The one place
/// that holds the t = 1 rules: Small's log clipped to log beta~_2, Large's beta~_2 at t = 1
/// (beta_1 when T = 1). Throws ddpm::Error for a learned kind.
std::vector<double> fixedLogVariance(const NoiseSchedule& schedule, VarianceKind kind);

} // namespace ddpm
