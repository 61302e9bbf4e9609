// The Gaussian diffusion of Ho et al. (2020): forward process q, its posterior, and
// the fixed-variance reverse process p_theta, as functions of a NoiseSchedule and tensors.
//
// Shapes: x tensors are [B, ...] (images [B, C, H, W], 2-D points [B, 2]); timesteps t are
// int64 [B] with values in 1..T (the paper's indexing). Coefficients come from the
// schedule's float64 tables and are cast to x's dtype and device by extract().
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "ddpm/progress.h"
#include "ddpm/schedule.h"

namespace ddpm {

class Rng;

/// The paper's two fixed choices of sigma_t^2 for p_theta(x_{t-1} | x_t) (Section 3.2).
enum class VarianceKind {
    Small, ///< sigma_t^2 = beta~_t, the posterior variance (log clipped at t = 1)
    Large, ///< sigma_t^2 = beta_t (with beta~_2 at t = 1, as improved DDPM does)
};

/// Parses "small" / "large"; throws ddpm::Error otherwise.
VarianceKind parseVarianceKind(const std::string& text);
const char* varianceKindName(VarianceKind kind);

/// A diagonal Gaussian: mean, variance and log-variance, each broadcastable to x.
struct Gaussian {
    at::Tensor mean;
    at::Tensor variance;
    at::Tensor logVariance;
};

class Diffusion {
public:
    explicit Diffusion(NoiseSchedule schedule, c10::Device device = c10::Device(c10::kCPU));

    const NoiseSchedule& schedule() const { return m_schedule; }
    int steps() const { return m_schedule.steps(); }
    c10::Device device() const { return m_device; }

    /// The one gather: table q at timesteps t ([B] int64, 1..T), shaped [B, 1, ..., 1]
    /// to broadcast against like, in like's dtype and device. Throws ddpm::Error for t outside 1..T.
    at::Tensor extract(Quantity q, const at::Tensor& t, const at::Tensor& like) const;

    /// Timesteps tensor [batch] filled with t, on this diffusion's device.
    at::Tensor timesteps(int t, std::int64_t batch) const;

    /// q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I)  (Eq. 4).
    Gaussian qMeanVariance(const at::Tensor& x0, const at::Tensor& t) const;
    /// A sample of Eq. 4 with the given noise: sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise.
    at::Tensor qSample(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& noise) const;
    /// One Markov step q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I)  (Eq. 2).
    at::Tensor qStep(const at::Tensor& xPrev, const at::Tensor& t, const at::Tensor& noise) const;
    /// Walks Eq. 2 from x_0 and returns x_t for each t in ts (any order, duplicates allowed,
    /// 1..T), in the order given. The walk is ForwardChain's: one chain seed drawn from rng,
    /// then each step's noise from its own generator, so Rng(seed) here gives the same states
    /// as ForwardChain(schedule, x0, seed). Checks stop between steps (throws ddpm::Cancelled);
    /// progress(done, total) after every step, with done steps walked of total = the largest t.
    std::vector<at::Tensor> qSampleChain(const at::Tensor& x0, const std::vector<int>& ts, Rng& rng,
                                         const std::atomic<bool>* stop = nullptr,
                                         const ProgressFn& progress = {}) const;

    /// q(x_{t-1} | x_t, x_0) = N(mu~_t, beta~_t I)  (Eq. 6, 7); at t = 1 the log-variance is clipped.
    Gaussian qPosterior(const at::Tensor& x0, const at::Tensor& xt, const at::Tensor& t) const;

    /// x_0 = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t)  (Eq. 4 solved for x_0).
    at::Tensor predictX0FromEps(const at::Tensor& xt, const at::Tensor& t, const at::Tensor& eps) const;
    /// eps = (x_t - sqrt(alpha_bar_t) x_0) / sqrt(1 - alpha_bar_t).
    at::Tensor predictEpsFromX0(const at::Tensor& xt, const at::Tensor& t, const at::Tensor& x0) const;

    /// p_theta(x_{t-1} | x_t) for a model that predicted eps: mean mu~(x_t, x0_pred) where
    /// x0_pred comes from eps (clamped to [-1, 1] when clipDenoised), which equals Eq. 11
    /// without clipping; fixed variance per kind. x0Pred, if given, receives the predicted x_0.
    Gaussian pMeanVariance(const at::Tensor& eps, const at::Tensor& xt, const at::Tensor& t,
                           VarianceKind variance, bool clipDenoised, at::Tensor* x0Pred = nullptr) const;

private:
    /// table q gathered at t as float64 [B, 1, ..., 1] (rank of like) on m_device; checks t.
    at::Tensor gather64(Quantity q, const at::Tensor& t, const at::Tensor& like) const;
    at::Tensor gatherTable64(const at::Tensor& table, const at::Tensor& t, const at::Tensor& like) const;

    NoiseSchedule m_schedule;
    c10::Device m_device;
    std::vector<at::Tensor> m_tables; // float64 on m_device, indexed by Quantity
    at::Tensor m_largeVariance;       // float64 [T]: beta~_2, beta_2, ..., beta_T (beta_1 when T = 1)
    at::Tensor m_largeLogVariance;    // float64 [T]: log of the above
};

} // namespace ddpm
