// Building blocks for the project's hand-vectorised CPU kernels (SiLU, the fused GroupNorm):
// a branch-free exp the compiler can vectorise, and one copy of a loop per instruction set.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

// One copy of the function per instruction set, chosen at load time (GCC and Clang on x86-64).
// Not under AddressSanitizer, whose instrumentation GCC 12 cannot combine with the clones.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define DDPM_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DDPM_VECTOR_CLONES
#endif

namespace ddpm {

/// exp(a) for a in [-87, 87] (clamp first): a = k ln 2 + r with |r| <= ln 2 / 2, exp(r) by the
/// degree-6 polynomial of Cephes' expf, 2^k assembled in the exponent bits. Within 2e-7
/// relative of std::exp; branch-free, so a loop calling it vectorises.
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

/// sigmoid(v) = 1 / (1 + exp(-v)), exp's argument clamped to +-87 (where sigmoid is 0 or 1 in float).
inline float sigmoidBounded(float v)
{
    return 1.0f / (1.0f + expBounded(std::min(std::max(-v, -87.0f), 87.0f)));
}

} // namespace ddpm
