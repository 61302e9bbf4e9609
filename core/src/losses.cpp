// Training losses (see losses.h).
#include "ddpm/losses.h"

#include <ATen/ATen.h>

#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"

namespace ddpm {

LossKind parseLossKind(const std::string& text)
{
    if (text == "simple") return LossKind::Simple;
    if (text == "vlb") return LossKind::Vlb;
    if (text == "hybrid") return LossKind::Hybrid;
    throw Error("unknown loss '" + text + "'; use simple, vlb or hybrid");
}

const char* lossKindName(LossKind kind)
{
    switch (kind) {
    case LossKind::Simple: return "simple";
    case LossKind::Vlb: return "vlb";
    case LossKind::Hybrid: return "hybrid";
    }
    return "simple";
}

void checkLossFits(LossKind kind, const Parameterization& param)
{
    if (kind == LossKind::Simple && param.learnsVariance())
        throw Error(std::string("the simple loss does not train a ") + varianceKindName(param.variance)
                    + " variance; use the hybrid or vlb loss, or a fixed variance (small or large)");
    if (kind == LossKind::Hybrid && !param.learnsVariance())
        throw Error("the hybrid loss trains a learned variance; use learned or learned-range with it,"
                    " or the simple loss with a fixed variance");
}

at::Tensor trainingLoss(const Diffusion& diffusion, const Parameterization& param, LossKind kind,
                        const LossInputs& in)
{
    checkLossFits(kind, param);
    const std::int64_t channels = in.xt.size(1);
    const double steps = diffusion.steps();
    if (kind == LossKind::Vlb)
        return steps * vbTermsBpd(diffusion, param, in.output, in.x0, in.xt, in.t, false);

    const at::Tensor pred = param.learnsVariance() ? in.output.narrow(1, 0, channels) : in.output;
    const at::Tensor target = diffusion.trainingTarget(param.prediction, in.x0, in.t, in.noise);
    const at::Tensor mse = (target - pred).pow(2).reshape({pred.size(0), -1}).mean(1);
    if (kind == LossKind::Simple)
        return mse;
    // Hybrid: the bound term sees the prediction detached, so it trains the variance alone.
    const at::Tensor frozen = at::cat({pred.detach(), in.output.narrow(1, channels, channels)}, 1);
    return mse + kHybridLambda * steps * vbTermsBpd(diffusion, param, frozen, in.x0, in.xt, in.t, false);
}

} // namespace ddpm
