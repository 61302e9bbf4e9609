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

/// Applies --threads (0 = probe) to torch; called by subcommands that compute on tensors,
/// at the start of their callback. 0 runs ddpm::probeThreadCount() (well under a second) and
/// uses the fastest count; 1..256 sets that count. Throws UsageError outside 0..256.
void applyThreads(int threads);

/// Adds "--threads N" (0..256, default 0 = probe) bound to threads.
CLI::Option* addThreadsOption(CLI::App& sub, int& threads);

/// Adds "--seed S" (an integer 0..2^64-1, default 0) bound to seed; a negative value is refused
/// with a short message (CLI11 would otherwise wrap it around).
CLI::Option* addSeedOption(CLI::App& sub, std::uint64_t& seed, const std::string& help);

/// Sets the subcommand's help footer to "Example:\n  <example>" (every subcommand has one).
void setExample(CLI::App& sub, const std::string& example);

/// Writes text to stdout when path is empty, else to path atomically (ddpm::writeFileAtomic).
void writeOutput(const std::string& path, const std::string& text);

/// Throws UsageError unless path ends in extension (".png", compared case-insensitively).
void requireExtension(const std::string& option, const std::string& path, const std::string& extension);

/// Parses "1,250,500,1000" (spaces allowed around numbers) into integers, each in lo..hi.
/// Throws UsageError naming option, the bad item and the allowed range; what names the
/// range in messages (e.g. "T = 1000 steps").
std::vector<int> parseIntList(const std::string& option, const std::string& text, int lo, int hi,
                              const std::string& what = {});

} // namespace ddpm::cli
