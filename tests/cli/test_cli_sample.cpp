// Tests of `ddpm sample` with the oracle denoiser: DDIM and respaced DDPM reproduce the data
// (the eight Gaussians' modes; a one-image set's image), the grid, directory and strip
// outputs, and one-line errors with exit code 2 that leave no file behind.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>

#include <cmath>
#include <vector>

#include "cli_runner.h"
#include "ddpm/image.h"

using ddpm::test::BadCase;
using ddpm::test::CliResult;
using ddpm::test::kLongRunMs;
using ddpm::test::runCli;

namespace {

/// Bad invocations (after "sample"; @DIR@ is the case's own directory, @IMAGE@ a good PNG).
const std::vector<BadCase>& badCases()
{
    static const std::vector<BadCase> cases{
        {"eta without ddim", {"--model", "oracle:toy:gaussians8", "--eta", "0.5", "--out", "@DIR@/p.csv"}, "--sampler ddim"},
        {"variance with ddim", {"--model", "oracle:toy:gaussians8", "--sampler", "ddim", "--variance", "large", "--out", "@DIR@/p.csv"}, "--eta"},
        {"no stride", {"--model", "oracle:toy:gaussians8", "--steps", "ddim999", "--out", "@DIR@/p.csv"}, "no integer stride"},
        {"bad spacing", {"--model", "oracle:toy:gaussians8", "--steps", "fast", "--out", "@DIR@/p.csv"}, "not a step count"},
        {"too many steps", {"--model", "oracle:toy:gaussians8", "--steps", "2000", "--out", "@DIR@/p.csv"}, "T = 1000"},
        {"eta out of range", {"--model", "oracle:toy:gaussians8", "--sampler", "ddim", "--eta", "2", "--out", "@DIR@/p.csv"}, "--eta"},
        {"strip of points", {"--model", "oracle:toy:gaussians8", "--strip", "@DIR@/s.png", "--out", "@DIR@/p.csv"}, "2-D points"},
        {"strip not png", {"--model", "oracle:image:@IMAGE@", "--strip", "@DIR@/s.jpg", "--out", "@DIR@/g.png"}, ".png"},
        {"points as png", {"--model", "oracle:toy:gaussians8", "--out", "@DIR@/p.png"}, "FILE.csv"},
        {"images as csv", {"--model", "oracle:image:@IMAGE@", "--out", "@DIR@/p.csv"}, "FILE.png"},
        {"unknown oracle data", {"--model", "oracle:toy:spirals", "--out", "@DIR@/p.csv"}, "spirals"},
        {"trajectory not animation", {"--model", "oracle:toy:gaussians8", "--trajectory", "@DIR@/t.avi", "--out", "@DIR@/p.csv"}, ".gif"},
        {"too many to record", {"--model", "oracle:toy:gaussians8", "--n", "300", "--trajectory", "@DIR@/t.gif", "--out", "@DIR@/p.csv"}, "at most 256"},
        {"bad out", {"--model", "oracle:toy:gaussians8", "--out", "@DIR@/p.txt"}, ".png"},
        {"missing checkpoint", {"--model", "@DIR@/none.ckpt", "--out", "@DIR@/p.csv"}, "none.ckpt"},
    };
    return cases;
}

QStringList csvLines(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
}

} // namespace

class TestCliSample : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void oracleSamplesCoverEveryMode_data();
    void oracleSamplesCoverEveryMode();
    void oracleOfOneImageReproducesIt();
    void help();
    void badInputExitsTwo_data();
    void badInputExitsTwo();

private:
    QTemporaryDir m_dir;
    QString m_image;
    QMap<QString, CliResult> m_results;
    QString badDir(const QString& name) const { return ddpm::test::badCaseDir(m_dir, name); }
};

void TestCliSample::initTestCase()
{
    QVERIFY(m_dir.isValid());
    ddpm::Image image;
    image.width = image.height = 8;
    image.channels = 1;
    for (int i = 0; i < 64; ++i) image.pixels.push_back(static_cast<std::uint8_t>((i * 37) % 256));
    m_image = m_dir.filePath("eight.png");
    ddpm::savePng(image, m_image.toStdString());
    ddpm::test::CliRuns runs;
    for (const BadCase& c : badCases()) {
        const QString dir = badDir(c.name);
        QVERIFY(QDir().mkpath(dir));
        runs.add(c.name, ddpm::test::fillIn(QStringList{"sample"} + c.args, {{"@DIR@", dir}, {"@IMAGE@", m_image}}));
    }
    runs.add("help", {"sample", "--help"});
    m_results = runs.runAll(2, kLongRunMs);
}

