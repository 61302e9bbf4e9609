// A torch::nn network (UNet, MLP, ...) seen as a ddpm::DenoiseModel, so the bound and the
// samplers can use it like the zero baseline.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <ATen/core/Tensor.h>

#include "ddpm/model.h"

namespace torch::nn {
class Module;
}

namespace ddpm {

/// Holds a network (shared, so a trainer can keep training the same parameters) and its
/// forward(x_t, t). predict runs it without autograd and in eval mode (dropout off), then
/// puts the module back in the mode it found it in.
class NetworkModel final : public DenoiseModel {
public:
    using ForwardFn = std::function<at::Tensor(const at::Tensor& xt, const at::Tensor& t)>;

    /// module: the network whose mode predict switches; forward: calls it. name: for reports.
    NetworkModel(std::shared_ptr<torch::nn::Module> module, ForwardFn forward, std::string name);

    /// x_t: [B, ...] (any float dtype; the net sees float32 on its parameters' device);
    /// t: [B] int64 in 1..T. Returns eps_theta with x_t's shape, dtype and device.
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override;
    std::string name() const override { return m_name; }

    torch::nn::Module& module() { return *m_module; }

private:
    std::shared_ptr<torch::nn::Module> m_module;
    ForwardFn m_forward;
    std::string m_name;
};

/// Wraps a TORCH_MODULE holder whose Impl has forward(x, t), e.g.
/// makeNetworkModel(UNet(config), "UNet (untrained)"). The model shares net's parameters.
template <class Holder>
std::unique_ptr<NetworkModel> makeNetworkModel(const Holder& net, std::string name)
{
    auto impl = net.ptr();
    NetworkModel::ForwardFn forward = [impl](const at::Tensor& x, const at::Tensor& t) {
        return impl->forward(x, t);
    };
    return std::make_unique<NetworkModel>(impl, std::move(forward), std::move(name));
}

/// Number of scalar parameters (trainable or not) of a module and all its children.
std::int64_t parameterCount(const torch::nn::Module& module);

} // namespace ddpm
