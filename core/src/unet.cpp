// The DDPM UNet: its building blocks (internal to this file) and the U they are wired into.
#include "ddpm/unet.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include <ATen/ATen.h>
#include <torch/nn/modules/dropout.h>

#include "ddpm/error.h"
#include "ddpm/time_embedding.h"
#include "group_norm_silu.h"

namespace ddpm {

namespace nn = torch::nn;

std::vector<int> UNetConfig::resolutions() const
{
    std::vector<int> sizes;
    int size = imageSize;
    for (int level = 0; level < levels(); ++level) {
        sizes.push_back(size);
        size /= 2;
    }
    return sizes;
}

namespace {

std::string joined(const std::vector<int>& values)
{
    std::string text;
    for (size_t i = 0; i < values.size(); ++i)
        text += (i ? ", " : "") + std::to_string(values[i]);
    return text;
}

void checkRange(const char* what, long long value, long long lo, long long hi)
{
    if (value < lo || value > hi)
        throw Error(std::string("UNet ") + what + " " + std::to_string(value) + " must be in "
                    + std::to_string(lo) + ".." + std::to_string(hi));
}

} // namespace

void UNetConfig::validate() const
{
    checkRange("inChannels", inChannels, 1, 64);
    checkRange("outChannels", outChannels, 0, 128);
    checkRange("baseChannels", baseChannels, 4, 1024);
    if (baseChannels % 2 != 0)
        throw Error("UNet baseChannels " + std::to_string(baseChannels)
                    + " must be even (it is also the size of the sinusoidal time embedding)");
    checkRange("groups", groups, 1, 1024);
    // Every GroupNorm sees a multiple of baseChannels, and the first one sees baseChannels itself.
    if (baseChannels % groups != 0)
        throw Error("UNet groups " + std::to_string(groups) + " must divide baseChannels "
                    + std::to_string(baseChannels));
    if (channelMults.empty() || channelMults.size() > 8)
        throw Error("UNet channelMults has " + std::to_string(channelMults.size())
                    + " levels; give 1..8 multipliers, e.g. 1,2,2");
    for (int mult : channelMults)
        checkRange("channel multiplier", mult, 1, 16);
    checkRange("numResBlocks", numResBlocks, 1, 8);
    checkRange("attentionHeads", attentionHeads, 1, 64);
    if (!(dropout >= 0.0 && dropout < 1.0))
        throw Error("UNet dropout " + std::to_string(dropout) + " must be in [0, 1)");

    const int factor = 1 << (levels() - 1);
    checkRange("imageSize", imageSize, 1, 4096);
    if (imageSize % factor != 0)
        throw Error("UNet imageSize " + std::to_string(imageSize) + " must be divisible by "
                    + std::to_string(factor) + " (2^(levels - 1) for " + std::to_string(levels())
                    + " levels); use fewer channelMults or another size");

    const std::vector<int> sizes = resolutions();
    for (int res : attentionResolutions) {
        const auto at = std::find(sizes.begin(), sizes.end(), res);
        if (at == sizes.end())
            throw Error("UNet attention resolution " + std::to_string(res)
                        + " is not one of the net's image sizes " + joined(sizes));
        const int channels = baseChannels * channelMults[static_cast<size_t>(at - sizes.begin())];
        if (channels % attentionHeads != 0)
            throw Error("UNet attentionHeads " + std::to_string(attentionHeads) + " must divide the "
                        + std::to_string(channels) + " channels at resolution " + std::to_string(res));
    }
}

namespace {

/// Starts a layer at zero weight and bias (improved DDPM's zero_module).
void zeroInit(nn::Conv2d& conv)
{
    at::NoGradGuard noGrad;
    conv->weight.zero_();
    conv->bias.zero_();
}

/// At least float32: under bf16 autocast the convolutions and linear layers hand out bfloat16,
/// which torch 1.13's GroupNorm cannot mix with its float32 weights.
at::Tensor atLeastFloat(const at::Tensor& x)
{
    const bool reduced = x.defined() && (x.scalar_type() == at::kBFloat16 || x.scalar_type() == at::kHalf);
    return reduced ? x.to(at::kFloat) : x;
}

/// GroupNorm of x (+ shift [B, C] per image and channel, when given), then SiLU when `silu`, in
/// at least float32 (improved DDPM's GroupNorm32). Channels-last input takes the fused kernel.
at::Tensor normalize(nn::GroupNorm& norm, const at::Tensor& x, bool silu, const at::Tensor& shift = {})
{
    const nn::GroupNormOptions& o = norm->options;
    return groupNormSiLU(atLeastFloat(x), o.num_groups(), norm->weight, norm->bias, o.eps(), silu, atLeastFloat(shift));
}

/// A block that may use the time embedding: forward(x, emb) with emb [B, embDim].
class TimestepBlock : public nn::Module {
public:
    virtual at::Tensor forward(const at::Tensor& x, const at::Tensor& emb) = 0;
};

/// Blocks applied one after another (DDPM's "TimestepEmbedSequential").
class BlockSequence final : public TimestepBlock {
public:
    void add(const std::string& name, std::shared_ptr<TimestepBlock> block)
    {
        m_blocks.push_back(register_module(name, std::move(block)));
    }
    at::Tensor forward(const at::Tensor& x, const at::Tensor& emb) override
    {
        at::Tensor h = x;
        for (const auto& block : m_blocks)
            h = block->forward(h, emb);
        return h;
    }

private:
    std::vector<std::shared_ptr<TimestepBlock>> m_blocks;
};

/// GroupNorm, SiLU, conv3x3; + projected time embedding; GroupNorm, SiLU, dropout, conv3x3;
/// plus the input (through a 1x1 conv when the channel count changes).
class ResBlock final : public TimestepBlock {
public:
    ResBlock(int inChannels, int outChannels, int embDim, int groups, double dropout)
        : m_inNorm(register_module("in_norm", nn::GroupNorm(nn::GroupNormOptions(groups, inChannels)))),
          m_inConv(register_module("in_conv", nn::Conv2d(nn::Conv2dOptions(inChannels, outChannels, 3).padding(1)))),
          m_embProj(register_module("emb_proj", nn::Linear(embDim, outChannels))),
          m_outNorm(register_module("out_norm", nn::GroupNorm(nn::GroupNormOptions(groups, outChannels)))),
          m_dropout(register_module("dropout", nn::Dropout(nn::DropoutOptions(dropout)))),
          m_dropoutRate(dropout),
          m_outConv(register_module("out_conv", nn::Conv2d(nn::Conv2dOptions(outChannels, outChannels, 3).padding(1))))
    {
        if (inChannels != outChannels)
            m_skip = register_module("skip", nn::Conv2d(nn::Conv2dOptions(inChannels, outChannels, 1)));
        zeroInit(m_outConv);
    }

