// The Gaussian diffusion of Ho et al. (2020): forward process, posterior and the fixed-variance
// reverse process. Equation numbers refer to that paper.
#include "ddpm/diffusion.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/forward_chain.h"
#include "ddpm/progress.h"
#include "ddpm/rng.h"

namespace ddpm {

namespace {

constexpr std::size_t kQuantityCount = static_cast<std::size_t>(Quantity::LogSnr) + 1;

at::Tensor toTensor(const std::vector<double>& v, c10::Device device)
{
    return at::tensor(c10::ArrayRef<double>(v), at::TensorOptions().dtype(at::kDouble)).to(device);
}

/// The refusal of a timestep outside 1..steps, naming it.
Error timestepOutside(std::int64_t t, int steps)
{
    return Error("timestep t = " + std::to_string(t) + " is outside 1.." + std::to_string(steps));
}

void checkSameShape(const at::Tensor& a, const at::Tensor& b, const char* what)
{
    if (!a.sizes().equals(b.sizes()))
        throw Error(std::string(what) + ": tensors of shape " + c10::str(a.sizes()) + " and " +
                    c10::str(b.sizes()) + " must match");
}

} // namespace

Diffusion::Diffusion(NoiseSchedule schedule, c10::Device device)
    : m_schedule(std::move(schedule)), m_device(device)
{
    m_tables.reserve(kQuantityCount);
    for (std::size_t i = 0; i < kQuantityCount; ++i)
        m_tables.push_back(toTensor(m_schedule.table(static_cast<Quantity>(i)), m_device));
    m_smallLogVariance = toTensor(fixedLogVariance(m_schedule, VarianceKind::Small), m_device);
    m_largeLogVariance = toTensor(fixedLogVariance(m_schedule, VarianceKind::Large), m_device);
    m_logBeta = m_tables[static_cast<std::size_t>(Quantity::Beta)].log();
}

Diffusion::Index Diffusion::index(const at::Tensor& t, const at::Tensor& like) const
{
    if (!t.defined() || t.dim() > 1)
        throw Error("timesteps must be a 1-D tensor [B] of integers in 1.." + std::to_string(steps()));
    if (at::isFloatingType(t.scalar_type()) || at::isComplexType(t.scalar_type()) ||
        t.scalar_type() == at::kBool)
        throw Error(std::string("timesteps must be integers, got dtype ") +
                    c10::toString(t.scalar_type()));
    if (!like.defined() || like.dim() < 1)
        throw Error("extract needs a tensor of shape [B, ...] to shape the coefficients like");
    // Checked where it costs no device round trip: timesteps a person or a file gave come
    // from the CPU; a trainer's on-device draws are in range by construction.
    if (t.is_cpu() && t.numel() > 0) {
        const std::int64_t lo = t.min().item<std::int64_t>();
        const std::int64_t hi = t.max().item<std::int64_t>();
        if (lo < 1 || hi > steps()) {
            const std::int64_t bad = lo < 1 ? lo : hi;
            throw timestepOutside(bad, steps());
        }
    }
    Index i;
    i.rows = t.reshape({-1}).to(m_device, at::kLong) - 1;
    i.shape.assign(static_cast<std::size_t>(like.dim()), 1);
    i.shape[0] = i.rows.numel();
    return i;
}

at::Tensor Diffusion::gather64(const at::Tensor& table, const Index& i) const
{
    return table.index_select(0, i.rows).view(i.shape);
}

at::Tensor Diffusion::gather64(Quantity q, const Index& i) const
{
    return gather64(m_tables.at(static_cast<std::size_t>(q)), i);
}

at::Tensor Diffusion::coef(Quantity q, const Index& i, const at::Tensor& like) const
{
    return gather64(q, i).to(like.device(), like.scalar_type());
}

at::Tensor Diffusion::extract(Quantity q, const at::Tensor& t, const at::Tensor& like) const
{
    return coef(q, index(t, like), like);
}

at::Tensor Diffusion::timesteps(int t, std::int64_t batch) const
{
    if (t < 1 || t > steps())
        throw timestepOutside(t, steps());
    if (batch < 1) throw Error("batch size " + std::to_string(batch) + " must be at least 1");
    return at::full({batch}, static_cast<std::int64_t>(t),
                    at::TensorOptions().dtype(at::kLong).device(m_device));
}

Gaussian Diffusion::qMeanVariance(const at::Tensor& x0, const at::Tensor& t) const
{
    // Eq. 4: q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I).
    const Index i = index(t, x0);
    const at::Tensor oneMinusAb = 1.0 - gather64(Quantity::AlphaBar, i);
    Gaussian g;
    g.mean = coef(Quantity::SqrtAlphaBar, i, x0) * x0;
    g.variance = oneMinusAb.to(x0.device(), x0.scalar_type());
    g.logVariance = oneMinusAb.log().to(x0.device(), x0.scalar_type());
    return g;
}

at::Tensor Diffusion::qSample(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& noise) const
{
    checkSameShape(x0, noise, "qSample(x0, noise)");
    // Eq. 4 reparameterised: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps.
    if (at::Tensor xt = qSampleOnCpu(x0, t, noise); xt.defined())
        return xt;
    const Index i = index(t, x0);
    return coef(Quantity::SqrtAlphaBar, i, x0) * x0 + coef(Quantity::SqrtOneMinusAlphaBar, i, x0) * noise;
}

at::Tensor Diffusion::qSampleOnCpu(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& noise) const
{
    const bool fits = m_device.is_cpu() && x0.is_cpu() && noise.is_cpu() && t.is_cpu() && t.dim() == 1
                      && x0.dim() >= 1 && (t.size(0) == x0.size(0) || t.size(0) == 1) && x0.numel() > 0
                      && x0.scalar_type() == at::kFloat && noise.scalar_type() == at::kFloat
                      && t.scalar_type() == at::kLong && !x0.requires_grad() && !noise.requires_grad();
    if (!fits)
        return {};
    // The tensor expression's float32 operations in its order (each coefficient rounded to
    // float32, two products, one sum; diffusion.cpp is compiled without FMA contraction), so
    // the result is the same to the bit, in one pass with the range check on the way.
    const at::Tensor x = x0.contiguous(), n = noise.contiguous();
    at::Tensor out = at::empty_like(x);
    const double* sqrtAb = m_tables[static_cast<std::size_t>(Quantity::SqrtAlphaBar)].data_ptr<double>();
    const double* sqrtOneMinusAb = m_tables[static_cast<std::size_t>(Quantity::SqrtOneMinusAlphaBar)].data_ptr<double>();
    const auto tv = t.accessor<std::int64_t, 1>();
    const std::int64_t batch = x.size(0), per = x.numel() / batch;
    for (std::int64_t b = 0; b < batch; ++b) {
        const std::int64_t k = tv[t.size(0) == 1 ? 0 : b];
        if (k < 1 || k > steps())
            throw timestepOutside(k, steps());
        const float a = static_cast<float>(sqrtAb[k - 1]);
        const float s = static_cast<float>(sqrtOneMinusAb[k - 1]);
        const float* xb = x.data_ptr<float>() + b * per;
        const float* nb = n.data_ptr<float>() + b * per;
        float* ob = out.data_ptr<float>() + b * per;
        for (std::int64_t j = 0; j < per; ++j) {
            const float signal = a * xb[j];
            const float scaledNoise = s * nb[j];
            ob[j] = signal + scaledNoise;
        }
    }
    return out;
}

at::Tensor Diffusion::qStep(const at::Tensor& xPrev, const at::Tensor& t, const at::Tensor& noise) const
{
    checkSameShape(xPrev, noise, "qStep(xPrev, noise)");
    // Eq. 2: x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps.
    const Index i = index(t, xPrev);
    const at::Tensor a = gather64(Quantity::Alpha, i).sqrt().to(xPrev.device(), xPrev.scalar_type());
    const at::Tensor b = gather64(Quantity::Beta, i).sqrt().to(xPrev.device(), xPrev.scalar_type());
    return a * xPrev + b * noise;
}

std::vector<at::Tensor> Diffusion::qSampleChain(const at::Tensor& x0, const std::vector<int>& ts,
                                                Rng& rng, const std::atomic<bool>* stop,
                                                const ProgressFn& progress) const
{
    if (ts.empty()) return {};
    for (int t : ts)
        if (t < 1 || t > steps())
            throw timestepOutside(t, steps());
    // Eq. 2 walked by ForwardChain with noise seeded per step, so the GUI's resumable walk
    // gives the same x_t pixel for pixel. One state of memory: the walk only moves forward.
    const std::int64_t stateBytes =
        x0.defined() ? x0.numel() * static_cast<std::int64_t>(x0.element_size()) : 0;
    ForwardChain chain(m_schedule, x0, rng, stateBytes);
    std::vector<int> order(ts);
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    std::vector<at::Tensor> reached;
    reached.reserve(order.size());
    // walkTo counts the steps of one call (done of callTotal, ending at t); report the step
    // reached, t - callTotal + done, of the whole walk.
    const long long total = order.back();
    for (int t : order) {
        ProgressFn stepDone;
        if (progress)
            stepDone = [&](long long done, long long callTotal) { progress(t - callTotal + done, total); };
        reached.push_back(chain.walkTo(t, stop, stepDone));
    }
    std::vector<at::Tensor> out;
    out.reserve(ts.size());
    for (int t : ts)
        out.push_back(reached[static_cast<std::size_t>(
            std::lower_bound(order.begin(), order.end(), t) - order.begin())]);
    return out;
}

Gaussian Diffusion::posterior(const Index& i, const at::Tensor& x0, const at::Tensor& xt) const
{
    // Eq. 6, 7: mu~_t = beta_t sqrt(alpha_bar_{t-1}) / (1 - alpha_bar_t) x_0
    //                 + sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) x_t,
    //           beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t.
    Gaussian g;
    g.mean = coef(Quantity::PosteriorMeanCoef1, i, xt) * x0 + coef(Quantity::PosteriorMeanCoef2, i, xt) * xt;
    g.variance = coef(Quantity::PosteriorVariance, i, xt);
    g.logVariance = coef(Quantity::PosteriorLogVarianceClipped, i, xt);
    return g;
}

Gaussian Diffusion::qPosterior(const at::Tensor& x0, const at::Tensor& xt, const at::Tensor& t) const
{
    checkSameShape(x0, xt, "qPosterior(x0, xt)");
    return posterior(index(t, xt), x0, xt);
}

at::Tensor Diffusion::x0FromEps(const Index& i, const at::Tensor& xt, const at::Tensor& eps) const
{
    // Eq. 4 solved for x_0: x_0 = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t).
    // The reciprocal is formed in float64; it is infinite where alpha_bar_t = 0 (zero terminal SNR).
    const at::Tensor recip = gather64(Quantity::SqrtAlphaBar, i).reciprocal();
    const at::Tensor ratio = gather64(Quantity::SqrtOneMinusAlphaBar, i) * recip;
    return recip.to(xt.device(), xt.scalar_type()) * xt - ratio.to(xt.device(), xt.scalar_type()) * eps;
}

at::Tensor Diffusion::epsFromX0(const Index& i, const at::Tensor& xt, const at::Tensor& x0) const
{
    // Eq. 4 solved for eps: eps = (x_t - sqrt(alpha_bar_t) x_0) / sqrt(1 - alpha_bar_t).
    const at::Tensor recip = gather64(Quantity::SqrtOneMinusAlphaBar, i).reciprocal();
    const at::Tensor ratio = gather64(Quantity::SqrtAlphaBar, i) * recip;
    return recip.to(xt.device(), xt.scalar_type()) * xt - ratio.to(xt.device(), xt.scalar_type()) * x0;
}

at::Tensor Diffusion::predictX0FromEps(const at::Tensor& xt, const at::Tensor& t,
                                       const at::Tensor& eps) const
{
    checkSameShape(xt, eps, "predictX0FromEps(xt, eps)");
    return x0FromEps(index(t, xt), xt, eps);
}

at::Tensor Diffusion::predictEpsFromX0(const at::Tensor& xt, const at::Tensor& t,
                                       const at::Tensor& x0) const
{
    checkSameShape(xt, x0, "predictEpsFromX0(xt, x0)");
    return epsFromX0(index(t, xt), xt, x0);
}

at::Tensor Diffusion::predictV(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& eps) const
{
    checkSameShape(x0, eps, "predictV(x0, eps)");
    const Index i = index(t, x0);
    return coef(Quantity::SqrtAlphaBar, i, x0) * eps - coef(Quantity::SqrtOneMinusAlphaBar, i, x0) * x0;
}

Denoised Diffusion::interpret(const Parameterization& param, const at::Tensor& output, const at::Tensor& xt,
                              const at::Tensor& t, bool clipDenoised) const
{
    return interpretAt(index(t, xt), param, output, xt, clipDenoised);
}

Denoised Diffusion::interpretAt(const Index& i, const Parameterization& param, const at::Tensor& output,
                                const at::Tensor& xt, bool clipDenoised) const
{
    if (!output.defined() || !xt.defined() || output.dim() != xt.dim() || output.dim() < 2)
        throw Error("a model output must have the rank of x_t, [B, C, ...]");
    const std::int64_t channels = xt.size(1);
    std::vector<std::int64_t> expected(xt.sizes().begin(), xt.sizes().end());
    expected[1] = param.outputChannels(static_cast<int>(channels));
    if (!output.sizes().equals(expected))
        throw Error("a model with " + param.describe() + " must output shape " + c10::str(expected)
                    + " for x_t of shape " + c10::str(xt.sizes()) + ", got " + c10::str(output.sizes()));
    Denoised d;
    const at::Tensor pred = param.learnsVariance() ? output.narrow(1, 0, channels) : output;
    if (param.learnsVariance())
        d.varianceValues = output.narrow(1, channels, channels);
    switch (param.prediction) {
    case Prediction::Epsilon:
        d.eps = pred;
        d.x0 = x0FromEps(i, xt, pred);
        break;
    case Prediction::X0:
        d.x0 = pred;
        d.eps = epsFromX0(i, xt, pred);
        break;
    case Prediction::V: {
        // x_0 = sqrt(alpha_bar) x_t - sqrt(1 - alpha_bar) v;  eps = sqrt(1 - alpha_bar) x_t + sqrt(alpha_bar) v.
        const at::Tensor a = coef(Quantity::SqrtAlphaBar, i, xt);
        const at::Tensor s = coef(Quantity::SqrtOneMinusAlphaBar, i, xt);
        d.x0 = a * xt - s * pred;
        d.eps = s * xt + a * pred;
        break;
    }
    }
    if (clipDenoised) {
        d.x0 = d.x0.clamp(-1.0, 1.0);
        d.eps = epsFromX0(i, xt, d.x0);
    }
    return d;
}

at::Tensor Diffusion::trainingTarget(Prediction prediction, const at::Tensor& x0, const at::Tensor& t,
                                     const at::Tensor& eps) const
{
    switch (prediction) {
    case Prediction::Epsilon: return eps;
    case Prediction::X0: return x0;
    case Prediction::V: return predictV(x0, t, eps);
    }
    return eps;
}

Gaussian Diffusion::reverseVariance(VarianceKind kind, const at::Tensor& values, const at::Tensor& t,
                                    const at::Tensor& like) const
{
    return reverseVarianceAt(index(t, like), kind, values, like);
}

Gaussian Diffusion::reverseVarianceAt(const Index& i, VarianceKind kind, const at::Tensor& values,
                                      const at::Tensor& like) const
{
    Gaussian g;
    switch (kind) {
    case VarianceKind::Small:
        g.logVariance = gather64(m_smallLogVariance, i).to(like.device(), like.scalar_type());
        break;
    case VarianceKind::Large:
        g.logVariance = gather64(m_largeLogVariance, i).to(like.device(), like.scalar_type());
        break;
    case VarianceKind::Learned:
        if (!values.defined()) throw Error("a learned variance needs the model's variance output");
        g.logVariance = values;
        break;
    case VarianceKind::LearnedRange: {
        if (!values.defined()) throw Error("a learned-range variance needs the model's variance output");
        // Improved DDPM, Eq. 15: interpolate between log beta~_t (clipped) and log beta_t.
        const at::Tensor lo = gather64(m_smallLogVariance, i).to(values.device(), values.scalar_type());
        const at::Tensor hi = gather64(m_logBeta, i).to(values.device(), values.scalar_type());
        const at::Tensor frac = (values + 1.0) * 0.5;
        g.logVariance = frac * hi + (1.0 - frac) * lo;
        break;
    }
    }
    // Small keeps the unclipped beta~_t as its variance (improved DDPM), the clipped log above.
    g.variance = kind == VarianceKind::Small
        ? gather64(Quantity::PosteriorVariance, i).to(like.device(), like.scalar_type())
        : g.logVariance.exp();
    return g;
}

ReverseGaussian Diffusion::pMeanVariance(const Parameterization& param, const at::Tensor& output,
                                         const at::Tensor& xt, const at::Tensor& t, bool clipDenoised) const
{
    // x_0 predicted from the output, then the posterior mean mu~_t(x_t, x_0) of Eq. 7.
    // For eps without clipping this is Eq. 11: 1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps).
    const Index i = index(t, xt);
    ReverseGaussian r;
    r.denoised = interpretAt(i, param, output, xt, clipDenoised);
    r.p.mean = posterior(i, r.denoised.x0, xt).mean;
    const Gaussian v = reverseVarianceAt(i, param.variance, r.denoised.varianceValues, xt);
    r.p.variance = v.variance;
    r.p.logVariance = v.logVariance;
    return r;
}

} // namespace ddpm
