// Opening only regular files (stat, open with O_NONBLOCK, fstat) and reading them under a size limit.
#include "ddpm/regular_file.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddpm/error.h"
#include "ddpm/memory_budget.h"

namespace ddpm {
namespace {

std::string named(const std::string& what, const std::string& path) { return what + " '" + path + "'"; }

[[noreturn]] void throwOpenError(const std::string& what, const std::string& path, int err)
{
    if (err == ENOENT || err == ENOTDIR)
        throw Error(named(what, path) + " does not exist");
    throw Error(named(what, path) + " cannot be opened: " + std::strerror(err));
}

void requireRegular(const struct stat& st, const std::string& what, const std::string& path)
{
    if (S_ISREG(st.st_mode))
        return;
    if (S_ISDIR(st.st_mode))
        throw Error(named(what, path) + " is a directory, not a file");
    throw Error(named(what, path) + " is " + fileKindName(st.st_mode) + ", not a regular file; give a file");
}

std::string tooLarge(const std::string& what, const std::string& path, std::int64_t maxBytes)
{
    return named(what, path) + " is larger than the limit of " + formatBytes(maxBytes) + " for a " + what;
}

} // namespace

RegularFile::RegularFile(const std::string& path, std::int64_t maxBytes, const std::string& what)
    : m_path(path), m_what(what), m_maxBytes(maxBytes)
{
    if (path.empty())
        throw Error(what + " name is empty; give a file");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throwOpenError(what, path, errno);
    requireRegular(st, what, path); // before open(): opening some devices has side effects

    m_fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0)
        throwOpenError(what, path, errno);
    // The path may have been replaced since stat(); the descriptor is what will be read.
    if (::fstat(m_fd, &st) != 0) {
        const int err = errno;
        ::close(m_fd);
        throwOpenError(what, path, err);
    }
    try {
        requireRegular(st, what, path);
        if (st.st_size > maxBytes)
            throw Error(tooLarge(what, path, maxBytes) + " (it has " + std::to_string(st.st_size) + " bytes)");
    } catch (...) {
        ::close(m_fd);
        throw;
    }
    m_size = st.st_size;
    // Regular files never block, but reads through this descriptor should behave as usual.
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
}

RegularFile::~RegularFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

int RegularFile::release()
{
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

std::string RegularFile::readAll()
{
    if (m_fd < 0)
        throw Error(named(m_what, m_path) + " was already handed over");
    std::string bytes;
    bytes.reserve(static_cast<size_t>(m_size));
    char buffer[1 << 16];
    while (true) {
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw Error(named(m_what, m_path) + " cannot be read: " + std::strerror(errno));
        }
        if (n == 0)
            return bytes;
        if (static_cast<std::int64_t>(bytes.size()) + n > m_maxBytes)
            throw Error(tooLarge(m_what, m_path, m_maxBytes) + " (it grew while being read)");
        bytes.append(buffer, static_cast<size_t>(n));
    }
}

std::string readRegularFile(const std::string& path, std::int64_t maxBytes, const std::string& what)
{
    RegularFile file(path, maxBytes, what);
    return file.readAll();
}

std::string fileKindName(mode_t mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "a special file";
}

} // namespace ddpm
