// TrainConfig: JSON form and validation (see train_config.h).
#include "ddpm/train_config.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "ddpm/error.h"
#include "ddpm/losses.h"
#include "ddpm/model_config.h"
#include "ddpm/parameterization.h"
#include "ddpm/schedule.h"
#include "ddpm/timestep_sampler.h"
#include "json_limits.h"

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
    v("sample_steps", c.sampleSteps);
    v("log_every", c.logEvery);
}

/// A number as a person writes it: 5, 65536, 1000000000, 0.9999, 1e-08.
std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

void checkRange(const char* what, double value, double lo, double hi, const char* unit = "")
{
    if (!(value >= lo && value <= hi))
        throw Error(std::string(what) + " " + number(value) + " is outside " + number(lo) + ".." + number(hi) + unit);
}

/// Runs every check of a config's values in turn as check(key, test): test throws ddpm::Error
/// naming the bad value and what is allowed; key is the JSON key of the field it is about.
template <class Check>
void checkFields(const TrainConfig& c, Check&& check)
{
    check("data", [&] {
        if (c.data.empty()) throw Error("the training data spec is empty");
    });
    check("model", [&] {
        if (!c.model.empty()) (void)parseModelKind(c.model);
    });
    check("prediction", [&] { (void)parsePrediction(c.prediction); });
    check("zero_terminal_snr", [&] {
        if (c.zeroTerminalSnr && parsePrediction(c.prediction) != Prediction::V)
            throw Error("a zero-terminal-SNR schedule needs the v prediction (eps and x0 are undefined at"
                        " alpha_bar_T = 0); use prediction v");
    });
    check("variance", [&] { (void)parseVarianceKind(c.variance); });
    check("loss", [&] {
        Parameterization p;
        p.variance = parseVarianceKind(c.variance);
        checkLossFits(parseLossKind(c.loss), p);
    });
    check("t_sampling", [&] { (void)parseTimestepSampling(c.tSampling); });
    check("image_size", [&] { checkRange("image size", c.imageSize, 0, 1024); });
    check("diffusion_steps", [&] { checkRange("diffusion steps T", c.diffusionSteps, 2, NoiseSchedule::kMaxSteps); });
    check("steps", [&] { checkRange("training steps", static_cast<double>(c.steps), 1, 1e9); });
    check("batch", [&] { checkRange("batch size", c.batch, 0, 65536, " (0 picks from the data)"); });
    check("lr", [&] {
        if (c.lr != 0) checkRange("learning rate", c.lr, 1e-8, 1.0, " (0 picks from the data)");
    });
    check("warmup", [&] { checkRange("warm-up steps", c.warmup, 0, 1e7); });
    check("weight_decay", [&] { checkRange("weight decay", c.weightDecay, 0, 1.0); });
    check("grad_clip", [&] { checkRange("gradient clip", c.gradClip, 0, 1e6, " (0 = off)"); });
    check("ema_decay", [&] { checkRange("EMA decay", c.emaDecay, 0, 1.0); });
    check("threads", [&] { checkRange("threads", c.threads, 0, 256, " (0 = probe)"); });
    check("device", [&] {
        if (c.device != "auto" && c.device != "cpu" && c.device != "cuda")
            throw Error("device '" + c.device + "' is not one of auto, cpu, cuda");
    });
    check("precision", [&] {
        if (c.precision != "fp32" && c.precision != "bf16")
            throw Error("precision '" + c.precision + "' is not one of fp32, bf16");
    });
    check("checkpoint_every", [&] {
        checkRange("checkpoint interval", static_cast<double>(c.checkpointEvery), 1, 1e9, " steps");
    });
    check("keep", [&] { checkRange("checkpoints kept", c.keep, 1, 1000); });
    check("sample_every", [&] {
        checkRange("sample interval", static_cast<double>(c.sampleEvery), 0, 1e9, " steps (0 = never)");
    });
    check("sample_count", [&] { checkRange("samples per grid", c.sampleCount, 1, 1024); });
    check("sample_steps", [&] {
        checkRange("sample steps", c.sampleSteps, 0, c.diffusionSteps,
                   " (the previews' DDIM steps, at most the diffusion's T; 0 = DDPM on all T steps)");
    });
    check("log_every", [&] { checkRange("log interval", static_cast<double>(c.logEvery), 1, 1e9, " steps"); });
}

/// A JSON value as a message shows it: the string "abc", 2.5, true, an array, an object.
std::string shown(const json& value)
{
    if (value.is_string()) {
        std::string text = value.dump();
        if (text.size() > 60) text = text.substr(0, 56) + "...\"";
        return "the string " + text;
    }
    if (value.is_array()) return "an array";
    if (value.is_object()) return "an object";
    return value.dump();
}

