// A progress line on stderr for long work ("\rchain: step 120/1000 (12%)"), shown only when
// stderr is a terminal: piped or captured stderr stays empty, or holds the one error line.
#pragma once

#include <chrono>
#include <string>

#include "ddpm/progress.h"

namespace ddpm::cli {

class ProgressLine {
public:
    /// label names the work, e.g. "chain" or "bound"; unit names what is counted ("step", "t").
    ProgressLine(std::string label, std::string unit);
    /// Clears the line, so whatever follows on stderr (an error) starts at the left margin.
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    /// Whether stderr is a terminal, so the line is shown at all.
    bool enabled() const { return m_enabled; }
    /// Shows done of total; redraws at most about ten times a second, and always at the end.
    void update(long long done, long long total);
    /// A ProgressFn calling update(); empty when the line is not shown, so core skips the calls.
    ProgressFn callback();

private:
    std::string m_label;
    std::string m_unit;
    bool m_enabled = false;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_last;
};

} // namespace ddpm::cli
