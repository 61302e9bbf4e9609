// A training run's directory (the CLI contract in DESIGN.md):
//   config.json                      every setting of the run (TrainConfig::toJson)
//   metrics.csv                      step,loss,grad_norm,lr,items_per_s,loss_bucket_0..loss_bucket_9
//   checkpoints/step-NNNNNNNN.ckpt   the last K checkpoints
//   samples/step-NNNNNNNN.png        EMA sample grids (or scatters for 2-D data)
// Every file is written atomically or appended a whole row at a time.
#pragma once

#include <string>
#include <utility>

#include "ddpm/checkpoint.h"
#include "ddpm/image.h"
#include "ddpm/train_config.h"

namespace ddpm {

struct StepReport;
class Trainer;

class RunDirectory {
public:
    /// A new run in dir (created if missing). Refuses a directory that already holds a run
    /// (config.json or checkpoints), naming --resume. Writes config.json and the metrics header.
    static RunDirectory create(const std::string& dir, const TrainConfig& config);
    /// An existing run, for resuming; throws ddpm::Error when dir holds no run.
    static RunDirectory open(const std::string& dir);

    const std::string& path() const { return m_dir; }
    /// The newest checkpoint that verifies and its path; throws ddpm::Error (with the newest
    /// problem) when none does.
    std::pair<CheckpointFile, std::string> newestCheckpoint() const;

    void writeConfig(const TrainConfig& config) const;
    /// Appends one metrics.csv row.
    void appendMetrics(const StepReport& report) const;
    /// Drops rows after step (a resumed run repeats the steps after its checkpoint).
    void truncateMetrics(long long step) const;
    /// Writes the trainer's checkpoint atomically, then prunes to the newest keep; returns its path.
    std::string saveCheckpoint(const Trainer& trainer, int keep) const;
    /// samples/step-NNNNNNNN.png; returns its path.
    std::string saveSamples(long long step, const Image& image) const;

    static const char* metricsHeader();

private:
    explicit RunDirectory(std::string dir) : m_dir(std::move(dir)) {}
    std::string m_dir;
};

} // namespace ddpm