std::string quoted(const char* key)
{
    return std::string("\"") + key + "\"";
}

// One reader per field type: each takes exactly what its field can hold, or throws naming
// the key, the value and what the field takes.

void readValue(const char* key, const json& j, std::string& value)
{
    if (!j.is_string()) throw Error(quoted(key) + " must be a string, not " + shown(j));
    value = j.get<std::string>();
}

void readValue(const char* key, const json& j, bool& value)
{
    if (!j.is_boolean()) throw Error(quoted(key) + " must be true or false, not " + shown(j));
    value = j.get<bool>();
}

void readValue(const char* key, const json& j, double& value)
{
    if (!j.is_number()) throw Error(quoted(key) + " must be a number, not " + shown(j));
    value = j.get<double>();
}

/// Whole numbers: JSON integers, or numbers written with a fraction or exponent that are
/// whole (1e5, 3.0), within the field's type.
template <class Int>
void readValue(const char* key, const json& j, Int& value)
{
    using Limits = std::numeric_limits<Int>;
    const std::string range = std::to_string(Limits::min()) + ".." + std::to_string(Limits::max());
    const auto outOfRange = [&] { return Error(quoted(key) + " " + j.dump() + " is outside " + range); };
    if (j.is_number_unsigned()) {
        const auto v = j.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(Limits::max())) throw outOfRange();
        value = static_cast<Int>(v);
    } else if (j.is_number_integer()) {
        const auto v = j.get<std::int64_t>();
        if (v < 0 && !Limits::is_signed) throw outOfRange();
        const bool fits = !Limits::is_signed || (v >= static_cast<std::int64_t>(Limits::min())
                                                 && v <= static_cast<std::int64_t>(Limits::max()));
        if (!fits) throw outOfRange();
        value = static_cast<Int>(v);
    } else if (j.is_number_float() && std::isfinite(j.get<double>())
               && std::floor(j.get<double>()) == j.get<double>()) {
        const double v = j.get<double>();
        // 2^63 and 2^64 are exactly representable, so these bounds are exact.
        if (v < static_cast<double>(Limits::min()) || v >= std::ldexp(1.0, Limits::digits)) throw outOfRange();
        value = static_cast<Int>(v);
    } else {
        throw Error(quoted(key) + " must be a whole number, not " + shown(j));
    }
}

} // namespace

std::string TrainConfig::toJson() const
{
    json j;
    j["version"] = kTrainConfigVersion;
    visitFields(*this, [&](const char* key, const auto& value) { j[key] = value; });
    return j.dump(2) + "\n";
}

TrainConfig TrainConfig::fromJson(const std::string& text, const std::string& what)
{
    requireJsonDepth(text, what);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        std::string reason = e.what();
        const auto bracket = reason.find("] ");  // drop nlohmann's "[json.exception.parse_error.101] "
        if (bracket != std::string::npos) reason = reason.substr(bracket + 2);
        throw Error(what + " is not valid JSON: " + reason);
    }
    if (!j.is_object()) throw Error(what + " must be a JSON object {...}, not " + shown(j));
    const std::string version = "this build reads version " + std::to_string(kTrainConfigVersion);
    if (!j.contains("version"))
        throw Error(what + " has no \"version\"; add \"version\": " + std::to_string(kTrainConfigVersion) + " ("
                    + version + ")");
    if (!j["version"].is_number_integer())
        throw Error(what + ": \"version\" must be a whole number, not " + shown(j["version"]) + "; " + version);
    if (j["version"] != kTrainConfigVersion)
        throw Error(what + " has version " + j["version"].dump() + "; " + version);
    TrainConfig c;
    std::string keys = "version";
    visitFields(c, [&](const char* key, auto&) { keys += std::string(", ") + key; });
    for (const auto& item : j.items()) {
        bool known = item.key() == "version";
        visitFields(c, [&](const char* key, auto&) { known = known || item.key() == key; });
        if (!known)
            throw Error(what + " has an unknown key \"" + item.key() + "\"; the keys are " + keys);
    }
    visitFields(c, [&](const char* key, auto& value) {
        if (!j.contains(key)) return;
        try {
            readValue(key, j.at(key), value);
        } catch (const Error& e) {
            throw Error(what + ": " + e.what());
        }
    });
    checkFields(c, [&](const char* key, auto&& test) {
        try {
            test();
        } catch (const Error& e) {
            throw Error(what + ": " + quoted(key) + ": " + e.what());
        }
    });
    return c;
}

void TrainConfig::validate() const
{
    checkFields(*this, [](const char*, auto&& test) { test(); });
}

} // namespace ddpm
