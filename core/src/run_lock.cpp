// The run directory's lock (see run_lock.h): flock(2) on DIR/.lock, the holder's pid, host
// and program written into it.
#include "ddpm/run_lock.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ddpm {

namespace fs = std::filesystem;

namespace {

struct Holder {
    long long pid = 0;
    std::string host;
    std::string program;
};

std::string hostName()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
        return "unknown host";
    return name;
}

/// What the holder wrote: "pid N", "host NAME" and "program NAME" lines.
Holder parseHolder(const std::string& text)
{
    Holder h;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto space = line.find(' ');
        if (space == std::string::npos) continue;
        const std::string key = line.substr(0, space), value = line.substr(space + 1);
        if (key == "pid") {
            try {
                h.pid = std::stoll(value);
            } catch (const std::exception&) {
                h.pid = 0;
            }
        } else if (key == "host") {
            h.host = value;
        } else if (key == "program") {
            h.program = value;
        }
    }
    return h;
}

/// The holder of the lock on fd's file. It writes its details just after locking, so an
/// empty file is read again a few times before giving up.
Holder readHolder(int fd)
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        char buffer[1024];
        const ssize_t n = ::pread(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            const Holder h = parseHolder(std::string(buffer, static_cast<std::size_t>(n)));
            if (h.pid > 0) return h;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {};
}

std::string inUseMessage(const std::string& dir, const Holder& h, const std::string& hint)
{
    const std::string who = h.pid > 0
        ? (h.program.empty() ? std::string("another process") : h.program) + " (pid " + std::to_string(h.pid)
              + (h.host.empty() ? std::string() : " on " + h.host) + ")"
        : std::string("another process");
    return "run directory " + dir + " is in use by " + who + "; " + hint;
}

bool sameFile(int fd, const std::string& path)
{
    struct stat open {}, named {};
    return ::fstat(fd, &open) == 0 && ::lstat(path.c_str(), &named) == 0 && open.st_dev == named.st_dev
        && open.st_ino == named.st_ino;
}

} // namespace

std::string RunLock::lockPath(const std::string& dir)
{
    return (fs::path(dir) / ".lock").string();
}

RunLock::RunLock(const std::string& dir, const std::string& program, const std::string& hint)
    : m_dir(dir), m_path(lockPath(dir))
{
    if (dir.empty())
        throw Error("the run directory name is empty");
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error("cannot use " + dir + " as a run directory: it exists and is not a directory");
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec))
        throw Error("cannot create the run directory " + dir + ": " + (ec ? ec.message() : "unknown reason"));
    const std::string cannot = "cannot lock the run directory " + dir + ": ";
    // A holder that releases removes the file; one that did so between our open() and
    // flock() leaves us locking a file nobody else sees, so then we start again.
    for (int attempt = 0; m_fd < 0; ++attempt) {
        const int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
            throw Error(cannot + m_path + ": " + std::strerror(errno));
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            if (err == EWOULDBLOCK) {
                const Holder holder = readHolder(fd);
                ::close(fd);
                throw RunDirectoryInUse(inUseMessage(dir, holder, hint), holder.pid);
            }
            ::close(fd);
            if (err == EINTR) continue;
            throw Error(cannot + std::strerror(err) + " (does its file system support file locks?)");
        }
        if (sameFile(fd, m_path)) {
            m_fd = fd;
        } else {
            ::close(fd);
            if (attempt >= 100)
                throw Error(cannot + m_path + " keeps being replaced by another process");
        }
    }
    const std::string text = "pid " + std::to_string(static_cast<long long>(::getpid())) + "\nhost " + hostName()
        + "\nprogram " + program + "\n";
    if (::ftruncate(m_fd, 0) != 0 || ::pwrite(m_fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        const int err = errno;
        release();
        throw Error(cannot + "cannot write " + m_path + ": " + std::strerror(err));
    }
}

RunLock::~RunLock()
{
    release();
}

RunLock::RunLock(RunLock&& other) noexcept
    : m_dir(std::move(other.m_dir)), m_path(std::move(other.m_path)), m_fd(std::exchange(other.m_fd, -1))
{
}

RunLock& RunLock::operator=(RunLock&& other) noexcept
{
    if (this != &other) {
        release();
        m_dir = std::move(other.m_dir);
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

void RunLock::release() noexcept
{
    if (m_fd < 0)
        return;
    // Removed while still locked, so a process that opened it meanwhile finds it gone and retries.
    if (sameFile(m_fd, m_path))
        ::unlink(m_path.c_str());
    if (::ftruncate(m_fd, 0) != 0) {
        // nothing to do: the file is gone or will be taken over by the next holder
    }
    ::close(m_fd);
    m_fd = -1;
}

} // namespace ddpm
