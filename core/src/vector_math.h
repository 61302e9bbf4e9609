// Building blocks for the project's hand-vectorised CPU kernels (SiLU, the fused GroupNorm):
// a branch-free exp the compiler can vectorise, and one copy of a loop per instruction set.
#pragma once

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

/// a clamped to [-87, 87], the range expBounded takes; NaN becomes 87 (the comparisons are
/// written so that a NaN fails them), so no NaN or infinity reaches expBounded's integer step.
/// Callers get NaN back from their own arithmetic on the unclamped value.
inline float clampExpArgument(float a)
{
    const float high = a < 87.0f ? a : 87.0f;
    return high > -87.0f ? high : -87.0f;
}

/// exp(a) for a in [-87, 87] (clamp first, with clampExpArgument): a = k ln 2 + r with
/// |r| <= ln 2 / 2, exp(r) by the degree-6 polynomial of Cephes' expf, 2^k assembled in the
/// exponent bits. Within 2e-7 relative of std::exp; branch-free, so a loop calling it vectorises.
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
    // k is in [-126, 126] here, so the biased exponent k + 127 is in [1, 253]; shifted unsigned.
    const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(k) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return e * scale;
}

/// sigmoid(v) = 1 / (1 + exp(-v)), exp's argument clamped to +-87 (where sigmoid is 0 or 1 in
/// float). A NaN v gives a number here (about 0); x sigmoid(x) of a NaN x is still NaN.
inline float sigmoidBounded(float v)
{
    return 1.0f / (1.0f + expBounded(clampExpArgument(-v)));
}

} // namespace ddpm
