// GIF and video writing (see animation.h).
#include "ddpm/animation.h"

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gif_lib.h>
#include <fcntl.h>
#include <unistd.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"

namespace ddpm {

namespace {

std::string extensionOf(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

void checkFrames(const std::vector<Image>& frames, double fps)
{
    if (frames.empty()) throw Error("an animation needs at least one frame");
    if (!(fps >= 0.5 && fps <= 100)) throw Error("animation speed " + std::to_string(fps) + " fps is outside 0.5..100");
    const Image& first = frames.front();
    if (first.empty() || (first.channels != 1 && first.channels != 3))
        throw Error("animation frames must be gray or RGB images");
    for (const Image& f : frames)
        if (f.empty() || f.channels != first.channels)
            throw Error("animation frames must all be gray or all RGB");
}

/// Every frame on a white canvas of the largest frame's size (top-left aligned).
std::vector<Image> padToLargest(const std::vector<Image>& frames)
{
    int width = 0, height = 0;
    for (const Image& f : frames) {
        width = std::max(width, f.width);
        height = std::max(height, f.height);
    }
    std::vector<Image> out;
    out.reserve(frames.size());
    for (const Image& f : frames) {
        if (f.width == width && f.height == height) {
            out.push_back(f);
            continue;
        }
        Image p;
        p.width = width;
        p.height = height;
        p.channels = f.channels;
        p.pixels.assign(static_cast<std::size_t>(width) * height * f.channels, 255);
        for (int y = 0; y < f.height; ++y)
            std::copy_n(&f.pixels[static_cast<std::size_t>(y) * f.width * f.channels], f.width * f.channels,
                        &p.pixels[static_cast<std::size_t>(y) * width * f.channels]);
        out.push_back(std::move(p));
    }
    return out;
}

/// Appends giflib's output to a string.
int appendBytes(GifFileType* gif, const GifByteType* data, int length)
{
    static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
    return length;
}

/// The RGB palette: a 6 x 6 x 6 colour cube (indices 0..215, levels 0, 51, ..., 255) and 40
/// more grays (216..255), so gray pixels of a colour frame stay gray. Gray frames use 256 grays.
constexpr int kCubeColours = 216;
constexpr int kExtraGrays = 40;

int cubeLevel(int i) { return i * 51; }
int extraGray(int i) { return (i + 1) * 255 / (kExtraGrays + 1); }

/// Palette index of the gray nearest v among the cube's six and the extra forty.
int grayIndex(int v)
{
    int best = 0, bestDistance = 1 << 30;
    for (int i = 0; i < 6; ++i) {
        const int d = std::abs(cubeLevel(i) - v);
        if (d < bestDistance) { bestDistance = d; best = (i * 6 + i) * 6 + i; }
    }
    for (int i = 0; i < kExtraGrays; ++i) {
        const int d = std::abs(extraGray(i) - v);
        if (d < bestDistance) { bestDistance = d; best = kCubeColours + i; }
    }
    return best;
}

int paletteIndex(std::uint8_t r, std::uint8_t g, std::uint8_t b, const std::vector<int>& grays)
{
    const int hi = std::max({int(r), int(g), int(b)}), lo = std::min({int(r), int(g), int(b)});
    if (hi - lo <= 12) return grays[static_cast<std::size_t>((int(r) + int(g) + int(b)) / 3)];
    auto level = [](int c) { return (c + 25) / 51; };
    return (level(r) * 6 + level(g)) * 6 + level(b);
}

std::string encodeGif(const std::vector<Image>& frames, double fps)
{
    const Image& first = frames.front();
    const bool gray = first.channels == 1;
    ColorMapObject* map = GifMakeMapObject(256, nullptr);
    if (map == nullptr) throw Error("out of memory for a GIF palette");
    for (int i = 0; i < 256; ++i) {
        GifColorType& c = map->Colors[i];
        if (gray) {
            c.Red = c.Green = c.Blue = static_cast<GifByteType>(i);
        } else if (i < kCubeColours) {
            c.Red = static_cast<GifByteType>(cubeLevel(i / 36));
            c.Green = static_cast<GifByteType>(cubeLevel((i / 6) % 6));
            c.Blue = static_cast<GifByteType>(cubeLevel(i % 6));
        } else {
            c.Red = c.Green = c.Blue = static_cast<GifByteType>(extraGray(i - kCubeColours));
        }
    }
    std::string bytes;
    int error = 0;
    GifFileType* gif = EGifOpen(&bytes, appendBytes, &error);
    if (gif == nullptr) {
        GifFreeMapObject(map);
        throw Error(std::string("cannot start a GIF: ") + GifErrorString(error));
    }
    bool ok = true;
    EGifSetGifVersion(gif, true);
    ok = ok && EGifPutScreenDesc(gif, first.width, first.height, 8, 0, map) == GIF_OK;
    // Loop forever (the NETSCAPE2.0 application extension).
    static const GifByteType kLoop[3] = {1, 0, 0};
    ok = ok && EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK;
    ok = ok && EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_OK;
    ok = ok && EGifPutExtensionBlock(gif, 3, kLoop) == GIF_OK;
    ok = ok && EGifPutExtensionTrailer(gif) == GIF_OK;
    GraphicsControlBlock gcb{};
    gcb.DisposalMode = DISPOSAL_UNSPECIFIED;
    gcb.DelayTime = std::max(2, static_cast<int>(std::lround(100.0 / fps)));
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType ext[4];
    EGifGCBToExtension(&gcb, ext);
    std::vector<GifPixelType> row(static_cast<std::size_t>(first.width));
    std::vector<int> grays(256);
    for (int v = 0; v < 256; ++v) grays[static_cast<std::size_t>(v)] = grayIndex(v);
    for (const Image& f : frames) {
        if (!ok) break;
        ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_OK
            && EGifPutImageDesc(gif, 0, 0, f.width, f.height, false, nullptr) == GIF_OK;
        for (int y = 0; ok && y < f.height; ++y) {
            for (int x = 0; x < f.width; ++x)
                row[static_cast<std::size_t>(x)] = static_cast<GifPixelType>(
                    gray ? f.at(y, x, 0) : paletteIndex(f.at(y, x, 0), f.at(y, x, 1), f.at(y, x, 2), grays));
            ok = EGifPutLine(gif, row.data(), f.width) == GIF_OK;
        }
    }
    const int lastError = gif->Error;
    if (EGifCloseFile(gif, &error) != GIF_OK) ok = false;
    GifFreeMapObject(map);
    if (!ok) throw Error(std::string("cannot encode the GIF: ") + GifErrorString(lastError != 0 ? lastError : error));
    return bytes;
}

/// Sends this process's stderr to /dev/null while it lives.
class StderrMute {
public:
    StderrMute()
    {
        std::fflush(stderr);
        m_saved = ::dup(2);
        const int null = ::open("/dev/null", O_WRONLY);
        if (m_saved >= 0 && null >= 0) ::dup2(null, 2);
        if (null >= 0) ::close(null);
    }
    ~StderrMute()
    {
        std::fflush(stderr);
        if (m_saved >= 0) {
            ::dup2(m_saved, 2);
            ::close(m_saved);
        }
    }
    StderrMute(const StderrMute&) = delete;
    StderrMute& operator=(const StderrMute&) = delete;

private:
    int m_saved = -1;
};

std::string encodeVideo(const std::vector<Image>& frames, double fps, const std::string& ext)
{
    const Image& first = frames.front();
    const int width = first.width + (first.width % 2), height = first.height + (first.height % 2);
    const int fourcc = ext == ".mp4" ? cv::VideoWriter::fourcc('m', 'p', '4', 'v') : cv::VideoWriter::fourcc('V', 'P', '8', '0');
    // OpenCV writes to a path: a private temporary one, read back and written atomically.
    char name[] = "/tmp/ddpm-video-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) throw Error("cannot create a temporary file for the video");
    ::close(fd);
    std::remove(name);
    const std::string temp = std::string(name) + ext;
    struct Cleanup {
        std::string path;
        ~Cleanup() { std::remove(path.c_str()); }
    } cleanup{temp};
    cv::VideoWriter writer;
    {
        // OpenCV's FFmpeg wrapper prints a warning on stderr for WebM's VP8 tag (then uses VP8
        // all the same); keep the CLI's one-line stderr contract by muting it for the open.
        StderrMute mute;
        writer.open(temp, cv::CAP_FFMPEG, fourcc, fps, cv::Size(width, height), true);
    }
    if (!writer.isOpened())
        throw Error("this machine's OpenCV cannot write " + ext + " video (no FFmpeg encoder); write a .gif instead");
    for (const Image& f : frames) {
        cv::Mat m(f.height, f.width, CV_8UC(f.channels), const_cast<std::uint8_t*>(f.pixels.data()));
        cv::Mat bgr(height, width, CV_8UC3, cv::Scalar::all(255));
        cv::Mat roi = bgr(cv::Rect(0, 0, f.width, f.height));
        if (f.channels == 1) cv::cvtColor(m, roi, cv::COLOR_GRAY2BGR);
        else cv::cvtColor(m, roi, cv::COLOR_RGB2BGR);
        writer.write(bgr);
    }
    writer.release();
    std::ifstream in(temp, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) throw Error("the " + ext + " encoder wrote nothing; write a .gif instead");
    return bytes;
}

} // namespace

bool isAnimationPath(const std::string& path)
{
    const std::string ext = extensionOf(path);
    return ext == ".gif" || ext == ".mp4" || ext == ".webm";
}

void writeAnimation(const std::vector<Image>& frames, const std::string& path, double fps)
{
    const std::string ext = extensionOf(path);
    if (!isAnimationPath(path))
        throw Error("animation " + path + " must end in .gif, .mp4 or .webm");
    checkFrames(frames, fps);
    const std::vector<Image> same = padToLargest(frames);
    writeFileAtomic(path, ext == ".gif" ? encodeGif(same, fps) : encodeVideo(same, fps, ext));
}

} // namespace ddpm
