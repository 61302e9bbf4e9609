// Shared pieces of the `ddpm` subcommands: registration, option checks, exit codes.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace ddpm::cli {

/// Exit codes of the CLI contract.
enum ExitCode { kOk = 0, kFailure = 1, kBadInput = 2 };

/// Thrown by subcommand code for bad usage or input; main prints "ddpm <cmd>: <message>" and exits 2.
struct UsageError {
    std::string message;
};

/// Each subcommand file defines one of these; main() registers them all.
void addScheduleCommand(CLI::App& app);
void addNoiseCommand(CLI::App& app);
void addBoundCommand(CLI::App& app);

/// Applies --threads (0 = probe) to torch; called by subcommands that compute on tensors.
void applyThreads(int threads);

} // namespace ddpm::cli
