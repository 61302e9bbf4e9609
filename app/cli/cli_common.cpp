// Helpers shared by the ddpm subcommands (see cli_common.h for the pattern they follow).
#include "cli_common.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iostream>

#include "ddpm/atomic_file.h"
#include "ddpm/runtime.h"

namespace ddpm::cli {

void applyThreads(int threads)
{
    if (threads < 0 || threads > 256)
        throw UsageError{"--threads " + std::to_string(threads) + " is outside 0..256 (0 picks the count by a short probe)"};
    setThreadCount(threads == 0 ? probeThreadCount() : threads);
}

CLI::Option* addThreadsOption(CLI::App& sub, int& threads)
{
    return sub.add_option("--threads", threads,
                          "CPU threads for tensor work, 1..256; 0 (default) picks the fastest by a short probe")
        ->check(CLI::Range(0, 256))
        ->default_val(0);
}

CLI::Option* addSeedOption(CLI::App& sub, std::uint64_t& seed, const std::string& help)
{
    const CLI::Validator nonNegative(
        [](std::string& text) -> std::string {
            const auto first = text.find_first_not_of(" \t");
            if (first != std::string::npos && text[first] == '-')
                return "seed " + text + " is negative; use an integer 0..18446744073709551615";
            return {};
        },
        "");
    return sub.add_option("--seed", seed, help + ", 0..2^64-1")->check(nonNegative)->default_val(0);
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

std::vector<int> parseIntList(const std::string& option, const std::string& text, int lo, int hi,
                              const std::string& what)
{
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi) + (what.empty() ? "" : " (" + what + ")");
    std::vector<int> values;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
        item.erase(item.begin(), std::find_if(item.begin(), item.end(), notSpace));
        item.erase(std::find_if(item.rbegin(), item.rend(), notSpace).base(), item.end());
        if (item.empty())
            throw UsageError{option + " '" + text + "' has an empty item; give comma-separated integers in " + range +
                             ", e.g. 1,250,500"};
        errno = 0;
        char* end = nullptr;
        const long long value = std::strtoll(item.c_str(), &end, 10);
        if (end == item.c_str() || *end != '\0')
            throw UsageError{option + ": '" + item + "' is not an integer; give comma-separated integers in " + range};
        if (errno == ERANGE || value < lo || value > hi)
            throw UsageError{option + ": " + item + " is outside " + range};
        values.push_back(static_cast<int>(value));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return values;
}

} // namespace ddpm::cli
