// Tests of data specs and loading: parsing, IDX files (plain, gzip, broken), Fashion-MNIST,
// image folders, single images and the 2-D toy sets.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <string>

#include <sys/stat.h>

#include <ATen/ATen.h>

#include "ddpm/dataset.h"
#include "ddpm/error.h"
#include "ddpm/image.h"

using ddpm::DataLoadOptions;
using ddpm::DataSpec;

namespace {

std::string dataPath(const char* rel)
{
    return std::string(DDPM_TEST_DATA_DIR) + "/" + rel;
}

/// Flat byte i of the 5 x 3 x 4 IDX fixture (see tests/data/idx/make_fixtures.py).
int fixturePixel(int i, int total)
{
    if (i == 0)
        return 0;
    if (i == total - 1)
        return 255;
    return (37 * i + 11) % 256;
}

float modelValue(int byte)
{
    return float(byte) / 127.5f - 1.0f;
}

/// Runs f, expecting a ddpm::Error whose message contains every fragment; returns the message.
template <typename F> QString expectError(F&& f)
{
    try {
        f();
    } catch (const ddpm::Error& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("WRONG EXCEPTION TYPE: ") + e.what();
    }
    return QStringLiteral("NO EXCEPTION");
}

/// Writes an IDX image file whose header announces `count` images of side x side pixels and
/// whose body holds `bodyBytes` bytes, byte i being (i * 7 + i / 251) % 256.
void writeIdx(const std::string& path, std::uint32_t count, std::uint32_t side, std::size_t bodyBytes)
{
    std::string bytes;
    for (const std::uint32_t v : { 0x00000803u, count, side, side })
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(char((v >> shift) & 0xFF));
    for (std::size_t i = 0; i < bodyBytes; ++i)
        bytes.push_back(char((i * 7 + i / 251) % 256));
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

at::Tensor load(const std::string& spec, DataLoadOptions options = {})
{
    return ddpm::loadData(DataSpec::parse(spec), options);
}

ddpm::Image makeImage(int width, int height, int channels, int offset)
{
    ddpm::Image image;
    image.width = width;
    image.height = height;
    image.channels = channels;
    image.pixels.resize(size_t(width) * height * channels);
    for (size_t i = 0; i < image.pixels.size(); ++i)
        image.pixels[i] = std::uint8_t((offset + 29 * i) % 256);
    return image;
}

/// Checks t is float32 [1 or N, C, H, W] equal to image's bytes as x / 127.5 - 1.
void compareImage(const at::Tensor& t, const ddpm::Image& image)
{
    QCOMPARE(t.dim(), 3);
    QCOMPARE(t.size(0), std::int64_t(image.channels));
    QCOMPARE(t.size(1), std::int64_t(image.height));
    QCOMPARE(t.size(2), std::int64_t(image.width));
    const at::Tensor c = t.contiguous();
    const float* p = c.data_ptr<float>();
    for (int ch = 0; ch < image.channels; ++ch)
        for (int y = 0; y < image.height; ++y)
            for (int x = 0; x < image.width; ++x) {
                const float got = p[(size_t(ch) * image.height + y) * image.width + x];
                QVERIFY2(std::abs(got - modelValue(image.at(y, x, ch))) < 1e-6f,
                    qPrintable(QString("pixel c%1 y%2 x%3").arg(ch).arg(y).arg(x)));
            }
}

} // namespace

class TestDataset : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();

    void idxRoundTrip_data();
    void idxRoundTrip();
    void idxLimit();
    void idxLimitStopsBeforeTruncation();
    void idxLargerThanOneReadChunk();
    void idxTestSplitFallback();
    void idxResize();
    void idxBad_data();
    void idxBad();
    void mnistMissing();
    void mnistFifo();

    void fashionMnist();
    void fashionMnistMissingSaysWhatToInstall();

    void folderFixture();
    void folderExactValuesAndLimit();
    void folderMixedSizes();
    void folderGray();
    void folderCorruptImageIsNamed();
    void folderWithoutImages();
    void singleImage();
    void badOptions();

    void toySets_data();
    void toySets();
    void toyPointCounts();
    void toyShapes();
};

