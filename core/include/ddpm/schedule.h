// NoiseSchedule: a beta schedule beta_1..beta_T and every table derived from it, in float64.
//
// Indexing follows the paper: t runs 1..T. Vectors returned by table() hold the
// value for t at index t - 1. Torch-free so that the GUI can plot it directly.
#pragma once

#include <string>
#include <vector>

namespace ddpm {

/// Every quantity a schedule tabulates, in the order of the CLI's CSV columns.
enum class Quantity {
    Beta,                        ///< beta_t
    Alpha,                       ///< alpha_t = 1 - beta_t
    AlphaBar,                    ///< alpha_bar_t = prod_{s<=t} alpha_s
    AlphaBarPrev,                ///< alpha_bar_{t-1}, with alpha_bar_0 = 1
    SqrtAlphaBar,                ///< sqrt(alpha_bar_t)
    SqrtOneMinusAlphaBar,        ///< sqrt(1 - alpha_bar_t)
    PosteriorVariance,           ///< beta~_t = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)  (Eq. 7)
    PosteriorLogVarianceClipped, ///< log beta~_t, with t = 1 using beta~_2 (improved DDPM); log beta_1 when T = 1
    PosteriorMeanCoef1,          ///< coefficient of x_0 in mu~_t: beta_t sqrt(alpha_bar_{t-1}) / (1 - alpha_bar_t)
    PosteriorMeanCoef2,          ///< coefficient of x_t in mu~_t: (1 - alpha_bar_{t-1}) sqrt(alpha_t) / (1 - alpha_bar_t)
    Snr,                         ///< alpha_bar_t / (1 - alpha_bar_t)
    LogSnr,                      ///< log(SNR); -inf where alpha_bar_t = 0 (not a CSV column)
};

/// Column name used in CSV/JSON output and plot legends ("alpha_bar", "log_snr", ...).
const char* quantityName(Quantity q);
/// The CLI's CSV columns after "t", in contract order (LogSnr excluded).
const std::vector<Quantity>& csvQuantities();

class NoiseSchedule {
public:
    static constexpr int kMaxSteps = 100000;

    /// A named schedule: "linear", "cosine", "quadratic", "sigmoid", "scaled-linear",
    /// or "custom:FILE" (one beta per line). Ends of linear, quadratic, sigmoid and
    /// scaled-linear are given for T = 1000 and scale by 1000/T for other T (improved DDPM).
    /// For "custom:FILE" the file's line count sets T and steps is ignored.
    /// With zeroTerminalSnr the schedule is rescaled so alpha_bar_T = 0 (Lin et al. 2024).
    /// Throws ddpm::Error on an unknown name, T outside 1..kMaxSteps, or betas outside (0, 1).
    static NoiseSchedule fromName(const std::string& name, int steps, bool zeroTerminalSnr = false);

    /// Betas given directly for t = 1..T; each must be in (0, 1) (beta_T = 1 allowed only
    /// when it results from a zero-terminal-SNR rescale). Throws ddpm::Error otherwise.
    static NoiseSchedule fromBetas(std::vector<double> betas, std::string name = "custom",
                                   bool zeroTerminalSnr = false);

    /// The schedule whose alpha_bar_t are these (t = 1..T): beta_t = 1 - alpha_bar_t / alpha_bar_{t-1}.
    /// They must fall strictly within (0, 1); alpha_bar_T = 0 makes a zero-terminal-SNR schedule.
    /// Respacing builds its schedules this way (respacing.h). Throws ddpm::Error otherwise.
    static NoiseSchedule fromAlphaBars(const std::vector<double>& alphaBars, std::string name);

    /// Reads a custom schedule file: one beta per line; blank lines and lines starting
    /// with '#' ignored. Throws ddpm::Error naming the file and line on any bad value.
    static std::vector<double> readBetaFile(const std::string& path);

    /// What readBetaFile does after reading: parses a beta file's text. what names the file in
    /// messages ("schedule file '<what>' line 3: ..."). The in-memory entry point the fuzz
    /// target and tests use; throws ddpm::Error as readBetaFile does.
    static std::vector<double> parseBetaText(const std::string& text, const std::string& what);

    /// The built-in schedule names, for menus and help text.
    static const std::vector<std::string>& namedSchedules();

    int steps() const { return static_cast<int>(m_tables.front().size()); }
    const std::string& name() const { return m_name; }
    bool zeroTerminalSnr() const { return m_zeroTerminalSnr; }

    /// The whole table of q, index t - 1.
    const std::vector<double>& table(Quantity q) const;
    /// One value at t in 1..T; throws ddpm::Error for t outside.
    double at(Quantity q, int t) const;

    double beta(int t) const { return at(Quantity::Beta, t); }
    double alphaBar(int t) const { return at(Quantity::AlphaBar, t); }

private:
    NoiseSchedule() = default;
    /// Every table from betas already checked (and rescaled).
    static NoiseSchedule tabulate(const std::vector<double>& betas, std::string name, bool zeroTerminalSnr);
    std::string m_name;
    bool m_zeroTerminalSnr = false;
    std::vector<std::vector<double>> m_tables; // indexed by Quantity
};

} // namespace ddpm
