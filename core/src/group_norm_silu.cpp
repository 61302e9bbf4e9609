// The fused GroupNorm + SiLU (see group_norm_silu.h).
//
// Notation (one image n, one group g of D channels over P pixels, M = P D values):
//   mu, r = 1 / sqrt(var + eps)        the group's mean and inverse standard deviation
//   xhat = (x - mu) r,  y = gamma_c xhat + beta_c,  z = silu(y) or y
// Backward, with dy = dz silu'(y) and S1_c = sum_p dy, S2_c = sum_p dy xhat per channel:
//   A = sum_{c in g} gamma_c S1_c,  B = sum_{c in g} gamma_c S2_c
//   dx = r (gamma_c dy - A / M - xhat B / M) = k1_c dy + k2_g x + k3_g
//   dgamma_c = sum_n S2_c,  dbeta_c = sum_n S1_c
// With a shift e_c (per image and channel) the input is x + e, never formed: the channel means
// move by e_c (the within-channel sums do not), e folds into the affine's offset, and with
// m_c the channel's mean of x + e (kept from the forward pass)
//   de_c = sum_p dx = r (gamma_c S1_c - A / D - B r (m_c - mu) / D)
#include "group_norm_silu.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include "vector_math.h"

namespace ddpm {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

/// x viewed as N images of P pixels of C channels, channels fastest (NHWC memory).
struct Layout {
    std::int64_t n, p, c, groups;
    std::int64_t perGroup() const { return c / groups; }
};

Layout layoutOf(const at::Tensor& x, std::int64_t groups)
{
    return {x.size(0), x.size(2) * x.size(3), x.size(1), groups};
}

// ---- the loops, vectorised over channels (one image each) ----

/// Pixels summed in float before a partial sum is added to the double total: few enough that
/// float loses nothing that matters, many enough that the double adds cost nothing.
constexpr std::int64_t kFloatBlock = 64;

/// f1_c = sum_p (x - shift_c), f2_c = sum_p (x - shift_c)^2 over p pixels, in float.
DDPM_VECTOR_CLONES void momentsBlock(const float* __restrict__ x, const float* __restrict__ shift,
                                     float* __restrict__ f1, float* __restrict__ f2, std::int64_t p, std::int64_t c)
{
    for (std::int64_t k = 0; k < c; ++k) f1[k] = f2[k] = 0.0f;
    for (std::int64_t i = 0; i < p; ++i, x += c)
        for (std::int64_t k = 0; k < c; ++k) {
            const float d = x[k] - shift[k];
            f1[k] += d;
            f2[k] += d * d;
        }
}

/// z = a_c x + b_c (the normalisation folded into one multiply-add per value).
DDPM_VECTOR_CLONES void applyAffine(const float* __restrict__ x, const float* __restrict__ a,
                                    const float* __restrict__ b, float* __restrict__ z,
                                    std::int64_t p, std::int64_t c)
{
    for (std::int64_t i = 0; i < p; ++i, x += c, z += c)
        for (std::int64_t k = 0; k < c; ++k)
            z[k] = x[k] * a[k] + b[k];
}

/// z = silu(a_c x + b_c).
DDPM_VECTOR_CLONES void applyAffineSiLU(const float* __restrict__ x, const float* __restrict__ a,
                                        const float* __restrict__ b, float* __restrict__ z,
                                        std::int64_t p, std::int64_t c)
{
    for (std::int64_t i = 0; i < p; ++i, x += c, z += c)
        for (std::int64_t k = 0; k < c; ++k) {
            const float y = x[k] * a[k] + b[k];
            z[k] = y * sigmoidBounded(y);
        }
}

/// dy = dz silu'(y) with y = gamma_c xhat + beta_c, xhat = ra_c x + rb_c, over p pixels: writes
/// dy and f1_c = sum_p dy, f2_c = sum_p dy xhat (in float). Without SiLU dy = dz.
DDPM_VECTOR_CLONES void backwardSumsBlock(const float* __restrict__ x, const float* __restrict__ dz,
                                          const float* __restrict__ ra, const float* __restrict__ rb,
                                          const float* __restrict__ gamma, const float* __restrict__ beta,
                                          float* __restrict__ dy, float* __restrict__ f1, float* __restrict__ f2,
                                          std::int64_t p, std::int64_t c, bool silu)
{
    for (std::int64_t k = 0; k < c; ++k) f1[k] = f2[k] = 0.0f;
    for (std::int64_t i = 0; i < p; ++i, x += c, dz += c, dy += c)
        for (std::int64_t k = 0; k < c; ++k) {
            const float xhat = x[k] * ra[k] + rb[k];
            float g = dz[k];
            if (silu) {
                const float y = xhat * gamma[k] + beta[k];
                const float s = sigmoidBounded(y);
                g *= s * (1.0f + y * (1.0f - s));
            }
            dy[k] = g;
            f1[k] += g;
            f2[k] += g * xhat;
        }
}

/// Runs block(first pixel, pixel count) over p pixels kFloatBlock at a time and adds each
/// block's float sums f1, f2 to the double totals s1, s2.
template <typename Block>
void sumInBlocks(std::int64_t p, std::int64_t c, float* f1, float* f2, double* s1, double* s2, Block&& block)
{
    for (std::int64_t k = 0; k < c; ++k) s1[k] = s2[k] = 0.0;
    for (std::int64_t first = 0; first < p; first += kFloatBlock) {
        block(first, std::min(kFloatBlock, p - first));
        for (std::int64_t k = 0; k < c; ++k) {
            s1[k] += f1[k];
            s2[k] += f2[k];
        }
    }
}

/// dx = k1_c dy + k2_c x + k3_c, in place over dy.
DDPM_VECTOR_CLONES void backwardInput(const float* __restrict__ x, float* __restrict__ dyToDx,
                                      const float* __restrict__ k1, const float* __restrict__ k2,
                                      const float* __restrict__ k3, std::int64_t p, std::int64_t c)
{
    for (std::int64_t i = 0; i < p; ++i, x += c, dyToDx += c)
        for (std::int64_t k = 0; k < c; ++k)
            dyToDx[k] = dyToDx[k] * k1[k] + x[k] * k2[k] + k3[k];
}

// ---- forward and backward over the batch ----

/// Inside the fused kernel "no shift" is an empty tensor: autograd's nodes take no undefined input.
bool hasShift(const at::Tensor& shift)
{
    return shift.numel() > 0;
}

/// The shift for image n ([N, C] float, or [1, C] for one over the batch), or null for none.
const float* shiftOf(const float* shifts, const at::Tensor& shift, std::int64_t n, std::int64_t c)
{
    return shifts ? shifts + (shift.size(0) == 1 ? 0 : n) * c : nullptr;
}

struct ForwardResult {
    at::Tensor z;
    at::Tensor mean;        ///< [N, groups] float64, of x + shift
    at::Tensor rstd;        ///< [N, groups] float64
    at::Tensor channelMean; ///< [N, C] float64, of x + shift; empty without a shift
};

ForwardResult forwardFused(const at::Tensor& x, const at::Tensor& shift, std::int64_t groups,
                           const at::Tensor& gamma, const at::Tensor& beta, double eps, bool silu)
{
    const Layout l = layoutOf(x, groups);
    const std::int64_t d = l.perGroup();
    ForwardResult out{at::empty_like(x, at::MemoryFormat::ChannelsLast),
                      at::empty({l.n, groups}, x.options().dtype(at::kDouble)),
                      at::empty({l.n, groups}, x.options().dtype(at::kDouble)),
                      at::empty({hasShift(shift) ? l.n : 0, l.c}, x.options().dtype(at::kDouble))};
    const float* xs = x.data_ptr<float>();
    const float* shifts = hasShift(shift) ? shift.data_ptr<float>() : nullptr;
    const float* gs = gamma.data_ptr<float>();
    const float* bs = beta.data_ptr<float>();
    float* zs = out.z.data_ptr<float>();
    double* means = out.mean.data_ptr<double>();
    double* rstds = out.rstd.data_ptr<double>();
    double* channelMeans = out.channelMean.data_ptr<double>();
    at::parallel_for(0, l.n, 1, [&](std::int64_t begin, std::int64_t end) {
        std::vector<double> s1(static_cast<size_t>(l.c)), s2(s1.size()), ownMeans(s1.size());
        std::vector<float> a(s1.size()), b(s1.size()), f1(s1.size()), f2(s1.size());
        for (std::int64_t n = begin; n < end; ++n) {
            const float* xn = xs + n * l.p * l.c;
            const float* e = shiftOf(shifts, shift, n, l.c);
            // Shifted by the first pixel, so a large mean does not cancel the variance away.
            sumInBlocks(l.p, l.c, f1.data(), f2.data(), s1.data(), s2.data(), [&](std::int64_t first, std::int64_t count) {
                momentsBlock(xn + first * l.c, xn, f1.data(), f2.data(), count, l.c);
            });
            const double pixels = static_cast<double>(l.p);
            double* channelMean = e ? channelMeans + n * l.c : ownMeans.data();
            for (std::int64_t k = 0; k < l.c; ++k)
                channelMean[k] = xn[k] + s1[static_cast<size_t>(k)] / pixels + (e ? e[k] : 0.0);
            for (std::int64_t g = 0; g < groups; ++g) {
                double mean = 0.0;
                for (std::int64_t k = g * d; k < (g + 1) * d; ++k)
                    mean += channelMean[k];
                mean /= static_cast<double>(d);
                double m2 = 0.0; // sum of squares about the group mean: each channel's, plus its mean's offset
                for (std::int64_t k = g * d; k < (g + 1) * d; ++k) {
                    const size_t kk = static_cast<size_t>(k);
                    const double offset = channelMean[k] - mean;
                    m2 += s2[kk] - s1[kk] * s1[kk] / pixels + pixels * offset * offset;
                }
                const double var = std::max(0.0, m2 / (pixels * static_cast<double>(d)));
                const double r = 1.0 / std::sqrt(var + eps);
                means[n * groups + g] = mean;
                rstds[n * groups + g] = r;
                // z = gamma (x + e - mean) r + beta = a x + b
                for (std::int64_t k = g * d; k < (g + 1) * d; ++k) {
                    const size_t kk = static_cast<size_t>(k);
                    a[kk] = static_cast<float>(r * gs[k]);
                    b[kk] = static_cast<float>(bs[k] + r * gs[k] * ((e ? e[k] : 0.0) - mean));
                }
            }
            (silu ? applyAffineSiLU : applyAffine)(xn, a.data(), b.data(), zs + n * l.p * l.c, l.p, l.c);
        }
    });
    return out;
}

struct Gradients {
    at::Tensor dx, dshift, dgamma, dbeta;
};

Gradients backwardFused(const at::Tensor& dzIn, const at::Tensor& x, const at::Tensor& shift,
                        const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& mean,
                        const at::Tensor& rstd, const at::Tensor& channelMean, std::int64_t groups, bool silu)
{
    const Layout l = layoutOf(x, groups);
    const std::int64_t d = l.perGroup();
    const at::Tensor dz = dzIn.contiguous(at::MemoryFormat::ChannelsLast);
    // The shift's gradient per image, summed over the batch afterwards for a [1, C] shift.
    Gradients out{at::empty_like(x, at::MemoryFormat::ChannelsLast),
                  hasShift(shift) ? at::empty({l.n, l.c}, shift.options()) : at::Tensor(), {}, {}};
    // Per image and channel S1 and S2, summed over the batch afterwards in a fixed order.
    at::Tensor sums1 = at::empty({l.n, l.c}, x.options().dtype(at::kDouble));
    at::Tensor sums2 = at::empty_like(sums1);
    const float* xs = x.data_ptr<float>();
    const float* shifts = hasShift(shift) ? shift.data_ptr<float>() : nullptr;
    const float* dzs = dz.data_ptr<float>();
    const float* gs = gamma.data_ptr<float>();
    const float* bs = beta.data_ptr<float>();
    const double* means = mean.data_ptr<double>();
    const double* rstds = rstd.data_ptr<double>();
    const double* channelMeans = channelMean.data_ptr<double>();
    float* dxs = out.dx.data_ptr<float>();
    float* dshifts = shifts ? out.dshift.data_ptr<float>() : nullptr;
    double* s1All = sums1.data_ptr<double>();
    double* s2All = sums2.data_ptr<double>();
    at::parallel_for(0, l.n, 1, [&](std::int64_t begin, std::int64_t end) {
        const size_t c = static_cast<size_t>(l.c);
        std::vector<float> ra(c), rb(c), k1(c), k2(c), k3(c), f1(c), f2(c);
        for (std::int64_t n = begin; n < end; ++n) {
            const float* xn = xs + n * l.p * l.c;
            const float* e = shiftOf(shifts, shift, n, l.c);
            float* dxn = dxs + n * l.p * l.c;
            double* s1 = s1All + n * l.c;
            double* s2 = s2All + n * l.c;
            for (std::int64_t k = 0; k < l.c; ++k) { // xhat = (x + e - mean) r
                const double r = rstds[n * groups + k / d];
                ra[static_cast<size_t>(k)] = static_cast<float>(r);
                rb[static_cast<size_t>(k)] = static_cast<float>(((e ? e[k] : 0.0) - means[n * groups + k / d]) * r);
            }
            const float* dzn = dzs + n * l.p * l.c;
            sumInBlocks(l.p, l.c, f1.data(), f2.data(), s1, s2, [&](std::int64_t first, std::int64_t count) {
                const std::int64_t at = first * l.c;
                backwardSumsBlock(xn + at, dzn + at, ra.data(), rb.data(), gs, bs, dxn + at, f1.data(), f2.data(),
                                  count, l.c, silu);
            });
            const double m = static_cast<double>(l.p * d);
            for (std::int64_t g = 0; g < groups; ++g) {
                double sumA = 0.0, sumB = 0.0;
                for (std::int64_t k = g * d; k < (g + 1) * d; ++k) {
                    sumA += gs[k] * s1[k];
                    sumB += gs[k] * s2[k];
                }
                const double r = rstds[n * groups + g], mu = means[n * groups + g];
                for (std::int64_t k = g * d; k < (g + 1) * d; ++k) {
                    const size_t kk = static_cast<size_t>(k);
                    const double ek = e ? e[k] : 0.0; // dx = k1 dy + k2 (x + e) + k3, with e moved into k3
                    k1[kk] = static_cast<float>(r * gs[k]);
                    k2[kk] = static_cast<float>(-r * r * sumB / m);
                    k3[kk] = static_cast<float>(r * ((mu - ek) * r * sumB - sumA) / m);
                    if (e)
                        dshifts[n * l.c + k] = static_cast<float>(
                            r * (gs[k] * s1[k] - (sumA + sumB * r * (channelMeans[n * l.c + k] - mu)) / static_cast<double>(d)));
                }
            }
            backwardInput(xn, dxn, k1.data(), k2.data(), k3.data(), l.p, l.c);
        }
    });
    out.dgamma = sums2.sum(0).to(at::kFloat);
    out.dbeta = sums1.sum(0).to(at::kFloat);
    if (hasShift(shift) && shift.size(0) == 1) out.dshift = out.dshift.to(at::kDouble).sum(0, true).to(at::kFloat);
    return out;
}

/// The autograd node: saves x, the shift, gamma, beta and the statistics; the output is
/// recomputed from them in the backward pass instead of being stored.
struct GroupNormSiLUFunction : torch::autograd::Function<GroupNormSiLUFunction> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& shift,
                              const at::Tensor& gamma, const at::Tensor& beta, std::int64_t groups,
                              double eps, bool silu)
    {
        ForwardResult result = forwardFused(x, shift, groups, gamma, beta, eps, silu);
        ctx->save_for_backward({x, shift, gamma, beta, result.mean, result.rstd, result.channelMean});
        ctx->saved_data["groups"] = groups;
        ctx->saved_data["silu"] = silu;
        return result.z;
    }

    static variable_list backward(AutogradContext* ctx, variable_list dz)
    {
        const variable_list saved = ctx->get_saved_variables();
        Gradients g = backwardFused(dz[0], saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6],
                                    ctx->saved_data["groups"].toInt(), ctx->saved_data["silu"].toBool());
        return {g.dx, g.dshift, g.dgamma, g.dbeta, at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

bool parametersFit(const at::Tensor& x, std::int64_t groups, const at::Tensor& gamma, const at::Tensor& beta)
{
    for (const at::Tensor* p : {&gamma, &beta})
        if (!p->defined() || !p->is_cpu() || p->scalar_type() != at::kFloat || !p->is_contiguous()
            || p->dim() != 1 || p->size(0) != x.size(1))
            return false;
    return groups > 0 && x.size(1) % groups == 0;
}

} // namespace

