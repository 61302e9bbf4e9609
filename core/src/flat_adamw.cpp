// AdamW over one flat parameter buffer (see flat_adamw.h).
#include "ddpm/flat_adamw.h"

#include <cmath>
#include <string>

#include <ATen/ATen.h>
#include <ATen/MemoryOverlap.h>
#include <ATen/Parallel.h>
#include <torch/nn/module.h>

#include "ddpm/error.h"
#include "adamw_kernel.h"

namespace ddpm {

namespace {

/// The least work worth a thread of the intra-op pool: below 64 Ki values (the tiny MLP's
/// 37,762 parameters) the update runs on the calling thread.
constexpr std::int64_t kGrain = 65536;

bool apart(const at::Tensor& a, const at::Tensor& b)
{
    return at::get_overlap_status(a, b) == at::MemOverlapStatus::No;
}

} // namespace

at::Tensor flattenParameters(torch::nn::Module& module)
{
    std::vector<at::Tensor> params = module.parameters();
    std::int64_t total = 0;
    for (const at::Tensor& p : params) total += p.numel();
    const c10::Device device = params.empty() ? c10::Device(c10::kCPU) : params.front().device();
    at::Tensor flat = at::empty({total}, at::TensorOptions().dtype(at::kFloat).device(device));
    at::NoGradGuard noGrad;
    std::int64_t offset = 0;
    for (at::Tensor& p : params) {
        const std::int64_t n = p.numel();
        flat.narrow(0, offset, n).copy_(p.reshape({-1}));
        p.set_(flat.storage(), offset, p.sizes(), c10::contiguous_strides(p.sizes()));
        offset += n;
    }
    return flat;
}

FlatAdamW::FlatAdamW(torch::nn::Module& module, AdamWOptions options)
    : m_options(options)
{
    m_params = flattenParameters(module);
    m_views = module.parameters();
    m_m = at::zeros_like(m_params);
    m_v = at::zeros_like(m_params);
}

at::Tensor FlatAdamW::gatherGradients() const
{
    std::vector<at::Tensor> grads;
    grads.reserve(m_views.size());
    for (const at::Tensor& p : m_views)
        grads.push_back(p.grad().defined() ? p.grad().reshape({-1}) : at::zeros({p.numel()}, m_params.options()));
    return at::cat(grads);
}

void FlatAdamW::zeroGrad()
{
    for (at::Tensor& p : m_views)
        p.mutable_grad() = at::Tensor();
}

void FlatAdamW::step(const at::Tensor& grad, double lr)
{
    at::NoGradGuard noGrad;
    ++m_step;
    const double b1 = m_options.beta1, b2 = m_options.beta2;
    // theta <- theta (1 - lr lambda); m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
    // theta <- theta - lr / (1 - b1^k) * m / (sqrt(v) / sqrt(1 - b2^k) + eps).
    const double bias1 = 1.0 - std::pow(b1, static_cast<double>(m_step));
    const double bias2 = 1.0 - std::pow(b2, static_cast<double>(m_step));
    const double decay = m_options.weightDecay > 0 ? 1.0 - lr * m_options.weightDecay : 1.0;
    if (m_params.is_cpu() && grad.is_cpu() && grad.scalar_type() == at::kFloat && grad.is_contiguous()
        && grad.numel() == m_params.numel() && apart(grad, m_params) && apart(grad, m_m) && apart(grad, m_v)) {
        // On the CPU one pass over the four buffers instead of eight whole-buffer operations.
        const AdamWCoefficients c{static_cast<float>(decay),
                                   static_cast<float>(b1), static_cast<float>(1.0 - b1),
                                   static_cast<float>(b2), static_cast<float>(1.0 - b2),
                                   static_cast<float>(lr / bias1), static_cast<float>(1.0 / std::sqrt(bias2)),
                                   static_cast<float>(m_options.eps)};
        float* p = m_params.data_ptr<float>();
        float* m = m_m.data_ptr<float>();
        float* v = m_v.data_ptr<float>();
        const float* g = grad.data_ptr<float>();
        at::parallel_for(0, m_params.numel(), kGrain, [=](std::int64_t begin, std::int64_t end) {
            adamWUpdate(p + begin, m + begin, v + begin, g + begin, end - begin, c);
        });
        return;
    }
    if (decay != 1.0) m_params.mul_(decay);
    m_m.mul_(b1).add_(grad, 1.0 - b1);
    m_v.mul_(b2).addcmul_(grad, grad, 1.0 - b2);
    const at::Tensor denom = (m_v.sqrt() / std::sqrt(bias2)).add_(m_options.eps);
    m_params.addcdiv_(m_m, denom, -lr / bias1);
}

void FlatAdamW::restore(const at::Tensor& params, const at::Tensor& m, const at::Tensor& v, std::int64_t step)
{
    for (const at::Tensor* t : {&params, &m, &v})
        if (!t->defined() || t->numel() != m_params.numel())
            throw Error("the checkpoint holds " + std::to_string(t->defined() ? t->numel() : 0)
                        + " parameters where this architecture has " + std::to_string(m_params.numel())
                        + "; it is for a different network");
    at::NoGradGuard noGrad;
    m_params.copy_(params.reshape({-1}));
    m_m.copy_(m.reshape({-1}));
    m_v.copy_(v.reshape({-1}));
    m_step = step;
}

} // namespace ddpm