    at::Tensor forward(const at::Tensor& x, const at::Tensor& emb) override
    {
        at::Tensor h = m_inConv->forward(normalize(m_inNorm, x, true));
        // + the projected embedding, added inside the normalisation (one pass fewer each way)
        h = normalize(m_outNorm, h, true, m_embProj->forward(at::silu(emb)));
        if (m_dropoutRate > 0) h = m_dropout->forward(h); // skipped at p = 0: no mask to draw or apply
        h = m_outConv->forward(h);
        return (m_skip ? m_skip->forward(x) : x) + h;
    }

private:
    nn::GroupNorm m_inNorm;
    nn::Conv2d m_inConv;
    nn::Linear m_embProj;
    nn::GroupNorm m_outNorm;
    nn::Dropout m_dropout;
    double m_dropoutRate;
    nn::Conv2d m_outConv;
    nn::Conv2d m_skip{nullptr};
};

/// Self-attention over all H x W positions: GroupNorm, 1x1 conv to q, k, v, softmax(q^T k / sqrt(d)),
/// 1x1 projection, added to the input.
class AttentionBlock final : public TimestepBlock {
public:
    AttentionBlock(int channels, int heads, int groups)
        : m_heads(heads),
          m_norm(register_module("norm", nn::GroupNorm(nn::GroupNormOptions(groups, channels)))),
          m_qkv(register_module("qkv", nn::Conv2d(nn::Conv2dOptions(channels, 3 * channels, 1)))),
          m_proj(register_module("proj", nn::Conv2d(nn::Conv2dOptions(channels, channels, 1))))
    {
        zeroInit(m_proj);
    }

