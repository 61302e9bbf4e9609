// The thread budget (thread_budget.h): the split's arithmetic at every total, training holds
// that keep their count while the total changes and give it back when they go, and counts
// applied per calling thread: a job's thread runs at what the budget gave it while another
// thread holds another count (LibTorch's OpenMP count is per thread: checked on this build by
// the team threads each count starts), and a count set before a thread's first torch call that
// another thread's later set cannot overwrite; and core's own parallel loops really split.
#include <QTest>

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "ddpm/error.h"
#include "ddpm/runtime.h"
#include "ddpm/thread_budget.h"
#include "process_threads.h"

using ddpm::ThreadBudget;
using ddpm::test::processThreads;

namespace {

/// OS threads that one parallel torch loop started for the calling thread: at a thread's first
/// parallel loop, its count - 1 (libgomp starts the team of the calling thread then, and keeps
/// it); 0 at a count of 1. So it shows the count LibTorch's kernels really use in this thread.
int teamThreadsStarted()
{
    const int before = processThreads();
    const at::Tensor x = at::ones({1 << 22});
    (void)at::mul(x, 2.0).sum().item<float>(); // 4M values: a parallel loop at any count above 1
    return processThreads() - before;
}

/// Waits (spinning politely) until flag is set.
void waitFor(const std::atomic<bool>& flag)
{
    while (!flag.load())
        std::this_thread::yield();
}

} // namespace

