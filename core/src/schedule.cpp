// NoiseSchedule: named beta schedules, custom beta files, the zero-terminal-SNR rescale
// and every derived table, all in float64.
#include "ddpm/schedule.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <sstream>
#include <system_error>

#include "ddpm/error.h"
#include "ddpm/regular_file.h"

namespace ddpm {

namespace {

constexpr double kPi = 3.14159265358979323846;
/// Largest custom schedule file read (16 MiB).
constexpr std::int64_t kMaxBetaFileBytes = std::int64_t(16) << 20;
constexpr std::size_t kQuantityCount = static_cast<std::size_t>(Quantity::LogSnr) + 1;

std::string formatDouble(double v)
{
    std::ostringstream os;
    os.imbue(std::locale::classic());
    os.precision(6);
    os << v;
    return os.str();
}

/// n evenly spaced values from a to b inclusive; both ends are exact. n = 1 gives b: a
/// schedule's values run from t = 1 to t = T, and with one step t = 1 is t = T, the end.
/// So a one-step schedule obeys the same rule as every other T (its betas, here the end
/// beta_T, must stay below 1) instead of slipping through with its small start value.
std::vector<double> linspace(double a, double b, int n)
{
    std::vector<double> out(static_cast<std::size_t>(n));
    if (n == 1) {
        out[0] = b;
        return out;
    }
    for (int i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)] = a + (b - a) * (static_cast<double>(i) / (n - 1));
    out.back() = b;
    return out;
}

/// Ends given for T = 1000 scale by 1000/T (improved DDPM, Nichol & Dhariwal 2021).
double endScale(int steps) { return 1000.0 / static_cast<double>(steps); }

std::vector<double> linearBetas(int T)
{
    const double s = endScale(T);
    return linspace(s * 1e-4, s * 0.02, T);
}

std::vector<double> quadraticBetas(int T)
{
    const double s = endScale(T);
    std::vector<double> b = linspace(std::sqrt(s * 1e-4), std::sqrt(s * 0.02), T);
    for (double& v : b) v = v * v;
    return b;
}

std::vector<double> scaledLinearBetas(int T)
{
    const double s = endScale(T);
    std::vector<double> b = linspace(std::sqrt(s * 0.00085), std::sqrt(s * 0.012), T);
    for (double& v : b) v = v * v;
    return b;
}

std::vector<double> sigmoidBetas(int T)
{
    const double s = endScale(T);
    const double lo = s * 1e-4;
    const double hi = s * 0.02;
    std::vector<double> b = linspace(-6.0, 6.0, T);
    for (double& v : b) v = 1.0 / (1.0 + std::exp(-v)) * (hi - lo) + lo;
    return b;
}

/// Improved DDPM's cosine schedule: alpha_bar(t) = f(t) / f(0),
/// f(t) = cos(((t / T) + s) / (1 + s) * pi / 2)^2 with s = 0.008; beta capped at 0.999.
std::vector<double> cosineBetas(int T)
{
    const double s = 0.008;
    auto f = [&](int t) {
        const double c = std::cos((static_cast<double>(t) / T + s) / (1.0 + s) * kPi / 2.0);
        return c * c;
    };
    const double f0 = f(0);
    std::vector<double> b(static_cast<std::size_t>(T));
    double prev = 1.0;
    for (int t = 1; t <= T; ++t) {
        const double ab = f(t) / f0;
        b[static_cast<std::size_t>(t - 1)] = std::min(1.0 - ab / prev, 0.999);
        prev = ab;
    }
    return b;
}

using BetaFn = std::function<std::vector<double>(int)>;

const BetaFn* namedBetaFn(const std::string& name)
{
    static const std::vector<std::pair<std::string, BetaFn>> fns = {
        {"linear", linearBetas},       {"cosine", cosineBetas},
        {"quadratic", quadraticBetas}, {"sigmoid", sigmoidBetas},
        {"scaled-linear", scaledLinearBetas},
    };
    for (const auto& [n, fn] : fns)
        if (n == name) return &fn;
    return nullptr;
}

/// Index of the first beta outside (0, 1) (or not finite), or -1 when all are inside.
long firstBadBeta(const std::vector<double>& betas)
{
    for (std::size_t i = 0; i < betas.size(); ++i) {
        const double b = betas[i];
        if (!std::isfinite(b) || !(b > 0.0) || !(b < 1.0)) return static_cast<long>(i);
    }
    return -1;
}

void checkSteps(long steps, const std::string& what)
{
    if (steps < 1 || steps > NoiseSchedule::kMaxSteps)
        throw Error(what + " T = " + std::to_string(steps) + " is outside 1.." +
                    std::to_string(NoiseSchedule::kMaxSteps));
}

/// Lin et al. 2024, Algorithm 1: shift sqrt(alpha_bar) so its last value is 0, scale it so
/// its first value is unchanged, then recover alpha_t = alpha_bar_t / alpha_bar_{t-1}.
std::vector<double> rescaleZeroTerminalSnr(const std::vector<double>& betas)
{
    const std::size_t T = betas.size();
    if (T < 2)
        throw Error("zero-terminal SNR needs T >= 2 (got T = " + std::to_string(T) + ")");
    std::vector<double> sq(T);
    double ab = 1.0;
    for (std::size_t i = 0; i < T; ++i) {
        ab *= 1.0 - betas[i];
        sq[i] = std::sqrt(ab);
    }
    const double first = sq.front();
    const double last = sq.back();
    if (!(first > last))
        throw Error("zero-terminal SNR rescale needs alpha_bar to decrease from t = 1 to t = T");
    for (double& v : sq) v = (v - last) * first / (first - last);
    sq.back() = 0.0;
    std::vector<double> out(T);
    double prevAb = 1.0;
    for (std::size_t i = 0; i < T; ++i) {
        const double abi = sq[i] * sq[i];
        out[i] = 1.0 - abi / prevAb;
        prevAb = abi;
    }
    out.back() = 1.0;
    return out;
}

} // namespace

