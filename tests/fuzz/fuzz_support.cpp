// The fuzz targets' shared helpers (fuzz_support.h).
#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>

#include <sys/mman.h>
#include <unistd.h>

namespace ddpm::fuzz {

std::string bytesOf(const std::uint8_t* data, std::size_t size)
{
    return size == 0 ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

void invariantFailed(const char* what, const char* file, int line)
{
    std::fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
    std::abort();
}

MemoryFile::MemoryFile(const std::string& bytes)
{
    m_fd = memfd_create("ddpm-fuzz", MFD_CLOEXEC);
    if (m_fd < 0) {
        std::perror("memfd_create");
        std::abort(); // the harness itself failed: not a finding in the parser
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = write(m_fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            std::perror("write to memfd");
            std::abort();
        }
        done += static_cast<std::size_t>(n);
    }
    m_path = "/proc/self/fd/" + std::to_string(m_fd);
}

MemoryFile::~MemoryFile()
{
    close(m_fd);
}

} // namespace ddpm::fuzz
