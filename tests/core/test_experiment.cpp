// Experiment files and TrainConfig's JSON: a partial file takes the defaults, a full
// config.json round-trips, and every bad file is refused with a message naming the key, the
// value and what is allowed (train_config.h, experiment.h).
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>

#include "ddpm/error.h"
#include "ddpm/experiment.h"
#include "ddpm/train_config.h"
#include "error_of.h"

using ddpm::test::errorOf;

namespace {

/// A config with no field at its default.
ddpm::TrainConfig everyFieldSet()
{
    ddpm::TrainConfig c;
    c.data = "toy:moons";
    c.model = "mlp";
    c.preset = "tiny";
    c.imageSize = 16;
    c.prediction = "v";
    c.variance = "learned-range";
    c.loss = "hybrid";
    c.tSampling = "importance";
    c.schedule = "cosine";
    c.diffusionSteps = 200;
    c.zeroTerminalSnr = true;
    c.steps = 1234;
    c.batch = 17;
    c.lr = 2.5e-4;
    c.warmup = 7;
    c.weightDecay = 0.01;
    c.gradClip = 0.5;
    c.emaDecay = 0.995;
    c.flip = true;
    c.seed = 18446744073709551615ull;
    c.threads = 3;
    c.device = "cpu";
    c.precision = "bf16";
    c.checkpointEvery = 50;
    c.keep = 2;
    c.sampleEvery = 0;
    c.sampleCount = 9;
    c.sampleSteps = 20;
    c.logEvery = 3;
    return c;
}

} // namespace

class TestExperiment : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void partialFileTakesTheDefaults();
    void fullConfigRoundTrips();
    void refusals_data();
    void refusals();
    void wholeNumbersWrittenAsDecimals();
    void fileErrorsNameTheFile();
    void writeRefusesAnInvalidConfig();
};

void TestExperiment::partialFileTakesTheDefaults()
{
    const ddpm::TrainConfig c = ddpm::parseExperiment(R"({"version": 1, "data": "toy:moons", "lr": 0.002})", "e.json");
    ddpm::TrainConfig expected;
    expected.data = "toy:moons";
    expected.lr = 0.002;
    QCOMPARE(c.toJson(), expected.toJson());
    // Only the version is required.
    QCOMPARE(ddpm::TrainConfig::fromJson(R"({"version": 1})").toJson(), ddpm::TrainConfig().toJson());
    // A file from before "sample_steps" previews with DDPM on all T steps, as it did.
    QCOMPARE(c.sampleSteps, 0);
}

void TestExperiment::fullConfigRoundTrips()
{
    const ddpm::TrainConfig c = everyFieldSet();
    QVERIFY(c.toJson() != ddpm::TrainConfig().toJson());
    QCOMPARE(ddpm::TrainConfig::fromJson(c.toJson()).toJson(), c.toJson());
    QTemporaryDir dir;
    const std::string path = dir.filePath("e.json").toStdString();
    ddpm::writeExperiment(path, c);
    QCOMPARE(ddpm::readExperiment(path).toJson(), c.toJson());
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().toStdString(), c.toJson()); // the file is config.json's text
}