const char* quantityName(Quantity q)
{
    switch (q) {
    case Quantity::Beta: return "beta";
    case Quantity::Alpha: return "alpha";
    case Quantity::AlphaBar: return "alpha_bar";
    case Quantity::AlphaBarPrev: return "alpha_bar_prev";
    case Quantity::SqrtAlphaBar: return "sqrt_alpha_bar";
    case Quantity::SqrtOneMinusAlphaBar: return "sqrt_one_minus_alpha_bar";
    case Quantity::PosteriorVariance: return "posterior_variance";
    case Quantity::PosteriorLogVarianceClipped: return "posterior_log_variance_clipped";
    case Quantity::PosteriorMeanCoef1: return "posterior_mean_coef1";
    case Quantity::PosteriorMeanCoef2: return "posterior_mean_coef2";
    case Quantity::Snr: return "snr";
    case Quantity::LogSnr: return "log_snr";
    }
    return "unknown";
}

const std::vector<Quantity>& csvQuantities()
{
    static const std::vector<Quantity> q = {
        Quantity::Beta,
        Quantity::Alpha,
        Quantity::AlphaBar,
        Quantity::AlphaBarPrev,
        Quantity::SqrtAlphaBar,
        Quantity::SqrtOneMinusAlphaBar,
        Quantity::PosteriorVariance,
        Quantity::PosteriorLogVarianceClipped,
        Quantity::PosteriorMeanCoef1,
        Quantity::PosteriorMeanCoef2,
        Quantity::Snr,
    };
    return q;
}

const std::vector<std::string>& NoiseSchedule::namedSchedules()
{
    static const std::vector<std::string> names = {"linear", "cosine", "quadratic", "sigmoid",
                                                   "scaled-linear"};
    return names;
}

