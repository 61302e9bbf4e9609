// Every setting of a training run: what config.json in a run directory holds and what
// `ddpm train` flags and the Training page set. Defaults suit a short run on two cores (a
// recognisable Fashion-MNIST model in about ten minutes) as well as a long one.
#pragma once

#include <cstdint>
#include <string>

namespace ddpm {

struct TrainConfig {
    std::string data = "fashion-mnist";   ///< a data spec (dataset.h)
    std::string model = "";               ///< "unet" or "mlp"; empty picks from the data (images: unet)
    std::string preset = "";              ///< a preset of the model; empty picks its default
    int imageSize = 0;                    ///< images: 0 keeps the data's size; N resizes to N x N
    std::string prediction = "eps";       ///< eps | x0 | v
    std::string variance = "small";       ///< small | large | learned | learned-range
    std::string loss = "simple";          ///< simple | vlb | hybrid
    std::string tSampling = "uniform";    ///< uniform | importance
    std::string schedule = "linear";      ///< a schedule name (schedule.h)
    int diffusionSteps = 1000;            ///< T
    bool zeroTerminalSnr = false;
    long long steps = 100000;             ///< training steps in all
    int batch = 0;                        ///< 0 picks from the data: 64 images or 256 points
    double lr = 0;                        ///< peak learning rate (AdamW); 0 picks 5e-4 for images, 1e-3 for points
    int warmup = 200;                     ///< steps of linear LR warm-up from 0
    double weightDecay = 0.0;             ///< AdamW's decoupled weight decay
    double gradClip = 1.0;                ///< clip the gradient's global norm to this (0 = off)
    double emaDecay = 0.9999;             ///< EMA decay; the effective decay is min(decay, (1 + n) / (10 + n)) at step n
    bool flip = false;                    ///< images: random horizontal flips
    std::uint64_t seed = 0;
    int threads = 0;                      ///< torch intra-op threads; 0 = probe (not stored as a result)
    std::string device = "auto";          ///< auto | cpu | cuda
    std::string precision = "fp32";       ///< fp32 | bf16 (autocast of the forward pass; losses stay fp32)
    long long checkpointEvery = 1000;
    int keep = 3;                         ///< checkpoints kept
    long long sampleEvery = 2000;         ///< EMA sample grid every N steps (0 = never)
    int sampleCount = 16;                 ///< samples per grid
    int sampleSteps = 0;                  ///< how the previews sample (training_preview.h): 0 = DDPM on all T steps,
                                          ///< K in 1..T = DDIM (eta 0) on K respaced steps
    long long logEvery = 10;              ///< metrics.csv row every N steps

    /// JSON object text with every field (config.json), with "version".
    std::string toJson() const;
    /// Reads a config: a JSON object with an integer "version" (kTrainConfigVersion) and any of
    /// toJson's keys; a key left out keeps its default above, so a full config.json and a
    /// hand-written experiment that names a few keys both read. Then validates. Throws
    /// ddpm::Error "<what>: ..." naming the key for: text that is not a JSON object, a missing
    /// or other version, an unknown key (the known ones listed), a value of the wrong type or
    /// one its field cannot hold exactly ("steps": 2.5, "seed": -1), and what validate()
    /// refuses (e.g. <what>: "lr": learning rate 5 is outside 1e-08..1).
    static TrainConfig fromJson(const std::string& json, const std::string& what = "the training config");
    /// Throws ddpm::Error naming the first absurd value and what is allowed.
    void validate() const;
};

constexpr int kTrainConfigVersion = 1;

} // namespace ddpm
