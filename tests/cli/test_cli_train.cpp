// `ddpm train` and `ddpm bench` against the CLI contract: the run directory's files and
// columns, exact resume across processes, Ctrl-C saving a checkpoint (exit 130), one-line
// errors, and `ddpm bound` on the trained checkpoint.
#include <ATen/ATen.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <csignal>

#include "cli_runner.h"
#include "ddpm/checkpoint.h"

using ddpm::test::CliResult;
using ddpm::test::runCli;

namespace {

QStringList toyArgs(const QString& out, int steps)
{
    return {"train", "--data", "toy:gaussians8", "--model", "mlp", "--preset", "tiny", "--diffusion-steps", "50",
            "--batch", "32", "--threads", "1", "--steps", QString::number(steps), "--checkpoint-every", "10",
            "--log-every", "5", "--sample-every", "20", "--seed", "4", "--out", out};
}

QStringList csvLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

} // namespace

class TestCliTrain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runDirectoryFollowsTheContract();
    void resumeAcrossProcessesIsExact();
    void interruptSavesAndSaysHowToResume();
    void sampleStepsChooseThePreviewChain();
    void badInput_data();
    void badInput();
    void boundOfATrainedModel();
    void benchPrintsOneJsonObject();
    void sampleWritesPointsAndRefusesWhatDoesNotFit();
    void help();

private:
    QTemporaryDir m_dir;
};

void TestCliTrain::runDirectoryFollowsTheContract()
{
    const QString out = m_dir.filePath("contract");
    const CliResult r = runCli(toyArgs(out, 30), 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(QFile::exists(out + "/config.json"));
    const QStringList metrics = csvLines(out + "/metrics.csv");
    QVERIFY(metrics.size() == 7);
    QVERIFY(metrics.front().startsWith("step,loss,grad_norm,lr,items_per_s,loss_bucket_0,"));
    QVERIFY(metrics.front().endsWith(",loss_bucket_9"));
    QCOMPARE(metrics.front().split(',').size(), 15);
    QCOMPARE(metrics[1].split(',').first(), QStringLiteral("5"));
    QCOMPARE(metrics.last().split(',').first(), QStringLiteral("30"));
    QCOMPARE(QDir(out + "/checkpoints").entryList(QDir::Files),
             (QStringList{"step-00000010.ckpt", "step-00000020.ckpt", "step-00000030.ckpt"}));
    QCOMPARE(QDir(out + "/samples").entryList(QDir::Files), QStringList{"step-00000020.png"});
    QFile config(out + "/config.json");
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QJsonObject c = QJsonDocument::fromJson(config.readAll()).object();
    QCOMPARE(c.value("version").toInt(), 1);
    QCOMPARE(c.value("model").toString(), QStringLiteral("mlp"));
    QCOMPARE(c.value("diffusion_steps").toInt(), 50);
    QCOMPARE(c.value("lr").toDouble(), 1e-3); // the default for points, resolved and recorded
}

void TestCliTrain::resumeAcrossProcessesIsExact()
{
    const QString straight = m_dir.filePath("straight"), split = m_dir.filePath("split");
    CliResult r = runCli(toyArgs(straight, 40), 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = runCli(toyArgs(split, 20), 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = runCli({"train", "--resume", split, "--steps", "40"}, 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.contains("resuming"), qPrintable(r.err));
    const ddpm::CheckpointFile a = ddpm::readCheckpoint((straight + "/checkpoints/step-00000040.ckpt").toStdString());
    const ddpm::CheckpointFile b = ddpm::readCheckpoint((split + "/checkpoints/step-00000040.ckpt").toStdString());
    for (const char* name : {"params", "ema", "adam_m", "adam_v"})
        QVERIFY2(at::equal(a.tensor(name), b.tensor(name)), name);
    // The logged losses agree row for row (items/s aside).
    const QStringList ma = csvLines(straight + "/metrics.csv"), mb = csvLines(split + "/metrics.csv");
    QCOMPARE(ma.size(), mb.size());
    for (int i = 1; i < ma.size(); ++i)
        QCOMPARE(ma[i].section(',', 0, 1), mb[i].section(',', 0, 1));
}

void TestCliTrain::interruptSavesAndSaysHowToResume()
{
    const QString out = m_dir.filePath("interrupted");
    QStringList args = toyArgs(out, 100000000);
    QProcess p;
    ddpm::test::detail::startCli(p, args);
    QVERIFY(p.waitForStarted(30000));
    // Wait for the first checkpoint, so the run is really training, then Ctrl-C.
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + "/checkpoints/step-00000010.ckpt"), 60000);
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 130);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("ddpm train --resume " + out), qPrintable(err));
    const QStringList ckpts = QDir(out + "/checkpoints").entryList(QDir::Files);
    QVERIFY(!ckpts.isEmpty());
    // The newest checkpoint verifies.
    QVERIFY(ddpm::readCheckpoint((out + "/checkpoints/" + ckpts.last()).toStdString()).has("params"));
}

