// Tests of `ddpm noise`: the strip's size and first tile, agreement with core's closed form,
// reproducibility by seed, the Markov-chain mode, and one-line errors with exit code 2
// that leave no output file behind (and never clobber an existing one).
#include <ATen/ATen.h>

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>

#include <cstdlib>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "ddpm/diffusion.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/rng.h"
#include "ddpm/schedule.h"
#include "ddpm/strip.h"

using ddpm::Image;
using ddpm::test::BadCase;
using ddpm::test::badSeedCase;

namespace {

QString fixture(const char* name) { return QStringLiteral(DDPM_TEST_DATA_DIR "/image_io/") + name; }

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Tile i of a strip made by composeStrip with the given layout.
Image tileOf(const Image& strip, const ddpm::StripLayout& layout, int i, int w, int h)
{
    Image tile;
    tile.width = w;
    tile.height = h;
    tile.channels = strip.channels;
    const int x0 = layout.gap + i * (layout.cellWidth + layout.gap) + (layout.cellWidth - w) / 2;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < strip.channels; ++c)
                tile.pixels.push_back(strip.at(layout.gap + y, x0 + x, c));
    return tile;
}

/// "1,2,...,64": the most timesteps a strip takes.
QString sixtyFourSteps()
{
    QStringList ts;
    for (int t = 1; t <= 64; ++t)
        ts << QString::number(t);
    return ts.join(',');
}

/// Bad invocations (args after "noise"; @GOOD@ is a good image, @DIR@ the case's directory):
/// each must exit 2 with one stderr line and leave the existing
/// @DIR@/strip.png (the default --out) untouched and no other file behind.
const std::vector<BadCase>& badCases()
{
    static const std::vector<BadCase> cases{
        {"missing image", {"--image", fixture("nope.png"), "--t", "1"}, "nope.png"},
        {"text as png", {"--image", fixture("text_as.png"), "--t", "1"}, "not an image"},
        {"truncated png", {"--image", fixture("truncated.png"), "--t", "1"}, "truncated"},
        {"huge header", {"--image", fixture("huge_header.png"), "--t", "1"}, "megapixels"},
        {"t = 0", {"--image", "@GOOD@", "--t", "1,0"}, "0 is outside 1..1000"},
        {"t > T", {"--image", "@GOOD@", "--steps", "100", "--t", "101"}, "101 is outside 1..100"},
        {"bad t text", {"--image", "@GOOD@", "--t", "1,two"}, "--t: 'two' is not a whole number; use comma-separated"},
        badSeedCase("negative seed", {"--image", "@GOOD@", "--t", "1"}, "-1"),
        badSeedCase("seed 2^64", {"--image", "@GOOD@", "--t", "1"}, "18446744073709551616"),
        badSeedCase("fractional seed", {"--image", "@GOOD@", "--t", "1"}, "1.5"),
        {"steps junk", {"--image", "@GOOD@", "--t", "1", "--steps", "1000abc"},
         "--steps: '1000abc' is not a whole number; use an integer in 1..100000"},
        {"linear T = 1", {"--image", "@GOOD@", "--t", "1", "--steps", "1"}, "use T >= 21"},
        {"size too big", {"--image", "@GOOD@", "--t", "1", "--size", "5000"}, "--size: 5000 is outside 0..4096"},
        // Only regular files are read: a FIFO would block forever, a device never ends.
        {"image fifo", {"--image", "@DIR@/in.fifo", "--t", "1"}, "is a FIFO (named pipe), not a regular file"},
        {"image device", {"--image", "/dev/null", "--t", "1"}, "'/dev/null' is a character device, not a regular file"},
        {"image directory", {"--image", "@DIR@", "--t", "1"}, "is a directory"},
        // 64 tiles of 4096 x 4096 RGB need about 23 GiB: over the fixed 16 GiB cap on any machine.
        {"too much memory", {"--image", "@GOOD@", "--size", "4096", "--t", "@64T@"}, "more than the limit of 16 GiB"},
        {"output fifo", {"--image", "@GOOD@", "--t", "1", "--out", "@DIR@/out.fifo.png"}, "FIFO"},
        {"non-png out", {"--image", "@GOOD@", "--t", "1", "--out", "@DIR@/strip.jpg"}, ".png"},
    };
    return cases;
}

} // namespace

