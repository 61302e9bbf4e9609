// The AdamW update as one loop over raw float32 buffers, for FlatAdamW on the CPU. Kept apart
// from LibTorch's headers so that its file compiles with -fno-math-errno (the square root then
// vectorises) without giving up the precompiled header everywhere else.
#pragma once

#include <cstdint>

namespace ddpm {

/// The constants of one update, in float32 as the buffers are.
struct AdamWCoefficients {
    float decay;         ///< 1 - lr lambda
    float beta1, oneMinusBeta1, beta2, oneMinusBeta2;
    float stepSize;      ///< lr / (1 - beta1^k)
    float invSqrtBias2;  ///< 1 / sqrt(1 - beta2^k)
    float eps;
};

/// For i < n: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p = p decay - stepSize m / (sqrt(v) invSqrtBias2 + eps). The four buffers must not overlap.
void adamWUpdate(float* p, float* m, float* v, const float* g, std::int64_t n, const AdamWCoefficients& c);

} // namespace ddpm