NoiseSchedule NoiseSchedule::fromName(const std::string& name, int steps, bool zeroTerminalSnr)
{
    static const std::string customPrefix = "custom:";
    if (name.compare(0, customPrefix.size(), customPrefix) == 0) {
        const std::string path = name.substr(customPrefix.size());
        if (path.empty())
            throw Error("schedule 'custom:' needs a file name, e.g. custom:betas.txt");
        // The file sets T; steps is not consulted (callers pass whatever their T control holds).
        std::vector<double> betas = readBetaFile(path);
        return fromBetas(std::move(betas), name, zeroTerminalSnr);
    }

    const BetaFn* fn = namedBetaFn(name);
    if (fn == nullptr)
        throw Error("unknown schedule '" + name +
                    "'; use linear, cosine, quadratic, sigmoid, scaled-linear or custom:FILE");
    checkSteps(steps, "schedule steps");

    std::vector<double> betas = (*fn)(steps);
    const long bad = firstBadBeta(betas);
    if (bad >= 0) {
        // The ends scale by 1000/T, so small T pushes beta to 1 or past it; suggest a T that works.
        int fix = steps + 1;
        while (fix <= kMaxSteps && firstBadBeta((*fn)(fix)) >= 0) ++fix;
        std::string msg = name + " schedule at T = " + std::to_string(steps) + " reaches beta = " +
                          formatDouble(*std::max_element(betas.begin(), betas.end())) +
                          " (its ends scale by 1000/T); ";
        msg += fix <= kMaxSteps ? "use T >= " + std::to_string(fix) + " or another schedule"
                                : "use another schedule";
        throw Error(msg);
    }
    return fromBetas(std::move(betas), name, zeroTerminalSnr);
}

NoiseSchedule NoiseSchedule::fromBetas(std::vector<double> betas, std::string name,
                                       bool zeroTerminalSnr)
{
    checkSteps(static_cast<long>(betas.size()), "schedule of '" + name + "' has");
    const long bad = firstBadBeta(betas);
    if (bad >= 0)
        throw Error("schedule '" + name + "': beta at t = " + std::to_string(bad + 1) + " is " +
                    formatDouble(betas[static_cast<std::size_t>(bad)]) +
                    "; every beta must be in (0, 1)");
    if (zeroTerminalSnr) betas = rescaleZeroTerminalSnr(betas);
    return tabulate(betas, std::move(name), zeroTerminalSnr);
}

NoiseSchedule NoiseSchedule::fromAlphaBars(const std::vector<double>& alphaBars, std::string name)
{
    checkSteps(static_cast<long>(alphaBars.size()), "schedule of '" + name + "' has");
    std::vector<double> betas;
    betas.reserve(alphaBars.size());
    double previous = 1.0;
    for (std::size_t i = 0; i < alphaBars.size(); ++i) {
        const double ab = alphaBars[i];
        const bool terminalZero = ab == 0.0 && i + 1 == alphaBars.size() && i > 0;
        if (!(ab < previous && (ab > 0.0 || terminalZero)))
            throw Error("schedule '" + name + "': alpha_bar at t = " + std::to_string(i + 1) + " is " + formatDouble(ab)
                        + "; alpha_bar must fall strictly within (0, 1), reaching 0 only at t = T");
        betas.push_back(terminalZero ? 1.0 : 1.0 - ab / previous);
        previous = ab;
    }
    return tabulate(betas, std::move(name), alphaBars.back() == 0.0);
}

