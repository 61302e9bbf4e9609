// One run directory, one writer: a lock on DIR/.lock that every process writing a run takes
// (`ddpm train --out/--resume`, the Training page), so two of them never interleave steps,
// metrics rows and checkpoints in one folder. Readers (ddpm sample, bound, export) take no
// lock: checkpoints are renamed into place whole.
//
// The lock is flock(2) on the open file, held by the kernel: a process that dies, even by
// SIGKILL, frees it, so it cannot be left stuck. The holder writes "pid, host, program" into
// the file for the message another process shows; releasing empties and removes the file
// (a killed holder leaves it behind, which is harmless: the next holder takes it over).
// Locks on NFS are as good as its server's byte-range locks.
#pragma once

#include <string>

#include "ddpm/error.h"

namespace ddpm {

/// Thrown when another process holds the lock; what() is the message to show.
class RunDirectoryInUse : public Error {
public:
    RunDirectoryInUse(const std::string& message, long long holderPid)
        : Error(message), m_holderPid(holderPid) {}
    /// The holder's process id, 0 when it has not written it yet.
    long long holderPid() const { return m_holderPid; }

private:
    long long m_holderPid;
};

class RunLock {
public:
    /// Locks the run directory dir (created with its parents when missing, as a new run's
    /// folder is) for program, e.g. "ddpm train" or "ddpm-studio". Never waits: when another
    /// process holds it, throws RunDirectoryInUse
    ///   "run directory DIR is in use by ddpm train (pid 1234 on host); <hint>"
    /// (hint: what the person can do, e.g. "stop it or choose another --out"). Throws
    /// ddpm::Error when the lock file cannot be made (a read-only folder, a file system
    /// without locks).
    RunLock(const std::string& dir, const std::string& program, const std::string& hint);
    /// Releases: empties and removes DIR/.lock, then closes it.
    ~RunLock();
    RunLock(RunLock&& other) noexcept;
    RunLock& operator=(RunLock&& other) noexcept;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    const std::string& directory() const { return m_dir; }
    /// DIR/.lock.
    static std::string lockPath(const std::string& dir);

private:
    void release() noexcept;
    std::string m_dir;
    std::string m_path;
    int m_fd = -1;
};

} // namespace ddpm
