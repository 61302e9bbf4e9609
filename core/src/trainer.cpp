// One training run, step by step (see trainer.h).
#include "ddpm/trainer.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/nn/module.h>
#include <zlib.h>

#include "autocast_scope.h"
#include "ddpm/dataset.h"
#include "ddpm/error.h"
#include "ddpm/flat_adamw.h"
#include "ddpm/runtime.h"
#include "ddpm/training_checkpoint.h"
#include "json_limits.h"

namespace ddpm {

using nlohmann::json;

namespace {

std::string fingerprintOf(const at::Tensor& items)
{
    const at::Tensor c = items.contiguous();
    uLong crc = crc32(0L, Z_NULL, 0);
    const auto* bytes = static_cast<const Bytef*>(c.data_ptr());
    std::size_t left = static_cast<std::size_t>(c.numel()) * c.element_size();
    while (left > 0) {
        const uInt chunk = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
        crc = crc32(crc, bytes, chunk);
        bytes += chunk;
        left -= chunk;
    }
    std::string shape;
    for (std::int64_t i = 0; i < c.dim(); ++i)
        shape += (i ? "x" : "") + std::to_string(c.size(i));
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(crc));
    return shape + " crc32 " + hex;
}

/// The schedule's betas before any rescale: the checkpoint's when resuming (a custom file may
/// be gone), else from the name.
std::vector<double> sourceBetasFor(const TrainConfig& config, const CheckpointFile* resume)
{
    if (resume != nullptr && resume->has("source_betas")) {
        const at::Tensor b = resume->tensor("source_betas").to(at::kDouble).contiguous();
        return std::vector<double>(b.data_ptr<double>(), b.data_ptr<double>() + b.numel());
    }
    return NoiseSchedule::fromName(config.schedule, config.diffusionSteps, false).table(Quantity::Beta);
}

TrainConfig configFrom(const CheckpointFile& checkpoint)
{
    json meta;
    try {
        meta = json::parse(checkpoint.metadataJson);
    } catch (const json::exception&) {
        throw Error("the checkpoint's metadata is not valid JSON");
    }
    if (!meta.contains("kind") || meta["kind"] != kTrainingCheckpointKind || !meta.contains("train"))
        throw Error("the checkpoint was not written by DDPM Studio's trainer (no training run inside)");
    return TrainConfig::fromJson(meta["train"].dump());
}

TrainConfig validated(TrainConfig config)
{
    config.validate();
    return config;
}

} // namespace

TrainingData loadTrainingData(const TrainConfig& config)
{
    const DataSpec spec = DataSpec::parse(config.data);
    DataLoadOptions options;
    options.size = spec.isImages() ? config.imageSize : 0;
    options.seed = config.seed;
    TrainingData data;
    data.items = loadData(spec, options).to(at::kFloat).contiguous();
    data.fingerprint = fingerprintOf(data.items);
    return data;
}

Trainer::Trainer(const TrainConfig& config, TrainingData data)
    : Trainer(config, std::move(data), config.device, nullptr)
{
}

Trainer::Trainer(const CheckpointFile& checkpoint, TrainingData data, const std::string& device)
    : Trainer(configFrom(checkpoint), std::move(data), device, &checkpoint)
{
}

