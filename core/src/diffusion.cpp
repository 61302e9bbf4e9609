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

void checkSameShape(const at::Tensor& a, const at::Tensor& b, const char* what)
{
    if (!a.sizes().equals(b.sizes()))
        throw Error(std::string(what) + ": tensors of shape " + c10::str(a.sizes()) + " and " +
                    c10::str(b.sizes()) + " must match");
}

} // namespace

VarianceKind parseVarianceKind(const std::string& text)
{
    if (text == "small") return VarianceKind::Small;
    if (text == "large") return VarianceKind::Large;
    throw Error("unknown variance '" + text + "'; use small or large");
}

const char* varianceKindName(VarianceKind kind)
{
    return kind == VarianceKind::Small ? "small" : "large";
}

Diffusion::Diffusion(NoiseSchedule schedule, c10::Device device)
    : m_schedule(std::move(schedule)), m_device(device)
{
    m_tables.reserve(kQuantityCount);
    for (std::size_t i = 0; i < kQuantityCount; ++i)
        m_tables.push_back(toTensor(m_schedule.table(static_cast<Quantity>(i)), m_device));

    // Large variance (Section 3.2, sigma_t^2 = beta_t). Improved DDPM puts beta~_2 at t = 1 so
    // that the decoder's variance is not beta_1 (much larger than beta~ there).
    std::vector<double> large = m_schedule.table(Quantity::Beta);
    const std::vector<double>& post = m_schedule.table(Quantity::PosteriorVariance);
    if (large.size() >= 2) large[0] = post[1];
    std::vector<double> logLarge(large.size());
    std::transform(large.begin(), large.end(), logLarge.begin(), [](double v) { return std::log(v); });
    m_largeVariance = toTensor(large, m_device);
    m_largeLogVariance = toTensor(logLarge, m_device);
}

at::Tensor Diffusion::gatherTable64(const at::Tensor& table, const at::Tensor& t,
                                    const at::Tensor& like) const
{
    if (!t.defined() || t.dim() > 1)
        throw Error("timesteps must be a 1-D tensor [B] of integers in 1.." + std::to_string(steps()));
    if (at::isFloatingType(t.scalar_type()) || at::isComplexType(t.scalar_type()) ||
        t.scalar_type() == at::kBool)
        throw Error(std::string("timesteps must be integers, got dtype ") +
                    c10::toString(t.scalar_type()));
    if (!like.defined() || like.dim() < 1)
        throw Error("extract needs a tensor of shape [B, ...] to shape the coefficients like");
    at::Tensor idx = t.reshape({-1}).to(m_device, at::kLong);
    if (idx.numel() > 0) {
        const std::int64_t lo = idx.min().item<std::int64_t>();
        const std::int64_t hi = idx.max().item<std::int64_t>();
        if (lo < 1 || hi > steps()) {
            const std::int64_t bad = lo < 1 ? lo : hi;
            throw Error("timestep t = " + std::to_string(bad) + " is outside 1.." +
                        std::to_string(steps()));
        }
    }
    std::vector<std::int64_t> shape(static_cast<std::size_t>(like.dim()), 1);
    shape[0] = idx.numel();
    return table.index_select(0, idx - 1).view(shape);
}

at::Tensor Diffusion::gather64(Quantity q, const at::Tensor& t, const at::Tensor& like) const
{
    return gatherTable64(m_tables.at(static_cast<std::size_t>(q)), t, like);
}

at::Tensor Diffusion::extract(Quantity q, const at::Tensor& t, const at::Tensor& like) const
{
    return gather64(q, t, like).to(like.device(), like.scalar_type());
}

at::Tensor Diffusion::timesteps(int t, std::int64_t batch) const
{
    if (t < 1 || t > steps())
        throw Error("timestep t = " + std::to_string(t) + " is outside 1.." + std::to_string(steps()));
    if (batch < 1) throw Error("batch size " + std::to_string(batch) + " must be at least 1");
    return at::full({batch}, static_cast<std::int64_t>(t),
                    at::TensorOptions().dtype(at::kLong).device(m_device));
}

Gaussian Diffusion::qMeanVariance(const at::Tensor& x0, const at::Tensor& t) const
{
    // Eq. 4: q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I).
    const at::Tensor oneMinusAb = 1.0 - gather64(Quantity::AlphaBar, t, x0);
    Gaussian g;
    g.mean = extract(Quantity::SqrtAlphaBar, t, x0) * x0;
    g.variance = oneMinusAb.to(x0.device(), x0.scalar_type());
    g.logVariance = oneMinusAb.log().to(x0.device(), x0.scalar_type());
    return g;
}

