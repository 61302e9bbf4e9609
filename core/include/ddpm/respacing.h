// Respacing: running the reverse process on a subset of the timesteps a model was trained on
// (improved DDPM, Nichol & Dhariwal 2021, Section 4; DDIM, Song et al. 2021).
//
// Keeping timesteps S = {s_1 < ... < s_K} of 1..T defines a K-step diffusion with
//   alpha_bar'_k = alpha_bar_{s_k},  beta'_k = 1 - alpha_bar_{s_k} / alpha_bar_{s_{k-1}}  (alpha_bar_{s_0} = 1),
// so its forward marginals q(x_k | x_0) are the original ones at s_k. The net is still called
// with the original s_k (RespacedModel); a learned-range variance is read against the
// respaced betas, as improved DDPM does. A zero-terminal-SNR schedule keeps alpha_bar = 0 at
// s_K = T, so it respaces too.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ddpm/model.h"
#include "ddpm/schedule.h"

namespace ddpm {

/// The kept timesteps (1-based, ascending, no duplicates) of a T-step diffusion for a spacing:
///   "" or "all"        every t (no respacing)
///   "K"                K steps evenly spaced over 1..T, both ends kept (improved DDPM's "K")
///   "a,b,c"            T cut into as many equal sections, a, b, c evenly spaced steps in each
///   "ddimK"            every s-th step from the first, with the integer stride s that gives K
///                      (improved DDPM's "ddimK"; refused when no stride gives exactly K)
///   "leading:K"        diffusers' leading spacing: t = 1 + i (T div K), i = 0..K-1
///   "trailing:K"       diffusers' trailing spacing: round(T - i T / K), i = 0..K-1 (keeps T)
///   "linspace:K"       diffusers' linspace: round(linspace(0, T - 1, K)) + 1
/// Halves round to even, as Python's round and numpy's do, so the steps are those tools' steps.
/// Throws ddpm::Error naming the problem (a count outside 1..T, an unknown form).
std::vector<int> spacedTimesteps(int steps, const std::string& spacing);

/// The K-step schedule on the kept timesteps (named "<name> respaced to K").
NoiseSchedule respaceSchedule(const NoiseSchedule& schedule, const std::vector<int>& kept);

/// A model called at the respaced index k in 1..K that runs the wrapped model at s_k.
class RespacedModel final : public DenoiseModel {
public:
    /// inner must outlive this; kept as from spacedTimesteps for inner's schedule.
    RespacedModel(DenoiseModel& inner, const NoiseSchedule& original, std::vector<int> kept);

    at::Tensor predict(const at::Tensor& xt, const at::Tensor& t) override;
    Parameterization parameterization() const override { return m_inner.parameterization(); }
    const NoiseSchedule* schedule() const override { return &m_schedule; }
    std::string name() const override;
    std::vector<std::int64_t> itemShape() const override { return m_inner.itemShape(); }

    /// s_k for k in 1..K.
    const std::vector<int>& originalTimesteps() const { return m_kept; }

private:
    DenoiseModel& m_inner;
    int m_originalSteps;
    std::vector<int> m_kept;
    NoiseSchedule m_schedule;
    at::Tensor m_map; // int64 [K + 1]: m_map[k] = s_k (m_map[0] unused)
};

} // namespace ddpm