Trainer::Trainer(const TrainConfig& config, TrainingData data, const std::string& device,
                 const CheckpointFile* resume)
    : m_config(validated(config)),
      m_data(std::move(data)),
      m_sourceBetas(sourceBetasFor(m_config, resume)),
      m_device(pickDevice(device.empty() ? m_config.device : device)),
      m_diffusion(NoiseSchedule::fromBetas(m_sourceBetas, m_config.schedule, m_config.zeroTerminalSnr), m_device),
      m_rng(m_config.seed)
{
    if (!m_data.items.defined() || m_data.items.numel() == 0)
        throw Error("the training data " + m_config.data + " holds no items");
    if (!device.empty()) m_config.device = device;
    m_config.diffusionSteps = m_diffusion.steps(); // a custom file's line count
    setSampleSteps(m_config.sampleSteps);          // checked again against that T
    const bool images = isImages();
    if (!images && m_data.items.dim() != 2)
        throw Error("training data must be images [N, C, H, W] or points [N, D]");
    const ModelConfig::Kind kind = m_config.model.empty()
        ? (images ? ModelConfig::Kind::UNet : ModelConfig::Kind::MLP) : parseModelKind(m_config.model);
    if (kind == ModelConfig::Kind::UNet && !images)
        throw Error("a UNet needs images, and " + m_config.data + " holds 2-D points; use the mlp model");
    if (kind == ModelConfig::Kind::MLP && images)
        throw Error("the MLP is for 2-D points, and " + m_config.data + " holds images; use the unet model");
    m_config.model = kind == ModelConfig::Kind::UNet ? "unet" : "mlp";
    if (m_config.batch == 0) m_config.batch = images ? 64 : 256;
    if (m_config.lr == 0) m_config.lr = images ? 5e-4 : 1e-3;
    if (m_config.preset.empty()) m_config.preset = defaultPreset(kind);
    if (images && m_data.items.size(2) != m_data.items.size(3))
        throw Error("the UNet needs square images; " + m_config.data + " holds "
                    + std::to_string(m_data.items.size(3)) + " x " + std::to_string(m_data.items.size(2))
                    + " images: set an image size to resize and crop them");
    if (m_config.batch > m_data.items.size(0) * 64)
        throw Error("batch " + std::to_string(m_config.batch) + " is absurd for " + std::to_string(m_data.items.size(0))
                    + " items; use at most " + std::to_string(m_data.items.size(0) * 64));

    m_param.prediction = parsePrediction(m_config.prediction);
    m_param.variance = parseVarianceKind(m_config.variance);
    m_loss = parseLossKind(m_config.loss);
    checkLossFits(m_loss, m_param);
    const int channels = static_cast<int>(m_data.items.size(1));
    m_modelConfig = modelPreset(kind, m_config.preset, channels, images ? static_cast<int>(m_data.items.size(2)) : 0,
                                m_param.outputChannels(channels));

    // The net from torch's generator seeded by the run's seed; the EMA starts as its copy.
    {
        at::Generator global = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(global.mutex());
        global.set_current_seed(m_config.seed);
    }
    Network net = buildNetwork(m_modelConfig);
    Network ema = buildNetwork(m_modelConfig);
    net.module->to(m_device);
    ema.module->to(m_device);
    m_optimizer = std::make_unique<FlatAdamW>(*net.module, AdamWOptions{0.9, 0.999, 1e-8, m_config.weightDecay});
    m_emaParams = flattenParameters(*ema.module);
    {
        at::NoGradGuard noGrad;
        m_emaParams.copy_(m_optimizer->parameters());
    }
    for (at::Tensor& p : ema.module->parameters()) p.set_requires_grad(false);
    const NoiseSchedule& schedule = m_diffusion.schedule();
    const std::string what = std::string(m_modelConfig.kindName()) + " " + m_config.preset;
    m_model = std::make_unique<NetworkModel>(std::move(net), m_param, what + " (trained weights)", schedule);
    m_ema = std::make_unique<NetworkModel>(std::move(ema), m_param, what + " (EMA weights)", schedule);
    m_sampler = std::make_unique<TimestepSampler>(parseTimestepSampling(m_config.tSampling), m_diffusion.steps());
    m_items = m_data.items.to(m_device);
    if (resume != nullptr)
        restore(*resume);
}

Trainer::~Trainer() = default;

void Trainer::setTotalSteps(long long steps)
{
    if (steps < 1 || steps > 1000000000LL)
        throw Error("training steps " + std::to_string(steps) + " is outside 1..1000000000");
    m_config.steps = steps;
}

void Trainer::setSampleSteps(int steps)
{
    TrainConfig changed = m_config;
    changed.sampleSteps = steps;
    changed.validate();
    m_config.sampleSteps = steps;
}

std::vector<std::int64_t> Trainer::itemShape() const
{
    return std::vector<std::int64_t>(m_data.items.sizes().begin() + 1, m_data.items.sizes().end());
}

std::int64_t Trainer::parameterCount() const
{
    return m_optimizer->parameters().numel();
}

at::Tensor Trainer::nextBatch()
{
    // Epoch e visits the items in a permutation drawn from its own seed, so the order is a
    // function of (seed, epoch, position): what a checkpoint stores.
    const std::int64_t n = m_items.size(0);
    std::vector<at::Tensor> parts;
    std::int64_t need = m_config.batch;
    while (need > 0) {
        if (!m_order.defined() || m_position >= n) {
            if (m_order.defined()) {
                ++m_epoch;
                m_position = 0;
            }
            Rng epochRng(m_config.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(m_epoch) + 1);
            m_order = epochRng.permutation(n).to(m_device);
        }
        const std::int64_t take = std::min<std::int64_t>(need, n - m_position);
        parts.push_back(m_order.narrow(0, m_position, take));
        m_position += take;
        need -= take;
    }
    const at::Tensor idx = parts.size() == 1 ? parts.front() : at::cat(parts);
    return m_items.index_select(0, idx);
}

