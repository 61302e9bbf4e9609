// The Training page's worker: progress snapshots, pause, single steps, a new total while
// paused, stop with a checkpoint, failures, resuming from a checkpoint, a run folder another
// process holds, the end of a run and EMA previews, on a tiny 2-D run.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>

#include <memory>

#include "ddpm/run_lock.h"
#include "tiny_runs.h"
#include "ui_test_support.h"
#include "workers/training_worker.h"

using ddpm::ui::TrainingPreview;
using ddpm::ui::TrainingProgress;
using ddpm::ui::TrainingSession;
using ddpm::ui::TrainingSettings;
using ddpm::ui::TrainingWorker;

namespace {

using ddpm::test::kWait;

TrainingSettings tinySettings(const QString& runDir, long long steps = 100000)
{
    TrainingSettings s;
    s.config = ddpm::test::workerRunConfig(steps);
    s.runDir = runDir;
    return s;
}

/// A worker in its own thread, joined and deleted at the end of the test.
struct WorkerThread {
    QThread thread;
    TrainingWorker* worker = new TrainingWorker;
    WorkerThread()
    {
        worker->moveToThread(&thread);
        thread.start();
    }
    ~WorkerThread()
    {
        worker->stop();
        thread.quit();
        thread.wait();
        delete worker;
    }
};

TrainingWorker::State lastState(const QSignalSpy& spy)
{
    return spy.last().at(0).value<TrainingWorker::State>();
}

long long lastProgressStep(const QSignalSpy& spy)
{
    return spy.isEmpty() ? -1 : spy.last().at(0).value<TrainingProgress>().step;
}

/// Every step reported by the progress signals so far, in order.
QList<long long> reportedSteps(const QSignalSpy& spy)
{
    QList<long long> steps;
    for (const QList<QVariant>& args : spy)
        for (const auto& p : args.at(0).value<TrainingProgress>().points)
            steps.append(p.step);
    return steps;
}

} // namespace

