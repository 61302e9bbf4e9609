// Atomic file writes (temp file beside the target, fsync, rename) and capped whole-file reads.
#include "ddpm/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddpm/error.h"

namespace ddpm {
namespace {

std::string systemReason(int err) { return std::strerror(err); }

std::string directoryOf(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

/// Owns an open temp file; removes it unless release() was called.
class TempFile {
public:
    explicit TempFile(const std::string& target)
    {
        // mkstemp picks a unique name in the target's directory, so rename() stays on one file system.
        std::string name = target + ".tmp-XXXXXX";
        m_buffer.assign(name.begin(), name.end());
        m_buffer.push_back('\0');
        m_fd = ::mkstemp(m_buffer.data());
        if (m_fd < 0) {
            const int err = errno;
            throw Error("cannot write '" + target + "': " + systemReason(err));
        }
        // mkstemp creates 0600; give the file the usual permissions (subject to the umask).
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(m_fd, 0666 & ~mask);
    }
    ~TempFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_released)
            ::unlink(m_buffer.data());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    int fd() const { return m_fd; }
    const char* name() const { return m_buffer.data(); }
    /// Closes the descriptor; returns 0 or an errno value.
    int close()
    {
        const int rc = ::close(m_fd);
        m_fd = -1;
        return rc == 0 ? 0 : errno;
    }
    void release() { m_released = true; }

private:
    std::vector<char> m_buffer;
    int m_fd = -1;
    bool m_released = false;
};

} // namespace

void writeFileAtomic(const std::string& path, const std::string& bytes)
{
    if (path.empty())
        throw Error("cannot write a file with an empty name");
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw Error("cannot write '" + path + "': it is a directory");

    TempFile temp(path);
    const auto fail = [&](int err) { throw Error("cannot write '" + path + "': " + systemReason(err)); };

    const char* data = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(temp.fd(), data, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail(errno);
        }
        data += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(temp.fd()) != 0)
        fail(errno);
    if (const int err = temp.close(); err != 0)
        fail(err);
    if (::rename(temp.name(), path.c_str()) != 0)
        fail(errno);
    temp.release();

    // Make the rename itself durable; a failure here does not undo the write.
    const int dirFd = ::open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
}

std::string readFile(const std::string& path, long long maxBytes)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        throw Error("cannot read '" + path + "': " + systemReason(err));
    }
    if (S_ISDIR(st.st_mode))
        throw Error("cannot read '" + path + "': it is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw Error("cannot read '" + path + "': " + systemReason(err));
    }
    if (S_ISREG(st.st_mode) && st.st_size > maxBytes)
        throw Error("cannot read '" + path + "': it has " + std::to_string(st.st_size) +
                    " bytes, more than the limit of " + std::to_string(maxBytes));
    std::string bytes;
    if (S_ISREG(st.st_mode))
        bytes.reserve(static_cast<size_t>(st.st_size));
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        bytes.append(buffer, static_cast<size_t>(in.gcount()));
        if (static_cast<long long>(bytes.size()) > maxBytes)
            throw Error("cannot read '" + path + "': it is larger than the limit of " +
                        std::to_string(maxBytes) + " bytes");
    }
    if (in.bad())
        throw Error("cannot read '" + path + "': a read error occurred");
    return bytes;
}

} // namespace ddpm
