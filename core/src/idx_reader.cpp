// Reading 8-bit image stacks from IDX files, gzip or plain, through zlib's gz* interface
// (which passes a file without a gzip header through unchanged).
#include "idx_reader.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

#include <zlib.h>

#include "ddpm/error.h"
#include "ddpm/regular_file.h"

namespace ddpm {

namespace {

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

std::string hex32(std::uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(v));
    return buf;
}

std::uint32_t bigEndian32(const unsigned char* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8)
        | std::uint32_t(p[3]);
}

/// Reads up to `size` bytes; returns how many arrived. Throws on a zlib data error
/// (corrupt gzip stream), so a short count means the stream ended.
std::int64_t readSome(gzFile f, unsigned char* dst, std::int64_t size, const std::string& path)
{
    std::int64_t done = 0;
    while (done < size) {
        const unsigned chunk = static_cast<unsigned>(std::min<std::int64_t>(size - done, 1 << 24));
        const int got = gzread(f, dst + done, chunk);
        if (got < 0) {
            int code = Z_OK;
            const char* msg = gzerror(f, &code);
            std::string reason = msg && *msg ? msg : "zlib error";
            if (reason.rfind(path + ": ", 0) == 0) // zlib prefixes the path; we name it already
                reason.erase(0, path.size() + 2);
            throw Error("IDX file '" + path + "' cannot be read: " + reason
                + (code == Z_DATA_ERROR ? " (corrupt gzip data; download the file again)" : ""));
        }
        if (got == 0)
            break;
        done += got;
    }
    return done;
}

} // namespace

IdxImages readIdxImages(const std::string& path, std::int64_t limit)
{
    if (limit < 0)
        throw Error(
            "IDX limit " + std::to_string(limit) + " is negative; use 0 for all images or a positive count");
    // Only regular files (a FIFO would block, a device never ends). No size limit: only the
    // bytes `limit` images need are read, at most kMaxIdxBytes of pixels.
    RegularFile regular(path, std::numeric_limits<std::int64_t>::max(), "IDX file");
    GzHandle file(gzdopen(regular.fd(), "rb"));
    if (!file)
        throw Error("IDX file '" + path + "' cannot be opened: out of memory");
    regular.release(); // gzclose closes the descriptor
    gzbuffer(file.get(), 1 << 17);

    unsigned char header[16];
    const std::int64_t headerBytes = readSome(file.get(), header, 16, path);
    if (headerBytes < 4)
        throw Error("IDX file '" + path + "' is too short to be an IDX file (" + std::to_string(headerBytes)
            + " bytes)");
    const std::uint32_t magic = bigEndian32(header);
    if (magic != 0x00000803u) {
        std::string hint;
        if (magic == 0x00000801u)
            hint = "; this is a 1-D label file, use the matching *-images-idx3-ubyte file";
        else if ((magic >> 16) != 0)
            hint = "; this does not look like an IDX file";
        else if (((magic >> 8) & 0xFF) != 0x08)
            hint = "; its element type is not unsigned byte";
        throw Error("IDX file '" + path + "' has magic number " + hex32(magic)
            + "; expected 0x00000803 (unsigned byte images, 3 dimensions)" + hint);
    }
    if (headerBytes < 16)
        throw Error("IDX file '" + path + "' is truncated: its header ends after "
            + std::to_string(headerBytes) + " of 16 bytes");

    const std::uint32_t count = bigEndian32(header + 4);
    const std::uint32_t rows = bigEndian32(header + 8);
    const std::uint32_t cols = bigEndian32(header + 12);
    const std::string dims
        = std::to_string(count) + " x " + std::to_string(rows) + " x " + std::to_string(cols);
    if (count == 0 || rows == 0 || cols == 0)
        throw Error("IDX file '" + path + "' announces dimensions " + dims
            + " (images x rows x columns); every dimension must be at least 1");
    if (count > kMaxIdxItems)
        throw Error("IDX file '" + path + "' announces " + std::to_string(count) + " images; at most "
            + std::to_string(kMaxIdxItems) + " are allowed (the header is probably corrupt)");
    if (rows > std::uint32_t(kMaxIdxSide) || cols > std::uint32_t(kMaxIdxSide))
        throw Error("IDX file '" + path + "' announces images of " + std::to_string(rows) + " x "
            + std::to_string(cols) + " pixels; each side must be at most " + std::to_string(kMaxIdxSide));

    IdxImages out;
    out.fileCount = count;
    out.rows = static_cast<int>(rows);
    out.cols = static_cast<int>(cols);
    out.count = limit > 0 ? std::min<std::int64_t>(limit, count) : std::int64_t(count);
    const std::int64_t imageBytes = std::int64_t(rows) * cols;
    const std::int64_t wanted = out.count * imageBytes;
    if (wanted > kMaxIdxBytes)
        throw Error("IDX file '" + path + "': " + std::to_string(out.count) + " images of "
            + std::to_string(rows) + " x " + std::to_string(cols) + " need " + std::to_string(wanted)
            + " bytes, more than the 4 GiB one load may hold; set a limit");

    // Grow the buffer as data arrives, doubling from 1 MiB, so a header that lies about its
    // size costs at most twice the bytes the file really holds before the short read is noticed.
    std::int64_t got = 0;
    constexpr std::int64_t kFirstChunk = std::int64_t(1) << 20;
    while (got < wanted) {
        const std::int64_t next = std::min(wanted, std::max(kFirstChunk, 2 * got));
        out.pixels.resize(static_cast<size_t>(next));
        const std::int64_t n = readSome(file.get(), out.pixels.data() + got, next - got, path);
        got += n;
        if (got < next)
            break;
    }
    if (got < wanted) {
        const std::int64_t whole = got / imageBytes;
        throw Error("IDX file '" + path + "' is truncated: it should hold " + std::to_string(out.count)
            + " images of " + std::to_string(rows) + " x " + std::to_string(cols) + " pixels but ends after "
            + std::to_string(whole) + (whole == 1 ? " whole image (" : " whole images (")
            + std::to_string(got) + " pixel bytes)"
            + (whole > 0 ? "; download it again, or set a limit of at most " + std::to_string(whole)
                         : "; download it again"));
    }
    return out;
}

} // namespace ddpm
