// ForwardChain: a resumable walk of the forward Markov chain q(x_t | x_{t-1}) (Ho et al. 2020,
// Eq. 2) whose noise is seeded per step, with a byte-bounded cache of walked states. Reaching
// any t restarts from the nearest stored state and gives bit-identical x_t whatever path led
// there, so a scrubber can jump back and forth cheaply. Diffusion::qSampleChain walks with it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ddpm/progress.h"
#include "ddpm/schedule.h"

namespace ddpm {

class Rng;

class ForwardChain {
public:
    /// Default memory for stored states (bytes).
    static constexpr std::int64_t kDefaultBudgetBytes = 160LL * 1024 * 1024;

    /// x0: any shape (images [1, C, H, W]), floating dtype, any device; states keep its dtype
    /// and device. seed: the user's seed; the walk equals Diffusion::qSampleChain(x0, ts, Rng(seed)).
    /// budgetBytes: most memory kept for walked states (x_0 itself is not counted); 0 keeps none.
    /// The schedule's tables are copied, so the schedule need not outlive the chain.
    ForwardChain(const NoiseSchedule& schedule, at::Tensor x0, std::uint64_t seed,
                 std::int64_t budgetBytes = kDefaultBudgetBytes);
    /// As above with the chain's seed drawn from rng (one draw; rng moves on).
    ForwardChain(const NoiseSchedule& schedule, at::Tensor x0, Rng& rng,
                 std::int64_t budgetBytes = kDefaultBudgetBytes);

    /// The seed of step t's generator: a splitmix64 hash of (chainSeed, t).
    static std::uint64_t stepSeed(std::uint64_t chainSeed, int t);
    /// The chain's seed drawn from rng (64 bits).
    static std::uint64_t drawChainSeed(Rng& rng);

    int steps() const { return static_cast<int>(m_sqrtAlpha.size()); }
    const at::Tensor& x0() const { return m_x0; }
    std::uint64_t chainSeed() const { return m_chainSeed; }

    /// eps_t, the standard normal noise of step t (1..T), shaped, typed and placed like x_0:
    /// x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps_t.
    at::Tensor stepNoise(int t) const;

    /// x_t for t in 0..T (0 gives x_0), walked from the nearest stored state at or below t.
    /// Checks stop before each step and then throws ddpm::Cancelled, keeping the state reached
    /// so the next walk goes on from there. progress(done, total) is called after every step
    /// with the steps walked in this call (callers throttle). Throws ddpm::Error for t outside 0..T.
    at::Tensor walkTo(int t, const std::atomic<bool>* stop = nullptr, const ProgressFn& progress = {});

    /// States to keep whenever walked (e.g. a strip's steps), as far as the budget allows:
    /// at most (budget / state bytes - 1) of them, first come first kept. Replaces earlier pins
    /// and drops stored states the new layout no longer keeps.
    void setPinned(const std::vector<int>& ts);

    /// Whether x_t is stored (t = 0 always is).
    bool isStored(int t) const;
    /// The stored x_t, or an undefined tensor if it is not stored.
    at::Tensor stored(int t) const;
    /// Stored steps in increasing order (x_0 not listed).
    std::vector<int> storedSteps() const;
    /// Bytes of the stored states (x_0 not counted); never more than budgetBytes().
    std::int64_t storedBytes() const { return static_cast<std::int64_t>(m_states.size()) * m_stateBytes; }
    std::int64_t budgetBytes() const { return m_budgetBytes; }
    /// Bytes of one state.
    std::int64_t stateBytes() const { return m_stateBytes; }
    /// The step the last walk ended at (or stopped at).
    int position() const { return m_position; }

private:
    struct Unseeded {};
    ForwardChain(Unseeded, const NoiseSchedule& schedule, at::Tensor x0, std::int64_t budgetBytes);
    void layout();
    bool keeps(int t) const; ///< on the grid or pinned
    void maybeStore(int t, const at::Tensor& state);
    void setPosition(int t, const at::Tensor& state);

    std::vector<double> m_sqrtAlpha; // index t - 1
    std::vector<double> m_sqrtBeta;  // index t - 1
    at::Tensor m_x0;
    std::uint64_t m_chainSeed = 0;
    std::int64_t m_budgetBytes = 0;
    std::int64_t m_stateBytes = 1;
    std::int64_t m_capacity = 0; // states the budget holds
    std::vector<int> m_pinned;   // accepted pins, sorted
    int m_every = 0;             // grid spacing; 0 = no grid
    std::map<int, at::Tensor> m_states;
    int m_position = 0;
};

} // namespace ddpm
