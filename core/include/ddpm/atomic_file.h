// Writing files so that a reader never sees a half-written one.
#pragma once

#include <string>

namespace ddpm {

/// Writes bytes to a temporary file beside path, fsyncs it, then renames it over path.
/// On any failure the temporary file is removed, path is left as it was, and
/// ddpm::Error is thrown naming the path and the system's reason.
void writeFileAtomic(const std::string& path, const std::string& bytes);

/// Reads a whole file; throws ddpm::Error if it is missing, unreadable or larger than maxBytes.
std::string readFile(const std::string& path, long long maxBytes = 1LL << 30);

} // namespace ddpm