void TestDataset::parseValid_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("toy");
    using K = DataSpec::Kind;
    QTest::newRow("fashion default") << "fashion-mnist" << int(K::FashionMnist) << "train"
                                     << "";
    QTest::newRow("fashion train") << "fashion-mnist:train" << int(K::FashionMnist) << "train"
                                   << "";
    QTest::newRow("fashion test") << "fashion-mnist:test" << int(K::FashionMnist) << "test"
                                  << "";
    QTest::newRow("mnist") << "mnist:/data/mnist" << int(K::Mnist) << "/data/mnist"
                           << "";
    QTest::newRow("folder") << "folder:pics" << int(K::Folder) << "pics"
                            << "";
    QTest::newRow("image") << "image:cat.png" << int(K::Image) << "cat.png"
                           << "";
    QTest::newRow("image with colon") << "image:a:b.png" << int(K::Image) << "a:b.png"
                                      << "";
    QTest::newRow("swiss-roll") << "toy:swiss-roll" << int(K::Toy) << ""
                                << "swiss-roll";
    QTest::newRow("moons") << "toy:moons" << int(K::Toy) << ""
                           << "moons";
    QTest::newRow("gaussians8") << "toy:gaussians8" << int(K::Toy) << ""
                                << "gaussians8";
    QTest::newRow("checkerboard") << "toy:checkerboard" << int(K::Toy) << ""
                                  << "checkerboard";
    QTest::newRow("rings") << "toy:rings" << int(K::Toy) << ""
                           << "rings";
}

void TestDataset::parseValid()
{
    QFETCH(QString, spec);
    QFETCH(int, kind);
    QFETCH(QString, path);
    QFETCH(QString, toy);
    const DataSpec parsed = DataSpec::parse(spec.toStdString());
    QCOMPARE(int(parsed.kind), kind);
    QCOMPARE(QString::fromStdString(parsed.path), path);
    QCOMPARE(QString::fromStdString(parsed.toy), toy);
    QCOMPARE(parsed.isImages(), kind != int(DataSpec::Kind::Toy));
}

void TestDataset::parseInvalid_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("empty") << ""
                           << "toy:swiss-roll";
    QTest::newRow("unknown kind") << "cifar10"
                                  << "'cifar10'";
    QTest::newRow("unknown prefix") << "svhn:dir"
                                    << "folder:DIR";
    QTest::newRow("bad split") << "fashion-mnist:val"
                               << "fashion-mnist:test";
    QTest::newRow("empty split") << "fashion-mnist:"
                                 << "fashion-mnist:train";
    QTest::newRow("mnist no dir") << "mnist:"
                                  << "mnist:DIR";
    QTest::newRow("mnist bare") << "mnist"
                                << "mnist:DIR";
    QTest::newRow("folder no dir") << "folder:"
                                   << "folder:DIR";
    QTest::newRow("image no file") << "image:"
                                   << "image:FILE";
    QTest::newRow("toy no name") << "toy:"
                                 << "toy:moons";
    QTest::newRow("toy unknown") << "toy:spiral"
                                 << "toy:checkerboard";
    QTest::newRow("bare image path") << "cat.png"
                                     << "image:cat.png";
    QTest::newRow("upper case") << "TOY:moons"
                                << "'TOY:moons'";
}

void TestDataset::parseInvalid()
{
    QFETCH(QString, spec);
    QFETCH(QString, fragment);
    const QString message = expectError([&] { DataSpec::parse(spec.toStdString()); });
    QVERIFY2(message.contains(fragment), qPrintable(message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));
}

void TestDataset::idxRoundTrip_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("plain dir") << QString("mnist:") + DDPM_TEST_DATA_DIR + "/idx/plain";
    QTest::newRow("gz dir") << QString("mnist:") + DDPM_TEST_DATA_DIR + "/idx/gz";
    QTest::newRow("plain file") << QString("mnist:") + DDPM_TEST_DATA_DIR
            + "/idx/plain/train-images-idx3-ubyte";
    QTest::newRow("gz file") << QString("mnist:") + DDPM_TEST_DATA_DIR + "/idx/gz/train-images-idx3-ubyte.gz";
}

