// The workers run at the thread budget's counts, each in its own thread: a training session
// holds its share and trains at it, a chain started meanwhile runs on what training leaves
// (at::get_num_threads() in the sampling worker's thread, reported as ChainInfo/ChainUpdate
// threads) while the test's thread keeps a third count, and once training stops the next chain
// gets the whole total again. The main window's status bar names the split while a run trains,
// and a run started there records the budget's share in its config.json.
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <memory>
#include <type_traits>

#include "about_box.h"
#include "ddpm/runtime.h"
#include "ddpm/thread_budget.h"
#include "main_window.h"
#include "thread_dialog.h"
#include "pages/training_page.h"
#include "tiny_runs.h"
#include "ui_test_support.h"
#include "widgets/training_options.h"
#include "workers/sampling_worker.h"
#include "workers/training_worker.h"

using ddpm::ThreadBudget;
using ddpm::ui::MainWindow;
using ddpm::ui::TrainingPage;
using ddpm::ui::ChainInfo;
using ddpm::ui::ChainUpdate;
using ddpm::ui::SamplingRequest;
using ddpm::ui::SamplingWorker;
using ddpm::ui::TrainingSession;
using ddpm::ui::TrainingSettings;
using ddpm::ui::TrainingWorker;
using State = TrainingWorker::State;

namespace {

using ddpm::test::kWait;

TrainingSettings toySettings(const QString& runDir)
{
    TrainingSettings s;
    s.config = ddpm::test::workerRunConfig(1000000);
    s.runDir = runDir;
    return s;
}

/// A worker in its own thread, joined and deleted at the end of the test.
template <class Worker>
struct WorkerThread {
    QThread thread;
    Worker* worker;
    explicit WorkerThread(std::shared_ptr<ThreadBudget> budget) : worker(new Worker(std::move(budget)))
    {
        worker->moveToThread(&thread);
        thread.start();
    }
    ~WorkerThread()
    {
        if constexpr (std::is_same_v<Worker, TrainingWorker>)
            worker->stop();
        QMetaObject::invokeMethod(worker, [this] { thread.quit(); }, Qt::QueuedConnection);
        thread.wait();
        delete worker;
    }
};

/// Runs a 20-step DDIM chain of the gaussians8 oracle; returns the threads it started on and
/// every update's (the counts the sampling worker's thread ran at).
QList<int> chainThreads(SamplingWorker* worker, quint64 id)
{
    QSignalSpy started(worker, &SamplingWorker::started);
    QSignalSpy updates(worker, &SamplingWorker::update);
    QSignalSpy finished(worker, &SamplingWorker::finished);
    SamplingRequest request;
    request.id = id;
    request.settings.modelSpec = QStringLiteral("oracle:toy:gaussians8");
    request.settings.sampler = QStringLiteral("ddim");
    request.settings.spacing = QStringLiteral("20");
    request.settings.batch = 64;
    request.settings.seed = 1;
    QMetaObject::invokeMethod(worker, [worker, request] { worker->run(request); }, Qt::QueuedConnection);
    if (!QTest::qWaitFor([&] { return finished.count() == 1; }, kWait) || started.count() != 1)
        return {};
    QList<int> counts{started.first().at(0).value<ChainInfo>().threads};
    for (const QList<QVariant>& args : updates)
        counts.append(args.at(0).value<ChainUpdate>().threads);
    return counts;
}

QString statusText(const QMainWindow& window)
{
    QString text;
    for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
        text += label->text() + QLatin1Char('\n');
    return text;
}

/// Whether every count is n (and there is one).
bool allAre(const QList<int>& counts, int n)
{
    return !counts.isEmpty() && std::all_of(counts.begin(), counts.end(), [n](int c) { return c == n; });
}

QByteArray text(const QList<int>& counts)
{
    QByteArray out = "counts:";
    for (int c : counts)
        out += ' ' + QByteArray::number(c);
    return out;
}

State lastState(const QSignalSpy& spy)
{
    return spy.isEmpty() ? State::Idle : spy.last().at(0).value<State>();
}

} // namespace

