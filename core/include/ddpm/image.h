// 8-bit images: decoding files (OpenCV), resizing and encoding. Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ddpm {

/// Interleaved 8-bit pixels, row-major, channels 1 (gray) or 3 (RGB order).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<std::uint8_t> pixels; ///< width * height * channels bytes

    bool empty() const { return width == 0 || height == 0; }
    std::uint8_t& at(int y, int x, int c) { return pixels[(static_cast<size_t>(y) * width + x) * channels + c]; }
    std::uint8_t at(int y, int x, int c) const { return pixels[(static_cast<size_t>(y) * width + x) * channels + c]; }
};

/// Largest image we decode (width * height); bigger headers are refused before decoding.
constexpr long long kMaxImagePixels = 100'000'000;

struct ImageLoadOptions {
    int size = 0;         ///< 0 keeps the size; N scales the shorter side to N and centre-crops N x N
    bool gray = false;    ///< convert to one channel
};

/// Decodes PNG, JPEG, BMP, TIFF, WebP and PNM (other formats, even those OpenCV reads, are
/// refused before any decoder runs). Gray stays
/// gray, alpha is dropped, 16-bit is scaled to 8-bit. Throws ddpm::Error for a missing,
/// empty, corrupt or non-image file and for images over kMaxImagePixels.
Image loadImage(const std::string& path, const ImageLoadOptions& options = {});

/// Same as loadImage for bytes already in memory (what = name used in messages).
Image decodeImage(const std::string& bytes, const std::string& what, const ImageLoadOptions& options = {});

/// Scales the shorter side to size (area filter when shrinking) and centre-crops size x size.
/// Throws ddpm::Error if size is outside 1..16384.
Image resizeCenterCrop(const Image& image, int size);

/// Encodes as PNG bytes.
std::string encodePng(const Image& image);

/// Writes a PNG atomically (see writeFileAtomic). Throws ddpm::Error on failure.
void savePng(const Image& image, const std::string& path);

} // namespace ddpm