void TestDataset::idxRoundTrip()
{
    QFETCH(QString, spec);
    const at::Tensor t = load(spec.toStdString());
    QCOMPARE(t.scalar_type(), at::kFloat);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 5, 1, 3, 4 }));
    QVERIFY(t.is_contiguous());
    const float* p = t.data_ptr<float>();
    for (int i = 0; i < 60; ++i)
        QVERIFY2(
            std::abs(p[i] - modelValue(fixturePixel(i, 60))) < 1e-6f, qPrintable(QString("byte %1").arg(i)));
    QCOMPARE(p[0], -1.0f);
    QCOMPARE(p[59], 1.0f);
}

void TestDataset::idxLimit()
{
    DataLoadOptions options;
    options.limit = 2;
    const at::Tensor two = load(dataPath("idx/gz").insert(0, "mnist:"), options);
    QCOMPARE(two.sizes().vec(), (std::vector<std::int64_t> { 2, 1, 3, 4 }));
    const float* p = two.data_ptr<float>();
    for (int i = 0; i < 24; ++i)
        QVERIFY(std::abs(p[i] - modelValue(fixturePixel(i, 60))) < 1e-6f);

    options.limit = 1000; // more than the file has: all of it
    QCOMPARE(load(dataPath("idx/plain").insert(0, "mnist:"), options).size(0), std::int64_t(5));
}

void TestDataset::idxLimitStopsBeforeTruncation()
{
    // The header announces 1,000,000 images of 4 x 4; the file holds 2 (bytes 0..31).
    const std::string spec = "mnist:" + dataPath("idx/bad/lying-count-idx3-ubyte");
    DataLoadOptions options;
    options.limit = 2;
    const at::Tensor t = load(spec, options);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 2, 1, 4, 4 }));
    QCOMPARE(t.flatten()[31].item<float>(), modelValue(31));

    const QString message = expectError([&] { load(spec); });
    QVERIFY2(message.contains("truncated") && message.contains("2 whole images"), qPrintable(message));
}

void TestDataset::idxLargerThanOneReadChunk()
{
    // The reader grows its buffer from 1 MiB, doubling: files of several chunks come back
    // whole, and a header that claims more than the file holds is still named truncated.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::size_t imageBytes = 256 * 256;
    const std::string whole = dir.filePath("whole-idx3-ubyte").toStdString();
    writeIdx(whole, 70, 256, 70 * imageBytes); // 4.4 MiB: chunks of 1, 2 and 4 MiB
    const at::Tensor t = load("mnist:" + whole);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 70, 1, 256, 256 }));
    const float* p = t.data_ptr<float>();
    for (const std::size_t i : { std::size_t(0), std::size_t(1) << 20, (std::size_t(1) << 20) + 1,
             std::size_t(3) << 20, 70 * imageBytes - 1 })
        QCOMPARE(p[i], modelValue(int((i * 7 + i / 251) % 256)));

    const std::string lying = dir.filePath("lying-idx3-ubyte").toStdString();
    writeIdx(lying, 1000, 256, 50 * imageBytes + 100);
    const QString message = expectError([&] { load("mnist:" + lying); });
    QVERIFY2(message.contains("truncated") && message.contains("50 whole images")
            && message.contains(QString::number(50 * imageBytes + 100) + " pixel bytes"),
        qPrintable(message));
}

void TestDataset::idxTestSplitFallback()
{
    const at::Tensor t = load(dataPath("idx/t10k").insert(0, "mnist:"));
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 3, 1, 2, 2 }));
    const float* p = t.data_ptr<float>();
    for (int i = 0; i < 12; ++i)
        QVERIFY(std::abs(p[i] - modelValue(10 * i)) < 1e-6f);
}

void TestDataset::idxResize()
{
    DataLoadOptions options;
    options.size = 8;
    const at::Tensor t = load(dataPath("idx/plain").insert(0, "mnist:"), options);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 5, 1, 8, 8 }));
    QVERIFY(t.min().item<float>() >= -1.0f);
    QVERIFY(t.max().item<float>() <= 1.0f);
    QVERIFY(t.std().item<float>() > 0.1f); // not a constant image
}

