// Tests of image decoding (formats, bit depths, bad files, header size guard), resizing,
// PNG encoding and atomic saving, image <-> tensor conversion and the labelled strip.
// Fixtures: tests/data/image_io (written by make_fixtures.py there; pixel formulas repeated below).
#include <ATen/ATen.h>

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <gif_lib.h>
#include <opencv2/videoio.hpp>

#include "ddpm/animation.h"
#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/strip.h"
#include "error_of.h"

using ddpm::Image;
using ddpm::test::errorOf;

namespace {

std::string fixture(const QString& name)
{
    return (QStringLiteral(DDPM_TEST_DATA_DIR "/image_io/") + name).toStdString();
}

/// rgb_pixel(x, y) of make_fixtures.py.
std::vector<int> rgbPixel(int x, int y)
{
    return {(x * 37 + y * 11) % 256, (x * 5 + y * 53) % 256, (x * y * 7 + 3) % 256};
}

Image makeImage(int w, int h, int c, int seed = 0)
{
    Image image;
    image.width = w;
    image.height = h;
    image.channels = c;
    image.pixels.resize(static_cast<size_t>(w) * h * c);
    for (size_t i = 0; i < image.pixels.size(); ++i)
        image.pixels[i] = static_cast<std::uint8_t>((i * 31 + seed * 17) % 256);
    return image;
}

std::string le16(int v) { return {char(v & 0xFF), char((v >> 8) & 0xFF)}; }
std::string le32(std::uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }
std::string be16(int v) { return {char((v >> 8) & 0xFF), char(v & 0xFF)}; }
std::string be32(std::uint32_t v) { return be16(v >> 16) + be16(v & 0xFFFF); }

} // namespace

