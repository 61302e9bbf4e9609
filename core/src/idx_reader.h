// Reading 8-bit image stacks from IDX files (the MNIST / Fashion-MNIST format), gzip or plain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ddpm {

/// Images of one IDX file: count x rows x cols bytes, row-major, image after image.
struct IdxImages {
    std::int64_t count = 0; ///< images read (at most the limit asked for)
    std::int64_t fileCount = 0; ///< images the header announces
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels; ///< count * rows * cols bytes
};

/// Largest image count an IDX header may announce.
constexpr std::int64_t kMaxIdxItems = 100'000'000;
/// Largest side an IDX image may have.
constexpr int kMaxIdxSide = 16384;
/// Most pixel bytes one read keeps in memory (4 GiB); ask for a limit to read part of a bigger file.
constexpr std::int64_t kMaxIdxBytes = std::int64_t(1) << 32;

/// Reads the first `limit` images (0 = all) of an IDX file with magic 0x00000803
/// (unsigned byte, 3 dimensions, big-endian sizes). A .gz file (any gzip stream) is inflated
/// on the fly; a plain file is read as is. Only the bytes needed for `limit` images are read.
/// Throws ddpm::Error naming the file for a missing or unreadable file, a wrong magic number
/// (with a hint when it is a label file), zero or oversized dimensions, and a file that ends
/// before the images it announces.
IdxImages readIdxImages(const std::string& path, std::int64_t limit = 0);

} // namespace ddpm