NoiseSchedule NoiseSchedule::tabulate(const std::vector<double>& betas, std::string name, bool zeroTerminalSnr)
{
    const std::size_t T = betas.size();
    NoiseSchedule s;
    s.m_name = std::move(name);
    s.m_zeroTerminalSnr = zeroTerminalSnr;
    s.m_tables.assign(kQuantityCount, std::vector<double>(T));
    auto tab = [&](Quantity q) -> std::vector<double>& {
        return s.m_tables[static_cast<std::size_t>(q)];
    };
    std::vector<double>& beta = tab(Quantity::Beta);
    std::vector<double>& alpha = tab(Quantity::Alpha);
    std::vector<double>& ab = tab(Quantity::AlphaBar);
    std::vector<double>& abPrev = tab(Quantity::AlphaBarPrev);
    std::vector<double>& postVar = tab(Quantity::PosteriorVariance);

    double running = 1.0;
    for (std::size_t i = 0; i < T; ++i) {
        beta[i] = betas[i];
        alpha[i] = 1.0 - betas[i];
        abPrev[i] = running;
        running *= alpha[i];
        ab[i] = running;
        const double oneMinusAb = 1.0 - ab[i];
        tab(Quantity::SqrtAlphaBar)[i] = std::sqrt(ab[i]);
        tab(Quantity::SqrtOneMinusAlphaBar)[i] = std::sqrt(oneMinusAb);
        // Eq. 7: beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t; 0 at t = 1.
        postVar[i] = beta[i] * (1.0 - abPrev[i]) / oneMinusAb;
        // Eq. 7: mu~_t = coef1 x_0 + coef2 x_t.
        tab(Quantity::PosteriorMeanCoef1)[i] = beta[i] * std::sqrt(abPrev[i]) / oneMinusAb;
        tab(Quantity::PosteriorMeanCoef2)[i] =
            (1.0 - abPrev[i]) * std::sqrt(alpha[i]) / oneMinusAb;
        tab(Quantity::Snr)[i] = ab[i] / oneMinusAb;
        tab(Quantity::LogSnr)[i] = std::log(ab[i]) - std::log1p(-ab[i]);
    }
    // beta~_1 = 0, so t = 1 borrows beta~_2 (improved DDPM); with T = 1 there is none: log beta_1.
    std::vector<double>& logVar = tab(Quantity::PosteriorLogVarianceClipped);
    for (std::size_t i = 1; i < T; ++i) logVar[i] = std::log(postVar[i]);
    logVar[0] = T >= 2 ? std::log(postVar[1]) : std::log(beta[0]);
    return s;
}

std::vector<double> NoiseSchedule::readBetaFile(const std::string& path)
{
    // kMaxSteps betas of 17 significant digits with comments fit in a few MB.
    return parseBetaText(readRegularFile(path, kMaxBetaFileBytes, "schedule file"), path);
}

std::vector<double> NoiseSchedule::parseBetaText(const std::string& fileText, const std::string& what)
{
    std::istringstream in(fileText);
    std::vector<double> betas;
    std::string line;
    long lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        // A UTF-8 byte order mark, as some editors on Windows write, is not part of the first beta.
        static const std::string kUtf8Bom = "\xEF\xBB\xBF";
        if (lineNo == 1 && line.compare(0, kUtf8Bom.size(), kUtf8Bom) == 0) line.erase(0, kUtf8Bom.size());
        const std::size_t hash = line.find('#');
        if (hash != std::string::npos) line.erase(hash);
        const char* ws = " \t\r\n\v\f";
        const std::size_t b = line.find_first_not_of(ws);
        if (b == std::string::npos) continue;
        const std::size_t e = line.find_last_not_of(ws);
        const std::string text = line.substr(b, e - b + 1);
        const char* first = text.data();
        const char* last = text.data() + text.size();
        if (*first == '+') ++first;
        double v = 0.0;
        const auto [ptr, ec] = std::from_chars(first, last, v);
        const std::string where = "schedule file '" + what + "' line " + std::to_string(lineNo);
        if (ec != std::errc() || ptr != last || !std::isfinite(v))
            throw Error(where + ": '" + text + "' is not a number; write one beta in (0, 1) per line");
        if (!(v > 0.0 && v < 1.0))
            throw Error(where + ": beta '" + text + "' is outside (0, 1)");
        betas.push_back(v);
        if (static_cast<long>(betas.size()) > kMaxSteps)
            throw Error("schedule file '" + what + "' holds more than " +
                        std::to_string(kMaxSteps) + " betas");
    }
    if (betas.empty())
        throw Error("schedule file '" + what +
                    "' holds no betas; write one beta in (0, 1) per line");
    return betas;
}

const std::vector<double>& NoiseSchedule::table(Quantity q) const
{
    return m_tables.at(static_cast<std::size_t>(q));
}

double NoiseSchedule::at(Quantity q, int t) const
{
    if (t < 1 || t > steps())
        throw Error("timestep t = " + std::to_string(t) + " is outside 1.." +
                    std::to_string(steps()));
    return table(q)[static_cast<std::size_t>(t - 1)];
}

} // namespace ddpm
