// A vectorisable SiLU (see fast_silu.h).
#include "fast_silu.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

// One copy of the loop per instruction set, chosen at load time (GCC and Clang on x86-64).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define DDPM_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DDPM_VECTOR_CLONES
#endif

namespace ddpm {

namespace {

/// exp(a) for a in [-87, 87]: a = k ln 2 + r with |r| <= ln 2 / 2, exp(r) by the degree-6
/// polynomial of Cephes' expf, 2^k assembled in the exponent bits. Branch-free, so it vectorises.
inline float expBounded(float a)
{
    // k = round(a / ln 2) by the 1.5 * 2^23 trick (floorf would not vectorise without -ffast-math).
    const float k = (a * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const float r = a - k * 0.693359375f + k * 2.12194440e-4f; // ln 2 split in two for precision
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float e = p * r * r + r + 1.0f;
    const std::int32_t bits = (static_cast<std::int32_t>(k) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return e * scale;
}

DDPM_VECTOR_CLONES void siluKernel(float* __restrict__ x, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i) {
        const float v = x[i];
        const float a = std::min(std::max(-v, -87.0f), 87.0f);
        x[i] = v / (1.0f + expBounded(a));
    }
}

} // namespace

void siluInPlace(at::Tensor& x)
{
    if (x.scalar_type() != at::kFloat || !x.is_cpu() || !x.is_contiguous() || x.requires_grad()) {
        x = at::silu_(x);
        return;
    }
    float* data = x.data_ptr<float>();
    // Chunks of 16 Ki values on the intra-op pool (a 1024 x 128 activation is 8 of them).
    at::parallel_for(0, x.numel(), 16384, [data](std::int64_t begin, std::int64_t end) {
        siluKernel(data + begin, end - begin);
    });
}

} // namespace ddpm