class TestWorkerThreads : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_worker_threads")); }
    void cleanup() { ddpm::setThreadCount(1); }

    void trainingAndChainSplitTheBudget()
    {
        ddpm::setThreadCount(5); // this thread's count: the workers neither follow nor change it
        auto budget = std::make_shared<ThreadBudget>(4); // training 3, the rest 1 while it runs
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        WorkerThread<SamplingWorker> sampling(budget);

        // Alone, a chain runs on the whole total.
        QList<int> counts = chainThreads(sampling.worker, 1);
        QVERIFY2(allAre(counts, 4), text(counts).constData());

        // A session holds the budget's share and trains at it in its own thread (the session's
        // runtime text is runtimeDescription there, i.e. at::get_num_threads()).
        WorkerThread<TrainingWorker> training(budget);
        QSignalSpy started(training.worker, &TrainingWorker::started);
        QSignalSpy states(training.worker, &TrainingWorker::stateChanged);
        training.worker->start(toySettings(runDir));
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, kWait);
        TrainingSession session = started.last().at(0).value<TrainingSession>();
        QVERIFY2(session.runtime.contains(QStringLiteral("3 threads")), qPrintable(session.runtime));
        QCOMPARE(session.config.threads, 3); // what config.json records
        QCOMPARE(budget->trainingThreads(), 3);
        QCOMPARE(lastState(states), State::Running);

        // A chain meanwhile runs on what training leaves, while training goes on at its 3.
        counts = chainThreads(sampling.worker, 2);
        QVERIFY2(allAre(counts, 1), text(counts).constData());
        QCOMPARE(lastState(states), State::Running);
        QCOMPARE(budget->trainingThreads(), 3);
        QCOMPARE(ddpm::threadCount(), 5);

        // Stopped, training gives its threads back: the next chain gets the total again.
        training.worker->stop();
        QTRY_VERIFY_WITH_TIMEOUT(lastState(states) == State::Idle, kWait);
        QCOMPARE(budget->trainingThreads(), 0);
        counts = chainThreads(sampling.worker, 3);
        QVERIFY2(allAre(counts, 4), text(counts).constData());

        // Resumed under a larger total, the run keeps the count it was trained at (its
        // checkpoint's), and the other jobs get what that leaves.
        budget->setTotal(6);
        QCOMPARE(budget->trainingShare(), 5);
        training.worker->openCheckpoint(runDir);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 2, kWait);
        session = started.last().at(0).value<TrainingSession>();
        QVERIFY2(session.runtime.contains(QStringLiteral("3 threads")), qPrintable(session.runtime));
        QCOMPARE(budget->trainingThreads(), 3);
        QCOMPARE(budget->otherJobThreads(), 3);
        training.worker->stop();
        QTRY_COMPARE_WITH_TIMEOUT(budget->trainingThreads(), 0, kWait);
        QCOMPARE(ddpm::threadCount(), 5);
    }

    void statusBarNamesTheSplit()
    {
        QTemporaryDir dir;
        const QString runDir = dir.filePath(QStringLiteral("run"));
        MainWindow window;
        window.setThreadSetting(4);
        QCOMPARE(window.threadBudget().total(), 4);
        QVERIFY2(!statusText(window).contains(QStringLiteral("training")), qPrintable(statusText(window)));

        TrainingPage* page = window.trainingPage();
        page->options()->setSettings(toySettings(runDir));
        page->startOrResume();
        QTRY_VERIFY_WITH_TIMEOUT(page->state() == State::Running, kWait);
        QTRY_VERIFY2_WITH_TIMEOUT(statusText(window).contains(QStringLiteral("training 3, the other pages 1")),
                                  qPrintable(statusText(window)), kWait);
        QVERIFY(statusText(window).contains(QStringLiteral("4 threads")));
        page->stop();
        QTRY_VERIFY_WITH_TIMEOUT(page->state() == State::Idle && !page->isBusy(), kWait);
        QVERIFY2(!statusText(window).contains(QStringLiteral("training")), qPrintable(statusText(window)));
        QCOMPARE(window.threadBudget().trainingThreads(), 0);

        // The run's config.json records the count it trained at: the budget's share.
        QFile config(QDir(runDir).filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(config.readAll()).object().value(QStringLiteral("threads")).toInt(), 3);
        QCOMPARE(ddpm::test::closeMessageBoxes(&window), 0);
    }

    void aboutBoxAndDialogSayTheSplit()
    {
        ThreadBudget budget(8);
        QString about = ddpm::ui::aboutText(&budget);
        QVERIFY2(about.contains(QStringLiteral("keeps 7 threads")) && about.contains(QStringLiteral("gets 1")),
                 qPrintable(about));
        {
            ThreadBudget::TrainingHold hold = budget.holdTraining(budget.trainingShare());
            about = ddpm::ui::aboutText(&budget);
            QVERIFY2(about.contains(QStringLiteral("now training 7, the other pages 1")), qPrintable(about));
        }
        QVERIFY(!ddpm::ui::aboutText(&budget).contains(QStringLiteral("now training")));

        // The dialog's rule follows the count chosen.
        ddpm::ui::ThreadDialog dialog(2, 2);
        auto* rule = dialog.findChild<QLabel*>(QStringLiteral("threadRule"));
        QVERIFY(rule);
        QVERIFY2(rule->text().contains(QStringLiteral("keeps all 2")) && rule->text().contains(QStringLiteral("keeps 2 too")),
                 qPrintable(rule->text()));
        dialog.findChild<QSpinBox*>(QStringLiteral("threadCount"))->setValue(8);
        QVERIFY2(rule->text().contains(QStringLiteral("keeps 7 threads")), qPrintable(rule->text()));
    }
};

QTEST_MAIN(TestWorkerThreads)
#include "test_worker_threads.moc"