    at::Tensor forward(const at::Tensor& x, const at::Tensor& /*emb*/) override
    {
        const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), n = h * w;
        const int64_t d = c / m_heads;
        // [B, N, heads, 3 d]: per position, per head d channels each of q, k and v. A view of
        // channels-last memory (the CPU's layout); a copy of NCHW.
        const at::Tensor qkv = m_qkv->forward(normalize(m_norm, x, false)).permute({0, 2, 3, 1}).reshape({b, n, m_heads, 3 * d});
        // [B heads, N, d], a view for one head.
        const auto part = [&](int i) { return qkv.narrow(3, i * d, d).transpose(1, 2).reshape({b * m_heads, n, d}); };
        const at::Tensor q = part(0), k = part(1), v = part(2);
        // weights[., i, j]: how much query position i attends to key position j.
        const at::Tensor weights = at::softmax(at::bmm(q, k.transpose(1, 2)) / std::sqrt(static_cast<double>(d)), -1);
        // [B heads, N, d] -> [B, C, H, W] with channels-last strides (a view for one head).
        const at::Tensor out = at::bmm(weights, v).view({b, m_heads, n, d}).transpose(1, 2).reshape({b, h, w, c}).permute({0, 3, 1, 2});
        // In the input's layout (channels-last on the CPU, NCHW elsewhere) for the projection and the sum.
        return x + m_proj->forward(out.contiguous(x.suggest_memory_format()));
    }

private:
    int m_heads;
    nn::GroupNorm m_norm;
    nn::Conv2d m_qkv;
    nn::Conv2d m_proj;
};

/// Halves height and width with a stride-2 3x3 convolution.
class Downsample final : public TimestepBlock {
public:
    explicit Downsample(int channels)
        : m_conv(register_module("conv", nn::Conv2d(nn::Conv2dOptions(channels, channels, 3).stride(2).padding(1))))
    {
    }
    at::Tensor forward(const at::Tensor& x, const at::Tensor& /*emb*/) override { return m_conv->forward(x); }

private:
    nn::Conv2d m_conv;
};

/// Doubles height and width (nearest neighbour), then a 3x3 convolution.
class Upsample final : public TimestepBlock {
public:
    explicit Upsample(int channels)
        : m_conv(register_module("conv", nn::Conv2d(nn::Conv2dOptions(channels, channels, 3).padding(1))))
    {
    }
    at::Tensor forward(const at::Tensor& x, const at::Tensor& /*emb*/) override
    {
        return m_conv->forward(at::upsample_nearest2d(x, {2 * x.size(2), 2 * x.size(3)}));
    }

private:
    nn::Conv2d m_conv;
};

at::Tensor runBlock(const std::shared_ptr<nn::Module>& module, const at::Tensor& x, const at::Tensor& emb)
{
    return static_cast<TimestepBlock&>(*module).forward(x, emb);
}

std::string shapeText(const at::Tensor& x)
{
    std::string text = "[";
    for (int64_t i = 0; i < x.dim(); ++i)
        text += (i ? ", " : "") + std::to_string(x.size(i));
    return text + "]";
}

} // namespace

