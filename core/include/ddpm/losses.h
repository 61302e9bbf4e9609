// Training losses of a diffusion model, per item of a batch (tensors in, tensors out; the
// model is called outside):
//   Simple  L_simple: mean over dims of (target - output)^2, target per the prediction (Eq. 14)
//   Vlb     L_vlb = T * L_{t-1} (or T * L_0 at t = 1) in bits/dim: the true bound's t-term, scaled
//           so its mean over uniform t is the bound's sum (Nichol & Dhariwal 2021)
//   Hybrid  L_simple + lambda * L_vlb with the prediction detached in the L_vlb term, so the
//           bound trains only the learned variance (improved DDPM, lambda = 0.001)
#pragma once

#include <string>

#include <ATen/core/Tensor.h>

#include "ddpm/parameterization.h"

namespace ddpm {

class Diffusion;

enum class LossKind { Simple, Vlb, Hybrid };

/// "simple" / "vlb" / "hybrid"; throws ddpm::Error otherwise.
LossKind parseLossKind(const std::string& text);
const char* lossKindName(LossKind kind);

/// Improved DDPM's lambda for L_hybrid.
constexpr double kHybridLambda = 0.001;

/// One batch's inputs to a loss: x_0, the noise that made x_t, x_t, t ([B] int64, 1..T) and
/// the model's raw output at (x_t, t).
struct LossInputs {
    at::Tensor x0;
    at::Tensor noise;
    at::Tensor xt;
    at::Tensor t;
    at::Tensor output;
};

/// The loss of each item, [B] (differentiable through output). Vlb with a fixed variance uses
/// that variance in the bound term. Refused (ddpm::Error, see checkLossFits): Hybrid with a
/// fixed variance (its bound term would have no gradient) and Simple with a learned variance
/// (nothing would train the variance).
at::Tensor trainingLoss(const Diffusion& diffusion, const Parameterization& param, LossKind kind,
                        const LossInputs& in);

/// Throws ddpm::Error for a loss that cannot train this parameterisation (see trainingLoss).
void checkLossFits(LossKind kind, const Parameterization& param);

} // namespace ddpm
