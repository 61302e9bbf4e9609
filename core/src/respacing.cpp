// Respaced timesteps and schedules (see respacing.h).
#include "ddpm/respacing.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/time_embedding.h"

namespace ddpm {

namespace {

int parseCount(const std::string& text, const std::string& spacing)
{
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.empty() || used != text.size() || value < 1 || value > NoiseSchedule::kMaxSteps)
        throw Error("spacing '" + spacing + "': '" + text + "' is not a step count (a whole number >= 1)");
    return static_cast<int>(value);
}

void checkCount(int count, int steps, const std::string& spacing)
{
    if (count > steps)
        throw Error("spacing '" + spacing + "' asks for " + std::to_string(count) + " steps of a diffusion with T = "
                    + std::to_string(steps));
}

/// improved DDPM's sections: 0-based indices.
std::vector<int> sections(int steps, const std::vector<int>& counts, const std::string& spacing)
{
    const int n = static_cast<int>(counts.size());
    const int sizePer = steps / n;
    const int extra = steps % n;
    std::vector<int> kept;
    int start = 0;
    for (int i = 0; i < n; ++i) {
        const int size = sizePer + (i < extra ? 1 : 0);
        if (counts[i] > size)
            throw Error("spacing '" + spacing + "': section " + std::to_string(i + 1) + " has " + std::to_string(size)
                        + " steps, fewer than the " + std::to_string(counts[i]) + " asked for");
        const double stride = counts[i] <= 1 ? 1.0 : double(size - 1) / double(counts[i] - 1);
        double at = 0;
        for (int j = 0; j < counts[i]; ++j) {
            kept.push_back(start + static_cast<int>(std::nearbyint(at)));
            at += stride;
        }
        start += size;
    }
    return kept;
}

} // namespace

std::vector<int> spacedTimesteps(int steps, const std::string& spacing)
{
    if (steps < 1 || steps > NoiseSchedule::kMaxSteps)
        throw Error("cannot respace a diffusion of " + std::to_string(steps) + " steps");
    std::vector<int> zeroBased;
    auto after = [&](const std::string& prefix) { return spacing.substr(prefix.size()); };
    auto startsWith = [&](const std::string& prefix) { return spacing.rfind(prefix, 0) == 0; };
    if (spacing.empty() || spacing == "all") {
        for (int i = 0; i < steps; ++i) zeroBased.push_back(i);
    } else if (startsWith("ddim")) {
        const int count = parseCount(after("ddim"), spacing);
        checkCount(count, steps, spacing);
        for (int stride = 1; stride <= steps; ++stride) {
            if ((steps + stride - 1) / stride == count) {
                for (int i = 0; i < steps; i += stride) zeroBased.push_back(i);
                break;
            }
        }
        if (zeroBased.empty())
            throw Error("spacing '" + spacing + "': no integer stride gives exactly " + std::to_string(count)
                        + " of T = " + std::to_string(steps) + " steps; give a plain count such as '"
                        + std::to_string(count) + "' instead");
    } else if (startsWith("leading:")) {
        const int count = parseCount(after("leading:"), spacing);
        checkCount(count, steps, spacing);
        const int ratio = steps / count;
        for (int i = 0; i < count; ++i) zeroBased.push_back(i * ratio);
    } else if (startsWith("trailing:")) {
        const int count = parseCount(after("trailing:"), spacing);
        checkCount(count, steps, spacing);
        const double ratio = double(steps) / count;
        for (int i = 0; i < count; ++i) zeroBased.push_back(static_cast<int>(std::nearbyint(steps - i * ratio)) - 1);
    } else if (startsWith("linspace:")) {
        const int count = parseCount(after("linspace:"), spacing);
        checkCount(count, steps, spacing);
        for (int i = 0; i < count; ++i)
            zeroBased.push_back(static_cast<int>(std::nearbyint(count == 1 ? 0.0 : double(steps - 1) * i / (count - 1))));
    } else {
        std::vector<int> counts;
        std::size_t begin = 0;
        while (begin <= spacing.size()) {
            const std::size_t comma = spacing.find(',', begin);
            const std::string part = spacing.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
            counts.push_back(parseCount(part, spacing));
            if (comma == std::string::npos) break;
            begin = comma + 1;
        }
        if (counts.size() == 1) checkCount(counts.front(), steps, spacing);
        if (static_cast<int>(counts.size()) > steps)
            throw Error("spacing '" + spacing + "' has more sections than T = " + std::to_string(steps) + " steps");
        zeroBased = sections(steps, counts, spacing);
    }
    std::set<int> unique;
    for (int i : zeroBased) unique.insert(std::clamp(i, 0, steps - 1) + 1);
    std::vector<int> kept(unique.begin(), unique.end());
    if (kept.size() != zeroBased.size())
        throw Error("spacing '" + spacing + "' repeats timesteps of T = " + std::to_string(steps) + "; ask for fewer steps");
    return kept;
}

NoiseSchedule respaceSchedule(const NoiseSchedule& schedule, const std::vector<int>& kept)
{
    if (kept.empty()) throw Error("a respaced schedule needs at least one timestep");
    std::vector<double> alphaBars;
    alphaBars.reserve(kept.size());
    int last = 0;
    for (int t : kept) {
        if (t <= last || t > schedule.steps())
            throw Error("respaced timesteps must rise within 1.." + std::to_string(schedule.steps()));
        alphaBars.push_back(schedule.alphaBar(t));
        last = t;
    }
    const std::string name = static_cast<int>(kept.size()) == schedule.steps()
        ? schedule.name() : schedule.name() + " respaced to " + std::to_string(kept.size());
    return NoiseSchedule::fromAlphaBars(alphaBars, name);
}

RespacedModel::RespacedModel(DenoiseModel& inner, const NoiseSchedule& original, std::vector<int> kept)
    : m_inner(inner), m_originalSteps(original.steps()), m_kept(std::move(kept)), m_schedule(respaceSchedule(original, m_kept))
{
    std::vector<std::int64_t> map{0};
    map.insert(map.end(), m_kept.begin(), m_kept.end());
    m_map = at::tensor(map, at::kLong);
}

at::Tensor RespacedModel::predict(const at::Tensor& xt, const at::Tensor& t)
{
    const bool uniform = uniformTimesteps(t); // one t over the batch stays one t
    const at::Tensor k = distinctTimesteps(t).to(at::kCPU, at::kLong);
    const auto [lo, hi] = at::aminmax(k);
    if (lo.item<std::int64_t>() < 1 || hi.item<std::int64_t>() > static_cast<std::int64_t>(m_kept.size()))
        throw Error("respaced timestep outside 1.." + std::to_string(m_kept.size()));
    const at::Tensor original = m_map.index_select(0, k).to(t.device());
    return m_inner.predict(xt, uniform ? original.expand({t.size(0)}) : original);
}

std::string RespacedModel::name() const
{
    return m_inner.name() + ", " + std::to_string(m_kept.size()) + " of " + std::to_string(m_originalSteps) + " steps";
}

} // namespace ddpm
