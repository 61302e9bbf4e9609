// Tests of `ddpm bound`: the JSON and CSV contract, agreement with core's evaluateBound,
// help, and one-line errors with exit code 2 for bad input that leave no file behind.
#include <QtTest>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>

#include <cmath>
#include <vector>

#include <ATen/ATen.h>

#include "cli_runner.h"
#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/model.h"
#include "ddpm/schedule.h"

using ddpm::test::BadCase;
using ddpm::test::CliResult;
using ddpm::test::kLongRunMs;
using ddpm::test::runCli;

namespace {

/// Bad invocations (args after "bound"; @GRAY@ is a good gray PNG, @MISSING@ a path that
/// does not exist): each must exit 2 with one stderr line and write nothing.
const std::vector<BadCase>& badCases()
{
    static const std::vector<BadCase> cases{
        {"missing image", {"--image", "@MISSING@", "--model", "zero"}, "no-such.png"},
        {"both --image and --data", {"--image", "@GRAY@", "--data", "image:@GRAY@", "--model", "zero"}, "exactly one of"},
        {"neither --image nor --data", {"--model", "zero"}, "exactly one of"},
        {"no --model", {"--image", "@GRAY@"}, "--model"},
        {"--samples 0", {"--image", "@GRAY@", "--model", "zero", "--samples", "0"}, "--samples: 0 is outside 1..1000"},
        {"--variance medium", {"--image", "@GRAY@", "--model", "zero", "--variance", "medium"},
         "--variance: 'medium' is not known; use small or large"},
        // The one seed option of every command: -1 is refused, not wrapped to 2^64 - 1.
        ddpm::test::badSeedCase("--seed -1", {"--image", "@GRAY@", "--model", "zero"}, "-1"),
        {"--images 1.5", {"--data", "image:@GRAY@", "--model", "zero", "--images", "1.5"},
         "--images: '1.5' is not a whole number; use an integer in 1..100000000"},
        {"missing checkpoint", {"--image", "@GRAY@", "--model", "@MISSING@.ckpt"}, "no-such.png.ckpt"},
        {"checkpoint not readable yet", {"--image", "@GRAY@", "--model", "@GRAY@"}, "gray8.png"},
        {"toy data", {"--data", "toy:moons", "--model", "zero"}, "toy:moons"},
        {"--format xml", {"--image", "@GRAY@", "--model", "zero", "--format", "xml"},
         "--format: 'xml' is not known; use json or csv"},
        {"zero terminal SNR", {"--image", "@GRAY@", "--model", "zero", "--zero-terminal-snr"}, "zero terminal SNR"},
    };
    return cases;
}

bool closeTo(double a, double b, double rel = 1e-12)
{
    return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)});
}

} // namespace

class TestCliBound : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void jsonHasTheContractKeys();
    void jsonMatchesCore_data();
    void jsonMatchesCore();
    void csvHasOneRowPerT();
    void dataSpecMatchesImage();
    void outWritesAFile();
    void help();
    void badInputExitsTwo_data();
    void badInputExitsTwo();

private:
    QTemporaryDir m_dir;
    QString m_gray;   ///< 8x8 gray PNG with random 8-bit values
    QString m_color;  ///< 6x6 RGB PNG
    // Help and the bad invocations are started up front, several at a time (see
    // runCliBatch); the other test functions run their own.
    QMap<QString, CliResult> m_results;
    QString badDir(const QString& name) const { return ddpm::test::badCaseDir(m_dir, name); }
};

void TestCliBound::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const auto makeImage = [](int size, int channels, unsigned seed) {
        ddpm::Image image;
        image.width = size;
        image.height = size;
        image.channels = channels;
        image.pixels.resize(static_cast<size_t>(size) * size * channels);
        unsigned state = seed;
        for (auto& p : image.pixels) {
            state = state * 1664525u + 1013904223u;
            p = static_cast<std::uint8_t>(state >> 24);
        }
        return image;
    };
    m_gray = m_dir.filePath("gray8.png");
    m_color = m_dir.filePath("color6.png");
    ddpm::savePng(makeImage(8, 1, 1), m_gray.toStdString());
    ddpm::savePng(makeImage(6, 3, 2), m_color.toStdString());

    ddpm::test::CliRuns runs;
    runs.add("help", {"bound", "--help"});
    const QString missing = m_dir.filePath("no-such.png");
    for (const BadCase& c : badCases()) {
        const QString dir = badDir(c.name);
        QVERIFY(QDir().mkpath(dir));
        const QStringList args = ddpm::test::fillIn(c.args, {{"@GRAY@", m_gray}, {"@MISSING@", missing}});
        runs.add(c.name, QStringList{"bound"} + args +
                             QStringList{"--out", dir + "/should-not-exist.json", "--threads", "1"});
    }
    m_results = runs.runAll(4, kLongRunMs);
}