class TestTrainingWorker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_training_worker")); }

    void runPauseStepStopResume()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString runDir = dir.filePath(QStringLiteral("run"));
        long long pausedAt = 0;
        {
            WorkerThread w;
            // The spies record the worker thread's signals at once (direct connections), so a
            // signal may arrive before a wait() would start: poll the counts instead.
            QSignalSpy started(w.worker, &TrainingWorker::started);
            QSignalSpy states(w.worker, &TrainingWorker::stateChanged);
            QSignalSpy progress(w.worker, &TrainingWorker::progress);
            QSignalSpy saved(w.worker, &TrainingWorker::checkpointSaved);
            QSignalSpy failed(w.worker, &TrainingWorker::failed);

            w.worker->start(tinySettings(runDir));
            QTRY_VERIFY_WITH_TIMEOUT(lastProgressStep(progress) >= 30, kWait);
            QCOMPARE(failed.count(), 0);
            QCOMPARE(started.count(), 1);
            const auto session = started.first().at(0).value<TrainingSession>();
            QCOMPARE(session.runDir, runDir);
            QVERIFY(!session.images);
            QCOMPARE(session.step, 0LL);
            QCOMPARE(session.parameterCount, 37762); // the mlp tiny preset in 2-D (model_config.h)
            QVERIFY(!session.dataX.empty());
            QCOMPARE(session.dataX.size(), session.dataY.size());
            QCOMPARE(lastState(states), TrainingWorker::State::Running);
            // Per-step reports are batched (how many per signal depends on the machine's speed):
            // every step arrives exactly once, in order.
            const QList<long long> steps = reportedSteps(progress);
            for (int i = 0; i < steps.size(); ++i)
                QCOMPARE(steps[i], i + 1LL);
            const auto first = progress.first().at(0).value<TrainingProgress>();
            QVERIFY(std::isfinite(first.points.front().loss) && first.points.front().loss > 0);
            QCOMPARE(first.totalSteps, 100000LL);

            w.worker->pause();
            QTRY_VERIFY_WITH_TIMEOUT(lastState(states) == TrainingWorker::State::Paused, kWait);
            pausedAt = states.last().at(1).toLongLong();
            QCOMPARE(lastProgressStep(progress), pausedAt);
            QCOMPARE(reportedSteps(progress).size(), int(pausedAt));

            // Paused, nothing trains: one step later the count is exactly one more.
            const int statesBefore = states.count();
            w.worker->singleStep();
            QTRY_VERIFY_WITH_TIMEOUT(states.count() > statesBefore, kWait);
            QCOMPARE(lastState(states), TrainingWorker::State::Paused);
            QCOMPARE(states.last().at(1).toLongLong(), pausedAt + 1);
            QCOMPARE(lastProgressStep(progress), pausedAt + 1);
            QCOMPARE(progress.last().at(0).value<TrainingProgress>().points.size(), size_t(1));

            w.worker->stop();
            QTRY_VERIFY_WITH_TIMEOUT(lastState(states) == TrainingWorker::State::Idle, kWait);
            QCOMPARE(saved.count(), 1);
            QCOMPARE(saved.first().at(1).toLongLong(), pausedAt + 1);
            const QString ckpt = saved.first().at(0).toString();
            QCOMPARE(QFileInfo(ckpt).absolutePath(), QDir(runDir).filePath(QStringLiteral("checkpoints")));
            QVERIFY(QFileInfo::exists(ckpt));
            QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("config.json"))));
            QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("metrics.csv"))));
            QCOMPARE(failed.count(), 0);
        }

        // A fresh worker resumes the folder at the saved step, paused, with the logged history.
        WorkerThread w;
        QSignalSpy started(w.worker, &TrainingWorker::started);
        QSignalSpy states(w.worker, &TrainingWorker::stateChanged);
        QSignalSpy progress(w.worker, &TrainingWorker::progress);
        QSignalSpy failed(w.worker, &TrainingWorker::failed);
        w.worker->openCheckpoint(runDir);
        QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty(), kWait);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(lastState(states), TrainingWorker::State::Paused);
        QCOMPARE(started.count(), 1);
        const auto session = started.first().at(0).value<TrainingSession>();
        QCOMPARE(session.step, pausedAt + 1);
        QCOMPARE(session.runDir, runDir);
        QVERIFY(session.resumedFrom.endsWith(QStringLiteral(".ckpt")));
        // metrics.csv holds a row every 10 steps.
        const QList<long long> history = reportedSteps(progress);
        QCOMPARE(history.size(), int((pausedAt + 1) / 10));
        if (!history.isEmpty())
            QCOMPARE(history.last(), (pausedAt + 1) / 10 * 10);

        const int statesBefore = states.count();
        w.worker->singleStep();
        QTRY_VERIFY_WITH_TIMEOUT(states.count() > statesBefore, kWait);
        QCOMPARE(states.last().at(1).toLongLong(), pausedAt + 2);
    }

    // A paused session takes a new total: not one at or below the steps done; a higher one is
    // in the progress, in config.json, and the resumed run trains to it and ends there.
    void newTotalWhilePaused()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        WorkerThread w;
        QSignalSpy states(w.worker, &TrainingWorker::stateChanged);
        QSignalSpy progress(w.worker, &TrainingWorker::progress);
        QSignalSpy failed(w.worker, &TrainingWorker::failed);
        QSignalSpy finished(w.worker, &TrainingWorker::finished);
        w.worker->start(tinySettings(runDir));
        QTRY_VERIFY_WITH_TIMEOUT(lastProgressStep(progress) >= 5, kWait);
        w.worker->pause();
        QTRY_VERIFY_WITH_TIMEOUT(lastState(states) == TrainingWorker::State::Paused, kWait);
        const long long pausedAt = states.last().at(1).toLongLong();

        w.worker->setTotalSteps(pausedAt);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWait);
        QVERIFY2(failed.first().at(0).toString().contains(QStringLiteral("more than")),
                 qPrintable(failed.first().at(0).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(progress.last().at(0).value<TrainingProgress>().totalSteps, 100000LL, kWait);

        w.worker->setTotalSteps(pausedAt + 3);
        QTRY_COMPARE_WITH_TIMEOUT(progress.last().at(0).value<TrainingProgress>().totalSteps, pausedAt + 3, kWait);
        QCOMPARE(lastState(states), TrainingWorker::State::Paused);
        QFile config(QDir(runDir).filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(ddpm::TrainConfig::fromJson(config.readAll().toStdString()).steps, pausedAt + 3);

        w.worker->resume();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(finished.first().at(0).toLongLong(), pausedAt + 3);
        QCOMPARE(failed.count(), 1);
    }

    void badDataSpecFails()
    {
        QTemporaryDir dir;
        WorkerThread w;
        QSignalSpy failed(w.worker, &TrainingWorker::failed);
        QSignalSpy started(w.worker, &TrainingWorker::started);
        QSignalSpy states(w.worker, &TrainingWorker::stateChanged);
        TrainingSettings s = tinySettings(dir.filePath(QStringLiteral("run")));
        s.config.data = "toy:no-such-set";
        w.worker->start(s);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWait);
        const QString message = failed.first().at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("no-such-set")), qPrintable(message));
        QVERIFY(message.at(0).isUpper());
        QCOMPARE(started.count(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty(), kWait);
        QCOMPARE(lastState(states), TrainingWorker::State::Idle);
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("run/config.json"))));

        // A run folder that already holds a run is refused, naming the control to use instead.
        QSignalSpy finished(w.worker, &TrainingWorker::finished);
        w.worker->start(tinySettings(dir.filePath(QStringLiteral("run2")), 5));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        w.worker->start(tinySettings(dir.filePath(QStringLiteral("run2")), 5));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, kWait);
        QVERIFY2(failed.last().at(0).toString().contains(QStringLiteral("Open checkpoint")),
                 qPrintable(failed.last().at(0).toString()));

        // So is a checkpoint that is not one.
        const QString junk = dir.filePath(QStringLiteral("junk.ckpt"));
        QFile file(junk);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a checkpoint");
        file.close();
        w.worker->openCheckpoint(junk);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 3, kWait);
    }

    void runFolderInUseIsRefused()
    {
        // Another process's lock on the folder; here this process's own through a second open
        // of the lock file, which conflicts the same way (flock belongs to the open file).
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        const QString inUse = QStringLiteral("is in use by ddpm train (pid %1").arg(QCoreApplication::applicationPid());
        WorkerThread w;
        QSignalSpy failed(w.worker, &TrainingWorker::failed);
        QSignalSpy started(w.worker, &TrainingWorker::started);
        QSignalSpy finished(w.worker, &TrainingWorker::finished);
        {
            const ddpm::RunLock other(runDir.toStdString(), "ddpm train", "unused");
            w.worker->start(tinySettings(runDir, 5));
            QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWait);
            const QString message = failed.last().at(0).toString();
            QVERIFY2(message.contains(inUse) && message.contains(QStringLiteral("choose another Run folder")),
                     qPrintable(message));
            QCOMPARE(started.count(), 0);
            QVERIFY(!QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("config.json"))));
        }
        // Free again, the folder trains; the session releases it when it ends.
        w.worker->start(tinySettings(runDir, 5));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(QDir(runDir).filePath(QStringLiteral(".lock"))), kWait);
        QFile metrics(QDir(runDir).filePath(QStringLiteral("metrics.csv")));
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        const QByteArray rows = metrics.readAll();
        metrics.close();

        // Continuing a run whose folder another process holds is refused before anything is written.
        const ddpm::RunLock other(runDir.toStdString(), "ddpm train", "unused");
        w.worker->openCheckpoint(runDir, 10);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, kWait);
        const QString message = failed.last().at(0).toString();
        QVERIFY2(message.contains(inUse) && message.contains(QStringLiteral("stop it before continuing its run here")),
                 qPrintable(message));
        QCOMPARE(started.count(), 1);
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        QCOMPARE(metrics.readAll(), rows);
    }

    void finishesWithCheckpointAndPreview()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        WorkerThread w;
        QSignalSpy finished(w.worker, &TrainingWorker::finished);
        QSignalSpy previews(w.worker, &TrainingWorker::previewReady);
        QSignalSpy saved(w.worker, &TrainingWorker::checkpointSaved);
        QSignalSpy states(w.worker, &TrainingWorker::stateChanged);
        TrainingSettings s = tinySettings(runDir, 25);
        s.config.sampleEvery = 20;
        w.worker->start(s);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(finished.first().at(0).toLongLong(), 25LL);
        QTRY_VERIFY_WITH_TIMEOUT(lastState(states) == TrainingWorker::State::Idle, kWait);
        QCOMPARE(previews.count(), 1);
        const auto preview = previews.first().at(0).value<TrainingPreview>();
        QCOMPARE(preview.step, 20LL);
        QCOMPARE(preview.x.size(), size_t(1000));
        QCOMPARE(preview.y.size(), size_t(1000));
        QVERIFY(preview.image.isNull());
        QVERIFY(QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("samples/step-00000020.png"))));
        QCOMPARE(saved.count(), 1);
        QVERIFY(saved.first().at(0).toString().endsWith(QStringLiteral("checkpoints/step-00000025.ckpt")));
    }
};

QTEST_GUILESS_MAIN(TestTrainingWorker)
#include "test_training_worker.moc"
