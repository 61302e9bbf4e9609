// Reading an image's format and pixel dimensions from its first bytes, without decoding it,
// so that a file whose header claims a huge image is refused before any codec allocates.
// Private to core (used by image_io.cpp).
#pragma once

#include <limits>
#include <string>

namespace ddpm::detail {

/// What the header says. format is empty when the signature is not one we know; width and
/// height are 0 when the signature is known but the header is cut short or malformed.
struct ImageHeader {
    std::string format;   ///< "PNG", "JPEG", "BMP", "GIF", "WebP", "TIFF", "PNM"; empty if unknown
    long long width = 0;  ///< pixels
    long long height = 0; ///< pixels

    bool known() const { return !format.empty(); }
    bool hasSize() const { return width > 0 && height > 0; }
    /// width * height, saturated at LLONG_MAX: headers may claim sides up to 2^32 - 1 (PNG)
    /// or 10^12 (PNM), whose product overflows.
    long long pixels() const
    {
        constexpr long long kMax = std::numeric_limits<long long>::max();
        return width > 0 && height > kMax / width ? kMax : width * height;
    }
};

/// Sniffs bytes (the whole file, or at least its start; JPEG and TIFF may need more than
/// the first kilobytes). Never throws and never reads past bytes.size().
ImageHeader readImageHeader(const std::string& bytes);

/// For PNG only: walks the chunk list and checks every chunk's length and CRC up to IEND.
/// Returns an empty string when the file is whole, else a short reason ("truncated in the
/// IDAT chunk", "CRC mismatch in chunk IHDR", ...). Lets us refuse a damaged PNG before
/// libpng prints its own warnings.
std::string checkPngStructure(const std::string& bytes);

/// For a PNG that passed checkPngStructure: the same file with only the chunks decoding
/// needs (IHDR, PLTE, tRNS, IDAT, IEND). OpenCV ignores colour profiles, gamma and text
/// anyway, and dropping them keeps libpng from printing warnings such as
/// "iCCP: known incorrect sRGB profile" on stderr.
std::string keepEssentialPngChunks(const std::string& bytes);

} // namespace ddpm::detail
