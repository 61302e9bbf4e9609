// What this process holds now, counted from /proc/self (Linux): its threads (LibTorch's
// OpenMP teams start their threads lazily, so the count shows the teams a job really used)
// and its open file descriptors. For the tests and the benchmark programs; header-only.
#pragma once

#include <dirent.h>

namespace ddpm::test {

/// Entries of the directory at path, not counting "." and ".."; 0 when it cannot be read.
inline int directoryEntries(const char* path)
{
    int n = 0;
    if (DIR* dir = opendir(path)) {
        while (const dirent* e = readdir(dir))
            n += e->d_name[0] != '.';
        closedir(dir);
    }
    return n;
}

/// Threads of this process now (/proc/self/task).
inline int processThreads() { return directoryEntries("/proc/self/task"); }

/// File descriptors this process has open now (/proc/self/fd; the count includes the one
/// that reads the directory).
inline int openFileDescriptors() { return directoryEntries("/proc/self/fd"); }

} // namespace ddpm::test