bool groupNormSiLUIsFused(const at::Tensor& x, const at::Tensor& shift)
{
    const bool input = x.defined() && x.is_cpu() && x.scalar_type() == at::kFloat && x.dim() == 4
        && x.numel() > 0 && x.is_contiguous(at::MemoryFormat::ChannelsLast);
    return input
        && (!shift.defined()
            || (shift.is_cpu() && shift.scalar_type() == at::kFloat && shift.is_contiguous() && shift.dim() == 2
                && (shift.size(0) == x.size(0) || shift.size(0) == 1) && shift.size(1) == x.size(1)));
}

at::Tensor groupNormSiLU(const at::Tensor& x, std::int64_t groups, const at::Tensor& gamma,
                         const at::Tensor& beta, double eps, bool silu, const at::Tensor& shift)
{
    if (!groupNormSiLUIsFused(x, shift) || !parametersFit(x, groups, gamma, beta)) {
        const at::Tensor input = shift.defined() ? x + shift.unsqueeze(-1).unsqueeze(-1) : x;
        const at::Tensor y = at::group_norm(input, groups, gamma, beta, eps);
        return silu ? at::silu(y) : y;
    }
    const bool needsGradient = at::GradMode::is_enabled()
        && (x.requires_grad() || gamma.requires_grad() || beta.requires_grad()
            || (shift.defined() && shift.requires_grad()));
    const at::Tensor shiftOrNone = shift.defined() ? shift : at::empty({0}, x.options());
    if (!needsGradient) return forwardFused(x, shiftOrNone, groups, gamma, beta, eps, silu).z;
    return GroupNormSiLUFunction::apply(x, shiftOrNone, gamma, beta, groups, eps, silu);
}

} // namespace ddpm
