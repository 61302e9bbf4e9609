// Helpers shared by the ddpm subcommands (see cli_common.h for the pattern they follow).
#include "cli_common.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <system_error>

#include "ddpm/atomic_file.h"
#include "ddpm/runtime.h"
#include "ddpm/schedule.h"

namespace ddpm::cli {

void applyThreads(int threads)
{
    if (threads < 0 || threads > 256)
        throw UsageError{"--threads " + std::to_string(threads) + " is outside 0..256 (0 picks the count by a short probe)"};
    setThreadCount(threads == 0 ? probeThreadCount() : threads);
}

namespace {

/// Text without the spaces and tabs around it.
std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// Whether value (sign and magnitude) lies in lo..hi.
bool inRange(bool negative, unsigned long long magnitude, long long lo, unsigned long long hi)
{
    if (negative && magnitude != 0) { // "-0" is 0
        if (lo >= 0)
            return false;
        // -lo without overflow for lo = LLONG_MIN.
        return magnitude <= static_cast<unsigned long long>(-(lo + 1)) + 1;
    }
    return magnitude <= hi && (lo <= 0 || magnitude >= static_cast<unsigned long long>(lo));
}

} // namespace

CLI::Validator integerIn(long long lo, unsigned long long hi, const std::string& expected)
{
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    const std::string use = expected.empty() ? "an integer in " + range : expected;
    return CLI::Validator(
        [lo, hi, range, use, expected](std::string& text) -> std::string {
            text = trimmed(text);
            const bool negative = !text.empty() && text.front() == '-';
            const size_t digits = !text.empty() && (text.front() == '-' || text.front() == '+') ? 1 : 0;
            unsigned long long magnitude = 0;
            const char* first = text.data() + digits;
            const char* last = text.data() + text.size();
            const auto [end, ec] = std::from_chars(first, last, magnitude);
            if (first == last || end != last || (ec != std::errc() && ec != std::errc::result_out_of_range))
                return "'" + text + "' is not a whole number; use " + use;
            if (ec == std::errc::result_out_of_range || !inRange(negative, magnitude, lo, hi))
                return expected.empty() ? text + " is outside " + range : text + " is out of range; use " + expected;
            return {};
        },
        expected.empty() ? range : std::string()); // help: "--steps INT:1..100000=1000"
}

CLI::Validator numberIn(double lo, double hi)
{
    auto show = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", v);
        return std::string(text);
    };
    const std::string range = show(lo) + ".." + show(hi);
    return CLI::Validator(
        [lo, hi, range](std::string& text) -> std::string {
            text = trimmed(text);
            double value = 0;
            const char* first = text.data();
            const char* last = text.data() + text.size();
            const auto [end, ec] = std::from_chars(first, last, value);
            if (first == last || end != last || ec != std::errc() || !std::isfinite(value))
                return "'" + text + "' is not a number; use a number in " + range;
            if (value < lo || value > hi)
                return text + " is outside " + range;
            return {};
        },
        range);
}

CLI::Validator oneOf(const std::vector<std::string>& names)
{
    const CLI::Validator member = CLI::IsMember(names);
    std::string list;
    for (size_t i = 0; i < names.size(); ++i)
        list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return CLI::Validator(
        [member, list](std::string& text) -> std::string {
            std::string problem;
            try {
                problem = member(text);
            } catch (const CLI::ValidationError& e) {
                problem = e.what();
            }
            return problem.empty() ? problem : "'" + text + "' is not known; use " + list;
        },
        member.get_description());
}

CLI::Option* addThreadsOption(CLI::App& sub, int& threads)
{
    return sub.add_option("--threads", threads,
                          "CPU threads for tensor work, 1..256; 0 (default) picks the fastest by a short probe")
        ->transform(integerIn(0, 256))
        ->default_val(0);
}

CLI::Option* addSeedOption(CLI::App& sub, std::uint64_t& seed, const std::string& help)
{
    return sub.add_option("--seed", seed, help + ", 0..2^64-1")
        ->transform(integerIn(0, std::numeric_limits<std::uint64_t>::max()))
        ->default_val(0);
}

CLI::Option* addStepsOption(CLI::App& sub, int& steps)
{
    return sub.add_option("--steps", steps,
                          "Number of diffusion steps T, 1.." + std::to_string(NoiseSchedule::kMaxSteps))
        ->transform(integerIn(1, NoiseSchedule::kMaxSteps))
        ->default_val(1000);
}

void setExample(CLI::App& sub, const std::string& example)
{
    sub.footer("Example:\n  " + example);
}

void writeOutput(const std::string& path, const std::string& text)
{
    if (!path.empty()) {
        writeFileAtomic(path, text);
        return;
    }
    std::cout << text;
    std::cout.flush();
    if (!std::cout)
        throw UsageError{"could not write to standard output"};
}

void requireExtension(const std::string& option, const std::string& path, const std::string& extension)
{
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
        return s;
    };
    const std::string p = lower(path);
    const std::string e = lower(extension);
    if (p.size() <= e.size() || p.compare(p.size() - e.size(), e.size(), e) != 0 || p.back() == '/')
        throw UsageError{option + " '" + path + "' must be a file name ending in " + extension};
}

} // namespace ddpm::cli