class TestImageIo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void animationsRoundTrip();
    void badAnimationsAreRefused();
    void rgbPngDecodes()
    {
        const Image image = ddpm::loadImage(fixture("rgb_8x6.png"));
        QCOMPARE(image.width, 8);
        QCOMPARE(image.height, 6);
        QCOMPARE(image.channels, 3);
        // Channel order is RGB (OpenCV's BGR converted).
        for (int y = 1; y < 5; ++y)
            for (int x = 1; x < 7; ++x)
                for (int c = 0; c < 3; ++c)
                    QCOMPARE(int(image.at(y, x, c)), rgbPixel(x, y)[c]);
        QCOMPARE(int(image.at(0, 0, 0)), 0);
        QCOMPARE(int(image.at(5, 7, 2)), 255);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("channels");
        QTest::newRow("8-bit RGB") << "rgb_8x6.png" << 3;
        QTest::newRow("8-bit gray") << "gray_5x4.png" << 1;
    }
    void roundTrip()
    {
        QFETCH(QString, file);
        QFETCH(int, channels);
        const Image image = ddpm::loadImage(fixture(file));
        QCOMPARE(image.channels, channels);
        const at::Tensor x = ddpm::imageToTensor(image);
        QCOMPARE(x.scalar_type(), at::kFloat);
        QCOMPARE(x.dim(), 3);
        QCOMPARE(x.size(0), int64_t(channels));
        QCOMPARE(x.size(1), int64_t(image.height));
        QCOMPARE(x.size(2), int64_t(image.width));
        QVERIFY(x.min().item<float>() >= -1.0f && x.max().item<float>() <= 1.0f);
        const Image back = ddpm::tensorToImage(x);
        QCOMPARE(back.width, image.width);
        QCOMPARE(back.height, image.height);
        QCOMPARE(back.channels, image.channels);
        QVERIFY(back.pixels == image.pixels);
        // And through PNG bytes.
        const Image decoded = ddpm::decodeImage(ddpm::encodePng(image), "memory");
        QVERIFY(decoded.pixels == image.pixels);
    }

    void grayPixels()
    {
        const Image image = ddpm::loadImage(fixture("gray_5x4.png"));
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 5; ++x)
                QCOMPARE(int(image.at(y, x, 0)), (x * 60 + y * 7) % 256);
        ddpm::ImageLoadOptions gray;
        gray.gray = true;
        QCOMPARE(ddpm::loadImage(fixture("rgb_8x6.png"), gray).channels, 1);
    }

    void tensorEndpoints()
    {
        Image image = makeImage(2, 1, 1);
        image.pixels = {0, 255};
        const at::Tensor x = ddpm::imageToTensor(image);
        QCOMPARE(x[0][0][0].item<float>(), -1.0f);
        QCOMPARE(x[0][0][1].item<float>(), 1.0f);

        // Out-of-range values clamp; [H, W] is accepted; doubles are accepted.
        const at::Tensor wild = at::tensor({-5.0, 0.0, 5.0}, at::kDouble).reshape({1, 3});
        const Image clamped = ddpm::tensorToImage(wild);
        QCOMPARE(clamped.channels, 1);
        QCOMPARE(int(clamped.pixels[0]), 0);
        QCOMPARE(int(clamped.pixels[1]), 128); // 127.5 rounds up
        QCOMPARE(int(clamped.pixels[2]), 255);

        const Image ranged = ddpm::tensorToImageRange(at::tensor({-3.0f, 0.0f, 3.0f}).reshape({1, 1, 3}), -3, 3);
        QCOMPARE(int(ranged.pixels[0]), 0);
        QCOMPARE(int(ranged.pixels[1]), 128);
        QCOMPARE(int(ranged.pixels[2]), 255);

        QVERIFY(!errorOf([] { ddpm::tensorToImage(at::zeros({2, 4, 4})); }).isEmpty());
        QVERIFY(!errorOf([] { ddpm::tensorToImage(at::zeros({3, 4, 4}, at::kLong)); }).isEmpty());
        QVERIFY(!errorOf([] { ddpm::tensorToImageRange(at::zeros({3, 4, 4}), 1, 1); }).isEmpty());
    }

    void sixteenBitScaled()
    {
        const Image image = ddpm::loadImage(fixture("rgb16_4x3.png"));
        QCOMPARE(image.channels, 3);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 4; ++x)
                for (int c = 0; c < 3; ++c)
                    QCOMPARE(int(image.at(y, x, c)), (x * 64 + y * 30 + c * 5) % 256);
    }

    void alphaDropped()
    {
        const Image image = ddpm::loadImage(fixture("rgba_4x4.png"));
        QCOMPARE(image.channels, 3);
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x) {
                QCOMPARE(int(image.at(y, x, 0)), 10 * x); // not blended with the alpha
                QCOMPARE(int(image.at(y, x, 1)), 20 * y);
                QCOMPARE(int(image.at(y, x, 2)), 200);
            }
    }

    void otherFormats()
    {
        const Image bmp = ddpm::loadImage(fixture("rgb_3x2.bmp"));
        QCOMPARE(bmp.width, 3);
        QCOMPARE(bmp.height, 2);
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 3; ++x)
                for (int c = 0; c < 3; ++c)
                    QCOMPARE(int(bmp.at(y, x, c)), rgbPixel(x, y)[c]);
        const Image pgm = ddpm::loadImage(fixture("gray_3x2.pgm"));
        QCOMPARE(pgm.channels, 1);
        QVERIFY((pgm.pixels == std::vector<std::uint8_t>{0, 128, 255, 10, 20, 30}));
    }

    /// rgb_8x6.{tiff,webp,jpg} from make_codec_fixtures.cpp: RGB(200 - 10x, 40y, 30x).
    void codecs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("tolerance"); // JPEG is lossy even at quality 100
        QTest::newRow("TIFF") << "rgb_8x6.tiff" << 0;
        QTest::newRow("WebP lossless") << "rgb_8x6.webp" << 0;
        QTest::newRow("JPEG") << "rgb_8x6.jpg" << 32; // chroma subsampling; a BGR swap would be off by ~200
    }
    void codecs()
    {
        QFETCH(QString, file);
        QFETCH(int, tolerance);
        const Image image = ddpm::loadImage(fixture(file));
        QCOMPARE(image.width, 8);
        QCOMPARE(image.height, 6);
        QCOMPARE(image.channels, 3);
        int worst = 0;
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 8; ++x) {
                const int expected[3] = {200 - 10 * x, 40 * y, 30 * x};
                for (int c = 0; c < 3; ++c)
                    worst = std::max(worst, std::abs(int(image.at(y, x, c)) - expected[c]));
            }
        QVERIFY2(worst <= tolerance, qPrintable(QStringLiteral("largest error %1").arg(worst)));
    }

    void badFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << "no_such_file.png" << "does not exist";
        QTest::newRow("empty") << "empty.png" << "empty";
        QTest::newRow("text renamed .png") << "text_as.png" << "not an image";
        QTest::newRow("truncated PNG") << "truncated.png" << "truncated";
        QTest::newRow("damaged PNG") << "crc_damaged.png" << "damaged";
        QTest::newRow("huge PNG header") << "huge_header.png" << "20000 x 20000";
        QTest::newRow("huge BMP header") << "huge_header.bmp" << "30000 x 30000";
        QTest::newRow("huge JPEG header") << "huge_header.jpg" << "16000 x 12000";
        QTest::newRow("directory") << "" << "directory";
    }
    void badFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const std::string path = fixture(file);
        const QString message = errorOf([&] { ddpm::loadImage(path); });
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
        if (file.startsWith("huge"))
            QVERIFY2(message.contains("100 megapixels"), qPrintable(message));
        if (file == "text_as.png")
            QVERIFY2(message.contains("PNG, JPEG"), qPrintable(message)); // names the supported formats
    }

    /// Headers of every sniffed format that claim more than kMaxImagePixels are refused by name.
    void hugeHeaders_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const auto bytes = [](const std::string& s) { return QByteArray(s.data(), int(s.size())); };
        QTest::newRow("PNM") << bytes("P6\n# big\n20000 20000\n255\n") << "PNM of 20000 x 20000";
        // Sides whose product overflows 64 bits (found by fuzz_image_header): refused, not wrapped.
        QTest::newRow("PNM 10^12 sides") << bytes("P5 999999999999 999999999999 255\n")
                                         << "PNM of 999999999999 x 999999999999";
        QTest::newRow("PNG 2^32-1 sides") << bytes("\x89PNG\r\n\x1a\n" + be32(13) + "IHDR" + be32(0xFFFFFFFFu)
                                                   + be32(0xFFFFFFFFu) + std::string("\x08\x02\0\0\0", 5)
                                                   + be32(0))
                                          << "PNG of 4294967295 x 4294967295";
        QTest::newRow("GIF") << bytes("GIF89a" + le16(20000) + le16(20000) + std::string(8, '\0'))
                             << "GIF of 20000 x 20000";
        QTest::newRow("WebP VP8X") << bytes("RIFF" + le32(30) + "WEBPVP8X" + le32(10) + le32(0) +
                                            le16(19999) + std::string(1, '\0') + le16(19999) +
                                            std::string(1, '\0'))
                                   << "WebP of 20000 x 20000";
        QTest::newRow("WebP VP8L") << bytes("RIFF" + le32(30) + "WEBPVP8L" + le32(10) + "\x2F" +
                                            le32(16383u | (16383u << 14)) + std::string(4, '\0'))
                                   << "WebP of 16384 x 16384";
        QTest::newRow("WebP VP8") << bytes("RIFF" + le32(30) + "WEBPVP8 " + le32(10) + std::string(3, '\0') +
                                           "\x9D\x01\x2A" + le16(16383) + le16(16383) + std::string(4, '\0'))
                                  << "WebP of 16383 x 16383";
        // Little-endian TIFF: IFD at 8 with ImageWidth (LONG) and ImageLength (SHORT).
        QTest::newRow("TIFF II") << bytes(std::string("II*\0", 4) + le32(8) + le16(2) + le16(256) + le16(4) +
                                          le32(1) + le32(20000) + le16(257) + le16(3) + le32(1) + le16(20000) +
                                          le16(0) + le32(0))
                                 << "TIFF of 20000 x 20000";
        QTest::newRow("TIFF MM") << bytes(std::string("MM\0*", 4) + be32(8) + be16(2) + be16(256) + be16(3) +
                                          be32(1) + be16(20000) + be16(0) + be16(257) + be16(3) + be32(1) +
                                          be16(20000) + be16(0) + be32(0))
                                 << "TIFF of 20000 x 20000";
        QTest::newRow("JPEG progressive") << bytes("\xFF\xD8\xFF\xC2" + be16(11) + "\x08" + be16(20000) +
                                                   be16(20000) + "\x01\x01\x11\x00" + "\xFF\xD9")
                                          << "JPEG of 20000 x 20000";
    }
    void hugeHeaders()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const std::string data(bytes.constData(), size_t(bytes.size()));
        const QString message = errorOf([&] { ddpm::decodeImage(data, "claim"); });
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains("'claim'"), qPrintable(message));
    }

    void garbageBytes()
    {
        QVERIFY(errorOf([] { ddpm::decodeImage(std::string(100, '\x42'), "junk"); }).contains("not an image"));
        // A DICOM preamble: OpenCV's GDCM decoder aborted the process on it (fuzz_image_decode);
        // formats we do not sniff are refused before any decoder runs.
        const std::string dicom = std::string(127, '\0') + "]DICM*"; // 133 bytes, DICM at 128
        QVERIFY(errorOf([&] { ddpm::decodeImage(dicom, "scan.dcm"); }).contains("not an image"));
        // Known signature, header cut short.
        QVERIFY(errorOf([] { ddpm::decodeImage("\x89PNG\r\n\x1a\n", "stub"); }).contains("PNG"));
        QVERIFY(errorOf([] { ddpm::decodeImage("", "nothing"); }).contains("empty"));
    }

    void resizeCenterCrop_data()
    {
        QTest::addColumn<int>("w");
        QTest::addColumn<int>("h");
        QTest::addColumn<int>("size");
        QTest::newRow("wide, same height") << 30 << 10 << 10;
        QTest::newRow("wide, shrink") << 60 << 20 << 10;
        QTest::newRow("wide, grow") << 30 << 10 << 20;
        QTest::newRow("tall, shrink") << 20 << 60 << 10;
        QTest::newRow("tall, grow") << 6 << 18 << 12;
        QTest::newRow("square, shrink") << 40 << 40 << 16;
    }
    void resizeCenterCrop()
    {
        QFETCH(int, w);
        QFETCH(int, h);
        QFETCH(int, size);
        // Three bands along the long side: red, green, blue; the centre crop must be green.
        Image image = makeImage(w, h, 3);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const int band = w >= h ? (3 * x) / w : (3 * y) / h;
                for (int c = 0; c < 3; ++c)
                    image.at(y, x, c) = (w == h) ? 90 : (c == band ? 255 : 0);
            }
        const Image out = ddpm::resizeCenterCrop(image, size);
        QCOMPARE(out.width, size);
        QCOMPARE(out.height, size);
        QCOMPARE(out.channels, 3);
        QCOMPARE(out.pixels.size(), size_t(size * size * 3));
        const int m = size / 2;
        if (w == h) {
            QCOMPARE(int(out.at(m, m, 0)), 90); // area filter of a flat image stays flat
        } else {
            QVERIFY(out.at(m, m, 1) > 200);
            QVERIFY(out.at(m, m, 0) < 50);
            QVERIFY(out.at(m, m, 2) < 50);
        }
        if (w == 3 * h && size == h) {
            // No scaling at all: the crop is exactly the middle band.
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x)
                    QVERIFY(out.at(y, x, 1) == 255 && out.at(y, x, 0) == 0);
        }
        ddpm::ImageLoadOptions options;
        options.size = 4;
        const Image loaded = ddpm::loadImage(fixture("rgb_8x6.png"), options);
        QCOMPARE(loaded.width, 4);
        QCOMPARE(loaded.height, 4);
    }

    void resizeRejectsBadSizes()
    {
        const Image image = makeImage(8, 8, 3);
        QVERIFY(errorOf([&] { ddpm::resizeCenterCrop(image, 0); }).contains("1..16384"));
        QVERIFY(errorOf([&] { ddpm::resizeCenterCrop(image, 16385); }).contains("16385"));
        QVERIFY(errorOf([&] { ddpm::resizeCenterCrop(image, -3); }).contains("-3"));
    }

    void savePngAtomic()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("out.png").toStdString();
        const Image image = makeImage(7, 5, 3, 1);
        ddpm::savePng(image, path);
        QVERIFY(ddpm::loadImage(path).pixels == image.pixels);
        // Overwrite in place.
        const Image other = makeImage(7, 5, 1, 2);
        ddpm::savePng(other, path);
        const Image back = ddpm::loadImage(path);
        QCOMPARE(back.channels, 1);
        QVERIFY(back.pixels == other.pixels);
        // Nothing but the target is left in the directory.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"out.png"});
    }

    void savePngUnwritable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // A parent that is a regular file (fails even for root) and a missing directory.
        const QString file = dir.filePath("plain.txt");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        const Image image = makeImage(4, 4, 3);
        for (const QString& bad : {file + "/out.png", dir.filePath("missing/out.png")}) {
            const QString message = errorOf([&] { ddpm::savePng(image, bad.toStdString()); });
            QVERIFY2(message.contains(bad), qPrintable(message));
            QVERIFY2(message.contains(':'), qPrintable(message)); // the system's reason follows
        }
        // Target is a directory: refused, and the directory is untouched.
        QVERIFY(QDir(dir.path()).mkdir("adir"));
        QVERIFY(errorOf([&] { ddpm::savePng(image, dir.filePath("adir").toStdString()); }).contains("directory"));
        QVERIFY(QFileInfo(dir.filePath("adir")).isDir());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"plain.txt"});
    }

    /// A FIFO is refused at once instead of blocking the read (see test_files for the rest).
    void fifoIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = dir.filePath("pipe.png");
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        const QString message = errorOf([&] { ddpm::loadImage(fifo.toStdString()); });
        QVERIFY2(message.contains("image file '" + fifo + "' is a FIFO (named pipe), not a regular file"),
                 qPrintable(message));
    }

    void stripLayout()
    {
        const std::vector<Image> tiles{makeImage(40, 30, 3, 1), makeImage(40, 30, 3, 2), makeImage(40, 30, 3, 3)};
        const std::vector<std::string> labels{"x_0", "t = 1", "t = 9"};
        const Image strip = ddpm::composeStrip(tiles, labels);
        const ddpm::StripLayout layout = ddpm::stripLayout(40, 30, 3, labels);
        QCOMPARE(strip.width, layout.width);
        QCOMPARE(strip.height, layout.height);
        QCOMPARE(strip.channels, 3);
        QCOMPARE(layout.cellWidth, 40); // short labels fit under a 40 px tile
        QCOMPARE(strip.width, 3 * 40 + 4 * layout.gap);
        QVERIFY(layout.gap >= 4 && layout.gap <= 8);
        QVERIFY(layout.labelHeight >= 8);
        QCOMPARE(strip.height, 30 + layout.labelHeight + 2 * layout.gap);

        for (int i = 0; i < 3; ++i) {
            const int x0 = layout.gap + i * (layout.cellWidth + layout.gap);
            // The tile is copied exactly.
            for (int y = 0; y < 30; y += 7)
                for (int x = 0; x < 40; x += 9)
                    for (int c = 0; c < 3; ++c)
                        QCOMPARE(strip.at(layout.gap + y, x0 + x, c), tiles[i].at(y, x, c));
            // The label band under it has dark (text) pixels, and the gap beside it is white.
            int dark = 0;
            for (int y = layout.gap + 30; y < layout.gap + 30 + layout.labelHeight; ++y)
                for (int x = x0; x < x0 + 40; ++x)
                    dark += strip.at(y, x, 0) < 128 ? 1 : 0;
            QVERIFY2(dark > 5, qPrintable(QString("label %1 has %2 dark pixels").arg(i).arg(dark)));
            QCOMPARE(int(strip.at(layout.gap + 10, x0 - 1, 1)), 255);
        }
        QCOMPARE(int(strip.at(0, 0, 0)), 255);
    }

    void stripGrayAndSizes()
    {
        const Image gray = ddpm::composeStrip({makeImage(16, 16, 1), makeImage(16, 16, 1)}, {"a", "b"});
        QCOMPARE(gray.channels, 1);
        // Without labels there is no label band.
        const Image bare = ddpm::composeStrip({makeImage(16, 16, 3)}, {});
        QCOMPARE(bare.height, 16 + 2 * ddpm::stripLayout(16, 16, 1, {}).gap);
        // Tiny tiles widen their cells so a label such as "t = 1000" stays whole and legible;
        // big tiles get a bigger font.
        const std::vector<std::string> labels{"x_0", "t = 1000"};
        const ddpm::StripLayout tiny = ddpm::stripLayout(28, 28, 2, labels);
        const ddpm::StripLayout big = ddpm::stripLayout(512, 512, 2, labels);
        QVERIFY(tiny.cellWidth > 28);
        QCOMPARE(big.cellWidth, 512);
        QVERIFY(big.fontScale > 2 * tiny.fontScale);
        QVERIFY(tiny.fontScale >= 0.3);
        const Image tinyStrip = ddpm::composeStrip({makeImage(28, 28, 3), makeImage(28, 28, 3)}, labels);
        QCOMPARE(tinyStrip.width, tiny.width);
    }

    void stripRejectsBadInput()
    {
        QVERIFY(!errorOf([] { ddpm::composeStrip({}, {}); }).isEmpty());
        QVERIFY(errorOf([] { ddpm::composeStrip({makeImage(8, 8, 3), makeImage(8, 9, 3)}, {}); }).contains("8 x 9"));
        QVERIFY(!errorOf([] { ddpm::composeStrip({makeImage(8, 8, 3), makeImage(8, 8, 1)}, {}); }).isEmpty());
        QVERIFY(errorOf([] { ddpm::composeStrip({makeImage(8, 8, 3)}, {"a", "b"}); }).contains("label"));
    }
};

