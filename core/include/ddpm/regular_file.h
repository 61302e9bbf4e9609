// Reading files that must be regular files: a FIFO would block a read forever and a device
// such as /dev/zero never ends, so both are refused before any byte is read, and the size
// is checked against a named limit before the file is read into memory.
#pragma once

#include <cstdint>
#include <string>

#include <sys/types.h>

namespace ddpm {

/// An open, read-only descriptor of a regular file; closes it when destroyed.
class RegularFile {
public:
    /// Opens path (symbolic links followed) for reading. The path is stat'ed first, so a
    /// device is never opened; it is then opened with O_NONBLOCK, so a FIFO that appears in
    /// between cannot block, and checked again with fstat on the open descriptor. Throws
    /// ddpm::Error "<what> '<path>' ..." when the path is missing or unreadable, is not a
    /// regular file (directory, FIFO, device, socket), or holds more than maxBytes bytes
    /// (the message names the limit, e.g. "512 MiB").
    RegularFile(const std::string& path, std::int64_t maxBytes, const std::string& what = "file");
    ~RegularFile();
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;

    int fd() const { return m_fd; }
    /// The size fstat reported when the file was opened, in bytes.
    std::int64_t size() const { return m_size; }
    /// Hands the descriptor over (e.g. to zlib's gzdopen, which closes it); fd() is -1 after.
    int release();
    /// Reads the rest of the file; throws ddpm::Error on a read error or when the file grows
    /// past the limit while being read.
    std::string readAll();

private:
    std::string m_path;
    std::string m_what;
    std::int64_t m_maxBytes = 0;
    std::int64_t m_size = 0;
    int m_fd = -1;
};

/// The whole content of a regular file of at most maxBytes bytes (see RegularFile).
std::string readRegularFile(const std::string& path, std::int64_t maxBytes, const std::string& what = "file");

/// "a directory", "a FIFO (named pipe)", "a character device", ... for a stat mode, as used
/// in messages ("... is a character device, not a regular file").
std::string fileKindName(mode_t mode);

} // namespace ddpm
