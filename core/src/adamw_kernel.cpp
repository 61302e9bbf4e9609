// The one-pass AdamW update (see adamw_kernel.h).
#include "adamw_kernel.h"

#include <cmath>

#include "vector_math.h"

namespace ddpm {

namespace {

// The cloned loop has internal linkage and a plain function calls it: Clang before 18 names a
// target_clones dispatcher differently from the plain symbol, so a clone called from another
// file would not link there.
DDPM_VECTOR_CLONES void update(float* __restrict__ p, float* __restrict__ m, float* __restrict__ v,
                               const float* __restrict__ g, std::int64_t n, const AdamWCoefficients k)
{
    for (std::int64_t i = 0; i < n; ++i) {
        const float gi = g[i];
        const float mi = k.beta1 * m[i] + k.oneMinusBeta1 * gi;
        const float vi = k.beta2 * v[i] + k.oneMinusBeta2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * k.decay - k.stepSize * (mi / (std::sqrt(vi) * k.invSqrtBias2 + k.eps));
    }
}

} // namespace

void adamWUpdate(float* p, float* m, float* v, const float* g, std::int64_t n, const AdamWCoefficients& c)
{
    update(p, m, v, g, n, c);
}

} // namespace ddpm
