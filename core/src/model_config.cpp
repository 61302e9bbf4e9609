// Model configs: presets and their JSON form (see model_config.h).
#include "ddpm/model_config.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "ddpm/error.h"
#include "json_limits.h"

namespace ddpm {

using nlohmann::json;

namespace {

/// Image size at downsampling rate `rate`, or 0 when the net never reaches it.
int sizeAtRate(int imageSize, int levels, int rate)
{
    int size = imageSize;
    for (int level = 0, r = 1; level < levels; ++level, r *= 2) {
        if (r == rate) return size;
        size /= 2;
    }
    return 0;
}

UNetConfig unetPreset(const std::string& preset, int channels, int imageSize, int outChannels)
{
    UNetConfig c;
    std::vector<int> rates;
    if (preset == "tiny") {
        c.baseChannels = 32;
        c.channelMults = {1, 2, 2};
        c.numResBlocks = 1;
        rates = {4};
        c.dropout = 0.0;
    } else if (preset == "small") {
        c.baseChannels = 64;
        c.channelMults = {1, 2, 2};
        c.numResBlocks = 2;
        rates = {2, 4};
        c.dropout = 0.1;
    } else if (preset == "cifar10") {
        c.baseChannels = 128;
        c.channelMults = {1, 2, 2, 2};
        c.numResBlocks = 2;
        rates = {2};
        c.dropout = 0.1;
    } else {
        throw Error("unknown UNet preset '" + preset + "'; use tiny, small or cifar10");
    }
    c.groups = 32;
    c.attentionHeads = 1;
    c.inChannels = channels;
    c.outChannels = outChannels;
    c.imageSize = imageSize;
    const int factor = 1 << (c.levels() - 1);
    if (imageSize < factor || imageSize % factor != 0)
        throw Error("UNet preset " + preset + " needs square images whose size is a multiple of "
                    + std::to_string(factor) + ", got " + std::to_string(imageSize) + " x "
                    + std::to_string(imageSize) + "; resize the data (e.g. 28 or 32)");
    c.attentionResolutions.clear();
    for (int rate : rates)
        if (const int size = sizeAtRate(imageSize, c.levels(), rate); size > 0)
            c.attentionResolutions.push_back(size);
    c.validate();
    return c;
}

MLPConfig mlpPreset(const std::string& preset, int dims, int outDims)
{
    MLPConfig c;
    if (preset == "tiny") {
        c.hidden = 128;
        c.depth = 3;
        c.timeEmbeddingDim = 32;
        c.concatTime = true;
    } else if (preset == "base") {
        c.hidden = 128;
        c.depth = 3;
        c.timeEmbeddingDim = 64;
        c.concatTime = false;
    } else {
        throw Error("unknown MLP preset '" + preset + "'; use tiny or base");
    }
    c.dims = dims;
    c.outDims = outDims;
    c.validate();
    return c;
}

template <class T>
T field(const json& j, const char* key)
{
    if (!j.contains(key))
        throw Error(std::string("model config has no '") + key + "'");
    const json& value = j.at(key);
    const std::string name = std::string("field '") + key + "'";
    constexpr long long lo = std::numeric_limits<int>::min(), hi = std::numeric_limits<int>::max();
    // Whole numbers are checked before they are cast: get<int>() of 1e300 is undefined.
    if constexpr (std::is_same_v<T, int>) {
        return static_cast<int>(wholeNumber(value, lo, hi, "model config", name));
    } else if constexpr (std::is_same_v<T, std::vector<int>>) {
        if (!value.is_array())
            throw Error("model config " + name + " must be a list of whole numbers");
        std::vector<int> list;
        for (const json& item : value)
            list.push_back(static_cast<int>(wholeNumber(item, lo, hi, "model config", name)));
        return list;
    } else {
        try {
            return value.get<T>();
        } catch (const json::exception&) {
            throw Error("model config " + name + " has the wrong type");
        }
    }
}

} // namespace

ModelConfig::Kind parseModelKind(const std::string& text)
{
    if (text == "unet") return ModelConfig::Kind::UNet;
    if (text == "mlp") return ModelConfig::Kind::MLP;
    throw Error("unknown model '" + text + "'; use unet (images) or mlp (2-D points)");
}

const std::vector<std::string>& modelPresets(ModelConfig::Kind kind)
{
    static const std::vector<std::string> unet{"tiny", "small", "cifar10"};
    static const std::vector<std::string> mlp{"base", "tiny"};
    return kind == ModelConfig::Kind::UNet ? unet : mlp;
}

std::string defaultPreset(ModelConfig::Kind kind)
{
    return modelPresets(kind).front();
}

ModelConfig modelPreset(ModelConfig::Kind kind, const std::string& preset, int channels, int imageSize,
                        int outChannels)
{
    ModelConfig c;
    c.kind = kind;
    c.preset = preset;
    if (kind == ModelConfig::Kind::UNet)
        c.unet = unetPreset(preset, channels, imageSize, outChannels);
    else
        c.mlp = mlpPreset(preset, channels, outChannels);
    return c;
}

void ModelConfig::validate() const
{
    if (kind == Kind::UNet)
        unet.validate();
    else
        mlp.validate();
}

std::string ModelConfig::toJson() const
{
    json j;
    j["kind"] = kindName();
    j["preset"] = preset;
    if (kind == Kind::UNet) {
        j["in_channels"] = unet.inChannels;
        j["out_channels"] = unet.outputChannels();
        j["image_size"] = unet.imageSize;
        j["base_channels"] = unet.baseChannels;
        j["channel_mults"] = unet.channelMults;
        j["num_res_blocks"] = unet.numResBlocks;
        j["attention_resolutions"] = unet.attentionResolutions;
        j["attention_heads"] = unet.attentionHeads;
        j["dropout"] = unet.dropout;
        j["groups"] = unet.groups;
    } else {
        j["dims"] = mlp.dims;
        j["out_dims"] = mlp.outputDims();
        j["hidden"] = mlp.hidden;
        j["depth"] = mlp.depth;
        j["time_embedding_dim"] = mlp.timeEmbeddingDim;
        j["concat_time"] = mlp.concatTime;
    }
    return j.dump();
}

ModelConfig ModelConfig::fromJson(const std::string& text)
{
    requireJsonDepth(text, "model config");
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(std::string("model config is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) throw Error("model config must be a JSON object");
    ModelConfig c;
    c.kind = parseModelKind(field<std::string>(j, "kind"));
    c.preset = field<std::string>(j, "preset");
    if (c.kind == Kind::UNet) {
        c.unet.inChannels = field<int>(j, "in_channels");
        c.unet.outChannels = field<int>(j, "out_channels");
        c.unet.imageSize = field<int>(j, "image_size");
        c.unet.baseChannels = field<int>(j, "base_channels");
        c.unet.channelMults = field<std::vector<int>>(j, "channel_mults");
        c.unet.numResBlocks = field<int>(j, "num_res_blocks");
        c.unet.attentionResolutions = field<std::vector<int>>(j, "attention_resolutions");
        c.unet.attentionHeads = field<int>(j, "attention_heads");
        c.unet.dropout = field<double>(j, "dropout");
        c.unet.groups = field<int>(j, "groups");
    } else {
        c.mlp.dims = field<int>(j, "dims");
        c.mlp.outDims = field<int>(j, "out_dims");
        c.mlp.hidden = field<int>(j, "hidden");
        c.mlp.depth = field<int>(j, "depth");
        c.mlp.timeEmbeddingDim = field<int>(j, "time_embedding_dim");
        c.mlp.concatTime = field<bool>(j, "concat_time");
    }
    c.validate();
    return c;
}

} // namespace ddpm