class TestCliNoise : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    // Every invocation is started up front, several at a time (see runCliBatch); the
    // test functions check their own results.
    QMap<QString, ddpm::test::CliResult> m_results;
    QString out(const QString& name) const { return m_dir.filePath(name); }
    QString badDir(const QString& name) const { return ddpm::test::badCaseDir(m_dir, name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString gradient = fixture("gradient_48x40.png");
        ddpm::test::CliRuns runs;
        const auto add = [&runs](const QString& key, const QStringList& args) { runs.add(key, args); };
        add("strip", {"noise", "--image", gradient, "--size", "32", "--t", "1, 500,1000", "--seed", "5", "--threads",
                      "1", "--out", out("strip.png")});
        const QStringList seeded{"noise", "--image", gradient, "--size", "16", "--steps", "100", "--schedule",
                                 "cosine", "--t", "10,50,100", "--threads", "1", "--out"};
        add("seed a", seeded + QStringList{out("a.png"), "--seed", "42"});
        add("seed b", seeded + QStringList{out("b.png"), "--seed", "42"});
        add("seed c", seeded + QStringList{out("c.png"), "--seed", "43"});
        const QStringList chain{"noise", "--image", gradient, "--size", "16", "--t", "1,20,1000", "--seed", "3",
                                "--threads", "1", "--out"};
        add("closed", chain + QStringList{out("closed.png")});
        add("chain", chain + QStringList{out("chain.png"), "--chain"});
        add("keep", {"noise", "--image", gradient, "--t", "7", "--threads", "1", "--out", out("keep.png")});
        add("gray", {"noise", "--image", fixture("gray_5x4.png"), "--size", "12", "--t", "1,1000", "--threads", "1",
                     "--out", out("gray.png")});
        add("chelsea", {"noise", "--image", QStringLiteral(DDPM_RESOURCES_DIR "/images/chelsea.png"), "--size", "32",
                        "--t", "250", "--out", out("chelsea.png")}); // --threads left at 0: the probe
        add("help", {"noise", "--help"});
        // Timesteps are kept as given: unordered, and 500 twice (two identical tiles).
        add("duplicates", {"noise", "--image", gradient, "--size", "16", "--t", "500,1,500", "--seed", "2",
                           "--threads", "1", "--out", out("duplicates.png")});
        for (const BadCase& c : badCases()) {
            const QString dir = badDir(c.name);
            QVERIFY(QDir().mkpath(dir));
            QVERIFY(ddpm::test::writeFile(dir + "/strip.png", "previous"));
            QVERIFY(ddpm::test::makeFifo(dir + "/in.fifo"));
            QVERIFY(ddpm::test::makeFifo(dir + "/out.fifo.png"));
            const QStringList args =
                ddpm::test::fillIn(c.args, {{"@DIR@", dir}, {"@GOOD@", gradient}, {"@64T@", sixtyFourSteps()}});
            QStringList full = QStringList{"noise"} + args + QStringList{"--threads", "1"};
            if (!args.contains("--out"))
                full << "--out" << dir + "/strip.png";
            add(c.name, full);
        }
        m_results = runs.runAll();
    }

    /// Width and height follow the strip layout for k tiles; tile 0 is x_0 and tile 1
    /// is exactly core's closed-form q_sample with Rng(seed) noise.
    void stripMatchesCore()
    {
        const QString path = out("strip.png");
        const auto r = m_results.value("strip");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const Image strip = ddpm::loadImage(path.toStdString());
        const std::vector<std::string> labels{"x_0", "t = 1", "t = 500", "t = 1000"};
        const ddpm::StripLayout layout = ddpm::stripLayout(32, 32, 4, labels);
        QCOMPARE(strip.width, layout.width);
        QCOMPARE(strip.height, layout.height);
        QCOMPARE(strip.channels, 3);
        QVERIFY(strip.width >= 4 * 32 + 5 * layout.gap);

        ddpm::ImageLoadOptions options;
        options.size = 32;
        const Image x0 = ddpm::loadImage(fixture("gradient_48x40.png").toStdString(), options);
        QVERIFY(tileOf(strip, layout, 0, 32, 32).pixels == x0.pixels);

        const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName("linear", 1000));
        const at::Tensor x = ddpm::imageToTensor(x0).unsqueeze(0);
        ddpm::Rng rng(5);
        const at::Tensor noise = rng.normal(x.sizes());
        const int ts[] = {1, 500, 1000};
        for (int i = 0; i < 3; ++i) {
            const Image want = ddpm::tensorToImage(diffusion.qSample(x, diffusion.timesteps(ts[i], 1), noise).squeeze(0));
            QVERIFY2(tileOf(strip, layout, i + 1, 32, 32).pixels == want.pixels, qPrintable(QString::number(ts[i])));
        }
    }

    void sameSeedSameBytes()
    {
        const auto a = m_results.value("seed a");
        const auto b = m_results.value("seed b");
        const auto c = m_results.value("seed c");
        QVERIFY2(a.exitCode == 0 && b.exitCode == 0 && c.exitCode == 0, qPrintable(a.describe() + c.describe()));
        const QByteArray bytesA = readAll(out("a.png"));
        QVERIFY(!bytesA.isEmpty());
        QCOMPARE(readAll(out("b.png")), bytesA);
        QVERIFY(readAll(out("c.png")) != bytesA);
    }

    void chain()
    {
        const auto closed = m_results.value("closed");
        const auto walked = m_results.value("chain");
        QVERIFY2(walked.exitCode == 0, qPrintable(walked.describe()));
        QVERIFY2(closed.exitCode == 0, qPrintable(closed.describe()));
        QVERIFY2(walked.err.isEmpty(), qPrintable(walked.err)); // no progress line: stderr is not a terminal
        const Image a = ddpm::loadImage(out("closed.png").toStdString());
        const Image b = ddpm::loadImage(out("chain.png").toStdString());
        QCOMPARE(b.width, a.width);
        QCOMPARE(b.height, a.height);
        QVERIFY(a.pixels != b.pixels); // a different draw of the same distribution
        // x_0 is shared; the chain's x_1 is one small step from it.
        const ddpm::StripLayout layout = ddpm::stripLayout(16, 16, 4, {"x_0", "t = 1", "t = 20", "t = 1000"});
        QVERIFY(tileOf(a, layout, 0, 16, 16).pixels == tileOf(b, layout, 0, 16, 16).pixels);
        const Image x0 = tileOf(b, layout, 0, 16, 16);
        const Image x1 = tileOf(b, layout, 1, 16, 16);
        long long diff = 0;
        for (size_t i = 0; i < x0.pixels.size(); ++i)
            diff += std::abs(int(x0.pixels[i]) - int(x1.pixels[i]));
        QVERIFY2(double(diff) / x0.pixels.size() < 6.0, qPrintable(QString::number(double(diff) / x0.pixels.size())));
    }

    void keepsSizeAndGray()
    {
        // Default --size 0 keeps 48 x 40; a gray input gives a gray strip.
        const auto r = m_results.value("keep");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const Image strip = ddpm::loadImage(out("keep.png").toStdString());
        QCOMPARE(strip.width, ddpm::stripLayout(48, 40, 2, {"x_0", "t = 7"}).width);
        QCOMPARE(strip.height, ddpm::stripLayout(48, 40, 2, {"x_0", "t = 7"}).height);

        const auto g = m_results.value("gray");
        QVERIFY2(g.exitCode == 0, qPrintable(g.describe()));
        QCOMPARE(ddpm::loadImage(out("gray.png").toStdString()).channels, 1);
    }

    void bundledImage()
    {
        const QString chelsea = QStringLiteral(DDPM_RESOURCES_DIR "/images/chelsea.png");
        if (!QFile::exists(chelsea))
            QSKIP("resources/images/chelsea.png is not there");
        const auto r = m_results.value("chelsea");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err)); // no libpng chatter about its colour profile
        QCOMPARE(ddpm::loadImage(out("chelsea.png").toStdString()).height, ddpm::stripLayout(32, 32, 2, {"x_0", "t = 250"}).height);
    }

    void duplicatesAndOrderKept()
    {
        const auto r = m_results.value("duplicates");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const Image strip = ddpm::loadImage(out("duplicates.png").toStdString());
        const std::vector<std::string> labels{"x_0", "t = 500", "t = 1", "t = 500"};
        const ddpm::StripLayout layout = ddpm::stripLayout(16, 16, 4, labels);
        QCOMPARE(strip.width, layout.width);
        // One noise draw for every tile: the same t twice gives the same pixels, t = 1 others.
        QVERIFY(tileOf(strip, layout, 1, 16, 16).pixels == tileOf(strip, layout, 3, 16, 16).pixels);
        QVERIFY(tileOf(strip, layout, 1, 16, 16).pixels != tileOf(strip, layout, 2, 16, 16).pixels);
    }

    /// On a terminal the chain shows its progress on stderr (and clears it when done).
    void chainProgressOnTerminal()
    {
        const auto r = ddpm::test::runCliOnTerminal({"noise", "--image", fixture("gradient_48x40.png"), "--size", "8",
                                                     "--steps", "300", "--t", "1,300", "--chain", "--threads", "1",
                                                     "--out", out("terminal.png")});
        if (!r.finished && r.err == "no pseudo-terminal")
            QSKIP("no pseudo-terminal on this machine");
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("chain: step 300/300 (100%)"), qPrintable(r.err)); // the last step is always drawn
        QVERIFY2(r.err.startsWith("\r"), qPrintable(r.err));
        QVERIFY2(r.err.endsWith("\r\033[K"), qPrintable(r.err));
        QVERIFY(QFile::exists(out("terminal.png")));
    }

    void help()
    {
        ddpm::test::verifyHelp(m_results.value("help"), "noise", {"--chain", "duplicates kept"});
    }

    void badInput_data() { ddpm::test::addBadCaseRows(badCases()); }
    void badInput()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        // The existing output survives a failed run untouched, and nothing else is left;
        // the FIFOs (not listed as files) are still FIFOs.
        ddpm::test::verifyBadInput(m_results.value(name), "noise", expected, badDir(name), {{"strip.png", "previous"}});
        QVERIFY(ddpm::test::isFifo(badDir(name) + "/in.fifo"));
        QVERIFY(ddpm::test::isFifo(badDir(name) + "/out.fifo.png"));
    }
};

QTEST_GUILESS_MAIN(TestCliNoise)
#include "test_cli_noise.moc"