void TestCliBound::jsonHasTheContractKeys()
{
    const CliResult r =
        runCli({"bound", "--image", m_gray, "--model", "zero", "--steps", "100", "--threads", "1"}, kLongRunMs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const QJsonObject json = doc.object();
    for (const char* key : {"prior_bpd", "decoder_bpd", "terms_bpd_sum", "total_bpd"})
        QVERIFY2(json.value(key).isDouble(), key);
    const QJsonArray terms = json.value("terms").toArray();
    QCOMPARE(terms.size(), 100);
    double sum = 0.0;
    for (int i = 0; i < terms.size(); ++i) {
        const QJsonObject term = terms[i].toObject();
        QCOMPARE(term.value("t").toInt(), i + 1);
        QVERIFY(term.value("bpd").isDouble());
        QVERIFY(term.value("l_simple").isDouble());
        if (i > 0)
            sum += term.value("bpd").toDouble();
    }
    QVERIFY(closeTo(json["decoder_bpd"].toDouble(), terms[0].toObject()["bpd"].toDouble()));
    QVERIFY(closeTo(json["terms_bpd_sum"].toDouble(), sum, 1e-10));
    QVERIFY(closeTo(json["total_bpd"].toDouble(),
                    json["prior_bpd"].toDouble() + json["decoder_bpd"].toDouble() + json["terms_bpd_sum"].toDouble()));
    QCOMPARE(json["steps"].toInt(), 100);
    QCOMPARE(json["variance"].toString(), QString("small"));
    QCOMPARE(json["images"].toInt(), 1);
}

void TestCliBound::jsonMatchesCore_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<int>("steps");
    QTest::addColumn<QString>("variance");
    QTest::addColumn<bool>("clip");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("seed");
    QTest::newRow("gray, linear 1000, small") << "gray" << QStringList{} << "linear" << 1000 << "small" << false << 1 << 0;
    QTest::newRow("color, cosine 200, large, clipped, K=3")
        << "color" << QStringList{"--variance", "large", "--clip-denoised", "--schedule", "cosine"} << "cosine" << 200
        << "large" << true << 3 << 42;
}

