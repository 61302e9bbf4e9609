// The model interface's baseline and the spec parser the CLI and GUI share.
#include "ddpm/model.h"

#include <filesystem>
#include <system_error>

#include <ATen/ATen.h>

#include "ddpm/error.h"

namespace ddpm {

at::Tensor ZeroNoiseModel::predict(const at::Tensor& xt, const at::Tensor& /*t*/)
{
    return at::zeros_like(xt);
}

std::string ZeroNoiseModel::name() const
{
    return "zero (predicts no noise)";
}

std::unique_ptr<DenoiseModel> makeModel(const std::string& spec)
{
    if (spec == "zero")
        return std::make_unique<ZeroNoiseModel>();
    if (spec.empty())
        throw Error("model spec is empty; use \"zero\" (the baseline that predicts no noise) or a checkpoint path");

    std::error_code ec;
    const bool exists = std::filesystem::exists(spec, ec);
    if (!exists || ec)
        throw Error("model checkpoint " + spec + " not found; use \"zero\" or the path of an existing checkpoint");
    // Honest about what this version can do: checkpoints are written by training, which
    // does not exist yet, so there is no format to read.
    throw Error("model checkpoint " + spec
                + " cannot be read: checkpoints come with training, which this version does not have yet;"
                  " use --model zero for now");
}

} // namespace ddpm
