// EMA sample previews of a training run (see training_preview.h).
#include "ddpm/training_preview.h"

#include <algorithm>
#include <string>
#include <vector>

#include "ddpm/rng.h"
#include "ddpm/sample_grid.h"
#include "ddpm/sampler.h"
#include "ddpm/trainer.h"

namespace ddpm {

std::uint64_t previewSeed(const TrainConfig& config, long long step)
{
    return config.seed + 7919u * static_cast<std::uint64_t>(step);
}

SamplingSpec previewSamplingSpec(const TrainConfig& config, const Parameterization& param, bool images)
{
    SamplingSpec spec;
    spec.clipDenoised = images;
    if (config.sampleSteps > 0) {
        spec.sampler = "ddim";
        spec.spacing = std::to_string(config.sampleSteps);
        spec.eta = 0.0;
    } else {
        spec.sampler = "ddpm";
        // The posterior variance beta~_t whatever fixed variance the net trained with; a learned
        // variance cannot be replaced, so the net's own is used.
        if (!param.learnsVariance())
            spec.variance = VarianceKind::Small;
    }
    return spec;
}

PreviewSamples samplePreview(Trainer& trainer, const std::atomic<bool>* stop, const ProgressFn& progress)
{
    const TrainConfig& config = trainer.config();
    const bool images = trainer.isImages();
    SamplingPlan plan(trainer.emaModel(), previewSamplingSpec(config, trainer.parameterization(), images), nullptr,
                      trainer.device());
    std::vector<std::int64_t> shape{images ? std::int64_t(config.sampleCount) : kPreviewPoints};
    for (std::int64_t d : trainer.itemShape())
        shape.push_back(d);

    PreviewSamples out;
    out.step = trainer.stepCount();
    out.chain = plan.describe();
    Rng rng(previewSeed(config, out.step));
    out.samples = plan.sampler().sample(shape, rng, progress, stop);
    if (images) {
        out.picture = sampleGrid(out.samples);
    } else {
        const at::Tensor& data = trainer.data().items;
        out.picture = scatterPlot(out.samples, data.narrow(0, 0, std::min<std::int64_t>(data.size(0), kPreviewDataPoints)));
    }
    return out;
}

} // namespace ddpm
