// Names and fixed-variance tables of a Parameterization (see parameterization.h).
#include "ddpm/parameterization.h"

#include <cmath>

#include "ddpm/error.h"
#include "ddpm/schedule.h"

namespace ddpm {

Prediction parsePrediction(const std::string& text)
{
    if (text == "eps" || text == "epsilon") return Prediction::Epsilon;
    if (text == "x0") return Prediction::X0;
    if (text == "v") return Prediction::V;
    throw Error("unknown prediction '" + text + "'; use eps, x0 or v");
}

const char* predictionName(Prediction prediction)
{
    switch (prediction) {
    case Prediction::Epsilon: return "eps";
    case Prediction::X0: return "x0";
    case Prediction::V: return "v";
    }
    return "eps";
}

VarianceKind parseVarianceKind(const std::string& text)
{
    if (text == "small") return VarianceKind::Small;
    if (text == "large") return VarianceKind::Large;
    if (text == "learned") return VarianceKind::Learned;
    if (text == "learned-range") return VarianceKind::LearnedRange;
    throw Error("unknown variance '" + text + "'; use small, large, learned or learned-range");
}

const char* varianceKindName(VarianceKind kind)
{
    switch (kind) {
    case VarianceKind::Small: return "small";
    case VarianceKind::Large: return "large";
    case VarianceKind::Learned: return "learned";
    case VarianceKind::LearnedRange: return "learned-range";
    }
    return "small";
}

std::string Parameterization::describe() const
{
    return std::string(predictionName(prediction)) + " prediction, " + varianceKindName(variance) + " variance";
}

std::vector<double> fixedLogVariance(const NoiseSchedule& schedule, VarianceKind kind)
{
    if (kind == VarianceKind::Small)
        return schedule.table(Quantity::PosteriorLogVarianceClipped);
    if (kind != VarianceKind::Large)
        throw Error(std::string("variance '") + varianceKindName(kind) + "' is learned, not a fixed table");
    // sigma_t^2 = beta_t (Section 3.2). Improved DDPM puts beta~_2 at t = 1 so that the
    // decoder's variance is not beta_1, much larger than the posterior's there.
    std::vector<double> large = schedule.table(Quantity::Beta);
    const std::vector<double>& posterior = schedule.table(Quantity::PosteriorVariance);
    if (large.size() >= 2) large[0] = posterior[1];
    for (double& v : large) v = std::log(v);
    return large;
}

} // namespace ddpm
