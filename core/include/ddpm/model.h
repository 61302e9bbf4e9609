// What the reverse process needs of a network: a prediction from (x_t, t).
#pragma once

#include <memory>
#include <string>

#include <ATen/core/Tensor.h>

namespace ddpm {

/// What a model's output means. The paper's choice is epsilon; x_0 and v come later.
enum class Prediction { Epsilon };

class DenoiseModel {
public:
    virtual ~DenoiseModel() = default;
    /// x_t: [B, ...] float32; t: [B] int64 in 1..T. Returns a tensor shaped like x_t.
    virtual at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) = 0;
    virtual Prediction prediction() const { return Prediction::Epsilon; }
    /// Shown in the GUI and in reports, e.g. "zero (predicts no noise)".
    virtual std::string name() const = 0;
};

/// The baseline that knows nothing: eps_theta = 0 for every input.
class ZeroNoiseModel final : public DenoiseModel {
public:
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override;
    std::string name() const override;
};

/// Builds a model from the CLI/GUI spec: "zero" now; a checkpoint path once training exists
/// (until then such a spec throws ddpm::Error saying so).
std::unique_ptr<DenoiseModel> makeModel(const std::string& spec);

} // namespace ddpm