void TestCliBound::jsonMatchesCore()
{
    QFETCH(QString, image);
    QFETCH(QStringList, extra);
    QFETCH(QString, schedule);
    QFETCH(int, steps);
    QFETCH(QString, variance);
    QFETCH(bool, clip);
    QFETCH(int, samples);
    QFETCH(int, seed);
    const QString path = image == "gray" ? m_gray : m_color;

    QStringList args{"bound", "--image", path, "--model", "zero", "--steps", QString::number(steps), "--samples",
                     QString::number(samples), "--seed", QString::number(seed), "--threads", "1"};
    args += extra;
    const CliResult r = runCli(args, kLongRunMs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();

    // The same evaluation through core.
    const ddpm::Diffusion diffusion(ddpm::NoiseSchedule::fromName(schedule.toStdString(), steps));
    ddpm::ZeroNoiseModel model;
    ddpm::BoundOptions options;
    options.variance = ddpm::parseVarianceKind(variance.toStdString());
    options.clipDenoised = clip;
    options.samples = samples;
    options.seed = static_cast<std::uint64_t>(seed);
    const at::Tensor x0 = ddpm::imageToTensor(ddpm::loadImage(path.toStdString())).unsqueeze(0);
    const ddpm::BoundResult core = ddpm::evaluateBound(diffusion, model, x0, options);

    QVERIFY(closeTo(json["prior_bpd"].toDouble(), core.priorBpd));
    QVERIFY(closeTo(json["decoder_bpd"].toDouble(), core.decoderBpd));
    QVERIFY(closeTo(json["terms_bpd_sum"].toDouble(), core.termsBpdSum));
    QVERIFY(closeTo(json["total_bpd"].toDouble(), core.totalBpd));
    const QJsonArray terms = json["terms"].toArray();
    QCOMPARE(terms.size(), steps);
    for (int t = 1; t <= steps; ++t) {
        const QJsonObject term = terms[t - 1].toObject();
        QVERIFY2(closeTo(term["bpd"].toDouble(), core.termsBpd[t - 1]), qPrintable(QString("t=%1").arg(t)));
        QVERIFY(closeTo(term["l_simple"].toDouble(), core.lSimple[t - 1]));
    }
}

void TestCliBound::csvHasOneRowPerT()
{
    const QStringList common{"bound", "--image", m_color, "--model", "zero", "--steps", "50", "--seed", "7",
                             "--threads", "1"};
    const std::vector<CliResult> runs =
        ddpm::test::runCliBatch({common + QStringList{"--format", "csv"}, common}, 2, kLongRunMs);
    const CliResult& csv = runs[0];
    const CliResult& json = runs[1];
    QVERIFY2(csv.exitCode == 0, qPrintable(csv.describe()));
    QVERIFY2(json.exitCode == 0, qPrintable(json.describe()));
    const QJsonArray terms = QJsonDocument::fromJson(json.out.toUtf8()).object()["terms"].toArray();

    const QStringList lines = csv.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 51);
    QCOMPARE(lines[0], QString("t,bpd,l_simple"));
    for (int t = 1; t <= 50; ++t) {
        const QStringList fields = lines[t].split(',');
        QCOMPARE(fields.size(), 3);
        QCOMPARE(fields[0].toInt(), t);
        bool ok = false;
        const double bpd = fields[1].toDouble(&ok);
        QVERIFY(ok);
        QVERIFY(closeTo(bpd, terms[t - 1].toObject()["bpd"].toDouble(), 1e-15));
        QVERIFY(fields[2].toDouble(&ok) >= 0.0 && ok);
    }
}

void TestCliBound::dataSpecMatchesImage()
{
    const QStringList common{"--model", "zero", "--steps", "100", "--seed", "3", "--threads", "1"};
    const std::vector<CliResult> runs = ddpm::test::runCliBatch(
        {QStringList{"bound", "--image", m_gray} + common, QStringList{"bound", "--data", "image:" + m_gray} + common}, 2,
        kLongRunMs);
    const CliResult& viaImage = runs[0];
    const CliResult& viaData = runs[1];
    QVERIFY2(viaImage.exitCode == 0, qPrintable(viaImage.describe()));
    QVERIFY2(viaData.exitCode == 0, qPrintable(viaData.describe()));
    const QJsonObject a = QJsonDocument::fromJson(viaImage.out.toUtf8()).object();
    const QJsonObject b = QJsonDocument::fromJson(viaData.out.toUtf8()).object();
    QVERIFY(closeTo(a["total_bpd"].toDouble(), b["total_bpd"].toDouble()));
    QCOMPARE(a["terms"].toArray(), b["terms"].toArray());
}

void TestCliBound::outWritesAFile()
{
    const QString out = m_dir.filePath("bound.csv");
    const CliResult r = runCli({"bound", "--image", m_gray, "--model", "zero", "--steps", "30", "--format", "csv",
                                "--out", out, "--threads", "1"}, kLongRunMs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.out.isEmpty());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 31);
    QVERIFY(lines.last().startsWith("30,"));
}

void TestCliBound::help()
{
    ddpm::test::verifyHelp(m_results.value("help"), "bound", {"--image", "--data", "--model", "--variance", "--format"});
}

void TestCliBound::badInputExitsTwo_data() { ddpm::test::addBadCaseRows(badCases()); }

void TestCliBound::badInputExitsTwo()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    ddpm::test::verifyBadInput(m_results.value(name), "bound", expected, badDir(name), {},
                               badDir(name) + "/should-not-exist.json");
}

QTEST_GUILESS_MAIN(TestCliBound)
#include "test_cli_bound.moc"
