// What the fuzz targets (tests/fuzz/fuzz_*.cpp) share: an invariant check that aborts, so
// libFuzzer and the corpus test (corpus_test.cpp) both see a broken invariant as a crash,
// and an in-memory file for the parsers that only read a path.
//
// Each target's contract: a parser given any bytes returns or throws ddpm::Error. Any other
// exception escapes the target and ends the process (std::terminate), as does a sanitizer
// report or a failed DDPM_FUZZ_CHECK: that is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ddpm::fuzz {

/// The fuzzer's input as a string (the parsers take bytes as std::string).
std::string bytesOf(const std::uint8_t* data, std::size_t size);

/// Prints "file:line: invariant failed: what" on stderr and aborts.
[[noreturn]] void invariantFailed(const char* what, const char* file, int line);

/// A file that lives in memory only (memfd_create), for parsers that take a path: path()
/// is "/proc/self/fd/N", a regular file holding the bytes given. Closed when destroyed.
class MemoryFile {
public:
    explicit MemoryFile(const std::string& bytes);
    ~MemoryFile();
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    const std::string& path() const { return m_path; }

private:
    int m_fd = -1;
    std::string m_path;
};

} // namespace ddpm::fuzz

/// Aborts (a finding) when cond is false; used for the invariants a target checks.
#define DDPM_FUZZ_CHECK(cond) \
    ((cond) ? static_cast<void>(0) : ::ddpm::fuzz::invariantFailed(#cond, __FILE__, __LINE__))
