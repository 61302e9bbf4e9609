// Experiment files (see experiment.h).
#include "ddpm/experiment.h"

#include <algorithm>
#include <functional>

#include "ddpm/atomic_file.h"
#include "ddpm/dataset.h"
#include "ddpm/error.h"
#include "ddpm/model_config.h"
#include "ddpm/regular_file.h"
#include "ddpm/schedule.h"

namespace ddpm {

namespace {

/// Throws test's ddpm::Error as "<what>: "<key>": <message>".
void checkKey(const std::string& what, const char* key, const std::function<void()>& test)
{
    try {
        test();
    } catch (const Error& e) {
        throw Error(what + ": \"" + key + "\": " + e.what());
    }
}

} // namespace

TrainConfig parseExperiment(const std::string& text, const std::string& name)
{
    const std::string what = "experiment file '" + name + "'";
    const TrainConfig c = TrainConfig::fromJson(text, what);
    DataSpec data;
    checkKey(what, "data", [&] { data = DataSpec::parse(c.data); });
    checkKey(what, "schedule", [&] { (void)NoiseSchedule::fromName(c.schedule, c.diffusionSteps, c.zeroTerminalSnr); });
    checkKey(what, "preset", [&] {
        if (c.preset.empty()) return;
        const ModelConfig::Kind kind = !c.model.empty() ? parseModelKind(c.model)
                                       : data.isImages() ? ModelConfig::Kind::UNet
                                                         : ModelConfig::Kind::MLP;
        const std::vector<std::string>& presets = modelPresets(kind);
        if (std::find(presets.begin(), presets.end(), c.preset) != presets.end()) return;
        std::string list;
        for (std::size_t i = 0; i < presets.size(); ++i)
            list += (i == 0 ? "" : i + 1 == presets.size() ? " or " : ", ") + presets[i];
        throw Error("unknown " + std::string(kind == ModelConfig::Kind::UNet ? "UNet" : "MLP") + " preset '" + c.preset
                    + "'; use " + list);
    });
    return c;
}

TrainConfig readExperiment(const std::string& path)
{
    return parseExperiment(readRegularFile(path, kMaxExperimentBytes, "experiment file"), path);
}

void writeExperiment(const std::string& path, const TrainConfig& config)
{
    config.validate();
    writeFileAtomic(path, config.toJson());
}

} // namespace ddpm
