// Decoding image files into 8-bit Images (OpenCV), resizing, and PNG encoding.
//
// Every decode first reads the header's dimensions (image_header.h) and refuses images over
// kMaxImagePixels: OpenCV reads OPENCV_IO_MAX_IMAGE_PIXELS only when its codec library is
// loaded, so setting it from inside the program is too late to help. Only the formats we
// sniff reach OpenCV: its other decoders (DICOM through GDCM, JPEG 2000, OpenEXR, Radiance
// HDR, ...) are not needed here, and GDCM aborts the process on a 133-byte file
// (docs/RELIABILITY.md, found by fuzz_image_decode).
#include "ddpm/image.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "ddpm/regular_file.h"
#include "image_header.h"

namespace ddpm {
namespace {

constexpr const char* kSupportedFormats = "PNG, JPEG, BMP, TIFF, WebP or PNM (PBM/PGM/PPM)";
constexpr int kMaxResizeSide = 16384;
// Largest image file read into memory (512 MiB): an uncompressed 100-megapixel 8-bit RGB
// image is 300 MB, while a 1 GiB read would hold 2 GiB or more with the decoded pixels.
constexpr std::int64_t kMaxImageFileBytes = std::int64_t(512) << 20;

std::string quoted(const std::string& what) { return "'" + what + "'"; }

std::string megapixels(long long pixels)
{
    const double mp = static_cast<double>(pixels) / 1e6;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, mp >= 10 ? "%.0f" : "%.1f", mp);
    return buffer;
}

/// Any depth and 1..4 channels from imdecode to 8-bit gray or RGB.
cv::Mat toRgb8(const cv::Mat& decoded, const std::string& what)
{
    cv::Mat eight;
    switch (decoded.depth()) {
    case CV_8U: eight = decoded; break;
    case CV_8S: decoded.convertTo(eight, CV_8U, 1.0, 128.0); break;
    case CV_16U: decoded.convertTo(eight, CV_8U, 1.0 / 257.0); break; // 65535 -> 255 exactly
    case CV_16S: decoded.convertTo(eight, CV_8U, 1.0 / 257.0, 128.0); break;
    case CV_32F:
    case CV_64F: decoded.convertTo(eight, CV_8U, 255.0); break; // float images hold 0..1
    default:
        throw Error(quoted(what) + " has a pixel type this program cannot use; save it as 8- or 16-bit " +
                    kSupportedFormats);
    }
    cv::Mat out;
    switch (eight.channels()) {
    case 1: out = eight; break;
    case 2: cv::extractChannel(eight, out, 0); break; // gray + alpha: drop alpha
    case 3: cv::cvtColor(eight, out, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(eight, out, cv::COLOR_BGRA2RGB); break;
    default:
        throw Error(quoted(what) + " has " + std::to_string(eight.channels()) +
                    " channels; only gray, gray+alpha, RGB and RGBA images are supported");
    }
    return out;
}

Image fromMat(const cv::Mat& mat)
{
    Image image;
    image.width = mat.cols;
    image.height = mat.rows;
    image.channels = mat.channels();
    image.pixels.resize(static_cast<size_t>(image.width) * image.height * image.channels);
    const size_t rowBytes = static_cast<size_t>(image.width) * image.channels;
    for (int y = 0; y < mat.rows; ++y)
        std::copy_n(mat.ptr<std::uint8_t>(y), rowBytes, image.pixels.data() + y * rowBytes);
    return image;
}

/// A cv::Mat header over the image's pixels (no copy; const by convention).
cv::Mat asMat(const Image& image)
{
    if (image.channels < 1 || image.channels > 4 ||
        image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels)
        throw Error("image buffer is inconsistent: " + std::to_string(image.width) + " x " +
                    std::to_string(image.height) + " x " + std::to_string(image.channels) + " with " +
                    std::to_string(image.pixels.size()) + " bytes");
    return cv::Mat(image.height, image.width, CV_8UC(image.channels),
                   const_cast<std::uint8_t*>(image.pixels.data()));
}

/// Refuses truncated headers, images over kMaxImagePixels and damaged PNGs; returns the header.
detail::ImageHeader checkHeader(const std::string& bytes, const std::string& what)
{
    const detail::ImageHeader header = detail::readImageHeader(bytes);
    if (!header.known())
        throw Error(quoted(what) + " is not an image this program can read (or it is corrupt); supported formats: "
                    + kSupportedFormats);
    if (!header.hasSize())
        throw Error(quoted(what) + " looks like a " + header.format +
                    " file but its header is truncated or corrupt");
    if (header.pixels() > kMaxImagePixels)
        throw Error(quoted(what) + " is a " + header.format + " of " + std::to_string(header.width) + " x " +
                    std::to_string(header.height) + " pixels (" + megapixels(header.pixels()) +
                    " megapixels); the largest image accepted is " + megapixels(kMaxImagePixels) +
                    " megapixels");
    if (header.format == "PNG") {
        const std::string problem = detail::checkPngStructure(bytes);
        if (!problem.empty())
            throw Error(quoted(what) + " is a damaged PNG file: " + problem);
    }
    return header;
}

} // namespace

Image decodeImage(const std::string& bytes, const std::string& what, const ImageLoadOptions& options)
{
    if (bytes.empty())
        throw Error(quoted(what) + " is empty (0 bytes); expected an image file: " + kSupportedFormats);
    const detail::ImageHeader header = checkHeader(bytes, what);
    const bool isPng = header.format == "PNG";
    const std::string pngEssentials = isPng ? detail::keepEssentialPngChunks(bytes) : std::string();
    const std::string& input = isPng ? pngEssentials : bytes;

    cv::Mat decoded;
    std::string reason;
    try {
        const cv::Mat buffer(1, static_cast<int>(std::min<size_t>(input.size(), INT32_MAX)), CV_8U,
                             const_cast<char*>(input.data()));
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        reason = e.err.empty() ? std::string(e.what()) : e.err;
    } catch (const std::exception& e) {
        reason = e.what();
    }
    if (decoded.empty()) {
        std::string message = quoted(what);
        if (header.known())
            message += " looks like a " + header.format + " file but could not be decoded (corrupt or truncated)";
        else
            message += " is not an image this program can read (or it is corrupt)";
        if (!reason.empty()) {
            std::replace(reason.begin(), reason.end(), '\n', ' ');
            message += " [" + reason + "]";
        }
        throw Error(message + "; supported formats: " + kSupportedFormats);
    }
    if (static_cast<long long>(decoded.cols) * decoded.rows > kMaxImagePixels)
        throw Error(quoted(what) + " has " + megapixels(static_cast<long long>(decoded.cols) * decoded.rows) +
                    " megapixels; the largest image accepted is " + megapixels(kMaxImagePixels) + " megapixels");

    cv::Mat rgb = toRgb8(decoded, what);
    if (options.gray && rgb.channels() == 3) {
        cv::Mat gray;
        cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
        rgb = gray;
    }
    Image image = fromMat(rgb);
    if (options.size != 0)
        image = resizeCenterCrop(image, options.size);
    return image;
}

Image loadImage(const std::string& path, const ImageLoadOptions& options)
{
    // Only regular files: a FIFO would block and /dev/zero would be read up to the limit.
    return decodeImage(readRegularFile(path, kMaxImageFileBytes, "image file"), path, options);
}

Image resizeCenterCrop(const Image& image, int size)
{
    if (size < 1 || size > kMaxResizeSide)
        throw Error("image size " + std::to_string(size) + " is outside the allowed range 1.." +
                    std::to_string(kMaxResizeSide));
    if (image.empty())
        throw Error("cannot resize an empty image");
    const cv::Mat source = asMat(image);

    // Scale so the shorter side becomes size; the longer side is rounded and never below size.
    const int shorter = std::min(image.width, image.height);
    const double scale = static_cast<double>(size) / shorter;
    int newW = image.width <= image.height ? size
                                           : std::max(size, static_cast<int>(std::lround(image.width * scale)));
    int newH = image.height < image.width ? size
                                          : std::max(size, static_cast<int>(std::lround(image.height * scale)));
    if (image.width == image.height)
        newW = newH = size;

    cv::Mat scaled;
    if (newW == image.width && newH == image.height)
        scaled = source;
    else
        cv::resize(source, scaled, cv::Size(newW, newH), 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_CUBIC);

    const int x = (newW - size) / 2;
    const int y = (newH - size) / 2;
    return fromMat(scaled(cv::Rect(x, y, size, size)));
}

std::string encodePng(const Image& image)
{
    if (image.empty())
        throw Error("cannot encode an empty image as PNG");
    const cv::Mat mat = asMat(image);
    cv::Mat bgr;
    if (image.channels == 3)
        cv::cvtColor(mat, bgr, cv::COLOR_RGB2BGR);
    else if (image.channels == 4)
        cv::cvtColor(mat, bgr, cv::COLOR_RGBA2BGRA);
    else
        bgr = mat;
    std::vector<std::uint8_t> out;
    try {
        if (!cv::imencode(".png", bgr, out))
            throw Error("PNG encoding failed");
    } catch (const cv::Exception& e) {
        throw Error(std::string("PNG encoding failed: ") + e.err);
    }
    return std::string(out.begin(), out.end());
}

void savePng(const Image& image, const std::string& path)
{
    writeFileAtomic(path, encodePng(image));
}

} // namespace ddpm