void TestDataset::idxBad_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("truncated plain") << "truncated-idx3-ubyte"
                                     << "truncated";
    QTest::newRow("truncated gz") << "truncated-idx3-ubyte.gz"
                                  << "truncated";
    QTest::newRow("cut gzip stream") << "cut-stream-idx3-ubyte.gz"
                                     << "";
    QTest::newRow("corrupt gzip") << "corrupt-idx3-ubyte.gz"
                                  << "";
    QTest::newRow("labels") << "labels-idx1-ubyte"
                            << "label file";
    QTest::newRow("float type") << "float-idx3-ubyte"
                                << "0x00000D03";
    QTest::newRow("zero rows") << "zero-rows-idx3-ubyte"
                               << "at least 1";
    QTest::newRow("zero count") << "zero-count-idx3-ubyte"
                                << "at least 1";
    QTest::newRow("huge count") << "huge-count-idx3-ubyte"
                                << "at most 100000000";
    QTest::newRow("huge side") << "huge-side-idx3-ubyte"
                               << "at most 16384";
    QTest::newRow("short header") << "short-header-idx3-ubyte"
                                  << "header ends after 10";
    QTest::newRow("text") << "text-idx3-ubyte"
                          << "expected 0x00000803";
}

void TestDataset::idxBad()
{
    QFETCH(QString, file);
    QFETCH(QString, fragment);
    const std::string path = dataPath("idx/bad/") + file.toStdString();
    const QString message = expectError([&] { load("mnist:" + path); });
    QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
    QVERIFY2(message.contains(fragment), qPrintable(message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));
}

void TestDataset::mnistMissing()
{
    QString message = expectError([] { load("mnist:/nonexistent/mnist-dir"); });
    QVERIFY2(message.contains("/nonexistent/mnist-dir") && message.contains("no such"), qPrintable(message));
    // A directory without train-/t10k- image files.
    message = expectError([] { load("mnist:" + dataPath("idx/bad")); });
    QVERIFY2(message.contains("train-images-idx3-ubyte"), qPrintable(message));
}

void TestDataset::mnistFifo()
{
    // A FIFO would block the read forever: refused by name, at once.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fifo = dir.filePath("train-images-idx3-ubyte");
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    const QString message = expectError([&] { load("mnist:" + fifo.toStdString()); });
    QVERIFY2(message.contains("IDX file '" + fifo + "' is a FIFO (named pipe), not a regular file"), qPrintable(message));
}

void TestDataset::fashionMnist()
{
    if (!QFileInfo::exists(QString(ddpm::kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"))
        QSKIP("Debian's dataset-fashion-mnist is not installed");
    DataLoadOptions options;
    options.limit = 16;
    const at::Tensor test16 = load("fashion-mnist:test", options);
    QCOMPARE(test16.sizes().vec(), (std::vector<std::int64_t> { 16, 1, 28, 28 }));
    QCOMPARE(test16.min().item<float>(), -1.0f); // black background
    QVERIFY(test16.max().item<float>() <= 1.0f);
    QVERIFY(test16.max().item<float>() > 0.5f);

    const at::Tensor train16 = load("fashion-mnist", options);
    QCOMPARE(train16.sizes().vec(), test16.sizes().vec());
    QVERIFY(!at::equal(train16, test16));

    const at::Tensor test = load("fashion-mnist:test");
    QCOMPARE(test.size(0), std::int64_t(10000));
    QVERIFY(at::equal(test.slice(0, 0, 16), test16));
}

void TestDataset::fashionMnistMissingSaysWhatToInstall()
{
    if (QFileInfo::exists(QString(ddpm::kFashionMnistDir) + "/train-images-idx3-ubyte.gz"))
        QSKIP("dataset-fashion-mnist is installed; the missing-package message cannot be provoked");
    const QString message = expectError([] { load("fashion-mnist"); });
    QVERIFY2(message.contains("dataset-fashion-mnist"), qPrintable(message));
}

void TestDataset::folderFixture()
{
    // a_rgb.png (RGB bytes 16 i mod 256) and b_gray.png (gray bytes 17 i); notes.txt skipped.
    const at::Tensor t = load("folder:" + dataPath("images/tiny_folder"));
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 2, 3, 4, 4 }));
    ddpm::Image rgb;
    rgb.width = rgb.height = 4;
    rgb.channels = 3;
    for (int i = 0; i < 48; ++i)
        rgb.pixels.push_back(std::uint8_t((16 * i) % 256));
    compareImage(t[0], rgb);
    ddpm::Image grayAsRgb = rgb;
    for (int p = 0; p < 16; ++p)
        for (int c = 0; c < 3; ++c)
            grayAsRgb.pixels[size_t(3 * p + c)] = std::uint8_t(17 * p);
    compareImage(t[1], grayAsRgb);
}

