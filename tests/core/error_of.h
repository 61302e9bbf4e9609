// The message a piece of work refuses with: what the core tests compare against the wording
// the public headers promise (the bad value and what is allowed).
#pragma once

#include <QString>

#include <functional>

#include "ddpm/error.h"

namespace ddpm::test {

/// The message of the ddpm::Error work throws, or an empty string when it throws none (any
/// other exception passes through and fails the test).
inline QString errorOf(const std::function<void()>& work)
{
    try {
        work();
    } catch (const ddpm::Error& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace ddpm::test