at::Tensor Diffusion::qSample(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& noise) const
{
    checkSameShape(x0, noise, "qSample(x0, noise)");
    // Eq. 4 reparameterised: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps.
    return extract(Quantity::SqrtAlphaBar, t, x0) * x0 +
           extract(Quantity::SqrtOneMinusAlphaBar, t, x0) * noise;
}

at::Tensor Diffusion::qStep(const at::Tensor& xPrev, const at::Tensor& t, const at::Tensor& noise) const
{
    checkSameShape(xPrev, noise, "qStep(xPrev, noise)");
    // Eq. 2: x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps.
    const at::Tensor a = gather64(Quantity::Alpha, t, xPrev).sqrt().to(xPrev.device(), xPrev.scalar_type());
    const at::Tensor b = gather64(Quantity::Beta, t, xPrev).sqrt().to(xPrev.device(), xPrev.scalar_type());
    return a * xPrev + b * noise;
}

std::vector<at::Tensor> Diffusion::qSampleChain(const at::Tensor& x0, const std::vector<int>& ts,
                                                Rng& rng, const std::atomic<bool>* stop,
                                                const ProgressFn& progress) const
{
    if (ts.empty()) return {};
    for (int t : ts)
        if (t < 1 || t > steps())
            throw Error("timestep t = " + std::to_string(t) + " is outside 1.." +
                        std::to_string(steps()));
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

Gaussian Diffusion::qPosterior(const at::Tensor& x0, const at::Tensor& xt, const at::Tensor& t) const
{
    checkSameShape(x0, xt, "qPosterior(x0, xt)");
    // Eq. 6, 7: mu~_t = beta_t sqrt(alpha_bar_{t-1}) / (1 - alpha_bar_t) x_0
    //                 + sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) x_t,
    //           beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t.
    Gaussian g;
    g.mean = extract(Quantity::PosteriorMeanCoef1, t, xt) * x0 +
             extract(Quantity::PosteriorMeanCoef2, t, xt) * xt;
    g.variance = extract(Quantity::PosteriorVariance, t, xt);
    g.logVariance = extract(Quantity::PosteriorLogVarianceClipped, t, xt);
    return g;
}

at::Tensor Diffusion::predictX0FromEps(const at::Tensor& xt, const at::Tensor& t,
                                       const at::Tensor& eps) const
{
    checkSameShape(xt, eps, "predictX0FromEps(xt, eps)");
    // Eq. 4 solved for x_0: x_0 = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t).
    // The reciprocal is formed in float64; it is infinite where alpha_bar_t = 0 (zero terminal SNR).
    const at::Tensor recip = gather64(Quantity::SqrtAlphaBar, t, xt).reciprocal();
    const at::Tensor ratio = gather64(Quantity::SqrtOneMinusAlphaBar, t, xt) * recip;
    return recip.to(xt.device(), xt.scalar_type()) * xt -
           ratio.to(xt.device(), xt.scalar_type()) * eps;
}

at::Tensor Diffusion::predictEpsFromX0(const at::Tensor& xt, const at::Tensor& t,
                                       const at::Tensor& x0) const
{
    checkSameShape(xt, x0, "predictEpsFromX0(xt, x0)");
    // Eq. 4 solved for eps: eps = (x_t - sqrt(alpha_bar_t) x_0) / sqrt(1 - alpha_bar_t).
    const at::Tensor recip = gather64(Quantity::SqrtOneMinusAlphaBar, t, xt).reciprocal();
    const at::Tensor ratio = gather64(Quantity::SqrtAlphaBar, t, xt) * recip;
    return recip.to(xt.device(), xt.scalar_type()) * xt -
           ratio.to(xt.device(), xt.scalar_type()) * x0;
}

Gaussian Diffusion::pMeanVariance(const at::Tensor& eps, const at::Tensor& xt, const at::Tensor& t,
                                  VarianceKind variance, bool clipDenoised, at::Tensor* x0Pred) const
{
    // x_0 predicted from eps (Eq. 4 inverted), then the posterior mean mu~_t(x_t, x_0) of Eq. 7.
    // Without clipping this is Eq. 11: 1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps).
    at::Tensor x0 = predictX0FromEps(xt, t, eps);
    if (clipDenoised) x0 = x0.clamp(-1.0, 1.0);
    Gaussian g = qPosterior(x0, xt, t);
    if (variance == VarianceKind::Large) {
        // sigma_t^2 = beta_t (Section 3.2), with beta~_2 at t = 1 (improved DDPM).
        g.variance = gatherTable64(m_largeVariance, t, xt).to(xt.device(), xt.scalar_type());
        g.logVariance = gatherTable64(m_largeLogVariance, t, xt).to(xt.device(), xt.scalar_type());
    }
    // Small: sigma_t^2 = beta~_t with its clipped log, as qPosterior gave.
    if (x0Pred != nullptr) *x0Pred = x0;
    return g;
}

} // namespace ddpm