void TestDataset::folderExactValuesAndLimit()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string root = dir.path().toStdString();
    const ddpm::Image a = makeImage(5, 3, 3, 7);
    const ddpm::Image b = makeImage(5, 3, 3, 100);
    // Named so that name order differs from write order.
    ddpm::savePng(b, root + "/b.png");
    ddpm::savePng(a, root + "/a.PNG");
    const at::Tensor t = load("folder:" + root);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 2, 3, 3, 5 }));
    compareImage(t[0], a);
    compareImage(t[1], b);

    DataLoadOptions options;
    options.limit = 1;
    const at::Tensor one = load("folder:" + root, options);
    QCOMPARE(one.size(0), std::int64_t(1));
    compareImage(one[0], a);
}

void TestDataset::folderMixedSizes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string root = dir.path().toStdString();
    ddpm::savePng(makeImage(6, 4, 3, 1), root + "/one.png");
    ddpm::savePng(makeImage(8, 8, 1, 2), root + "/two.png");
    const QString message = expectError([&] { load("folder:" + root); });
    QVERIFY2(message.contains("two.png") && message.contains("8 x 8") && message.contains("size"),
        qPrintable(message));

    DataLoadOptions options;
    options.size = 4;
    const at::Tensor t = load("folder:" + root, options);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 2, 3, 4, 4 }));
    QVERIFY(t.min().item<float>() >= -1.0f && t.max().item<float>() <= 1.0f);
}

void TestDataset::folderGray()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string root = dir.path().toStdString();
    ddpm::savePng(makeImage(4, 4, 3, 1), root + "/c.png");
    ddpm::savePng(makeImage(4, 4, 3, 50), root + "/d.png");
    DataLoadOptions options;
    options.gray = true;
    const at::Tensor t = load("folder:" + root, options);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 2, 1, 4, 4 }));
}

void TestDataset::folderCorruptImageIsNamed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string root = dir.path().toStdString();
    ddpm::savePng(makeImage(4, 4, 3, 1), root + "/good.png");
    QFile bad(dir.filePath("broken.jpg"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("definitely not a JPEG");
    bad.close();
    const QString message = expectError([&] { load("folder:" + root); });
    QVERIFY2(message.contains("broken.jpg"), qPrintable(message));
}

void TestDataset::folderWithoutImages()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile text(dir.filePath("readme.txt"));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("hello");
    text.close();
    QVERIFY(QDir(dir.path()).mkdir("sub.png")); // a directory with an image name is not an image
    QString message = expectError([&] { load("folder:" + dir.path().toStdString()); });
    QVERIFY2(message.contains("no images") && message.contains(".png"), qPrintable(message));

    message = expectError([] { load("folder:/nonexistent/pictures"); });
    QVERIFY2(message.contains("/nonexistent/pictures"), qPrintable(message));
}

void TestDataset::singleImage()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string file = dir.path().toStdString() + "/gray.png";
    ddpm::Image image = makeImage(3, 2, 1, 0);
    image.pixels.back() = 255;
    ddpm::savePng(image, file);
    const at::Tensor t = load("image:" + file);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t> { 1, 1, 2, 3 }));
    compareImage(t[0], image);
    QCOMPARE(t.min().item<float>(), -1.0f);
    QCOMPARE(t.max().item<float>(), 1.0f);

    const QString message = expectError([&] { load("image:" + file + ".missing"); });
    QVERIFY2(message.contains("gray.png.missing"), qPrintable(message));
}

void TestDataset::badOptions()
{
    DataLoadOptions options;
    options.limit = -1;
    QString message = expectError([&] { load("toy:moons", options); });
    QVERIFY2(message.contains("-1"), qPrintable(message));
    options = {};
    options.size = -3;
    message = expectError([&] { load("mnist:" + dataPath("idx/plain"), options); });
    QVERIFY2(message.contains("-3"), qPrintable(message));
}

