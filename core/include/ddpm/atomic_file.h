// Writing files so that a reader never sees a half-written one.
#pragma once

#include <string>

namespace ddpm {

/// Writes bytes to a temporary file beside path, fsyncs it, renames it over path, then
/// fsyncs the directory, so that the new name survives a power cut too.
/// When path is a symbolic link, the link is kept and the file it points to (followed through
/// any chain of links, created if missing) is the one replaced, atomically in its own
/// directory, as editors do. A target that exists and is not a regular file (a directory, a
/// device such as /dev/full, a FIFO, a socket) is refused before anything is written, and
/// checked again just before the rename, so such a node is never replaced by a file.
/// On any failure the temporary file is removed, path is left as it was, and
/// ddpm::Error is thrown naming the path and the system's reason; the one exception is a
/// failed flush of the directory after the rename, also thrown, when the new file is already
/// in place (errors that only say a directory cannot be flushed on that file system, EINVAL,
/// ENOTSUP, EROFS, and EACCES opening it, are ignored).
void writeFileAtomic(const std::string& path, const std::string& bytes);

} // namespace ddpm
