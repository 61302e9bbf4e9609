// TrainConfig: JSON form and validation (see train_config.h).
#include "ddpm/train_config.h"

#include <cmath>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "ddpm/error.h"
#include "ddpm/losses.h"
#include "ddpm/model_config.h"
#include "ddpm/parameterization.h"
#include "ddpm/schedule.h"
#include "ddpm/timestep_sampler.h"

namespace ddpm {

using nlohmann::json;

namespace {

/// Visits every field with its JSON key: one list for writing and reading.
template <class Config, class Visitor>
void visitFields(Config& c, Visitor&& v)
{
    v("data", c.data);
    v("model", c.model);
    v("preset", c.preset);
    v("image_size", c.imageSize);
    v("prediction", c.prediction);
    v("variance", c.variance);
    v("loss", c.loss);
    v("t_sampling", c.tSampling);
    v("schedule", c.schedule);
    v("diffusion_steps", c.diffusionSteps);
    v("zero_terminal_snr", c.zeroTerminalSnr);
    v("steps", c.steps);
    v("batch", c.batch);
    v("lr", c.lr);
    v("warmup", c.warmup);
    v("weight_decay", c.weightDecay);
    v("grad_clip", c.gradClip);
    v("ema_decay", c.emaDecay);
    v("flip", c.flip);
    v("seed", c.seed);
    v("threads", c.threads);
    v("device", c.device);
    v("precision", c.precision);
    v("checkpoint_every", c.checkpointEvery);
    v("keep", c.keep);
    v("sample_every", c.sampleEvery);
    v("sample_count", c.sampleCount);
    v("log_every", c.logEvery);
}

void checkRange(const char* what, double value, double lo, double hi, const char* unit = "")
{
    if (!(value >= lo && value <= hi))
        throw Error(std::string(what) + " " + json(value).dump() + " is outside " + json(lo).dump() + ".."
                    + json(hi).dump() + unit);
}

} // namespace

std::string TrainConfig::toJson() const
{
    json j;
    j["version"] = kTrainConfigVersion;
    visitFields(*this, [&](const char* key, const auto& value) { j[key] = value; });
    return j.dump(2) + "\n";
}

TrainConfig TrainConfig::fromJson(const std::string& text)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(std::string("the training config is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw Error("the training config must be a JSON object");
    if (!j.contains("version") || !j["version"].is_number_integer())
        throw Error("the training config has no integer \"version\"; this build reads version "
                    + std::to_string(kTrainConfigVersion));
    if (j["version"].get<int>() != kTrainConfigVersion)
        throw Error("the training config has version " + j["version"].dump() + "; this build reads version "
                    + std::to_string(kTrainConfigVersion));
    TrainConfig c;
    std::map<std::string, bool> known{{"version", true}};
    visitFields(c, [&](const char* key, auto& value) {
        known[key] = true;
        if (!j.contains(key)) return;
        try {
            value = j.at(key).get<std::decay_t<decltype(value)>>();
        } catch (const json::exception&) {
            throw Error(std::string("the training config's \"") + key + "\" has the wrong type ("
                        + j.at(key).type_name() + ")");
        }
    });
    for (const auto& item : j.items())
        if (!known.count(item.key()))
            throw Error("the training config has an unknown key \"" + item.key() + "\"");
    c.validate();
    return c;
}

void TrainConfig::validate() const
{
    if (data.empty()) throw Error("the training data spec is empty");
    if (!model.empty()) (void)parseModelKind(model);
    const Prediction pred = parsePrediction(prediction);
    if (zeroTerminalSnr && pred != Prediction::V)
        throw Error("a zero-terminal-SNR schedule needs the v prediction (eps and x0 are undefined at"
                    " alpha_bar_T = 0); use prediction v");
    const VarianceKind v = parseVarianceKind(variance);
    const LossKind l = parseLossKind(loss);
    Parameterization p;
    p.variance = v;
    checkLossFits(l, p);
    (void)parseTimestepSampling(tSampling);
    checkRange("image size", imageSize, 0, 1024);
    checkRange("diffusion steps T", diffusionSteps, 2, NoiseSchedule::kMaxSteps);
    checkRange("training steps", static_cast<double>(steps), 1, 1e9);
    checkRange("batch size", batch, 0, 65536);
    if (lr != 0) checkRange("learning rate", lr, 1e-8, 1.0);
    checkRange("warm-up steps", warmup, 0, 1e7);
    checkRange("weight decay", weightDecay, 0, 1.0);
    checkRange("gradient clip", gradClip, 0, 1e6);
    checkRange("EMA decay", emaDecay, 0, 1.0);
    checkRange("threads", threads, 0, 256);
    if (device != "auto" && device != "cpu" && device != "cuda")
        throw Error("device '" + device + "' is not one of auto, cpu, cuda");
    if (precision != "fp32" && precision != "bf16")
        throw Error("precision '" + precision + "' is not one of fp32, bf16");
    checkRange("checkpoint interval", static_cast<double>(checkpointEvery), 1, 1e9, " steps");
    checkRange("checkpoints kept", keep, 1, 1000);
    checkRange("sample interval", static_cast<double>(sampleEvery), 0, 1e9, " steps (0 = never)");
    checkRange("samples per grid", sampleCount, 1, 1024);
    checkRange("log interval", static_cast<double>(logEvery), 1, 1e9, " steps");
}

} // namespace ddpm
