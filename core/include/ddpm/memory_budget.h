// How much memory a piece of work may take: the physical memory available now, and byte
// counts written for people. Lets a command refuse up front what would exhaust the machine.
#pragma once

#include <cstdint>
#include <string>

namespace ddpm {

/// Physical memory the system can give out now, in bytes: MemAvailable from /proc/meminfo,
/// else sysconf(_SC_AVPHYS_PAGES) times the page size, else sysconf(_SC_PHYS_PAGES) times the
/// page size; 0 when none of them is known.
std::int64_t availableMemoryBytes();

/// A byte count in binary units with three significant digits: "900 bytes", "512 MiB",
/// "1.50 GiB", "27.1 GiB".
std::string formatBytes(std::int64_t bytes);

/// Throws ddpm::Error unless neededBytes fits both capBytes (a fixed, documented cap) and the
/// memory available now (availableMemoryBytes(), when known). The message reads
/// "<what> needs about <needed> of memory, more than <the cap | the <available> available now>; <hint>".
void requireMemory(std::int64_t neededBytes, std::int64_t capBytes, const std::string& what,
                   const std::string& hint);

} // namespace ddpm