namespace {

/// n gray frames of 9 x 7 whose pixels encode (frame, x, y).
std::vector<ddpm::Image> grayFrames(int n)
{
    std::vector<ddpm::Image> frames;
    for (int f = 0; f < n; ++f) {
        ddpm::Image im;
        im.width = 9;
        im.height = 7;
        im.channels = 1;
        for (int y = 0; y < 7; ++y)
            for (int x = 0; x < 9; ++x) im.pixels.push_back(static_cast<std::uint8_t>((f * 50 + x * 20 + y * 3) % 256));
        frames.push_back(im);
    }
    return frames;
}

} // namespace

void TestImageIo::animationsRoundTrip()
{
    QTemporaryDir dir;
    const std::vector<ddpm::Image> frames = grayFrames(5);
    // GIF: every frame back, exactly (gray uses a 256-gray palette).
    const std::string gif = dir.filePath("chain.gif").toStdString();
    ddpm::writeAnimation(frames, gif, 10);
    int error = 0;
    GifFileType* g = DGifOpenFileName(gif.c_str(), &error);
    QVERIFY(g != nullptr);
    QCOMPARE(DGifSlurp(g), GIF_OK);
    QCOMPARE(g->ImageCount, 5);
    QCOMPARE(g->SWidth, 9);
    QCOMPARE(g->SHeight, 7);
    for (int f = 0; f < 5; ++f) {
        const SavedImage& im = g->SavedImages[f];
        const ColorMapObject* map = im.ImageDesc.ColorMap ? im.ImageDesc.ColorMap : g->SColorMap;
        for (int i = 0; i < 63; ++i)
            QCOMPARE(int(map->Colors[im.RasterBits[i]].Red), int(frames[static_cast<std::size_t>(f)].pixels[static_cast<std::size_t>(i)]));
        GraphicsControlBlock gcb;
        QCOMPARE(DGifSavedExtensionToGCB(g, f, &gcb), GIF_OK);
        QCOMPARE(gcb.DelayTime, 10);
    }
    DGifCloseFile(g, &error);
    // RGB: grays stay gray (within 4 levels), colours keep their hue.
    ddpm::Image rgb;
    rgb.width = 256;
    rgb.height = 2;
    rgb.channels = 3;
    for (int x = 0; x < 256; ++x) rgb.pixels.insert(rgb.pixels.end(), {std::uint8_t(x), std::uint8_t(x), std::uint8_t(x)});
    for (int x = 0; x < 256; ++x) rgb.pixels.insert(rgb.pixels.end(), {std::uint8_t(230), std::uint8_t(20), std::uint8_t(10)});
    const std::string rgbGif = dir.filePath("rgb.gif").toStdString();
    ddpm::writeAnimation({rgb}, rgbGif, 10);
    g = DGifOpenFileName(rgbGif.c_str(), &error);
    QVERIFY(g != nullptr && DGifSlurp(g) == GIF_OK);
    for (int x = 0; x < 256; ++x) {
        const GifColorType c = g->SColorMap->Colors[g->SavedImages[0].RasterBits[x]];
        QVERIFY2(c.Red == c.Green && c.Green == c.Blue && std::abs(int(c.Red) - x) <= 4, qPrintable(QString::number(x)));
        const GifColorType red = g->SColorMap->Colors[g->SavedImages[0].RasterBits[256 + x]];
        QVERIFY(red.Red > 200 && red.Green < 60 && red.Blue < 60);
    }
    DGifCloseFile(g, &error);
    QFile::remove(dir.filePath("rgb.gif"));
    // Videos: readable, every frame, padded to even sizes.
    for (const char* name : {"chain.mp4", "chain.webm"}) {
        const std::string path = dir.filePath(name).toStdString();
        ddpm::writeAnimation(frames, path, 10);
        cv::VideoCapture in(path, cv::CAP_FFMPEG);
        QVERIFY2(in.isOpened(), name);
        int count = 0;
        cv::Mat m;
        while (in.read(m)) {
            QCOMPARE(m.cols, 10);
            QCOMPARE(m.rows, 8);
            ++count;
        }
        QCOMPARE(count, 5);
    }
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), (QStringList{"chain.gif", "chain.mp4", "chain.webm"}));
}

void TestImageIo::badAnimationsAreRefused()
{
    QTemporaryDir dir;
    const std::vector<ddpm::Image> frames = grayFrames(2);
    QVERIFY_EXCEPTION_THROWN(ddpm::writeAnimation(frames, dir.filePath("a.avi").toStdString(), 10), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::writeAnimation({}, dir.filePath("a.gif").toStdString(), 10), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::writeAnimation(frames, dir.filePath("a.gif").toStdString(), 0), ddpm::Error);
    std::vector<ddpm::Image> mixed = frames;
    mixed[1].channels = 3;
    mixed[1].pixels.resize(mixed[1].pixels.size() * 3);
    QVERIFY_EXCEPTION_THROWN(ddpm::writeAnimation(mixed, dir.filePath("a.gif").toStdString(), 10), ddpm::Error);
    QVERIFY_EXCEPTION_THROWN(ddpm::writeAnimation(frames, dir.filePath("missing/a.gif").toStdString(), 10), ddpm::Error);
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    QVERIFY(ddpm::isAnimationPath("X.GIF") && ddpm::isAnimationPath("a.webm") && !ddpm::isAnimationPath("a.png"));
}

QTEST_GUILESS_MAIN(TestImageIo)
#include "test_image_io.moc"