StepReport Trainer::step()
{
    if (m_diverged)
        throw TrainingDiverged("training stopped earlier because the loss diverged; resume from the last checkpoint"
                               " with a lower learning rate or stronger gradient clipping");
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t batch = m_config.batch;
    at::Tensor x0 = nextBatch();
    if (m_config.flip && isImages()) {
        const at::Tensor flip = m_rng.integers(0, 1, {batch}).to(m_device).to(at::kBool).view({batch, 1, 1, 1});
        x0 = at::where(flip, x0.flip({3}), x0);
    }
    const TimestepSampler::Draw draw = m_sampler->draw(m_rng, batch);
    const at::Tensor t = draw.t.to(m_device);
    const at::Tensor noise = m_rng.normal(x0.sizes(), at::kFloat, m_device);
    const at::Tensor xt = m_diffusion.qSample(x0, t, noise);                   // Eq. 4

    NetworkModel& model = *m_model;
    model.module().train();
    at::Tensor output;
    {
        AutocastScope autocast(m_config.precision == "bf16", m_device);
        output = model.forward(xt, t);
    }
    LossInputs in{x0, noise, xt, t, output.to(at::kFloat)};
    const at::Tensor perItem = trainingLoss(m_diffusion, m_param, m_loss, in).to(at::kFloat);
    const at::Tensor loss = draw.weights.defined() ? (perItem * draw.weights.to(m_device)).mean() : perItem.mean();
    m_optimizer->zeroGrad();
    loss.backward();
    at::Tensor grad = m_optimizer->gatherGradients();
    const at::Tensor norm = at::dot(grad, grad).sqrt(); // one BLAS pass, faster than ATen's norm
    // One read from the device per step: the items' losses, the loss and the norm.
    const at::Tensor host = at::cat({perItem.detach(), loss.detach().view({1}), norm.view({1})}).to(at::kCPU, at::kDouble);
    const double* h = host.data_ptr<double>();
    const double lossValue = h[batch];
    const double normValue = h[batch + 1];
    if (!std::isfinite(lossValue) || !std::isfinite(normValue)) {
        m_diverged = true;
        m_optimizer->zeroGrad();
        throw TrainingDiverged("training stopped at step " + std::to_string(m_step + 1) + ": the "
                               + (std::isfinite(lossValue) ? "gradient norm" : "loss") + " is "
                               + (std::isnan(std::isfinite(lossValue) ? normValue : lossValue) ? "NaN" : "infinite")
                               + "; the update was not applied. Resume from the last checkpoint with a lower"
                                 " learning rate or stronger gradient clipping");
    }
    if (m_config.gradClip > 0 && normValue > m_config.gradClip)
        grad.mul_(m_config.gradClip / (normValue + 1e-6));
    const double lr = m_config.lr * (m_config.warmup > 0 ? std::min(1.0, (m_step + 1.0) / m_config.warmup) : 1.0);
    m_optimizer->step(grad, lr);
    m_optimizer->zeroGrad();
    {
        at::NoGradGuard noGrad;
        const double n = static_cast<double>(m_step);
        const double decay = std::min(m_config.emaDecay, (1.0 + n) / (10.0 + n));
        // ema <- decay ema + (1 - decay) theta: two vectorised passes (ATen's lerp_ is 3x slower).
        m_emaParams.mul_(decay).add_(m_optimizer->parameters(), 1.0 - decay);
    }
    m_sampler->update(draw.t, host.narrow(0, 0, batch));
    ++m_step;

    StepReport r;
    r.step = m_step;
    r.loss = lossValue;
    r.gradNorm = normValue;
    r.lr = lr;
    std::array<double, 10> sum{};
    std::array<int, 10> count{};
    const std::int64_t* td = draw.t.data_ptr<std::int64_t>();
    const int steps = m_diffusion.steps();
    for (std::int64_t i = 0; i < batch; ++i) {
        const int k = std::min(9, static_cast<int>((td[i] - 1) * 10 / steps));
        sum[k] += h[i];
        ++count[k];
    }
    for (int k = 0; k < 10; ++k)
        r.bucketLoss[k] = count[k] ? sum[k] / count[k] : std::numeric_limits<double>::quiet_NaN();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.itemsPerSecond = r.seconds > 0 ? batch / r.seconds : 0;
    return r;
}