class TestThreadBudget : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void split_data()
    {
        QTest::addColumn<int>("total");
        QTest::addColumn<int>("training");
        QTest::addColumn<int>("other");
        // Below 4 threads both keep them all (they take turns on the cores: at 2, a chain on 1
        // beside training was a quarter slower); from 4 training leaves one, a chain the rest.
        QTest::newRow("1 core") << 1 << 1 << 1;
        QTest::newRow("2 cores") << 2 << 2 << 2;
        QTest::newRow("3 cores") << 3 << 3 << 3;
        QTest::newRow("4 cores") << 4 << 3 << 1;
        QTest::newRow("8 cores") << 8 << 7 << 1;
        QTest::newRow("16 cores") << 16 << 15 << 1;
        QTest::newRow("256 cores") << 256 << 255 << 1;
    }
    void split()
    {
        QFETCH(int, total);
        QFETCH(int, training);
        QFETCH(int, other);
        QCOMPARE(ThreadBudget::trainingShareOf(total), training);
        QCOMPARE(ThreadBudget::otherShareOf(total, training), other);
        QCOMPARE(ThreadBudget::otherShareOf(total, 0), total); // no training: every job gets all
        // From 4 up, training and the rest fill the threads exactly, never more.
        if (total >= ThreadBudget::kSplitFrom)
            QCOMPARE(training + other, total);
        else
            QCOMPARE(other, total);
    }

    void otherJobsGetWhatTrainingLeaves()
    {
        // A resumed run keeps the count it was trained at, whatever the total is now.
        QCOMPARE(ThreadBudget::otherShareOf(8, 2), 6);
        QCOMPARE(ThreadBudget::otherShareOf(8, 8), 1);
        QCOMPARE(ThreadBudget::otherShareOf(4, 6), 1);
        QCOMPARE(ThreadBudget::otherShareOf(2, 8), 2); // below 4: the total, whatever training holds
    }

    void totalIsClamped()
    {
        QCOMPARE(ThreadBudget(0).total(), 1);
        QCOMPARE(ThreadBudget(-3).total(), 1);
        QCOMPARE(ThreadBudget(1000).total(), ThreadBudget::kMaxThreads);
        ThreadBudget b(2);
        b.setTotal(0);
        QCOMPARE(b.total(), 1);
    }

    void holdsKeepTheirCountAndGiveItBack()
    {
        ThreadBudget budget(4);
        QCOMPARE(budget.trainingThreads(), 0);
        QCOMPARE(budget.otherJobThreads(), 4);
        ThreadBudget::TrainingHold hold = budget.holdTraining(budget.trainingShare());
        QVERIFY(hold.holds());
        QCOMPARE(hold.threads(), 3);
        QCOMPARE(budget.trainingThreads(), 3);
        QCOMPARE(budget.otherJobThreads(), 1);

        // A new total while training runs: training keeps its count, the rest follows.
        budget.setTotal(8);
        QCOMPARE(hold.threads(), 3);
        QCOMPARE(budget.trainingThreads(), 3);
        QCOMPARE(budget.otherJobThreads(), 5);
        QCOMPARE(budget.trainingShare(), 7); // for the next run
        budget.setTotal(2);
        QCOMPARE(budget.otherJobThreads(), 2); // below 4: no split
        budget.setTotal(8);

        // Moved, it is released once: by the new owner.
        ThreadBudget::TrainingHold moved = std::move(hold);
        QVERIFY(!hold.holds());
        QCOMPARE(budget.trainingThreads(), 3);
        {
            ThreadBudget::TrainingHold gone = std::move(moved);
        }
        QCOMPARE(budget.trainingThreads(), 0);
        QCOMPARE(budget.otherJobThreads(), 8);
        moved.release(); // empty: nothing to give back
        QCOMPARE(budget.trainingThreads(), 0);

        QVERIFY_THROWS_EXCEPTION(ddpm::Error, budget.holdTraining(0));
        QVERIFY_THROWS_EXCEPTION(ddpm::Error, budget.holdTraining(ThreadBudget::kMaxThreads + 1));
        QCOMPARE(budget.trainingThreads(), 0);
    }

    void countsApplyPerThread()
    {
        ddpm::setThreadCount(5); // this thread's own count, and the default of fresh threads
        ThreadBudget budget(4);  // training 3, the rest 1 while it runs
        std::atomic<bool> trainingHolds{false}, otherDone{false}, trainingDone{false};
        int trainingCount = 0, trainingAfter = 0, otherApplied = 0, otherCount = 0, otherAfterRelease = 0;
        int trainingTeam = -1, otherTeam = -1, afterTeam = -1;

        // "Training": holds its share and runs at it.
        std::thread training([&] {
            ThreadBudget::TrainingHold hold = budget.holdTraining(budget.trainingShare());
            ddpm::applyThreadCount(hold.threads());
            trainingHolds = true;
            waitFor(otherDone); // the other job sets its own count meanwhile
            trainingCount = at::get_num_threads();
            trainingTeam = teamThreadsStarted();
            trainingAfter = ddpm::threadCount();
            trainingDone = true;
        });
        // "A chain": starts while training holds its threads, re-reads after it is gone.
        std::thread other([&] {
            waitFor(trainingHolds);
            otherApplied = budget.applyOtherJobThreads();
            otherCount = at::get_num_threads();
            otherTeam = teamThreadsStarted();
            otherDone = true;
            waitFor(trainingDone);
        });
        other.join();
        training.join();
        QCOMPARE(otherApplied, 1);
        QCOMPARE(otherCount, 1);
        QCOMPARE(otherTeam, 0);
        QCOMPARE(trainingCount, 3);
        QCOMPARE(trainingTeam, 2); // a team of 3: the other thread's 1 did not reach it
        QCOMPARE(trainingAfter, 3);
        QCOMPARE(ddpm::threadCount(), 5); // nor this thread's count

        // With no training held, a job that re-reads gets the total again.
        std::thread after([&] { otherAfterRelease = budget.applyOtherJobThreads(); afterTeam = teamThreadsStarted(); });
        after.join();
        QCOMPARE(otherAfterRelease, 4);
        QCOMPARE(afterTeam, 3);
        ddpm::setThreadCount(1);
    }

    void countSetBeforeFirstCallSticks()
    {
        // A worker sets its count before any other torch call of its thread; another thread
        // then sets another (which is also the default of threads at their first call): the
        // worker keeps its own.
        std::atomic<bool> set{false}, otherSet{false};
        int seen = 0;
        std::thread worker([&] {
            ddpm::setThreadCount(3);
            set = true;
            waitFor(otherSet);
            seen = ddpm::threadCount();
        });
        std::thread other([&] {
            waitFor(set);
            ddpm::setThreadCount(1);
            otherSet = true;
        });
        other.join();
        worker.join();
        QCOMPARE(seen, 3);
    }

    // Core's own kernels (the fused GroupNorm, SiLU) split their images over the threads: with
    // LibTorch's OpenMP backend only if core is built with OpenMP, which the build detects.
    void coreLoopsUseTheThreads()
    {
        const int before = ddpm::threadCount();
        QVERIFY(ddpm::parallelLoopsSplit());
        QCOMPARE(ddpm::threadCount(), before);
    }
};

QTEST_GUILESS_MAIN(TestThreadBudget)
#include "test_thread_budget.moc"
