// Networks as DenoiseModels (see network_model.h).
#include "ddpm/network_model.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include "ddpm/error.h"

namespace ddpm {

namespace {

/// Eval mode for a scope; restores training mode on the way out (also on a throw).
class EvalModeScope {
public:
    explicit EvalModeScope(torch::nn::Module& module)
        : m_module(module), m_wasTraining(module.is_training())
    {
        if (m_wasTraining)
            m_module.eval();
    }
    ~EvalModeScope()
    {
        if (m_wasTraining)
            m_module.train();
    }
    EvalModeScope(const EvalModeScope&) = delete;
    EvalModeScope& operator=(const EvalModeScope&) = delete;

private:
    torch::nn::Module& m_module;
    bool m_wasTraining;
};

} // namespace

NetworkModel::NetworkModel(std::shared_ptr<torch::nn::Module> module, ForwardFn forward, std::string name)
    : m_module(std::move(module)), m_forward(std::move(forward)), m_name(std::move(name))
{
    if (!m_module || !m_forward)
        throw Error("NetworkModel needs a module and its forward function");
}

at::Tensor NetworkModel::predict(const at::Tensor& xt, const at::Tensor& t)
{
    at::NoGradGuard noGrad;
    EvalModeScope evalMode(*m_module);
    const std::vector<at::Tensor> params = m_module->parameters();
    const c10::Device device = params.empty() ? xt.device() : params.front().device();
    const at::Tensor eps = m_forward(xt.to(device, at::kFloat), t.to(device, at::kLong));
    return eps.to(xt.options());
}

std::int64_t parameterCount(const torch::nn::Module& module)
{
    std::int64_t n = 0;
    for (const at::Tensor& p : module.parameters())
        n += p.numel();
    return n;
}

} // namespace ddpm