void TestExperiment::refusals_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("expected");
    // The file itself.
    QTest::newRow("not json") << R"({"version": 1,)" << "e.json' is not valid JSON: parse error at line 1";
    QTest::newRow("array") << "[1, 2]" << "must be a JSON object {...}, not an array";
    QTest::newRow("no version") << R"({"steps": 5})" << "has no \"version\"; add \"version\": 1";
    QTest::newRow("other version") << R"({"version": 2})" << "has version 2; this build reads version 1";
    QTest::newRow("version string") << R"({"version": "1"})" << "\"version\" must be a whole number, not the string \"1\"";
    QTest::newRow("unknown key") << R"({"version": 1, "learning_rate": 0.1})"
                                 << "unknown key \"learning_rate\"; the keys are version, data, model, preset";
    QTest::newRow("out is no key") << R"({"version": 1, "out": "run"})" << "unknown key \"out\"";
    // Types.
    QTest::newRow("string for a number") << R"({"version": 1, "steps": "100"})"
                                         << "\"steps\" must be a whole number, not the string \"100\"";
    QTest::newRow("fraction") << R"({"version": 1, "batch": 2.5})" << "\"batch\" must be a whole number, not 2.5";
    QTest::newRow("bool for a number") << R"({"version": 1, "lr": true})" << "\"lr\" must be a number, not true";
    QTest::newRow("bool for a count") << R"({"version": 1, "keep": false})" << "\"keep\" must be a whole number, not false";
    QTest::newRow("number for a bool") << R"({"version": 1, "flip": 1})" << "\"flip\" must be true or false, not 1";
    QTest::newRow("number for a string") << R"({"version": 1, "data": 3})" << "\"data\" must be a string, not 3";
    QTest::newRow("null") << R"({"version": 1, "schedule": null})" << "\"schedule\" must be a string, not null";
    QTest::newRow("object") << R"({"version": 1, "model": {}})" << "\"model\" must be a string, not an object";
    QTest::newRow("negative seed") << R"({"version": 1, "seed": -1})" << "\"seed\" -1 is outside 0..18446744073709551615";
    QTest::newRow("int overflow") << R"({"version": 1, "warmup": 4294967296})"
                                  << "\"warmup\" 4294967296 is outside -2147483648..2147483647";
    // Values.
    QTest::newRow("lr") << R"({"version": 1, "lr": 5})" << "\"lr\": learning rate 5";
    QTest::newRow("steps 0") << R"({"version": 1, "steps": 0})" << "\"steps\": training steps 0 is outside 1..";
    QTest::newRow("batch") << R"({"version": 1, "batch": -4})" << "\"batch\": batch size -4 is outside 0..65536";
    QTest::newRow("prediction") << R"({"version": 1, "prediction": "noise"})"
                                << "\"prediction\": unknown prediction 'noise'; use eps, x0 or v";
    QTest::newRow("device") << R"({"version": 1, "device": "tpu"})" << "\"device\": device 'tpu' is not one of auto, cpu, cuda";
    QTest::newRow("zero snr eps") << R"({"version": 1, "zero_terminal_snr": true})" << "\"zero_terminal_snr\":";
    QTest::newRow("sample steps over T") << R"({"version": 1, "diffusion_steps": 50, "sample_steps": 51})"
                                         << "\"sample_steps\": sample steps 51 is outside 0..50";
    QTest::newRow("negative sample steps") << R"({"version": 1, "sample_steps": -2})"
                                           << "\"sample_steps\": sample steps -2 is outside 0..1000";
    QTest::newRow("hybrid fixed") << R"({"version": 1, "loss": "hybrid"})" << "\"loss\": the hybrid loss trains a learned variance";
    // Names an experiment checks before loading data.
    QTest::newRow("data spec") << R"({"version": 1, "data": "toy:spirals"})" << "\"data\": data spec 'toy:spirals'";
    QTest::newRow("schedule") << R"({"version": 1, "schedule": "cubic"})" << "\"schedule\": unknown schedule 'cubic'";
    QTest::newRow("T for linear") << R"({"version": 1, "diffusion_steps": 3})" << "\"schedule\": linear schedule at T = 3";
    QTest::newRow("preset of the data's kind") << R"({"version": 1, "data": "toy:moons", "preset": "small"})"
                                               << "\"preset\": unknown MLP preset 'small'; use base or tiny";
    QTest::newRow("preset of the model") << R"({"version": 1, "model": "unet", "preset": "base"})"
                                         << "\"preset\": unknown UNet preset 'base'; use tiny, small or cifar10";
}

void TestExperiment::refusals()
{
    QFETCH(QString, json);
    QFETCH(QString, expected);
    const QString message = errorOf([&] { ddpm::parseExperiment(json.toStdString(), "e.json"); });
    QVERIFY2(message.startsWith("experiment file 'e.json'"), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));
}

void TestExperiment::wholeNumbersWrittenAsDecimals()
{
    // JSON writers may give 3000 as 3e3 or 3000.0: the same whole number.
    const ddpm::TrainConfig c = ddpm::TrainConfig::fromJson(R"({"version": 1, "steps": 3e3, "keep": 2.0, "seed": 1e19})");
    QCOMPARE(c.steps, 3000LL);
    QCOMPARE(c.keep, 2);
    QCOMPARE(c.seed, std::uint64_t(10000000000000000000ull));
    QVERIFY(errorOf([] { ddpm::TrainConfig::fromJson(R"({"version": 1, "seed": 2e19})"); }).contains("\"seed\""));
}

void TestExperiment::fileErrorsNameTheFile()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath("missing.json");
    QString message = errorOf([&] { ddpm::readExperiment(missing.toStdString()); });
    QVERIFY2(message.contains("experiment file '" + missing + "' does not exist"), qPrintable(message));
    message = errorOf([&] { ddpm::readExperiment(dir.path().toStdString()); });
    QVERIFY2(message.contains("is a directory"), qPrintable(message));
    const QString bad = dir.filePath("bad.json");
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"version": 1, "ema_decay": 2})");
    file.close();
    message = errorOf([&] { ddpm::readExperiment(bad.toStdString()); });
    QVERIFY2(message.startsWith("experiment file '" + bad + "': \"ema_decay\": EMA decay 2"), qPrintable(message));
}

void TestExperiment::writeRefusesAnInvalidConfig()
{
    QTemporaryDir dir;
    ddpm::TrainConfig c;
    c.keep = 0;
    const QString path = dir.filePath("e.json");
    QVERIFY(errorOf([&] { ddpm::writeExperiment(path.toStdString(), c); }).contains("checkpoints kept 0"));
    QVERIFY(!QFile::exists(path));
}

QTEST_APPLESS_MAIN(TestExperiment)
#include "test_experiment.moc"