void TestCliSample::oracleSamplesCoverEveryMode_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("ddim 50") << QStringList{"--sampler", "ddim", "--steps", "ddim50"};
    QTest::newRow("ddim trailing eta 1") << QStringList{"--sampler", "ddim", "--steps", "trailing:40", "--eta", "1"};
    QTest::newRow("ddpm 100 large") << QStringList{"--steps", "100", "--variance", "large"};
    QTest::newRow("ddpm cosine sections") << QStringList{"--schedule", "cosine", "--diffusion-steps", "500", "--steps", "20,30"};
}

void TestCliSample::oracleSamplesCoverEveryMode()
{
    QFETCH(QStringList, args);
    const QString csv = m_dir.filePath(QString("modes-%1.csv").arg(QTest::currentDataTag()).replace(' ', '_'));
    const CliResult r = runCli(QStringList{"sample", "--model", "oracle:toy:gaussians8", "--n", "800", "--seed", "4",
                                           "--threads", "1", "--out", csv} + args, kLongRunMs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QStringList lines = csvLines(csv);
    QCOMPARE(lines.size(), 801);
    QCOMPARE(lines.front(), QStringLiteral("x,y"));
    std::vector<int> counts(8, 0);
    const double radius = std::sqrt(2 * 0.99);
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList xy = lines[i].split(',');
        QCOMPARE(xy.size(), 2);
        const double x = xy[0].toDouble(), y = xy[1].toDouble();
        // Every sample sits on a mode: near the ring, at one of the eight angles.
        QVERIFY2(std::abs(std::hypot(x, y) - radius) < 0.5, qPrintable(lines[i]));
        const int k = static_cast<int>(std::lround(std::atan2(y, x) / (M_PI / 4) + 8)) % 8;
        ++counts[static_cast<std::size_t>(k)];
    }
    for (int c : counts) QVERIFY2(c > 60 && c < 140, qPrintable(QString("mode count %1").arg(c))); // 100 each
}

void TestCliSample::oracleOfOneImageReproducesIt()
{
    // The empirical distribution of one image is that image: every sample is it.
    const QString dir = m_dir.filePath("copies") + "/";
    const QString strip = m_dir.filePath("strip.png");
    CliResult r = runCli({"sample", "--model", "oracle:image:" + m_image, "--n", "3", "--sampler", "ddim", "--steps", "25",
                          "--threads", "1", "--out", dir, "--strip", strip, "--strip-columns", "5"}, kLongRunMs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(QDir(dir).entryList(QDir::Files), (QStringList{"00000.png", "00001.png", "00002.png"}));
    const ddpm::Image source = ddpm::loadImage(m_image.toStdString());
    for (const QString& name : QDir(dir).entryList(QDir::Files)) {
        const ddpm::Image copy = ddpm::loadImage(QDir(dir).filePath(name).toStdString());
        QCOMPARE(copy.width, 8);
        QCOMPARE(copy.channels, 1);
        for (std::size_t i = 0; i < source.pixels.size(); ++i)
            QVERIFY2(std::abs(int(copy.pixels[i]) - int(source.pixels[i])) <= 2, qPrintable(name));
    }
    // The strip: 5 columns of x_t above 5 of the predicted x_0.
    const ddpm::Image s = ddpm::loadImage(strip.toStdString());
    QVERIFY2(s.width > 5 * 112 && s.height > 2 * 112, qPrintable(QString("%1 x %2").arg(s.width).arg(s.height)));
    // The chain as an animated GIF.
    const QString gif = m_dir.filePath("chain.gif");
    r = runCli({"sample", "--model", "oracle:image:" + m_image, "--n", "2", "--steps", "30", "--threads", "1",
                "--out", m_dir.filePath("two.png"), "--trajectory", gif, "--fps", "10"}, kLongRunMs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QFile animation(gif);
    QVERIFY(animation.open(QIODevice::ReadOnly));
    const QByteArray bytes = animation.readAll();
    QVERIFY(bytes.startsWith("GIF89a"));
    QVERIFY(bytes.contains("NETSCAPE2.0"));
    QVERIFY(bytes.endsWith(";"));
    const QString grid = m_dir.filePath("grid.png");
    r = runCli({"sample", "--model", "oracle:image:" + m_image, "--n", "4", "--threads", "1", "--steps", "10", "--out", grid},
               kLongRunMs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(ddpm::loadImage(grid.toStdString()).width >= 256);
}

void TestCliSample::help()
{
    ddpm::test::verifyHelp(m_results.value("help"), "sample",
                           {"--model", "--sampler", "--steps", "--eta", "--variance", "--clip-denoised", "--out", "--strip",
                            "oracle:"});
}

void TestCliSample::badInputExitsTwo_data() { ddpm::test::addBadCaseRows(badCases()); }

void TestCliSample::badInputExitsTwo()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    ddpm::test::verifyBadInput(m_results.value(name), "sample", expected, badDir(name), {});
}

QTEST_GUILESS_MAIN(TestCliSample)
#include "test_cli_sample.moc"
