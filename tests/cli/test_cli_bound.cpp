// Tests of `ddpm bound`: the JSON and CSV contract, agreement with core's evaluateBound,
// and one-line errors with exit code 2 for bad input.
#include <QtTest>

#include <cmath>

#include <ATen/ATen.h>

#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/model.h"
#include "ddpm/schedule.h"

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList& args)
{
    QProcess process;
    process.start(QStringLiteral(DDPM_CLI_PATH), args);
    Run run;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
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
    void badInputExitsTwo_data();
    void badInputExitsTwo();

private:
    QTemporaryDir m_dir;
    QString m_gray;   ///< 8x8 gray PNG with random 8-bit values
    QString m_color;  ///< 6x6 RGB PNG
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
}

void TestCliBound::jsonHasTheContractKeys()
{
    const Run r = runCli({"bound", "--image", m_gray, "--model", "zero", "--steps", "100", "--threads", "1"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.err.isEmpty());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &parseError);
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
    const Run r = runCli(args);
    QCOMPARE(r.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(r.out).object();

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
    const Run csv = runCli(common + QStringList{"--format", "csv"});
    QCOMPARE(csv.exitCode, 0);
    const Run json = runCli(common);
    QCOMPARE(json.exitCode, 0);
    const QJsonArray terms = QJsonDocument::fromJson(json.out).object()["terms"].toArray();

    const QList<QByteArray> lines = csv.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 51);
    QCOMPARE(lines[0], QByteArray("t,bpd,l_simple"));
    for (int t = 1; t <= 50; ++t) {
        const QList<QByteArray> fields = lines[t].split(',');
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
    const Run viaImage = runCli(QStringList{"bound", "--image", m_gray} + common);
    const Run viaData = runCli(QStringList{"bound", "--data", "image:" + m_gray} + common);
    QCOMPARE(viaImage.exitCode, 0);
    QCOMPARE(viaData.exitCode, 0);
    const QJsonObject a = QJsonDocument::fromJson(viaImage.out).object();
    const QJsonObject b = QJsonDocument::fromJson(viaData.out).object();
    QVERIFY(closeTo(a["total_bpd"].toDouble(), b["total_bpd"].toDouble()));
    QCOMPARE(a["terms"].toArray(), b["terms"].toArray());
}

void TestCliBound::outWritesAFile()
{
    const QString out = m_dir.filePath("bound.csv");
    const Run r = runCli({"bound", "--image", m_gray, "--model", "zero", "--steps", "30", "--format", "csv", "--out",
                          out, "--threads", "1"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.isEmpty());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 31);
    QVERIFY(lines.last().startsWith("30,"));
}

void TestCliBound::badInputExitsTwo_data()
{
    QTest::addColumn<QStringList>("args");
    const QString gray = QDir(m_dir.path()).filePath("gray8.png");
    const QString missing = QDir(m_dir.path()).filePath("no-such.png");
    QTest::newRow("missing image") << QStringList{"--image", missing, "--model", "zero"};
    QTest::newRow("both --image and --data") << QStringList{"--image", gray, "--data", "image:" + gray, "--model", "zero"};
    QTest::newRow("neither --image nor --data") << QStringList{"--model", "zero"};
    QTest::newRow("no --model") << QStringList{"--image", gray};
    QTest::newRow("--samples 0") << QStringList{"--image", gray, "--model", "zero", "--samples", "0"};
    QTest::newRow("--variance medium") << QStringList{"--image", gray, "--model", "zero", "--variance", "medium"};
    QTest::newRow("missing checkpoint") << QStringList{"--image", gray, "--model", missing + ".ckpt"};
    QTest::newRow("checkpoint not readable yet") << QStringList{"--image", gray, "--model", gray};
    QTest::newRow("toy data") << QStringList{"--data", "toy:moons", "--model", "zero"};
    QTest::newRow("--format xml") << QStringList{"--image", gray, "--model", "zero", "--format", "xml"};
    QTest::newRow("zero terminal SNR") << QStringList{"--image", gray, "--model", "zero", "--zero-terminal-snr"};
}

void TestCliBound::badInputExitsTwo()
{
    QFETCH(QStringList, args);
    const QString out = m_dir.filePath("should-not-exist.json");
    const Run r = runCli(QStringList{"bound"} + args + QStringList{"--out", out, "--threads", "1"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.out.isEmpty());
    const QByteArray err = r.err.trimmed();
    QVERIFY2(!err.isEmpty(), "no message on stderr");
    QVERIFY2(!err.contains('\n'), err.constData());
    QVERIFY2(err.startsWith("ddpm bound: "), err.constData());
    QVERIFY(!QFile::exists(out));
}

QTEST_GUILESS_MAIN(TestCliBound)
#include "test_cli_bound.moc"
