// A torch::nn network (UNet, MLP) built from a ModelConfig and seen as a ddpm::DenoiseModel,
// so the bound, the samplers and the trainer use it like the zero baseline.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>

#include "ddpm/model.h"
#include "ddpm/model_config.h"
#include "ddpm/schedule.h"

namespace torch::nn {
class Module;
}

namespace ddpm {

/// A built network: the module (for parameters, modes and checkpoints) and its forward.
struct Network {
    using ForwardFn = std::function<at::Tensor(const at::Tensor& xt, const at::Tensor& t)>;
    std::shared_ptr<torch::nn::Module> module;
    ForwardFn forward;
    ModelConfig config;   ///< what buildNetwork built (default for a net wrapped by hand)
    bool built = false;   ///< true when config describes the net (buildNetwork)
};

/// Builds the net of a validated config on the CPU, parameters from torch's global generator
/// (seed it first for a reproducible net).
Network buildNetwork(const ModelConfig& config);

/// Holds a network (shared, so a trainer can keep training the same parameters), what its
/// output means and, for a trained one, its schedule. predict runs it without autograd and in
/// eval mode (dropout off), then puts the module back in the mode it found it in.
class NetworkModel final : public DenoiseModel {
public:
    NetworkModel(Network network, Parameterization param, std::string name,
                 std::optional<NoiseSchedule> schedule = std::nullopt);

    /// x_t: [B, ...] (any float dtype; the net sees float32 on its parameters' device);
    /// t: [B] int64 in 1..T. Returns the raw output in x_t's dtype and device.
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override;
    Parameterization parameterization() const override { return m_param; }
    const NoiseSchedule* schedule() const override { return m_schedule ? &*m_schedule : nullptr; }
    std::string name() const override { return m_name; }
    /// From the config ({C, S, S} or {D}); empty for a net wrapped by hand.
    std::vector<std::int64_t> itemShape() const override;

    torch::nn::Module& module() { return *m_network.module; }
    /// The architecture (for the item shape a sampler draws).
    const ModelConfig& config() const { return m_network.config; }
    /// The forward with autograd, in the module's current mode (the trainer's call).
    at::Tensor forward(const at::Tensor& xt, const at::Tensor& t) { return m_network.forward(xt, t); }

private:
    Network m_network;
    Parameterization m_param;
    std::string m_name;
    std::optional<NoiseSchedule> m_schedule;
};

/// Wraps a TORCH_MODULE holder whose Impl has forward(x, t), e.g.
/// makeNetworkModel(UNet(config), "UNet (untrained)"). The model shares net's parameters.
template <class Holder>
std::unique_ptr<NetworkModel> makeNetworkModel(const Holder& net, std::string name, Parameterization param = {})
{
    auto impl = net.ptr();
    Network n{impl, [impl](const at::Tensor& x, const at::Tensor& t) { return impl->forward(x, t); }, {}};
    return std::make_unique<NetworkModel>(std::move(n), param, std::move(name));
}

/// Number of scalar parameters (trainable or not) of a module and all its children.
std::int64_t parameterCount(const torch::nn::Module& module);

} // namespace ddpm
