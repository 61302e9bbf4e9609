// The one exception type core throws for bad input or a failed operation.
#pragma once

#include <stdexcept>
#include <string>

namespace ddpm {

/// Thrown by every core function that validates user input or touches files.
/// The message names the bad value and what is allowed, so the CLI can print it
/// as one line and the GUI can show it in a dialog.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace ddpm
