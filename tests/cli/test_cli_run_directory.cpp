// One run directory, one writer (docs/RELIABILITY.md): a second `ddpm train` on a folder
// another one trains in exits 2 naming the first's pid, readers go on meanwhile, a trainer
// killed with SIGKILL leaves no stuck lock, and a checkpoint's folder is flushed to disk after
// the checkpoint is renamed into it (seen through strace, when the machine has it). Also a
// model file of another tool given to `ddpm sample`: exit 2, named.
#include <ATen/ATen.h>

#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <csignal>

#include "cli_runner.h"
#include "ddpm/checkpoint.h"
#include "ddpm/safetensors.h"

using ddpm::test::CliResult;
using ddpm::test::runCli;

namespace {

QStringList trainArgs(const QString& out, long long steps)
{
    return {"train", "--data", "toy:moons", "--model", "mlp", "--preset", "tiny", "--diffusion-steps", "50",
            "--batch", "16", "--threads", "1", "--steps", QString::number(steps), "--checkpoint-every", "10",
            "--sample-every", "0", "--seed", "2", "--out", out};
}

/// The step of the newest checkpoint in run, or -1.
long long newestStep(const QString& run)
{
    const std::vector<std::string> all = ddpm::listCheckpoints(run.toStdString());
    if (all.empty()) return -1;
    const QString name = QString::fromStdString(all.back()).section('/', -1);
    return name.mid(5, 8).toLongLong();
}

/// Starts a long `ddpm train --out run` and waits until it has saved its first checkpoint.
bool startTraining(QProcess& process, const QString& run)
{
    ddpm::test::detail::startCli(process, trainArgs(run, 100000000));
    if (!process.waitForStarted(30000)) return false;
    QElapsedTimer clock;
    clock.start();
    // Any checkpoint will do: a fast machine has pruned step 10's by the time we look.
    while (newestStep(run) < 10 && clock.elapsed() < 60000 && process.state() == QProcess::Running)
        QTest::qWait(50);
    return newestStep(run) >= 10;
}

void verifyOneLine(const CliResult& r, int code)
{
    QVERIFY2(r.exitCode == code, qPrintable(r.describe()));
    QVERIFY2(r.errLines().size() == 1, qPrintable(r.err));
}

} // namespace

class TestCliRunDirectory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void secondWriterIsRefusedNamingTheFirst();
    void killedTrainerLeavesNoStuckLock();
    void checkpointFolderIsFlushedAfterTheRename();

private:
    QTemporaryDir m_dir;
};

void TestCliRunDirectory::secondWriterIsRefusedNamingTheFirst()
{
    const QString run = m_dir.filePath("shared");
    QProcess first;
    QVERIFY(startTraining(first, run));
    const QString pid = QString::number(first.processId());

    // While it trains: a second new run, a resume, a reader, and another tool's model file.
    const QString foreign = m_dir.filePath("model.safetensors");
    QVERIFY(ddpm::test::writeFile(
        foreign, QByteArray::fromStdString(ddpm::serializeSafetensors({{"w", at::ones({2})}}))));
    const std::vector<CliResult> r = ddpm::test::runCliBatch(
        {trainArgs(run, 50), {"train", "--resume", run},
         {"sample", "--model", run, "--n", "8", "--out", m_dir.filePath("points.csv")},
         {"sample", "--model", foreign, "--n", "1", "--out", m_dir.filePath("never.png")}});
    const QString inUse = "ddpm train: run directory " + run + " is in use by ddpm train (pid " + pid + " on ";
    verifyOneLine(r[0], 2);
    QVERIFY2(r[0].err.startsWith(inUse) && r[0].err.trimmed().endsWith("); stop it or choose another --out"),
             qPrintable(r[0].err));
    verifyOneLine(r[1], 2);
    QVERIFY2(r[1].err.startsWith(inUse) && r[1].err.contains("stop it before resuming the run"), qPrintable(r[1].err));
    QVERIFY2(r[2].exitCode == 0, qPrintable(r[2].describe())); // readers take no lock
    QVERIFY(QFile::exists(m_dir.filePath("points.csv")));
    verifyOneLine(r[3], 2);
    QVERIFY2(r[3].err.contains("is a safetensors file") && r[3].err.contains("not a DDPM Studio checkpoint"),
             qPrintable(r[3].err));
    QVERIFY(!QFile::exists(m_dir.filePath("never.png")));

    // The first run goes on undisturbed, stops cleanly and frees the folder.
    ::kill(static_cast<pid_t>(first.processId()), SIGINT);
    QVERIFY(first.waitForFinished(60000));
    QCOMPARE(first.exitCode(), 130);
    QVERIFY(!QFile::exists(run + "/.lock"));
    const long long step = newestStep(run);
    const CliResult resumed = runCli({"train", "--resume", run, "--steps", QString::number(step + 10)}, 120000);
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.describe()));
    QCOMPARE(newestStep(run), step + 10);
}

