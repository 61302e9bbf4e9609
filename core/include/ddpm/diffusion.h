// The Gaussian diffusion of Ho et al. (2020): forward process q, its posterior, and the
// reverse process p_theta for any Parameterization, as functions of a NoiseSchedule and tensors.
//
// Shapes: x tensors are [B, ...] (images [B, C, H, W], 2-D points [B, 2]); timesteps t are
// int64 [B] with values in 1..T (the paper's indexing). Coefficients come from the
// schedule's float64 tables and are cast to x's dtype and device by extract(). Timesteps on
// the CPU are range-checked once per call (a host read); on another device they are trusted,
// so the hot path of training never waits on the device for a check.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "ddpm/parameterization.h"
#include "ddpm/progress.h"
#include "ddpm/schedule.h"

namespace ddpm {

class Rng;


/// A diagonal Gaussian: mean, variance and log-variance, each broadcastable to x.
struct Gaussian {
    at::Tensor mean;
    at::Tensor variance;
    at::Tensor logVariance;
};

/// A model output read through its Parameterization at (x_t, t).
struct Denoised {
    at::Tensor eps;            ///< predicted noise, shaped like x_t
    at::Tensor x0;             ///< predicted x_0 (clamped to [-1, 1] when asked), shaped like x_t
    at::Tensor varianceValues; ///< the output's variance half (learned kinds), else undefined
};

/// p_theta(x_{t-1} | x_t) with the predictions it came from.
struct ReverseGaussian {
    Gaussian p;
    Denoised denoised;
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

    /// v = sqrt(alpha_bar_t) eps - sqrt(1 - alpha_bar_t) x_0 (Salimans & Ho 2022).
    at::Tensor predictV(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& eps) const;

    /// The one place a model output becomes {eps, x_0}: output is [B, C', ...] with C' the
    /// parameterisation's outputChannels(C) of x_t's C. With clipDenoised x_0 is clamped to
    /// [-1, 1] and eps recomputed from it (so the two stay consistent). Throws ddpm::Error
    /// for an output of the wrong shape.
    Denoised interpret(const Parameterization& param, const at::Tensor& output, const at::Tensor& xt,
                       const at::Tensor& t, bool clipDenoised) const;
    /// What a net of this prediction is trained to output for (x_0, eps) at t.
    at::Tensor trainingTarget(Prediction prediction, const at::Tensor& x0, const at::Tensor& t,
                              const at::Tensor& eps) const;
    /// sigma_t^2 of p_theta for kind (fixed kinds ignore values; learned kinds read them),
    /// shaped [B, 1, ...] for fixed kinds and like values for learned ones.
    Gaussian reverseVariance(VarianceKind kind, const at::Tensor& values, const at::Tensor& t,
                             const at::Tensor& like) const;
    /// p_theta(x_{t-1} | x_t) = N(mu~_t(x_t, x_0 predicted), sigma_t^2): the posterior mean of
    /// Eq. 7 at the predicted x_0 (for eps and no clipping this is Eq. 11), variance per kind.
    ReverseGaussian pMeanVariance(const Parameterization& param, const at::Tensor& output,
                                  const at::Tensor& xt, const at::Tensor& t, bool clipDenoised) const;

private:
    /// t - 1 as int64 on m_device, range-checked when t is on the CPU; shape for like.
    struct Index {
        at::Tensor rows;
        std::vector<std::int64_t> shape;
    };
    Index index(const at::Tensor& t, const at::Tensor& like) const;
    /// table at the index as [B, 1, ..., 1] float64 on m_device.
    at::Tensor gather64(const at::Tensor& table, const Index& i) const;
    at::Tensor gather64(Quantity q, const Index& i) const;
    /// the same cast to like's dtype and device.
    at::Tensor coef(Quantity q, const Index& i, const at::Tensor& like) const;
    /// qSample in one pass for float32 CPU tensors with no gradient; undefined when they are not.
    at::Tensor qSampleOnCpu(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& noise) const;

    at::Tensor x0FromEps(const Index& i, const at::Tensor& xt, const at::Tensor& eps) const;
    at::Tensor epsFromX0(const Index& i, const at::Tensor& xt, const at::Tensor& x0) const;
    Gaussian posterior(const Index& i, const at::Tensor& x0, const at::Tensor& xt) const;
    Denoised interpretAt(const Index& i, const Parameterization& param, const at::Tensor& output,
                         const at::Tensor& xt, bool clipDenoised) const;
    Gaussian reverseVarianceAt(const Index& i, VarianceKind kind, const at::Tensor& values,
                               const at::Tensor& like) const;

    NoiseSchedule m_schedule;
    c10::Device m_device;
    std::vector<at::Tensor> m_tables; // float64 on m_device, indexed by Quantity
    at::Tensor m_smallLogVariance;    // float64 [T]: fixedLogVariance(Small)
    at::Tensor m_largeLogVariance;    // float64 [T]: fixedLogVariance(Large)
    at::Tensor m_logBeta;             // float64 [T]: log beta_t (learned-range's upper end)
};

} // namespace ddpm
