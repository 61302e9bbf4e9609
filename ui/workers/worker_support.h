// Plumbing shared by the workers: a gate that lets progress through at a bounded rate, the
// text of an error thrown by core or torch, ready for a message box, and the thread budget a
// worker made without one uses.
#pragma once

#include <QString>

#include <chrono>
#include <exception>
#include <memory>

namespace ddpm {
class ThreadBudget;
}

namespace ddpm::ui {

/// Lets an event through at most once per interval (about 25 a second by default); a forced
/// one always passes and restarts the interval. Used from one thread.
class RateGate {
public:
    using Clock = std::chrono::steady_clock;
    explicit RateGate(std::chrono::milliseconds interval = std::chrono::milliseconds(40))
        : m_interval(interval), m_last(Clock::now() - interval)
    {
    }
    /// Whether to emit now; passing restarts the interval.
    bool pass(bool force = false)
    {
        const auto now = Clock::now();
        if (!force && now - m_last < m_interval)
            return false;
        m_last = now;
        return true;
    }

private:
    std::chrono::milliseconds m_interval;
    Clock::time_point m_last;
};

/// "Context. What went wrong." for the exception being handled (call inside a catch block):
/// core's ddpm::Error message with its first letter raised, torch's c10::Error cut to its
/// first line (the rest is a backtrace), or a plain sentence for anything else.
QString currentErrorText(const QString& context);

/// given, or when it is null a budget of its own at the calling thread's torch count: for a
/// page or worker made without the main window's one budget (a test, a tool).
std::shared_ptr<ddpm::ThreadBudget> threadBudgetOrOwn(std::shared_ptr<ddpm::ThreadBudget> given);

} // namespace ddpm::ui
