// Training losses (see losses.h).
#include "ddpm/losses.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"

namespace ddpm {

namespace {

/// The per-item mean squared error as one autograd node. The forward is the tensor expression
/// (target - pred)^2 averaged over each item's values; the backward is one pass that repeats
/// the float32 steps of the expression's own backward (mean: g / N; square: times 2 (target -
/// pred); difference: negated), so the gradient is the same to the bit with one node instead
/// of four and their temporaries. target carries no gradient. The backward is not itself
/// differentiable: no second derivative goes through it (nothing here takes one).
struct ItemMseFunction : torch::autograd::Function<ItemMseFunction> {
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& pred,
                              const at::Tensor& target)
    {
        const at::Tensor diff = target - pred;
        ctx->save_for_backward({diff});
        return diff.pow(2).reshape({pred.size(0), -1}).mean(1);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grad)
    {
        const at::Tensor diff = ctx->get_saved_variables()[0];
        const at::Tensor g = grad[0].contiguous();
        const std::int64_t batch = diff.size(0), per = diff.numel() / batch;
        at::Tensor dPred = at::empty_like(diff);
        const float* d = diff.data_ptr<float>();
        const float* gi = g.data_ptr<float>();
        float* out = dPred.data_ptr<float>();
        const float count = static_cast<float>(per);
        for (std::int64_t b = 0; b < batch; ++b) {
            const float share = gi[b] / count;
            for (std::int64_t j = 0; j < per; ++j)
                out[b * per + j] = -(share * (2.0f * d[b * per + j]));
        }
        return {dPred, at::Tensor()};
    }
};

/// mean over each item's values of (target - pred)^2, [B].
at::Tensor itemMse(const at::Tensor& pred, const at::Tensor& target)
{
    const bool fits = pred.is_cpu() && target.is_cpu() && pred.scalar_type() == at::kFloat
                      && target.scalar_type() == at::kFloat && pred.is_contiguous() && target.is_contiguous()
                      && pred.sizes() == target.sizes() && pred.dim() >= 1 && pred.numel() > 0
                      && !target.requires_grad();
    if (fits && pred.requires_grad())
        return ItemMseFunction::apply(pred, target);
    return (target - pred).pow(2).reshape({pred.size(0), -1}).mean(1);
}

} // namespace

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
    const at::Tensor mse = itemMse(pred, target);
    if (kind == LossKind::Simple)
        return mse;
    // Hybrid: the bound term sees the prediction detached, so it trains the variance alone.
    const at::Tensor frozen = at::cat({pred.detach(), in.output.narrow(1, channels, channels)}, 1);
    return mse + kHybridLambda * steps * vbTermsBpd(diffusion, param, frozen, in.x0, in.xt, in.t, false);
}

} // namespace ddpm