UNetImpl::UNetImpl(const UNetConfig& config)
    : m_config(config)
{
    m_config.validate();
    const UNetConfig& c = m_config;
    const int embDim = c.timeEmbeddingDim();
    const std::vector<int> sizes = c.resolutions();
    auto wantsAttention = [&](int size) {
        return std::find(c.attentionResolutions.begin(), c.attentionResolutions.end(), size)
            != c.attentionResolutions.end();
    };

    m_timeIn = register_module("time_in", nn::Linear(c.baseChannels, embDim));
    m_timeOut = register_module("time_out", nn::Linear(embDim, embDim));
    m_inConv = register_module("in_conv", nn::Conv2d(nn::Conv2dOptions(c.inChannels, c.baseChannels, 3).padding(1)));

    // Down: at each level numResBlocks ResBlocks (each followed by attention where asked),
    // then a downsample except at the last level. Every entry's output is kept as a skip.
    m_down = register_module("down", nn::ModuleList());
    std::vector<int> skipChannels{c.baseChannels};
    int channels = c.baseChannels;
    for (int level = 0; level < c.levels(); ++level) {
        const int outChannels = c.baseChannels * c.channelMults[static_cast<size_t>(level)];
        for (int i = 0; i < c.numResBlocks; ++i) {
            auto entry = std::make_shared<BlockSequence>();
            entry->add("res", std::make_shared<ResBlock>(channels, outChannels, embDim, c.groups, c.dropout));
            channels = outChannels;
            if (wantsAttention(sizes[static_cast<size_t>(level)]))
                entry->add("attn", std::make_shared<AttentionBlock>(channels, c.attentionHeads, c.groups));
            m_down->push_back(entry);
            skipChannels.push_back(channels);
        }
        if (level + 1 < c.levels()) {
            auto entry = std::make_shared<BlockSequence>();
            entry->add("down", std::make_shared<Downsample>(channels));
            m_down->push_back(entry);
            skipChannels.push_back(channels);
        }
    }

    m_middle = register_module("middle", nn::ModuleList());
    m_middle->push_back(std::make_shared<ResBlock>(channels, channels, embDim, c.groups, c.dropout));
    m_middle->push_back(std::make_shared<AttentionBlock>(channels, c.attentionHeads, c.groups));
    m_middle->push_back(std::make_shared<ResBlock>(channels, channels, embDim, c.groups, c.dropout));

    // Up: at each level numResBlocks + 1 ResBlocks, each taking one skip concatenated to its
    // input (attention after it where asked), and an upsample after the last except at level 0.
    m_up = register_module("up", nn::ModuleList());
    for (int level = c.levels() - 1; level >= 0; --level) {
        const int outChannels = c.baseChannels * c.channelMults[static_cast<size_t>(level)];
        for (int i = 0; i <= c.numResBlocks; ++i) {
            auto entry = std::make_shared<BlockSequence>();
            const int skip = skipChannels.back();
            skipChannels.pop_back();
            entry->add("res", std::make_shared<ResBlock>(channels + skip, outChannels, embDim, c.groups, c.dropout));
            channels = outChannels;
            if (wantsAttention(sizes[static_cast<size_t>(level)]))
                entry->add("attn", std::make_shared<AttentionBlock>(channels, c.attentionHeads, c.groups));
            if (level > 0 && i == c.numResBlocks)
                entry->add("up", std::make_shared<Upsample>(channels));
            m_up->push_back(entry);
        }
    }

    m_outNorm = register_module("out_norm", nn::GroupNorm(nn::GroupNormOptions(c.groups, channels)));
    m_outConv = register_module("out_conv", nn::Conv2d(nn::Conv2dOptions(channels, c.outputChannels(), 3).padding(1)));
    // Zero-initialised output layer, as improved DDPM (Nichol & Dhariwal 2021) does: a fresh
    // net predicts eps = 0 exactly, so its bound starts at the zero model's.
    zeroInit(m_outConv);
}

at::Tensor UNetImpl::forward(const at::Tensor& x, const at::Tensor& t)
{
    const UNetConfig& c = m_config;
    if (!x.defined() || x.dim() != 4 || x.size(1) != c.inChannels || x.size(2) != c.imageSize
        || x.size(3) != c.imageSize)
        throw Error("UNet input " + (x.defined() ? shapeText(x) : std::string("(none)")) + " must be [B, "
                    + std::to_string(c.inChannels) + ", " + std::to_string(c.imageSize) + ", "
                    + std::to_string(c.imageSize) + "] as configured");
    if (!t.defined() || t.dim() != 1 || t.size(0) != x.size(0))
        throw Error("UNet timesteps " + (t.defined() ? shapeText(t) : std::string("(none)"))
                    + " must be [B] with B = " + std::to_string(x.size(0)));

    // [B, E], or [1, E] for one t over the batch (the blocks add it by broadcasting).
    const at::Tensor emb =
        m_timeOut->forward(at::silu(m_timeIn->forward(
            timestepEmbedding(distinctTimesteps(t), c.baseChannels).to(m_timeIn->weight.scalar_type()))));

    // On the CPU the activations are channels-last (NHWC) from the first convolution on: oneDNN
    // then convolves them without reordering each input and output to its blocked layout
    // (1.7x faster for a 32-channel 28x28 layer, forward and backward), and the fused GroupNorm
    // reads that layout. empty_like gives channels-last strides even to one channel, where
    // .contiguous(ChannelsLast) would keep NCHW's and the first convolution would stay NCHW.
    const bool channelsLast = x.is_cpu() && x.scalar_type() == at::kFloat;
    at::Tensor h = m_inConv->forward(
        channelsLast ? at::empty_like(x, at::MemoryFormat::ChannelsLast).copy_(x) : x);
    std::vector<at::Tensor> skips{h};
    for (const auto& entry : *m_down) {
        h = runBlock(entry, h, emb);
        skips.push_back(h);
    }
    for (const auto& block : *m_middle)
        h = runBlock(block, h, emb);
    for (const auto& entry : *m_up) {
        h = runBlock(entry, at::cat({h, skips.back()}, 1), emb);
        skips.pop_back();
    }
    return m_outConv->forward(normalize(m_outNorm, h, true)).contiguous();
}

} // namespace ddpm
