// Fuzz target: the IDX image reader (core/src/idx_reader.h), plain and gzip. It reads a path
// only, so the input goes into an in-memory file (fuzz_support.h's MemoryFile).
//
// Input: one control byte, then the file. Control bit 0 set: the rest is gzip-compressed
// here before it is written, so that mutations reach the IDX header and sizes inside a valid
// gzip stream (a mutated .gz file mostly fails zlib's checks); clear: the rest is the file as
// is (plain IDX, or a gzip stream to damage). Bits 1-2: the image limit (0 = all, else 1..3).
#include "fuzz_support.h"

#include <zlib.h>

#include "ddpm/error.h"
#include "idx_reader.h"

namespace {

std::string gzipped(const std::string& plain)
{
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        ddpm::fuzz::invariantFailed("deflateInit2", __FILE__, __LINE__);
    std::string out(deflateBound(&z, plain.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    z.avail_in = static_cast<uInt>(plain.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    DDPM_FUZZ_CHECK(rc == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::uint8_t control = data[0];
    const std::string rest = ddpm::fuzz::bytesOf(data + 1, size - 1);
    const std::int64_t limit = (control >> 1) & 3;
    const ddpm::fuzz::MemoryFile file((control & 1) != 0 ? gzipped(rest) : rest);
    try {
        const ddpm::IdxImages images = ddpm::readIdxImages(file.path(), limit);
        DDPM_FUZZ_CHECK(images.rows >= 1 && images.cols >= 1 && images.fileCount >= 1);
        DDPM_FUZZ_CHECK(images.count == (limit > 0 ? std::min(limit, images.fileCount) : images.fileCount));
        DDPM_FUZZ_CHECK(images.pixels.size()
                        == static_cast<std::size_t>(images.count) * images.rows * images.cols);
    } catch (const ddpm::Error&) {
    }
    return 0;
}
