// `ddpm train --config FILE`: an experiment file alone trains, flags given on the command line
// override its values (and flags not given do not), a run's config.json starts the same run
// again, and a bad file is refused with one line naming the file and the key (exit 2).
#include <ATen/ATen.h>

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>

#include "cli_runner.h"
#include "ddpm/checkpoint.h"

using ddpm::test::CliResult;
using ddpm::test::kLongRunMs;

namespace {

/// A tiny 2-D run of 10 steps, as a person would write it: only some keys.
const char* kGoodExperiment = R"({
  "version": 1,
  "data": "toy:gaussians8",
  "model": "mlp",
  "preset": "tiny",
  "diffusion_steps": 50,
  "batch": 32,
  "threads": 1,
  "steps": 10,
  "checkpoint_every": 10,
  "log_every": 5,
  "sample_every": 0,
  "seed": 4
}
)";

/// A bad invocation: the case's directory gets e.json holding `file` (none when null), the
/// arguments follow "train" (@DIR@ is the directory), and the one stderr line holds `expected`.
struct ConfigCase {
    const char* name;
    const char* file;
    QStringList args;
    QString expected;
};

const std::vector<ConfigCase>& badCases()
{
    const QStringList withOut{"--config", "@DIR@/e.json", "--out", "@DIR@/run"};
    static const std::vector<ConfigCase> cases{
        {"unknown key", R"({"version": 1, "learning_rate": 0.1})", withOut, "e.json' has an unknown key \"learning_rate\""},
        {"bad value", R"({"version": 1, "lr": 5})", withOut, "e.json': \"lr\": learning rate 5 is outside 1e-08..1"},
        {"wrong type", R"({"version": 1, "steps": "ten"})", withOut, "e.json': \"steps\" must be a whole number"},
        {"no version", R"({"data": "toy:moons"})", withOut, "e.json' has no \"version\""},
        {"other version", R"({"version": 7})", withOut, "e.json' has version 7; this build reads version 1"},
        {"not json", "data: toy:moons\n", withOut, "e.json' is not valid JSON"},
        {"bad data spec", R"({"version": 1, "data": "toy:spirals"})", withOut, "e.json': \"data\": data spec 'toy:spirals'"},
        {"missing file", nullptr, {"--config", "@DIR@/none.json", "--out", "@DIR@/run"}, "none.json' does not exist"},
        {"with resume", kGoodExperiment, {"--config", "@DIR@/e.json", "--resume", "@DIR@"}, "--config starts a new run"},
        {"no out", kGoodExperiment, {"--config", "@DIR@/e.json"}, "--out DIR is required"},
        {"flag still checked", kGoodExperiment, withOut + QStringList{"--lr", "7"}, "--lr: 7 is outside"},
        {"override conflicts", kGoodExperiment, withOut + QStringList{"--zero-terminal-snr"}, "use prediction v"},
    };
    return cases;
}

QJsonObject jsonFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
}

QByteArray bytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

} // namespace

class TestCliExperiment : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void experimentAloneTrains();
    void givenFlagsOverrideTheFile();
    void runConfigStartsTheSameRun();
    void badInput_data();
    void badInput();
    void help();

private:
    QTemporaryDir m_dir;
    QString m_experiment;
    QMap<QString, CliResult> m_results;
    QString badDir(const QString& name) const { return ddpm::test::badCaseDir(m_dir, name); }
};

void TestCliExperiment::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_experiment = m_dir.filePath("moons.json");
    QVERIFY(ddpm::test::writeFile(m_experiment, kGoodExperiment));
    ddpm::test::CliRuns runs;
    runs.add("alone", {"train", "--config", m_experiment, "--out", m_dir.filePath("alone")});
    runs.add("override", {"train", "--config", m_experiment, "--out", m_dir.filePath("override"), "--lr", "0.004",
                          "--steps", "5", "--seed", "9", "--data", "toy:moons", "--checkpoint-every", "5"});
    for (const ConfigCase& c : badCases()) {
        const QString dir = badDir(c.name);
        QVERIFY(QDir().mkpath(dir));
        if (c.file != nullptr) QVERIFY(ddpm::test::writeFile(dir + "/e.json", c.file));
        runs.add(c.name, ddpm::test::fillIn(QStringList{"train"} + c.args, {{"@DIR@", dir}}));
    }
    runs.add("help", {"train", "--help"});
    m_results = runs.runAll(2, kLongRunMs);
    // A finished run's config.json as the experiment of a new run.
    m_results.insert("again", ddpm::test::runCli({"train", "--config", m_dir.filePath("alone/config.json"), "--out",
                                                  m_dir.filePath("again")},
                                                 kLongRunMs));
}