void TestCliTrain::sampleStepsChooseThePreviewChain()
{
    // --sample-steps 10: DDIM on 10 of the 50 steps. The grids are written where DDPM's are,
    // from another chain (so other pixels), config.json records K, and the previews leave the
    // training alone: both runs reach the same weights. (Images: a barely trained 2-D model's
    // samples land outside the scatter's view whatever the chain.)
    const QString ddim = m_dir.filePath("ddim10"), ddpm = m_dir.filePath("ddpm-all");
    const auto imageArgs = [](const QString& out) {
        return QStringList{"train", "--data", "image:" DDPM_TEST_DATA_DIR "/image_io/gradient_48x40.png", "--size", "8",
                           "--model", "unet", "--preset", "tiny", "--diffusion-steps", "50", "--batch", "4",
                           "--threads", "1", "--steps", "20", "--checkpoint-every", "10", "--sample-every", "10",
                           "--seed", "4", "--out", out};
    };
    CliResult r = runCli(imageArgs(ddim) << "--sample-steps" << "10", 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = runCli(imageArgs(ddpm), 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(QDir(ddim + "/samples").entryList(QDir::Files), (QStringList{"step-00000010.png", "step-00000020.png"}));
    QFile a(ddim + "/samples/step-00000020.png"), b(ddpm + "/samples/step-00000020.png");
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY(a.readAll() != b.readAll());
    const ddpm::CheckpointFile ca = ddpm::readCheckpoint((ddim + "/checkpoints/step-00000020.ckpt").toStdString());
    const ddpm::CheckpointFile cb = ddpm::readCheckpoint((ddpm + "/checkpoints/step-00000020.ckpt").toStdString());
    for (const char* name : {"params", "ema"})
        QVERIFY2(at::equal(ca.tensor(name), cb.tensor(name)), name);
    const auto sampleSteps = [](const QString& run) {
        QFile config(run + "/config.json");
        return config.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(config.readAll()).object().value("sample_steps").toInt(-1) : -1;
    };
    QCOMPARE(sampleSteps(ddim), 10);
    QCOMPARE(sampleSteps(ddpm), 0); // the default: DDPM on all T steps, as before the flag

    // A resumed run keeps its K unless --sample-steps is given; a K over T is refused before
    // anything is written.
    r = runCli({"train", "--resume", ddim, "--steps", "40"}, 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(sampleSteps(ddim), 10);
    QVERIFY(QFile::exists(ddim + "/samples/step-00000040.png"));
    r = runCli({"train", "--resume", ddim, "--steps", "60", "--sample-steps", "51"}, 120000);
    QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
    QCOMPARE(r.errLines().size(), 1);
    QVERIFY2(r.err.contains("sample steps 51 is outside 0..50"), qPrintable(r.err));
    QCOMPARE(sampleSteps(ddim), 10);
    r = runCli({"train", "--resume", ddim, "--steps", "60", "--sample-steps", "0"}, 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(sampleSteps(ddim), 0);
    QVERIFY(QFile::exists(ddim + "/samples/step-00000060.png"));
}

void TestCliTrain::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    const QString d = m_dir.path();
    QTest::newRow("no out") << QStringList{"train", "--data", "toy:moons", "--steps", "5"} << "--out DIR is required";
    QTest::newRow("missing resume") << QStringList{"train", "--resume", d + "/nothing"} << "not found";
    QTest::newRow("unet on points") << QStringList{"train", "--data", "toy:moons", "--model", "unet", "--steps", "5", "--out", d + "/b1"}
                                    << "a UNet needs images";
    QTest::newRow("hybrid fixed variance")
        << QStringList{"train", "--data", "toy:moons", "--loss", "hybrid", "--steps", "5", "--out", d + "/b2"}
        << "hybrid loss trains a learned variance";
    QTest::newRow("unknown data") << QStringList{"train", "--data", "toy:spirals", "--steps", "5", "--out", d + "/b3"}
                                  << "spirals";
    QTest::newRow("bad preset") << QStringList{"train", "--data", "toy:moons", "--preset", "huge", "--steps", "5", "--out", d + "/b4"}
                                << "preset 'huge'";
    QTest::newRow("zero snr eps") << QStringList{"train", "--data", "toy:moons", "--zero-terminal-snr", "--steps", "5", "--out", d + "/b5"}
                                  << "prediction v";
    QTest::newRow("sample steps over T")
        << QStringList{"train", "--data", "toy:moons", "--diffusion-steps", "50", "--sample-steps", "51", "--steps", "5",
                       "--out", d + "/b6"}
        << "sample steps 51 is outside 0..50";
    QTest::newRow("negative sample steps")
        << QStringList{"train", "--data", "toy:moons", "--sample-steps", "-1", "--steps", "5", "--out", d + "/b7"}
        << "--sample-steps: -1 is outside 0..100000";
    QTest::newRow("sample steps not a number")
        << QStringList{"train", "--data", "toy:moons", "--sample-steps", "fast", "--steps", "5", "--out", d + "/b8"}
        << "--sample-steps: 'fast' is not a whole number";
    QTest::newRow("resume with data") << QStringList{"train", "--resume", d + "/contract", "--data", "toy:moons"}
                                      << "only --steps, --threads and --device";
}

void TestCliTrain::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const CliResult r = runCli(args);
    QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
    QCOMPARE(r.errLines().size(), 1);
    QVERIFY2(r.err.startsWith("ddpm train: "), qPrintable(r.err));
    QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    for (const char* name : {"b1", "b2", "b3", "b4", "b5"})
        QVERIFY(!QFile::exists(m_dir.filePath(name))); // nothing half-made
}

void TestCliTrain::boundOfATrainedModel()
{
    // A tiny UNet trained a few steps on 8 x 8 crops of the cat: the bound reads its
    // schedule from the checkpoint and refuses a --schedule that would contradict it.
    const QString out = m_dir.filePath("unet");
    const QString cat = QStringLiteral(DDPM_RESOURCES_DIR) + "/images/chelsea.png";
    CliResult r = runCli({"train", "--data", "image:" + cat, "--size", "8", "--model", "unet", "--preset", "tiny",
                          "--schedule", "cosine", "--diffusion-steps", "30", "--variance", "learned-range", "--loss", "hybrid",
                          "--batch", "2", "--steps", "3", "--threads", "1", "--sample-every", "0", "--out", out},
                         120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    r = runCli({"bound", "--image", cat, "--size", "8", "--model", out, "--threads", "1"}, 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(j.value("steps").toInt(), 30);
    QCOMPARE(j.value("schedule").toString(), QStringLiteral("cosine"));
    QCOMPARE(j.value("variance").toString(), QStringLiteral("learned-range"));
    QVERIFY(j.value("total_bpd").toDouble() > 0);
    r = runCli({"bound", "--image", cat, "--size", "8", "--model", out, "--steps", "1000"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("checkpoint fixes the schedule"), qPrintable(r.err));
}

void TestCliTrain::benchPrintsOneJsonObject()
{
    const CliResult r = runCli({"bench", "--model", "mlp", "--preset", "tiny", "--batch", "64", "--threads", "1",
                                "--what", "both", "--seconds", "0.5"},
                               120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
    for (const char* key : {"model", "preset", "parameters", "batch", "threads", "device", "train", "sample"})
        QVERIFY2(j.contains(key), key);
    QCOMPARE(j.value("parameters").toInt(), 37762);
    QVERIFY(j.value("train").toObject().value("items_per_s").toDouble() > 0);
    QVERIFY(j.value("sample").toObject().value("ms_per_step").toDouble() > 0);
    const CliResult only = runCli({"bench", "--model", "mlp", "--what", "sample", "--seconds", "0.5", "--threads", "1"});
    QVERIFY2(only.exitCode == 0, qPrintable(only.describe()));
    QVERIFY(!QJsonDocument::fromJson(only.out.toUtf8()).object().contains("train"));

    // --bare: the bare step's timing and the full step's speed relative to it, from windows
    // that alternate, so the two medians and the ratio of each pair agree in direction.
    const CliResult bare = runCli({"bench", "--model", "mlp", "--preset", "tiny", "--batch", "64", "--threads", "1",
                                   "--what", "train", "--bare", "--seconds", "0.5"},
                                  120000);
    QVERIFY2(bare.exitCode == 0, qPrintable(bare.describe()));
    const QJsonObject b = QJsonDocument::fromJson(bare.out.toUtf8()).object();
    QVERIFY(!b.contains("sample"));
    const double bareMs = b.value("bare").toObject().value("ms_per_step").toDouble();
    const double fullMs = b.value("train").toObject().value("ms_per_step").toDouble();
    const double ratio = b.value("bare").toObject().value("full_over_bare").toDouble();
    QVERIFY2(bareMs > 0 && fullMs > 0 && ratio > 0.05 && ratio < 20, qPrintable(bare.out));
}

void TestCliTrain::sampleWritesPointsAndRefusesWhatDoesNotFit()
{
    // The 2-D run of runDirectoryFollowsTheContract (run first, in declaration order).
    const QString run = m_dir.filePath("contract");
    QVERIFY(QFile::exists(run + "/config.json"));
    const QString csv = m_dir.filePath("points.csv");
    CliResult r = runCli({"sample", "--model", run, "--n", "50", "--seed", "3", "--threads", "1", "--out", csv});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QStringList lines = csvLines(csv);
    QCOMPARE(lines.size(), 51);
    QCOMPARE(lines.front(), QStringLiteral("x,y"));
    QCOMPARE(lines[1].split(',').size(), 2);
    // The same seed gives the same samples.
    const QString again = m_dir.filePath("points2.csv");
    r = runCli({"sample", "--model", run, "--n", "50", "--seed", "3", "--threads", "1", "--out", again});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(csvLines(again), lines);
    r = runCli({"sample", "--model", run, "--n", "5", "--out", m_dir.filePath("grid.png")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("FILE.csv"), qPrintable(r.err));
    QVERIFY(!QFile::exists(m_dir.filePath("grid.png")));
    r = runCli({"sample", "--model", "zero", "--n", "5", "--out", m_dir.filePath("z.csv")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("does not say what it makes"), qPrintable(r.err));
}

void TestCliTrain::help()
{
    ddpm::test::verifyHelp(runCli({"train", "--help"}), "train", {"--data", "--steps", "--out", "--resume", "--prediction",
                                                                   "--variance", "--loss", "--t-sampling", "--ema"});
    ddpm::test::verifyHelp(runCli({"bench", "--help"}), "bench", {"--model", "--preset", "--batch", "--threads", "--what"});
}

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
