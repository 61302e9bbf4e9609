// The memory available now (/proc/meminfo, else sysconf) and checks of estimated needs against it.
#include "ddpm/memory_budget.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "ddpm/error.h"

namespace ddpm {
namespace {

/// MemAvailable from /proc/meminfo in bytes, or 0 when the file or the line is missing.
std::int64_t memAvailableFromProc()
{
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) != 0)
            continue;
        std::istringstream fields(line.substr(13));
        long long kib = 0;
        std::string unit;
        if (fields >> kib >> unit && unit == "kB" && kib > 0)
            return static_cast<std::int64_t>(kib) * 1024;
        return 0;
    }
    return 0;
}

std::int64_t pagesToBytes(long pages)
{
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && pageSize > 0 ? static_cast<std::int64_t>(pages) * pageSize : 0;
}

} // namespace

std::int64_t availableMemoryBytes()
{
    if (const std::int64_t bytes = memAvailableFromProc(); bytes > 0)
        return bytes;
    if (const std::int64_t bytes = pagesToBytes(::sysconf(_SC_AVPHYS_PAGES)); bytes > 0)
        return bytes;
    return pagesToBytes(::sysconf(_SC_PHYS_PAGES));
}

std::string formatBytes(std::int64_t bytes)
{
    if (bytes < 1024)
        return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    int unit = 0;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, value >= 100 ? "%.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s", value,
                  kUnits[unit]);
    std::string text = buffer;
    // "512.00 MiB" reads better as "512 MiB": drop a fraction that is all zeros.
    const auto dot = text.find('.');
    const auto space = text.find(' ');
    if (dot != std::string::npos && text.find_first_not_of('0', dot + 1) == space)
        text.erase(dot, space - dot);
    return text;
}

void requireMemory(std::int64_t neededBytes, std::int64_t capBytes, const std::string& what,
                   const std::string& hint)
{
    const std::int64_t available = availableMemoryBytes();
    std::string limit;
    if (neededBytes > capBytes)
        limit = "the limit of " + formatBytes(capBytes);
    else if (available > 0 && neededBytes > available)
        limit = "the " + formatBytes(available) + " of memory available now";
    else
        return;
    throw Error(what + " needs about " + formatBytes(neededBytes) + " of memory, more than " + limit + "; " + hint);
}

} // namespace ddpm
