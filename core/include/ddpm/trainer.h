// Trainer: one training run of a diffusion model, step by step. Qt-free; the CLI and the GUI's
// worker own the loop (pause, single step and stop happen between steps) and get a plain
// report from every step.
//
// A step: a batch of x_0 from the in-memory data in a seeded epoch order (random horizontal
// flips optionally), t from the timestep sampler, noise from the run's Rng, x_t by Eq. 4, the
// loss (losses.h) weighted by the sampler's importance weights, backward, the gradient's
// global norm clipped, AdamW with a linear LR warm-up, then the EMA of the weights updated
// with decay min(emaDecay, (1 + n) / (10 + n)) after n updates. Every random draw comes from
// state a checkpoint stores, so resuming is exact (bitwise on the CPU at a fixed thread count).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "ddpm/checkpoint.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/losses.h"
#include "ddpm/model_config.h"
#include "ddpm/network_model.h"
#include "ddpm/rng.h"
#include "ddpm/timestep_sampler.h"
#include "ddpm/train_config.h"

namespace ddpm {

class FlatAdamW;

/// What one step did. bucketLoss[k] is the mean loss of the batch's items whose t fell in the
/// k-th of ten equal-width buckets of 1..T (NaN where none fell).
struct StepReport {
    long long step = 0;          ///< steps done after this one (1 for the first)
    double loss = 0;             ///< the batch's loss (importance-weighted mean)
    double gradNorm = 0;         ///< the gradient's global norm before clipping
    double lr = 0;               ///< the learning rate this step used
    double itemsPerSecond = 0;   ///< images or points per second of this step
    double seconds = 0;          ///< wall time of this step
    std::array<double, 10> bucketLoss{};
};

/// Thrown when a step's loss or gradient is not finite; the update is not applied and the
/// trainer refuses further steps and checkpoints (the last good checkpoint stands).
class TrainingDiverged : public Error {
public:
    using Error::Error;
};

/// The data a run trains on and its fingerprint (count, shape and a CRC-32 of the values).
struct TrainingData {
    at::Tensor items;           ///< float32 [N, C, H, W] in [-1, 1] or [N, D] points, CPU
    std::string fingerprint;    ///< e.g. "60000x1x28x28 crc32 1a2b3c4d"
};

/// Loads config.data with the config's image size (toy sets: 10,000 points drawn with the
/// config's seed) and fingerprints it. Throws ddpm::Error for bad specs or files.
TrainingData loadTrainingData(const TrainConfig& config);

class Trainer {
public:
    /// A fresh run: validates config against the data (e.g. a UNet needs images), builds the
    /// net from torch's generator seeded with config.seed, and places everything on the device
    /// config.device picks. Throws ddpm::Error for any setting that does not fit.
    Trainer(const TrainConfig& config, TrainingData data);
    /// Resumes the run a checkpoint holds, on data that must have its fingerprint. device
    /// overrides the stored device choice when not empty.
    Trainer(const CheckpointFile& checkpoint, TrainingData data, const std::string& device = {});
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    /// One training step. Throws TrainingDiverged (see above) or ddpm::Error.
    StepReport step();

    /// The run's state as a checkpoint file (model, EMA, optimizer, step, every random state,
    /// data order, schedule, parameterisation, configs, data fingerprint).
    CheckpointFile checkpoint() const;

    long long stepCount() const { return m_step; }
    const TrainConfig& config() const { return m_config; }
    /// Total steps the run aims for (config.steps); resuming may raise it.
    void setTotalSteps(long long steps);
    /// How the EMA previews sample (config.sampleSteps: 0 = DDPM on all T steps, K = DDIM on
    /// K); the previews leave the training state alone, so resuming may change it. Throws
    /// ddpm::Error outside 0..T.
    void setSampleSteps(int steps);
    const ModelConfig& modelConfig() const { return m_modelConfig; }
    const Parameterization& parameterization() const { return m_param; }
    const Diffusion& diffusion() const { return m_diffusion; }
    c10::Device device() const { return m_device; }
    bool isImages() const { return m_data.items.dim() == 4; }
    /// [C, H, W] or [D]: one item's shape.
    std::vector<std::int64_t> itemShape() const;
    const TrainingData& data() const { return m_data; }
    std::int64_t parameterCount() const;

    /// The trained weights and their EMA as models (they share the trainer's parameters:
    /// use them between steps, never during one).
    NetworkModel& model() { return *m_model; }
    NetworkModel& emaModel() { return *m_ema; }

private:
    Trainer(const TrainConfig& config, TrainingData data, const std::string& device, const CheckpointFile* resume);
    void restore(const CheckpointFile& checkpoint);
    at::Tensor nextBatch();

    TrainConfig m_config;
    TrainingData m_data;
    ModelConfig m_modelConfig;
    Parameterization m_param;
    LossKind m_loss = LossKind::Simple;
    std::vector<double> m_sourceBetas;   // the schedule's betas before any zero-terminal-SNR rescale
    c10::Device m_device{c10::kCPU};
    Diffusion m_diffusion;
    at::Tensor m_items;                  // the data on m_device
    std::unique_ptr<NetworkModel> m_model;
    std::unique_ptr<NetworkModel> m_ema;
    std::unique_ptr<FlatAdamW> m_optimizer;
    at::Tensor m_emaParams;              // flat view of the EMA net's parameters
    std::unique_ptr<TimestepSampler> m_sampler;
    Rng m_rng;
    long long m_step = 0;
    long long m_epoch = 0;
    long long m_position = 0;            // items of epoch m_epoch already used
    at::Tensor m_order;                  // permutation of epoch m_epoch
    bool m_diverged = false;
};

} // namespace ddpm
