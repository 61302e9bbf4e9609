// The paper's demonstrations (see paper_figures.h).
#include "ddpm/paper_figures.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/rng.h"
#include "ddpm/sampler.h"

namespace ddpm {

namespace {

void checkStep(const Sampler& sampler, int k)
{
    if (k < 1 || k > sampler.steps())
        throw Error("chain step " + std::to_string(k) + " is outside 1.." + std::to_string(sampler.steps()));
}

void checkImage(const at::Tensor& x, const char* what)
{
    if (!x.defined() || x.dim() != 4 || x.size(0) != 1)
        throw Error(std::string(what) + " must be one image [1, C, H, W]");
}

} // namespace

at::Tensor continueChain(Sampler& sampler, at::Tensor x, int k, Rng& rng, const std::atomic<bool>* stop)
{
    checkStep(sampler, k);
    for (int j = k; j >= 1; --j) {
        throwIfCancelled(stop);
        x = sampler.step(x, j, rng).xPrev;
    }
    return x;
}

std::vector<at::Tensor> samplesSharingXt(Sampler& sampler, const at::Tensor& x0, const std::vector<int>& ks, int n,
                                         Rng& rng, const std::atomic<bool>* stop)
{
    checkImage(x0, "the image whose x_t the samples share");
    if (n < 1) throw Error("samples sharing x_t: n must be at least 1");
    const Diffusion& d = sampler.diffusion();
    const at::Tensor image = x0.to(d.device(), at::kFloat);
    std::vector<at::Tensor> out;
    for (int k : ks) {
        checkStep(sampler, k);
        const at::Tensor noise = rng.normal(image.sizes(), at::kFloat, d.device());
        const at::Tensor xk = d.qSample(image, d.timesteps(k, 1), noise);
        out.push_back(continueChain(sampler, xk.expand({n, -1, -1, -1}).contiguous(), k, rng, stop));
    }
    return out;
}

at::Tensor interpolateThroughXt(Sampler& sampler, const at::Tensor& a, const at::Tensor& b, int k,
                                const std::vector<double>& lambdas, Rng& rng, const std::atomic<bool>* stop)
{
    checkImage(a, "the first image");
    checkImage(b, "the second image");
    if (!a.sizes().equals(b.sizes())) throw Error("the two images to interpolate must have the same size");
    if (lambdas.empty()) throw Error("interpolation needs at least one lambda");
    checkStep(sampler, k);
    const Diffusion& d = sampler.diffusion();
    const at::Tensor t = d.timesteps(k, 1);
    const at::Tensor xa = d.qSample(a.to(d.device(), at::kFloat), t, rng.normal(a.sizes(), at::kFloat, d.device()));
    const at::Tensor xb = d.qSample(b.to(d.device(), at::kFloat), t, rng.normal(b.sizes(), at::kFloat, d.device()));
    // One batch, one seed: every lambda's chain sees the same reverse noise.
    std::vector<at::Tensor> mixed;
    for (double lambda : lambdas) mixed.push_back((1.0 - lambda) * xa + lambda * xb);
    return continueChain(sampler, at::cat(mixed, 0), k, rng, stop);
}

std::vector<RateDistortionPoint> rateDistortion(const Diffusion& diffusion, DenoiseModel& model, const at::Tensor& x0,
                                                std::vector<int> ts, const BoundOptions& options,
                                                const ProgressFn& progress, const std::atomic<bool>* stop)
{
    const int steps = diffusion.steps();
    for (int t : ts)
        if (t < 1 || t > steps) throw Error("rate-distortion timestep " + std::to_string(t) + " is outside 1.." + std::to_string(steps));
    std::sort(ts.begin(), ts.end(), std::greater<int>());
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    const int extra = static_cast<int>(ts.size());
    const ProgressFn boundProgress = progress ? ProgressFn([&](long long done, long long) { progress(done, steps + extra); })
                                              : ProgressFn();
    const BoundResult bound = evaluateBound(diffusion, model, x0, options, boundProgress, stop);
    // rate(t) = L_T + sum_{s=t+1..T} L_{s-1}: the terms for s = T down to t + 1.
    std::vector<double> rateAfter(static_cast<std::size_t>(steps) + 1, 0.0); // index t
    double sum = bound.priorBpd;
    rateAfter[static_cast<std::size_t>(steps)] = sum;
    for (int s = steps; s >= 2; --s) {
        sum += bound.termsBpd[static_cast<std::size_t>(s - 1)];
        rateAfter[static_cast<std::size_t>(s - 1)] = sum;
    }
    Parameterization param = model.parameterization();
    if (!param.learnsVariance()) param.variance = options.variance;
    Rng rng(options.seed ^ 0x5DEECE66DULL);
    at::InferenceMode inference;
    const at::Tensor images = x0.to(diffusion.device(), at::kFloat);
    std::vector<RateDistortionPoint> points;
    int done = steps;
    for (int t : ts) {
        throwIfCancelled(stop);
        const at::Tensor tt = diffusion.timesteps(t, images.size(0));
        const at::Tensor xt = diffusion.qSample(images, tt, rng.normal(images.sizes(), at::kFloat, diffusion.device()));
        const Denoised d = diffusion.interpret(param, model.predict(xt, tt), xt, tt, true);
        RateDistortionPoint p;
        p.t = t;
        p.rateBpd = rateAfter[static_cast<std::size_t>(t)];
        p.distortion = ((d.x0 - images) * 127.5).square().mean().sqrt().item<double>();
        points.push_back(p);
        if (progress) progress(++done, steps + extra);
    }
    points.push_back(RateDistortionPoint{0, bound.totalBpd, 0.0});
    return points;
}

} // namespace ddpm
