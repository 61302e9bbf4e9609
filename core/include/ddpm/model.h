// What the reverse process needs of a network: its raw output at (x_t, t), what that output
// means (its Parameterization), and, for a trained model, the schedule it was trained on.
#pragma once

#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ddpm/parameterization.h"

namespace ddpm {

class NoiseSchedule;

class DenoiseModel {
public:
    virtual ~DenoiseModel() = default;
    /// x_t: [B, C, ...] float32; t: [B] int64 in 1..T. Returns the net's raw output,
    /// [B, parameterization().outputChannels(C), ...]; read it with Diffusion::interpret.
    virtual at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) = 0;
    virtual Parameterization parameterization() const = 0;
    /// The schedule the model was trained with, or null for a model that has none (zero).
    virtual const NoiseSchedule* schedule() const { return nullptr; }
    /// Shown in the GUI and in reports, e.g. "zero (predicts no noise)".
    virtual std::string name() const = 0;
    /// The shape of one item it denoises ({1, 28, 28}, {2}), or empty when any shape goes (zero).
    virtual std::vector<std::int64_t> itemShape() const { return {}; }
};

/// The baseline that knows nothing: eps_theta = 0 for every input, with a fixed variance.
class ZeroNoiseModel final : public DenoiseModel {
public:
    explicit ZeroNoiseModel(VarianceKind variance = VarianceKind::Small);
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override;
    Parameterization parameterization() const override { return m_param; }
    std::string name() const override;

private:
    Parameterization m_param;
};

class NetworkModel;

/// A trained network opened from a checkpoint, with the file it came from. Include
/// network_model.h to use (or destroy) it.
struct TrainedModel {
    std::unique_ptr<NetworkModel> model;
    std::string checkpointPath;   ///< the checkpoint file read
    std::string metadataJson;     ///< its metadata object (step, train settings, data, ...; checkpoint.h)
    bool raw = false;             ///< true: the trained weights; false: their EMA
};

/// Opens a checkpoint file, or a run directory's newest checkpoint that verifies, with its EMA
/// weights unless raw; what makeModel does for those specs. Throws ddpm::Error naming what is
/// wrong with the path or the file.
TrainedModel openTrainedModel(const std::string& path, bool raw = false);

/// Builds a model from the CLI/GUI spec: "zero", a checkpoint file, a run directory (its
/// newest checkpoint that verifies) or "oracle:DATA" (oracle_model.h) on oracleSchedule
/// (default: linear, T = 1000). A checkpoint's EMA weights are used unless raw.
/// Throws ddpm::Error naming what is wrong with the spec or the file.
std::unique_ptr<DenoiseModel> makeModel(const std::string& spec, bool raw = false,
                                        const NoiseSchedule* oracleSchedule = nullptr);

} // namespace ddpm
