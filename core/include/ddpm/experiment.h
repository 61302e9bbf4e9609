// Experiment files: the settings of a training run as a small JSON file, what
// `ddpm train --config FILE` reads and the functions the Training page's Save and Open are
// meant to call. A run directory's config.json is one, so a finished run's settings start a
// new run as they are.
//
// The file is TrainConfig's JSON (train_config.h): "version" (kTrainConfigVersion) is
// required; every other key is optional and a key left out takes TrainConfig's default, so
// a hand-written experiment names only what it sets:
//   {"version": 1, "data": "toy:moons", "model": "mlp", "steps": 3000, "lr": 0.002}
// The run directory is not part of an experiment (`ddpm train --out DIR` names it).
#pragma once

#include <cstdint>
#include <string>

#include "ddpm/train_config.h"

namespace ddpm {

/// Largest experiment file read (a full config.json is about 1 KB).
constexpr std::int64_t kMaxExperimentBytes = std::int64_t(1) << 20;

/// Parses an experiment's text; name is the file as messages show it. Besides what
/// TrainConfig::fromJson refuses, checks the names a file can get wrong before any data is
/// loaded: the data spec's form (not whether its files exist), the schedule (a custom:FILE is
/// read), and the preset for the model kind (from the data when "model" is left out).
/// Throws ddpm::Error "experiment file '<name>': ..." naming the key, the value and what is
/// allowed, e.g. experiment file 'moons.json': "lr": learning rate 5 is outside 1e-08..1.
TrainConfig parseExperiment(const std::string& text, const std::string& name);

/// Reads and parses the experiment file at path (a regular file of at most
/// kMaxExperimentBytes); throws ddpm::Error naming the file (missing, unreadable, not a
/// file, or as parseExperiment).
TrainConfig readExperiment(const std::string& path);

/// Validates config and writes its JSON (every key) to path atomically; throws ddpm::Error
/// naming the bad value or the path.
void writeExperiment(const std::string& path, const TrainConfig& config);

} // namespace ddpm
