// Format sniffing and header dimensions for PNG, JPEG, BMP, GIF, WebP, TIFF and PNM.
#include "image_header.h"

#include <cctype>
#include <cstdint>
#include <cstring>

#include <zlib.h>

namespace ddpm::detail {
namespace {

/// Bounds-checked little/big-endian reads from a byte string.
class Bytes {
public:
    explicit Bytes(const std::string& s) : m_s(s) {}
    size_t size() const { return m_s.size(); }
    bool has(size_t offset, size_t n) const { return offset <= m_s.size() && n <= m_s.size() - offset; }
    std::uint8_t u8(size_t i) const { return static_cast<std::uint8_t>(m_s[i]); }
    std::uint32_t be16(size_t i) const { return (u8(i) << 8) | u8(i + 1); }
    std::uint32_t le16(size_t i) const { return u8(i) | (u8(i + 1) << 8); }
    std::uint32_t be32(size_t i) const { return (be16(i) << 16) | be16(i + 2); }
    std::uint32_t le32(size_t i) const { return le16(i) | (le16(i + 2) << 16); }
    std::uint64_t le64(size_t i) const { return le32(i) | (std::uint64_t(le32(i + 4)) << 32); }
    std::uint64_t be64(size_t i) const { return (std::uint64_t(be32(i)) << 32) | be32(i + 4); }
    bool startsWith(size_t offset, const char* magic, size_t n) const
    {
        return has(offset, n) && std::memcmp(m_s.data() + offset, magic, n) == 0;
    }
    const char* data() const { return m_s.data(); }

private:
    const std::string& m_s;
};

ImageHeader sized(const char* format, long long w, long long h)
{
    ImageHeader header;
    header.format = format;
    header.width = w;
    header.height = h;
    return header;
}

ImageHeader png(const Bytes& b)
{
    // Signature (8), then the IHDR chunk: length (4), "IHDR", width (4, BE), height (4, BE).
    if (!b.has(8, 16) || !b.startsWith(12, "IHDR", 4))
        return sized("PNG", 0, 0);
    return sized("PNG", b.be32(16), b.be32(20));
}

ImageHeader jpeg(const Bytes& b)
{
    // Walk the marker segments after SOI until a start-of-frame (SOF0..SOF15 except
    // DHT C4, JPG C8 and DAC CC): precision (1), height (2), width (2).
    size_t i = 2;
    while (b.has(i, 2)) {
        if (b.u8(i) != 0xFF)
            return sized("JPEG", 0, 0);
        std::uint8_t marker = b.u8(i + 1);
        if (marker == 0xFF) { // fill byte
            ++i;
            continue;
        }
        i += 2;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
            continue; // standalone markers
        if (marker == 0xD9 || marker == 0xDA || !b.has(i, 2))
            break; // end of image or start of scan before any frame header
        const std::uint32_t length = b.be16(i);
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (length < 7 || !b.has(i + 2, 5))
                break;
            return sized("JPEG", b.be16(i + 5), b.be16(i + 3));
        }
        if (length < 2)
            break;
        i += length;
    }
    return sized("JPEG", 0, 0);
}

ImageHeader bmp(const Bytes& b)
{
    if (!b.has(14, 4))
        return sized("BMP", 0, 0);
    const std::uint32_t dibSize = b.le32(14);
    if (dibSize == 12) { // BITMAPCOREHEADER: 16-bit width and height
        if (!b.has(18, 4))
            return sized("BMP", 0, 0);
        return sized("BMP", b.le16(18), b.le16(20));
    }
    if (dibSize < 16 || !b.has(18, 8))
        return sized("BMP", 0, 0);
    const auto w = static_cast<std::int32_t>(b.le32(18));
    const auto h = static_cast<std::int32_t>(b.le32(22)); // negative: rows stored top-down
    const long long absW = w < 0 ? -static_cast<long long>(w) : w;
    const long long absH = h < 0 ? -static_cast<long long>(h) : h;
    return sized("BMP", absW, absH);
}

ImageHeader gif(const Bytes& b)
{
    if (!b.has(6, 4))
        return sized("GIF", 0, 0);
    return sized("GIF", b.le16(6), b.le16(8));
}

ImageHeader webp(const Bytes& b)
{
    // RIFF (4) size (4) "WEBP" (4), then the first chunk's FourCC (4) and size (4) at 12..19.
    if (b.startsWith(12, "VP8 ", 4)) {
        // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
        if (!b.has(20, 10) || b.u8(23) != 0x9D || b.u8(24) != 0x01 || b.u8(25) != 0x2A)
            return sized("WebP", 0, 0);
        return sized("WebP", b.le16(26) & 0x3FFF, b.le16(28) & 0x3FFF);
    }
    if (b.startsWith(12, "VP8L", 4)) {
        // Lossless: signature 0x2F, then 14 bits width - 1 and 14 bits height - 1.
        if (!b.has(20, 5) || b.u8(20) != 0x2F)
            return sized("WebP", 0, 0);
        const std::uint32_t bits = b.le32(21);
        return sized("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (b.startsWith(12, "VP8X", 4)) {
        // Extended: flags (4), canvas width - 1 (24 bits), canvas height - 1 (24 bits).
        if (!b.has(20, 10))
            return sized("WebP", 0, 0);
        const std::uint32_t w = b.u8(24) | (b.u8(25) << 8) | (b.u8(26) << 16);
        const std::uint32_t h = b.u8(27) | (b.u8(28) << 8) | (b.u8(29) << 16);
        return sized("WebP", static_cast<long long>(w) + 1, static_cast<long long>(h) + 1);
    }
    return sized("WebP", 0, 0);
}

ImageHeader tiff(const Bytes& b)
{
    // Classic TIFF: byte order (2), 42 (2), first IFD offset (4); entries of 12 bytes.
    // BigTIFF: byte order (2), 43 (2), 8 (2), 0 (2), first IFD offset (8); entries of 20 bytes.
    const bool little = b.u8(0) == 'I';
    auto r16 = [&](size_t i) { return little ? b.le16(i) : b.be16(i); };
    auto r32 = [&](size_t i) { return little ? b.le32(i) : b.be32(i); };
    auto r64 = [&](size_t i) { return little ? b.le64(i) : b.be64(i); };
    const bool big = r16(2) == 43;
    std::uint64_t ifd = 0;
    if (big) {
        if (!b.has(8, 8))
            return sized("TIFF", 0, 0);
        ifd = r64(8);
    } else {
        ifd = r32(4);
    }
    const size_t countSize = big ? 8 : 2;
    const size_t entrySize = big ? 20 : 12;
    if (ifd >= b.size() || !b.has(static_cast<size_t>(ifd), countSize))
        return sized("TIFF", 0, 0);
    const std::uint64_t count = big ? r64(ifd) : r16(ifd);
    long long width = 0, height = 0;
    for (std::uint64_t k = 0; k < count && k < 4096; ++k) {
        const size_t e = static_cast<size_t>(ifd) + countSize + static_cast<size_t>(k) * entrySize;
        if (!b.has(e, entrySize))
            break;
        const std::uint32_t tag = r16(e);
        const std::uint32_t type = r16(e + 2);
        if (tag != 256 && tag != 257)
            continue;
        const size_t valueAt = e + (big ? 12 : 8);
        long long value = 0;
        if (type == 3) // SHORT, left-justified in the value field
            value = r16(valueAt);
        else if (type == 4) // LONG
            value = r32(valueAt);
        else if (type == 16 && big) // LONG8
            value = static_cast<long long>(r64(valueAt) & 0x7FFFFFFFFFFFull);
        (tag == 256 ? width : height) = value;
    }
    return sized("TIFF", width, height);
}

/// Next decimal number in a PNM header, skipping whitespace and '#' comments; -1 if none.
long long pnmNumber(const Bytes& b, size_t& i)
{
    while (i < b.size()) {
        const char c = b.data()[i];
        if (c == '#') {
            while (i < b.size() && b.data()[i] != '\n' && b.data()[i] != '\r')
                ++i;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else {
            break;
        }
    }
    long long value = 0;
    int digits = 0;
    while (i < b.size() && std::isdigit(static_cast<unsigned char>(b.data()[i]))) {
        if (++digits > 12)
            return -1;
        value = value * 10 + (b.data()[i] - '0');
        ++i;
    }
    return digits == 0 ? -1 : value;
}

ImageHeader pnm(const Bytes& b)
{
    if (b.u8(1) == '7') {
        // PAM: lines "WIDTH n" and "HEIGHT n" before "ENDHDR".
        long long width = 0, height = 0;
        size_t i = 2;
        while (i < b.size() && i < 4096) {
            size_t end = i;
            while (end < b.size() && b.data()[end] != '\n')
                ++end;
            const std::string line(b.data() + i, end - i);
            if (line.rfind("ENDHDR", 0) == 0)
                break;
            size_t at = 0;
            Bytes lineBytes(line);
            if (line.rfind("WIDTH", 0) == 0) {
                at = 5;
                width = pnmNumber(lineBytes, at);
            } else if (line.rfind("HEIGHT", 0) == 0) {
                at = 6;
                height = pnmNumber(lineBytes, at);
            }
            i = end + 1;
        }
        return sized("PNM", width > 0 ? width : 0, height > 0 ? height : 0);
    }
    size_t i = 2;
    const long long width = pnmNumber(b, i);
    const long long height = pnmNumber(b, i);
    if (width < 0 || height < 0)
        return sized("PNM", 0, 0);
    return sized("PNM", width, height);
}

} // namespace

ImageHeader readImageHeader(const std::string& bytes)
{
    const Bytes b(bytes);
    if (b.startsWith(0, "\x89PNG\r\n\x1a\n", 8))
        return png(b);
    if (b.has(0, 3) && b.u8(0) == 0xFF && b.u8(1) == 0xD8 && b.u8(2) == 0xFF)
        return jpeg(b);
    if (b.startsWith(0, "BM", 2))
        return bmp(b);
    if (b.startsWith(0, "GIF87a", 6) || b.startsWith(0, "GIF89a", 6))
        return gif(b);
    if (b.startsWith(0, "RIFF", 4) && b.startsWith(8, "WEBP", 4))
        return webp(b);
    if (b.startsWith(0, "II*\0", 4) || b.startsWith(0, "MM\0*", 4) || b.startsWith(0, "II+\0", 4) ||
        b.startsWith(0, "MM\0+", 4))
        return tiff(b);
    if (b.has(0, 3) && b.u8(0) == 'P' && b.u8(1) >= '1' && b.u8(1) <= '7' &&
        std::isspace(static_cast<unsigned char>(b.u8(2))))
        return pnm(b);
    return {};
}

std::string checkPngStructure(const std::string& bytes)
{
    const Bytes b(bytes);
    size_t i = 8;
    bool first = true;
    while (true) {
        if (!b.has(i, 8))
            return first ? "truncated before the IHDR chunk" : "truncated: it ends before the IEND chunk";
        const std::uint32_t length = b.be32(i);
        const std::string type(b.data() + i + 4, 4);
        for (char c : type)
            if (!std::isalpha(static_cast<unsigned char>(c)))
                return "malformed chunk at byte " + std::to_string(i);
        if (first && type != "IHDR")
            return "the first chunk is " + type + ", not IHDR";
        if (length > 0x7FFFFFFFu || !b.has(i + 8, static_cast<size_t>(length) + 4))
            return "truncated in the " + type + " chunk";
        const auto* start = reinterpret_cast<const Bytef*>(b.data() + i + 4);
        const uLong crc = crc32(crc32(0L, Z_NULL, 0), start, static_cast<uInt>(length + 4));
        // A damaged critical chunk (upper-case first letter) makes libpng fail; a damaged
        // ancillary one is only skipped, so only the former is refused here.
        if (crc != b.be32(i + 8 + length) && std::isupper(static_cast<unsigned char>(type[0])))
            return "CRC mismatch in the " + type + " chunk (the file is damaged)";
        if (type == "IEND")
            return {};
        i += 12 + static_cast<size_t>(length);
        first = false;
    }
}

std::string keepEssentialPngChunks(const std::string& bytes)
{
    const Bytes b(bytes);
    std::string out = bytes.substr(0, 8);
    out.reserve(bytes.size());
    size_t i = 8;
    while (b.has(i, 12)) {
        const size_t length = b.be32(i);
        if (!b.has(i + 8, length + 4))
            break;
        const std::string type(b.data() + i + 4, 4);
        if (type == "IHDR" || type == "PLTE" || type == "tRNS" || type == "IDAT" || type == "IEND")
            out.append(bytes, i, 12 + length);
        if (type == "IEND")
            break;
        i += 12 + length;
    }
    return out;
}

} // namespace ddpm::detail
