// A sampler with its respaced diffusion (see sampling_plan.h).
#include "ddpm/sampling_plan.h"

#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/model.h"
#include "ddpm/respacing.h"
#include "ddpm/sampler.h"
#include "ddpm/schedule.h"

namespace ddpm {

void checkSamplerName(const std::string& name)
{
    if (name != "ddpm" && name != "ddim")
        throw Error("sampler '" + name + "' is not one of ddpm, ddim");
}

SamplingPlan::SamplingPlan(DenoiseModel& model, const SamplingSpec& spec, const NoiseSchedule* schedule,
                           c10::Device device)
{
    checkSamplerName(spec.sampler);
    const NoiseSchedule* own = model.schedule();
    if (own == nullptr && schedule == nullptr)
        throw Error("the model " + model.name() + " has no schedule of its own; choose one to sample with");
    m_original = std::make_unique<NoiseSchedule>(own != nullptr ? *own : *schedule);
    const Parameterization param = model.parameterization();
    if (spec.variance && param.learnsVariance())
        throw Error(std::string("the model learned its variance (") + varianceKindName(param.variance)
                    + "); it cannot be replaced by a fixed one");
    if (spec.variance && (*spec.variance == VarianceKind::Learned || *spec.variance == VarianceKind::LearnedRange))
        throw Error("a sampling variance must be small or large");
    if (spec.sampler == "ddpm" && spec.eta != 0.0)
        throw Error("eta is DDIM's; DDPM's noise is set by the variance (small or large)");
    if (spec.sampler == "ddim" && spec.variance)
        throw Error("DDIM's noise is set by eta, not by a variance");

    m_timesteps = spacedTimesteps(m_original->steps(), spec.spacing);
    DenoiseModel* chainModel = &model;
    if (static_cast<int>(m_timesteps.size()) != m_original->steps()) {
        m_respaced = std::make_unique<RespacedModel>(model, *m_original, m_timesteps);
        chainModel = m_respaced.get();
    }
    m_diffusion = std::make_unique<Diffusion>(m_respaced ? *m_respaced->schedule() : *m_original, device);
    if (spec.sampler == "ddim") {
        m_sampler = std::make_unique<DdimSampler>(*m_diffusion, *chainModel, spec.eta, spec.clipDenoised);
    } else {
        SamplerOptions options;
        options.variance = spec.variance ? *spec.variance : param.variance;
        options.clipDenoised = spec.clipDenoised;
        m_sampler = std::make_unique<DdpmSampler>(*m_diffusion, *chainModel, options);
    }
}

SamplingPlan::~SamplingPlan() = default;

int SamplingPlan::steps() const
{
    return m_diffusion->steps();
}

const NoiseSchedule& SamplingPlan::originalSchedule() const
{
    return *m_original;
}

std::string SamplingPlan::describe() const
{
    return m_sampler->describe() + " on " + std::to_string(steps()) + " of " + std::to_string(m_original->steps()) + " steps";
}

} // namespace ddpm
