// Progress reporting and cancellation for long core operations.
#pragma once

#include <atomic>
#include <functional>

namespace ddpm {

/// Called from the computing thread with (done, total) units of work.
/// Must be cheap; callers that drive a GUI throttle it themselves.
using ProgressFn = std::function<void(long long done, long long total)>;

/// Thrown when a long operation sees its stop flag set. Not an ddpm::Error:
/// cancelling is not a failure and callers usually catch it separately.
struct Cancelled {};

/// Where a long operation checks for a request to stop. A null flag never stops.
inline void throwIfCancelled(const std::atomic<bool>* stop)
{
    if (stop != nullptr && stop->load(std::memory_order_relaxed))
        throw Cancelled{};
}

} // namespace ddpm
