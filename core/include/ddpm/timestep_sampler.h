// How training draws t: uniformly from 1..T, or by importance from each t's loss history
// (improved DDPM's second-moment resampler: p_t proportional to sqrt(E[L_t^2]) over the last
// 10 losses seen at t, mixed with 0.1% uniform; uniform until every t has 10). Items are
// weighted 1 / (T p_t) so the weighted loss stays an unbiased estimate of the uniform one.
#pragma once

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ddpm {

class Rng;

enum class TimestepSampling { Uniform, Importance };

/// "uniform" / "importance"; throws ddpm::Error otherwise.
TimestepSampling parseTimestepSampling(const std::string& text);
const char* timestepSamplingName(TimestepSampling kind);

class TimestepSampler {
public:
    static constexpr int kHistory = 10;
    static constexpr double kUniformShare = 0.001;

    TimestepSampler(TimestepSampling kind, int steps);

    struct Draw {
        at::Tensor t;       ///< [B] int64 in 1..T (CPU)
        at::Tensor weights; ///< [B] float32: 1 / (T p_t); undefined when every weight is 1 (uniform draws)
    };
    /// Draws batch timesteps with rng.
    Draw draw(Rng& rng, std::int64_t batch) const;
    /// Records each item's loss at its t (CPU tensors [B]); uniform sampling ignores it.
    void update(const at::Tensor& t, const at::Tensor& losses);
    /// The current p_t, index t - 1.
    std::vector<double> probabilities() const;
    /// True once every t has kHistory losses (before that, importance draws uniformly).
    bool warmedUp() const;

    TimestepSampling kind() const { return m_kind; }
    /// The loss history for checkpoints: [T, kHistory] float64 and counts [T] int64.
    at::Tensor history() const { return m_history; }
    at::Tensor counts() const { return m_counts; }
    /// Restores history and counts; throws ddpm::Error for shapes that do not fit T.
    void restore(const at::Tensor& history, const at::Tensor& counts);

private:
    TimestepSampling m_kind;
    int m_steps;
    at::Tensor m_history; // float64 [T, kHistory], a ring per t
    at::Tensor m_counts;  // int64 [T]: losses seen at t (saturates the ring, keeps counting)
};

} // namespace ddpm
