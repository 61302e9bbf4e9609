// Networks as DenoiseModels (see network_model.h).
#include "ddpm/network_model.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include "ddpm/error.h"
#include "ddpm/mlp.h"
#include "ddpm/unet.h"

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

template <class Holder>
Network wrap(const Holder& net, const ModelConfig& config)
{
    auto impl = net.ptr();
    return {impl, [impl](const at::Tensor& x, const at::Tensor& t) { return impl->forward(x, t); }, config};
}

} // namespace

Network buildNetwork(const ModelConfig& config)
{
    config.validate();
    Network net = config.kind == ModelConfig::Kind::UNet ? wrap(UNet(config.unet), config) : wrap(MLP(config.mlp), config);
    net.built = true;
    return net;
}

std::vector<std::int64_t> NetworkModel::itemShape() const
{
    if (!m_network.built) return {};
    const ModelConfig& c = m_network.config;
    if (c.kind == ModelConfig::Kind::UNet) return {c.unet.inChannels, c.unet.imageSize, c.unet.imageSize};
    return {c.mlp.dims};
}

NetworkModel::NetworkModel(Network network, Parameterization param, std::string name,
                           std::optional<NoiseSchedule> schedule)
    : m_network(std::move(network)), m_param(param), m_name(std::move(name)), m_schedule(std::move(schedule))
{
    if (!m_network.module || !m_network.forward)
        throw Error("NetworkModel needs a module and its forward function");
}

at::Tensor NetworkModel::predict(const at::Tensor& xt, const at::Tensor& t)
{
    at::NoGradGuard noGrad;
    EvalModeScope evalMode(*m_network.module);
    const std::vector<at::Tensor> params = m_network.module->parameters();
    const c10::Device device = params.empty() ? xt.device() : params.front().device();
    const at::Tensor out = m_network.forward(xt.to(device, at::kFloat), t.to(device, at::kLong));
    return out.to(xt.options());
}

std::int64_t parameterCount(const torch::nn::Module& module)
{
    std::int64_t n = 0;
    for (const at::Tensor& p : module.parameters())
        n += p.numel();
    return n;
}

std::int64_t parameterCount(const ModelConfig& config)
{
    return parameterCount(*buildNetwork(config).module);
}

} // namespace ddpm