CheckpointFile Trainer::checkpoint() const
{
    if (m_diverged)
        throw TrainingDiverged("the training state diverged and is not saved; the last good checkpoint stands");
    json meta;
    meta["kind"] = kTrainingCheckpointKind;
    meta["step"] = m_step;
    meta["train"] = json::parse(m_config.toJson());
    meta["model"] = json::parse(m_modelConfig.toJson());
    meta["parameterization"] = {{"prediction", predictionName(m_param.prediction)},
                                {"variance", varianceKindName(m_param.variance)}};
    meta["schedule"] = {{"name", m_diffusion.schedule().name()},
                        {"steps", m_diffusion.steps()},
                        {"zero_terminal_snr", m_diffusion.schedule().zeroTerminalSnr()}};
    meta["data"] = {{"spec", m_config.data}, {"fingerprint", m_data.fingerprint}, {"shape", m_data.items.sizes().vec()}};
    meta["data_order"] = {{"epoch", m_epoch}, {"position", m_position}};
    meta["optimizer"] = {{"name", "adamw"}, {"step", m_optimizer->stepCount()}};
    meta["parameter_count"] = parameterCount();
    meta["threads"] = threadCount();

    CheckpointFile file;
    file.metadataJson = meta.dump();
    file.tensors.emplace_back("params", m_optimizer->parameters().to(at::kCPU));
    file.tensors.emplace_back("ema", m_emaParams.to(at::kCPU));
    file.tensors.emplace_back("adam_m", m_optimizer->firstMoment().to(at::kCPU));
    file.tensors.emplace_back("adam_v", m_optimizer->secondMoment().to(at::kCPU));
    file.tensors.emplace_back("source_betas", at::tensor(c10::ArrayRef<double>(m_sourceBetas), at::kDouble));
    file.tensors.emplace_back("rng", m_rng.state());
    file.tensors.emplace_back("torch_rng", at::detail::getDefaultCPUGenerator().get_state());
    file.tensors.emplace_back("t_history", m_sampler->history());
    file.tensors.emplace_back("t_counts", m_sampler->counts());
    return file;
}

void Trainer::restore(const CheckpointFile& checkpoint)
{
    const json meta = json::parse(checkpoint.metadataJson);
    const std::string what = "the checkpoint";
    constexpr long long kMaxCount = std::numeric_limits<long long>::max();
    try {
        const ModelConfig stored = ModelConfig::fromJson(meta.at("model").dump());
        if (stored.toJson() != m_modelConfig.toJson())
            throw Error("the checkpoint's network (" + stored.toJson() + ") differs from the one its settings build");
        // Every tensor against this run's network and T before any is used.
        requireTensors(checkpoint, trainingCheckpointTensors(parameterCount(), m_diffusion.steps()), what,
                       "this run's " + std::string(m_modelConfig.kindName()) + " " + m_config.preset + " on T = "
                           + std::to_string(m_diffusion.steps()));
        if (meta.at("data").at("fingerprint").get<std::string>() != m_data.fingerprint)
            throw Error("the data " + m_config.data + " is not the data the checkpoint was trained on (fingerprint "
                        + meta.at("data").at("fingerprint").get<std::string>() + ", now " + m_data.fingerprint + ")");
        m_step = wholeNumber(meta.at("step"), 0, kMaxCount, what, "step");
        m_epoch = wholeNumber(meta.at("data_order").at("epoch"), 0, kMaxCount, what, "data epoch");
        m_position = wholeNumber(meta.at("data_order").at("position"), 0, m_items.size(0), what, "data position");
        m_optimizer->restore(checkpoint.tensor("params"), checkpoint.tensor("adam_m"), checkpoint.tensor("adam_v"),
                             wholeNumber(meta.at("optimizer").at("step"), 0, kMaxCount, what, "optimizer step"));
    } catch (const json::exception&) {
        throw Error("the checkpoint's metadata lacks a field a training run needs; it is damaged or from another tool");
    }
    const at::Tensor& ema = checkpoint.tensor("ema");
    if (ema.numel() != m_emaParams.numel())
        throw Error("the checkpoint's EMA weights do not fit this network");
    {
        at::NoGradGuard noGrad;
        m_emaParams.copy_(ema.reshape({-1}));
    }
    m_rng.setState(checkpoint.tensor("rng"));
    at::Generator global = at::detail::getDefaultCPUGenerator();
    const at::Tensor& torchRng = checkpoint.tensor("torch_rng");
    if (torchRng.numel() != global.get_state().numel())
        throw Error("the checkpoint's torch generator state does not fit this build");
    global.set_state(torchRng.contiguous());
    m_sampler->restore(checkpoint.tensor("t_history"), checkpoint.tensor("t_counts"));
    if (m_position > 0 || m_epoch > 0) {
        Rng epochRng(m_config.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(m_epoch) + 1);
        m_order = epochRng.permutation(m_items.size(0)).to(m_device);
    }
}

} // namespace ddpm
