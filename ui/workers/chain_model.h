// What SamplingSettings name, built for the workers that sample (SamplingWorker, DemoWorker):
// the model (with the oracle's schedule as the fallback diffusion), core's SamplingSpec for
// it, and the data spec the model stands for (the oracle's data, or a checkpoint's
// metadata "data.spec"). Torch-free header; the workers' .cpp files include core's.
#pragma once

#include <memory>
#include <string>

#include "jobs/sampling_job.h"

namespace ddpm {
class DenoiseModel;
class NoiseSchedule;
struct SamplingSpec;
} // namespace ddpm

namespace ddpm::ui {

/// makeModel(settings.modelSpec) with fallback as the schedule of a model that brings none;
/// throws ddpm::Error for a model that does not say what it makes (no item shape).
std::unique_ptr<ddpm::DenoiseModel> makeChainModel(const SamplingSettings& settings, const ddpm::NoiseSchedule& fallback);

/// The sampler, spacing, eta, variance (ignored for a model that learned it) and clipping.
ddpm::SamplingSpec chainSamplingSpec(const SamplingSettings& settings, const ddpm::DenoiseModel& model);

/// The data spec of the model: an oracle's own, a checkpoint's (or a run folder's newest
/// checkpoint's) "data.spec"; empty when it does not say.
std::string modelDataSpec(const SamplingSettings& settings);

} // namespace ddpm::ui
