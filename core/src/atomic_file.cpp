// Atomic file writes: temp file beside the target (the end of any symbolic link chain), fsync, rename.
#include "ddpm/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ddpm/error.h"
#include "ddpm/regular_file.h"

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

/// Refuses a write target (path, reached as target) that exists with the given mode and is
/// not a regular file: renaming over it would replace a directory, device or FIFO node.
void checkWritable(const std::string& path, const std::string& target, mode_t mode)
{
    if (S_ISREG(mode))
        return;
    const std::string via = target == path ? std::string() : " (a link to '" + target + "')";
    throw Error("cannot write '" + path + "'" + via + ": it is " + fileKindName(mode) +
                ", not a regular file; give the name of a file to write");
}

/// The file a write to path lands in: path itself, or the end of its chain of symbolic links
/// (a relative link resolved against the directory of the link). Throws when the chain loops
/// or the end exists and is not a regular file; a missing end is fine (it will be created).
std::string writeTarget(const std::string& path)
{
    std::string current = path;
    for (int links = 0; links <= 40; ++links) {
        struct stat st {};
        if (::lstat(current.c_str(), &st) != 0)
            return current; // missing (or unreachable: mkstemp then reports why)
        if (!S_ISLNK(st.st_mode)) {
            checkWritable(path, current, st.st_mode);
            return current;
        }
        std::vector<char> buffer(static_cast<size_t>(st.st_size > 0 ? st.st_size : 255) + 1);
        const ssize_t n = ::readlink(current.c_str(), buffer.data(), buffer.size());
        if (n <= 0 || static_cast<size_t>(n) >= buffer.size())
            return current;
        const std::string link(buffer.data(), static_cast<size_t>(n));
        current = link.front() == '/' ? link : directoryOf(current) + "/" + link;
    }
    throw Error("cannot write '" + path + "': too many levels of symbolic links");
}

/// Owns an open temp file; removes it unless release() was called.
class TempFile {
public:
    explicit TempFile(const std::string& target)
    {
        // mkostemp picks a unique name in the target's directory, so rename() stays on one file system;
        // close-on-exec keeps a child the program starts meanwhile from holding the file open.
        std::string name = target + ".tmp-XXXXXX";
        m_buffer.assign(name.begin(), name.end());
        m_buffer.push_back('\0');
        m_fd = ::mkostemp(m_buffer.data(), O_CLOEXEC);
        if (m_fd < 0) {
            const int err = errno;
            throw Error("cannot write '" + target + "': " + systemReason(err));
        }
        // mkostemp creates 0600; give the file the usual permissions (subject to the umask).
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

/// Flushes dir, so that a rename into it survives a power cut (without this, ext4 and XFS may
/// lose the new name and leave the old file or none). Errors are thrown like the write's,
/// except those that say the flush cannot be had here, not that it failed: opening a folder
/// we may write but not read (EACCES), and fsync refused by file systems that do not sync
/// directories (EINVAL, ENOTSUP/EOPNOTSUPP) or are mounted read-only under us (EROFS).
void syncDirectory(const std::string& path, const std::string& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == EACCES)
            return;
        throw Error("cannot write '" + path + "': its folder cannot be opened to flush the new name to disk: "
                    + systemReason(err));
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL && err != EROFS && err != ENOTSUP && err != EOPNOTSUPP)
        throw Error("cannot write '" + path + "': the new file is in place, but flushing its folder failed ("
                    + systemReason(err) + "), so a power cut could still lose it");
}

} // namespace

void writeFileAtomic(const std::string& path, const std::string& bytes)
{
    if (path.empty())
        throw Error("cannot write a file with an empty name");
    const std::string target = writeTarget(path);

    TempFile temp(target);
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
    // The target may have changed while we wrote: never rename over anything but a file.
    if (struct stat st {}; ::lstat(target.c_str(), &st) == 0)
        checkWritable(path, target, st.st_mode);
    if (::rename(temp.name(), target.c_str()) != 0)
        fail(errno);
    temp.release();

    syncDirectory(path, directoryOf(target));
}

} // namespace ddpm