void TestCliExperiment::experimentAloneTrains()
{
    const CliResult& r = m_results["alone"];
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString run = m_dir.filePath("alone");
    QCOMPARE(QDir(run + "/checkpoints").entryList(QDir::Files), QStringList{"step-00000010.ckpt"});
    const QJsonObject c = jsonFile(run + "/config.json");
    QCOMPARE(c.value("data").toString(), QStringLiteral("toy:gaussians8"));
    QCOMPARE(c.value("batch").toInt(), 32);
    QCOMPARE(c.value("diffusion_steps").toInt(), 50);
    QCOMPARE(c.value("steps").toInt(), 10);
    QCOMPARE(c.value("seed").toInt(), 4);
    // Keys the file left out take the defaults (resolved ones recorded).
    QCOMPARE(c.value("warmup").toInt(), 200);
    QCOMPARE(c.value("schedule").toString(), QStringLiteral("linear"));
    QCOMPARE(c.value("lr").toDouble(), 1e-3);
}

void TestCliExperiment::givenFlagsOverrideTheFile()
{
    const CliResult& r = m_results["override"];
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString run = m_dir.filePath("override");
    QCOMPARE(QDir(run + "/checkpoints").entryList(QDir::Files), QStringList{"step-00000005.ckpt"});
    const QJsonObject c = jsonFile(run + "/config.json");
    QCOMPARE(c.value("lr").toDouble(), 0.004);
    QCOMPARE(c.value("steps").toInt(), 5);
    QCOMPARE(c.value("seed").toInt(), 9);
    QCOMPARE(c.value("data").toString(), QStringLiteral("toy:moons"));
    // Flags not given keep the file's values, not their own defaults (T 1000, batch from the data, preset base).
    QCOMPARE(c.value("diffusion_steps").toInt(), 50);
    QCOMPARE(c.value("batch").toInt(), 32);
    QCOMPARE(c.value("preset").toString(), QStringLiteral("tiny"));
    QCOMPARE(c.value("sample_every").toInt(), 0);
}

void TestCliExperiment::runConfigStartsTheSameRun()
{
    const CliResult& r = m_results["again"];
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString first = m_dir.filePath("alone"), again = m_dir.filePath("again");
    QCOMPARE(bytes(again + "/config.json"), bytes(first + "/config.json"));
    // Same settings and seed: the same weights, step for step.
    const ddpm::CheckpointFile a = ddpm::readCheckpoint((first + "/checkpoints/step-00000010.ckpt").toStdString());
    const ddpm::CheckpointFile b = ddpm::readCheckpoint((again + "/checkpoints/step-00000010.ckpt").toStdString());
    QVERIFY(at::equal(a.tensor("ema"), b.tensor("ema")));
    QVERIFY(at::equal(a.tensor("params"), b.tensor("params")));
}

void TestCliExperiment::badInput_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QByteArray>("file");
    for (const ConfigCase& c : badCases())
        QTest::newRow(c.name) << QString(c.name) << c.expected << QByteArray(c.file);
}

void TestCliExperiment::badInput()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QFETCH(QByteArray, file);
    QMap<QString, QByteArray> filesAfter;
    if (!file.isNull()) filesAfter.insert("e.json", file); // left as it was
    const QString dir = badDir(name);
    ddpm::test::verifyBadInput(m_results.value(name), "train", expected, dir, filesAfter, dir + "/run");
}

void TestCliExperiment::help()
{
    ddpm::test::verifyHelp(m_results.value("help"), "train", {"--config", "ddpm train --config"});
}

QTEST_GUILESS_MAIN(TestCliExperiment)
#include "test_cli_experiment.moc"