void TestCliRunDirectory::killedTrainerLeavesNoStuckLock()
{
    const QString run = m_dir.filePath("killed");
    QProcess trainer;
    QVERIFY(startTraining(trainer, run));
    trainer.kill(); // SIGKILL: no handler runs, nothing is released by the program
    QVERIFY(trainer.waitForFinished(30000));
    QCOMPARE(trainer.exitStatus(), QProcess::CrashExit);
    QVERIFY(QFile::exists(run + "/.lock")); // left behind, but no longer locked
    const long long step = newestStep(run);
    QVERIFY(step >= 10);
    const CliResult r = runCli({"train", "--resume", run, "--steps", QString::number(step + 10)}, 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.contains("resuming"), qPrintable(r.err));
    QVERIFY(!QFile::exists(run + "/.lock"));
}

void TestCliRunDirectory::checkpointFolderIsFlushedAfterTheRename()
{
    const QString strace = QStandardPaths::findExecutable(QStringLiteral("strace"));
    if (strace.isEmpty())
        QSKIP("strace is not installed (packaging/setup-deps.sh installs it)");
    const QString run = m_dir.filePath("flushed");
    const QString log = m_dir.filePath("strace.log");
    QProcess p;
    p.start(strace, QStringList{"-f", "-qq", "-s", "4096", "-e", "trace=rename,renameat,renameat2,openat,fsync",
                                "-o", log, QStringLiteral(DDPM_CLI_PATH)}
                        + trainArgs(run, 10));
    QVERIFY(p.waitForFinished(120000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    if (p.exitCode() != 0 && err.contains("ptrace"))
        QSKIP(qPrintable("strace cannot trace here: " + err));
    QVERIFY2(p.exitCode() == 0, qPrintable(err));

    QFile file(log);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n');
    const QString folder = run + "/checkpoints";
    const QString checkpoint = "\"" + folder + "/step-00000010.ckpt\"";
    // rename(temp, checkpoint) = 0, then openat(folder, O_DIRECTORY) = fd, then fsync(fd) = 0.
    int renamed = -1, opened = -1, synced = -1;
    QString fd;
    const QRegularExpression openFolder("openat\\(AT_FDCWD, \"" + QRegularExpression::escape(folder)
                                        + "\", [^)]*O_DIRECTORY[^)]*\\) = (\\d+)");
    for (int i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        if (renamed < 0 && line.contains("rename") && line.contains(checkpoint) && line.trimmed().endsWith("= 0")) {
            renamed = i;
        } else if (renamed >= 0 && opened < 0) {
            const QRegularExpressionMatch m = openFolder.match(line);
            if (m.hasMatch()) {
                opened = i;
                fd = m.captured(1);
            }
        } else if (opened >= 0 && line.contains("fsync(" + fd + ")") && line.trimmed().endsWith("= 0")) {
            synced = i;
            break;
        }
    }
    QVERIFY2(renamed >= 0, "no rename of the checkpoint into place in the trace");
    QVERIFY2(opened > renamed, "the checkpoint folder was not opened after the rename");
    QVERIFY2(synced > opened, "the checkpoint folder was not fsynced after the rename");
}

QTEST_GUILESS_MAIN(TestCliRunDirectory)
#include "test_cli_run_directory.moc"