void TestDataset::toySets_data()
{
    QTest::addColumn<QString>("name");
    for (const char* name : { "swiss-roll", "moons", "gaussians8", "checkerboard", "rings" })
        QTest::newRow(name) << name;
}

void TestDataset::toySets()
{
    QFETCH(QString, name);
    const std::string spec = "toy:" + name.toStdString();
    DataLoadOptions options;
    options.seed = 7;
    options.toyPoints = 20000;
    const at::Tensor a = load(spec, options);
    QCOMPARE(a.scalar_type(), at::kFloat);
    QCOMPARE(a.sizes().vec(), (std::vector<std::int64_t> { 20000, 2 }));
    QVERIFY(at::isfinite(a).all().item<bool>());
    QVERIFY(at::equal(a, load(spec, options))); // same seed, same points

    const at::Tensor mean = a.mean(0);
    const at::Tensor std = a.std(0);
    for (int c = 0; c < 2; ++c) {
        QVERIFY2(std::abs(mean[c].item<float>()) < 0.1f, qPrintable(QString::number(mean[c].item<float>())));
        QVERIFY2(
            std::abs(std[c].item<float>() - 1.0f) < 0.1f, qPrintable(QString::number(std[c].item<float>())));
    }

    options.seed = 8;
    QVERIFY(!at::equal(a, load(spec, options)));
}

void TestDataset::toyPointCounts()
{
    DataLoadOptions options;
    options.toyPoints = 50;
    QCOMPARE(load("toy:rings", options).size(0), std::int64_t(50));
    options.limit = 7; // limit wins over toyPoints
    QCOMPARE(load("toy:rings", options).size(0), std::int64_t(7));

    options.limit = 10'000'001;
    QString message = expectError([&] { load("toy:rings", options); });
    QVERIFY2(message.contains("10000001") && message.contains("10000000"), qPrintable(message));
    options.limit = 0;
    options.toyPoints = 0;
    message = expectError([&] { load("toy:rings", options); });
    QVERIFY2(message.contains("toy point count 0"), qPrintable(message));
}

void TestDataset::toyShapes()
{
    DataLoadOptions options;
    options.toyPoints = 4000;
    options.seed = 3;
    // Checkerboard: undo the 1/sqrt(4/3) scale; every point in a square with column + row even.
    const at::Tensor board = load("toy:checkerboard", options).to(at::kDouble) * std::sqrt(4.0 / 3.0) + 2.0;
    QVERIFY(board.min().item<double>() >= -1e-5 && board.max().item<double>() <= 4.0 + 1e-5);
    const at::Tensor cells = at::floor(board).clamp(0, 3);
    const at::Tensor parity = at::fmod(cells.select(1, 0) + cells.select(1, 1), 2.0);
    QVERIFY(at::all(parity == 0).item<bool>());

    // Rings: radii 1/3, 2/3 and 1 with noise 0.03 once the scale is undone.
    const double ringScale = std::sqrt((2.0 / 3.0 + 0.03 * 0.03) / 2.0);
    const at::Tensor radius = load("toy:rings", options).to(at::kDouble).norm(2, 1) * ringScale;
    const at::Tensor nearest = at::round(radius * 3.0) / 3.0;
    QVERIFY(((radius - nearest).abs() < 0.15).all().item<bool>());
    for (double r : { 1.0 / 3.0, 2.0 / 3.0, 1.0 })
        QVERIFY(((nearest - r).abs() < 1e-6).any().item<bool>());

    // Eight Gaussians: every point within 6 sigma of one of the 8 centres on the circle.
    const at::Tensor g = load("toy:gaussians8", options).to(at::kDouble);
    const double r = std::sqrt(2.0 * (1.0 - 0.01));
    const at::Tensor angle = at::arange(8, at::kDouble) * (M_PI / 4.0);
    const at::Tensor centres = at::stack({ r * at::cos(angle), r * at::sin(angle) }, 1);
    const at::Tensor dist = at::cdist(g, centres).amin(1);
    QVERIFY(dist.max().item<double>() < 0.6);
}

QTEST_GUILESS_MAIN(TestDataset)
#include "test_dataset.moc"
