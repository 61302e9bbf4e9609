// ForwardChain: the forward Markov chain (Eq. 2) walked with per-step seeded noise, resumable
// from a byte-bounded set of stored states.
//
// Storage layout, for a capacity of K = budget / stateBytes states: up to K - 1 pinned steps,
// a grid of every m_every-th step using what is left but one, and the position the last walk
// ended at (kept only while it is neither on the grid nor pinned). So at most K states.
#include "ddpm/forward_chain.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/rng.h"

namespace ddpm {

ForwardChain::ForwardChain(Unseeded, const NoiseSchedule& schedule, at::Tensor x0, std::int64_t budgetBytes)
    : m_x0(std::move(x0)), m_budgetBytes(budgetBytes)
{
    if (!m_x0.defined() || m_x0.numel() == 0)
        throw Error("the forward chain needs a non-empty x_0");
    if (!at::isFloatingType(m_x0.scalar_type()))
        throw Error(std::string("the forward chain needs a floating x_0, got dtype ") +
                    c10::toString(m_x0.scalar_type()));
    if (budgetBytes < 0)
        throw Error("chain cache budget " + std::to_string(budgetBytes) + " bytes must be 0 or more");
    const std::vector<double>& alpha = schedule.table(Quantity::Alpha);
    const std::vector<double>& beta = schedule.table(Quantity::Beta);
    m_sqrtAlpha.resize(alpha.size());
    m_sqrtBeta.resize(beta.size());
    std::transform(alpha.begin(), alpha.end(), m_sqrtAlpha.begin(), [](double a) { return std::sqrt(a); });
    std::transform(beta.begin(), beta.end(), m_sqrtBeta.begin(), [](double b) { return std::sqrt(b); });
    m_stateBytes = std::max<std::int64_t>(1, m_x0.numel() * static_cast<std::int64_t>(m_x0.element_size()));
    m_capacity = m_budgetBytes / m_stateBytes;
    layout();
}

ForwardChain::ForwardChain(const NoiseSchedule& schedule, at::Tensor x0, std::uint64_t seed,
                           std::int64_t budgetBytes)
    : ForwardChain(Unseeded{}, schedule, std::move(x0), budgetBytes)
{
    Rng rng(seed);
    m_chainSeed = drawChainSeed(rng);
}

ForwardChain::ForwardChain(const NoiseSchedule& schedule, at::Tensor x0, Rng& rng, std::int64_t budgetBytes)
    : ForwardChain(Unseeded{}, schedule, std::move(x0), budgetBytes)
{
    m_chainSeed = drawChainSeed(rng);
}

std::uint64_t ForwardChain::stepSeed(std::uint64_t chainSeed, int t)
{
    // splitmix64 of (seed, t): every step gets its own generator, independent of the path.
    std::uint64_t z = chainSeed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(t) + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t ForwardChain::drawChainSeed(Rng& rng)
{
    const at::Tensor halves = rng.integers(0, 0xFFFFFFFFLL, {2});
    const std::uint64_t hi = static_cast<std::uint64_t>(halves[0].item<std::int64_t>());
    const std::uint64_t lo = static_cast<std::uint64_t>(halves[1].item<std::int64_t>());
    return (hi << 32) | lo;
}

at::Tensor ForwardChain::stepNoise(int t) const
{
    if (t < 1 || t > steps())
        throw Error("chain step t = " + std::to_string(t) + " is outside 1.." + std::to_string(steps()));
    Rng rng(stepSeed(m_chainSeed, t));
    return rng.normal(m_x0.sizes(), m_x0.scalar_type(), m_x0.device());
}

void ForwardChain::layout()
{
    const std::int64_t gridSlots = m_capacity - 1 - static_cast<std::int64_t>(m_pinned.size());
    if (gridSlots <= 0)
        m_every = 0;
    else
        m_every = static_cast<int>(std::max<std::int64_t>(1, (steps() + gridSlots - 1) / gridSlots));
    for (auto it = m_states.begin(); it != m_states.end();) {
        if (!keeps(it->first) && it->first != m_position)
            it = m_states.erase(it);
        else
            ++it;
    }
}

bool ForwardChain::keeps(int t) const
{
    if (t <= 0)
        return false;
    if (m_every > 0 && t % m_every == 0)
        return true;
    return std::binary_search(m_pinned.begin(), m_pinned.end(), t);
}

void ForwardChain::setPinned(const std::vector<int>& ts)
{
    std::vector<int> accepted;
    const std::int64_t room = std::max<std::int64_t>(0, m_capacity - 1);
    for (int t : ts) {
        if (static_cast<std::int64_t>(accepted.size()) >= room)
            break;
        if (t >= 1 && t <= steps() && std::find(accepted.begin(), accepted.end(), t) == accepted.end())
            accepted.push_back(t);
    }
    std::sort(accepted.begin(), accepted.end());
    if (accepted == m_pinned)
        return;
    m_pinned = std::move(accepted);
    layout();
}

void ForwardChain::maybeStore(int t, const at::Tensor& state)
{
    if (keeps(t))
        m_states[t] = state;
}

void ForwardChain::setPosition(int t, const at::Tensor& state)
{
    if (m_position > 0 && m_position != t && !keeps(m_position))
        m_states.erase(m_position);
    m_position = t;
    if (t > 0 && m_capacity > 0)
        m_states[t] = state;
}

bool ForwardChain::isStored(int t) const
{
    return t == 0 || m_states.count(t) > 0;
}

at::Tensor ForwardChain::stored(int t) const
{
    if (t == 0)
        return m_x0;
    const auto it = m_states.find(t);
    return it == m_states.end() ? at::Tensor() : it->second;
}

std::vector<int> ForwardChain::storedSteps() const
{
    std::vector<int> out;
    out.reserve(m_states.size());
    for (const auto& kv : m_states)
        out.push_back(kv.first);
    return out;
}

at::Tensor ForwardChain::walkTo(int t, const std::atomic<bool>* stop, const ProgressFn& progress)
{
    if (t < 0 || t > steps())
        throw Error("chain step t = " + std::to_string(t) + " is outside 0.." + std::to_string(steps()));
    // The nearest stored state at or below t (x_0 when none).
    int s = 0;
    at::Tensor state = m_x0;
    auto it = m_states.upper_bound(t);
    if (it != m_states.begin()) {
        --it;
        s = it->first;
        state = it->second;
    }
    const int start = s;
    try {
        for (int u = s + 1; u <= t; ++u) {
            throwIfCancelled(stop);
            // Eq. 2: x_u = sqrt(1 - beta_u) x_{u-1} + sqrt(beta_u) eps_u, eps_u from step u's own seed.
            const std::size_t i = static_cast<std::size_t>(u - 1);
            state = state * m_sqrtAlpha[i] + stepNoise(u) * m_sqrtBeta[i];
            s = u;
            maybeStore(u, state);
            if (progress)
                progress(u - start, t - start);
        }
    } catch (const Cancelled&) {
        setPosition(s, state); // the next walk goes on from here
        throw;
    }
    setPosition(t, state);
    return state;
}

} // namespace ddpm
