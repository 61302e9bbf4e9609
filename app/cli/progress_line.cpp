// The terminal-only progress line of long CLI work.
#include "progress_line.h"

#include <cstdio>
#include <utility>

#include <unistd.h>

namespace ddpm::cli {

ProgressLine::ProgressLine(std::string label, std::string unit)
    : m_label(std::move(label)), m_unit(std::move(unit)), m_enabled(::isatty(STDERR_FILENO) == 1)
{
}

ProgressLine::~ProgressLine()
{
    if (m_shown)
        std::fputs("\r\033[K", stderr); // carriage return, erase to the end of the line
    std::fflush(stderr);
}

void ProgressLine::update(long long done, long long total)
{
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (m_shown && done < total && now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    m_shown = true;
    const int percent = total > 0 ? static_cast<int>(100 * done / total) : 100;
    std::fprintf(stderr, "\r%s: %s %lld/%lld (%d%%)", m_label.c_str(), m_unit.c_str(), done, total, percent);
    std::fflush(stderr);
}

ProgressFn ProgressLine::callback()
{
    if (!m_enabled)
        return {};
    return [this](long long done, long long total) { update(done, total); };
}

} // namespace ddpm::cli
