// Shared pieces of the `ddpm` subcommands: registration, option checks, exit codes.
//
// How a subcommand is written (cmd_schedule.cpp is the smallest example):
//   void addXxxCommand(CLI::App& app) {
//       auto* sub = app.add_subcommand("xxx", "one-line description");
//       auto opts = std::make_shared<XxxOptions>();     // options outlive this function
//       sub->add_option("--foo", opts->foo, "...");
//       addThreadsOption(*sub, opts->threads);           // if it computes on tensors
//       setExample(*sub, "ddpm xxx --foo 1");
//       sub->callback([opts] { runXxx(*opts); });        // runs after a successful parse
//   }
// The callback writes results to stdout or a file and never prints to stderr: it throws
// UsageError (bad combination of options) or ddpm::Error (bad input, failed file), and main()
// turns either into one line "ddpm xxx: <message>" on stderr and exit code 2.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ddpm::cli {

/// Exit codes of the CLI contract: 0 success, 1 unexpected failure (a bug or the system),
/// 2 bad usage or bad input (always with exactly one line on stderr).
enum ExitCode { kOk = 0, kFailure = 1, kBadInput = 2 };

/// Thrown by subcommand code for bad usage or input; main prints "ddpm <cmd>: <message>" and exits 2.
/// The message is one line naming the bad value and what is allowed.
struct UsageError {
    std::string message;
};

/// Thrown to end the program with a code other than 0 or 2 and a message line on stderr
/// (e.g. 130 when training was interrupted and its checkpoint saved).
struct ExitWith {
    int code;
    std::string message;
};

/// Each subcommand file defines one of these; main() registers them all.
void addScheduleCommand(CLI::App& app);
void addNoiseCommand(CLI::App& app);
void addBoundCommand(CLI::App& app);
void addTrainCommand(CLI::App& app);
void addBenchCommand(CLI::App& app);
void addSampleCommand(CLI::App& app);
void addExportCommand(CLI::App& app);

/// Applies --threads (0 = probe) to torch; called by subcommands that compute on tensors,
/// at the start of their callback. 0 runs ddpm::probeThreadCount() (well under a second) and
/// uses the fastest count; 1..256 sets that count. Throws UsageError outside 0..256.
void applyThreads(int threads);

/// A CLI11 check that an option's value is a whole number in lo..hi (spaces around it are
/// dropped), with messages that say what is expected; CLI11 prints them after the option name:
///   --steps: '1000abc' is not a whole number; use an integer in 1..100000
///   --steps: 0 is outside 1..100000
/// expected, when given, replaces "an integer in lo..hi" in the first message and is named in
/// the second ("--t: 99999999999 is out of range; use comma-separated integers in 1..T").
/// Add it with ->transform(), not ->check(): CLI11 lets only a transform drop the spaces.
/// Works for each item of a list option (->delimiter(',')).
CLI::Validator integerIn(long long lo, unsigned long long hi, const std::string& expected = {});

/// The same for a decimal number in lo..hi (e.g. "1e-4"; nan and inf refused):
///   --lr: 'fast' is not a number; use a number in 1e-08..1
CLI::Validator numberIn(double lo, double hi);

/// CLI::IsMember(names) with a message that lists the choices:
///   --format: 'xml' is not known; use csv or json
CLI::Validator oneOf(const std::vector<std::string>& names);

/// Adds "--threads N" (0..256, default 0 = probe) bound to threads.
CLI::Option* addThreadsOption(CLI::App& sub, int& threads);

/// Adds "--seed S" bound to seed, the one seed option of every command: an integer
/// 0..2^64-1 (default 0); anything else, a negative number or 2^64 and above included, is
/// refused with the range (CLI11 alone would wrap -1 around or clamp 2^64).
CLI::Option* addSeedOption(CLI::App& sub, std::uint64_t& seed, const std::string& help);

/// Adds "--steps T", the diffusion's number of steps (1..NoiseSchedule::kMaxSteps, default
/// 1000), as schedule, noise and bound take it.
CLI::Option* addStepsOption(CLI::App& sub, int& steps);

/// Sets the subcommand's help footer to "Example:\n  <example>" (every subcommand has one).
void setExample(CLI::App& sub, const std::string& example);

/// Writes text to stdout when path is empty, else to path atomically (ddpm::writeFileAtomic).
void writeOutput(const std::string& path, const std::string& text);

/// Throws UsageError unless path ends in extension (".png", compared case-insensitively).
void requireExtension(const std::string& option, const std::string& path, const std::string& extension);

} // namespace ddpm::cli
