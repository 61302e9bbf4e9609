// ThreadBudget: how one process's torch intra-op threads are split between jobs that run at
// once (the app's workers), so that training and sampling together share the cores on purpose
// instead of each taking them all. Qt-free; one object, owned by whoever starts the jobs (the
// main window) and passed to them, never a global.
//
// Why a split and not one setting: LibTorch 1.13's OpenMP backend keeps the count per calling
// thread (at::set_num_threads sets the caller's OpenMP count, plus the default a thread takes at
// its first torch call) and gives every calling thread its own team, so two workers at N
// threads each run 2 N compute threads. The rule (docs/RELIABILITY.md, "Training and sampling
// at once", has the measurements behind it):
//
//  - a training run takes trainingShare(N) when it starts and keeps that count to its end,
//    because its numbers, and so a bitwise resume, depend on it: N below 4, N - 1 from 4 up
//    (one core left for the GUI and the other pages);
//  - any other job (a chain, the bound, a demonstration, the forward process) gets N while no
//    training runs; while one does, max(1, N - training's count) from N = 4 up, so the two fill
//    the cores without taking turns, and still N below 4, where no split avoids taking turns
//    and giving a chain 1 of 2 threads beside training made it about a quarter slower for 8%
//    more training (medians of 13 rounds). Those jobs re-read their count between steps, so a
//    chain already running when training starts (or ends) changes at its next step.
//
// Thread-safe: jobs on worker threads read it while the GUI thread changes the total.
#pragma once

#include <mutex>

namespace ddpm {

class ThreadBudget {
public:
    /// The most threads one job is given (as setThreadCount allows).
    static constexpr int kMaxThreads = 256;

    /// total: the count the user chose or the probe found; clamped to 1..kMaxThreads.
    explicit ThreadBudget(int total = 1);
    ThreadBudget(const ThreadBudget&) = delete;
    ThreadBudget& operator=(const ThreadBudget&) = delete;

    /// The split's arithmetic, for any total and training count (pure functions).
    /// Below this total, training takes every thread and the other jobs keep the total too.
    static constexpr int kSplitFrom = 4;

    /// A training run starting with `total` threads in all: total below kSplitFrom, else
    /// total - 1.
    static int trainingShareOf(int total);
    /// A job other than training while training holds `training` threads (0: none runs):
    /// total when none runs or total is below kSplitFrom, else max(1, total - training).
    static int otherShareOf(int total, int training);

    /// Changes the total for jobs that start (or re-read it) from now on; a training run keeps
    /// the count it holds. Clamped to 1..kMaxThreads.
    void setTotal(int total);
    int total() const;

    /// What a training run that starts now takes: trainingShareOf(total()).
    int trainingShare() const;
    /// The threads training runs hold now (0 when none runs).
    int trainingThreads() const;
    /// What any other job gets now: otherShareOf(total(), trainingThreads()).
    int otherJobThreads() const;

    /// A training run's hold on its count; released when destroyed (or by release()), so a
    /// run that ends or fails gives its threads back. Movable, not copyable. The budget must
    /// outlive its holds.
    class TrainingHold {
    public:
        TrainingHold() = default;
        TrainingHold(TrainingHold&& other) noexcept;
        TrainingHold& operator=(TrainingHold&& other) noexcept;
        TrainingHold(const TrainingHold&) = delete;
        TrainingHold& operator=(const TrainingHold&) = delete;
        ~TrainingHold();

        /// The count the run holds (0 for an empty hold).
        int threads() const { return m_threads; }
        bool holds() const { return m_budget != nullptr; }
        void release();

    private:
        friend class ThreadBudget;
        TrainingHold(ThreadBudget* budget, int threads) : m_budget(budget), m_threads(threads) {}
        ThreadBudget* m_budget = nullptr;
        int m_threads = 0;
    };

    /// Registers a training run at `threads` (1..kMaxThreads, e.g. trainingShare(), or a
    /// resumed run's own count) until the hold goes. Throws ddpm::Error outside that range.
    TrainingHold holdTraining(int threads);

    /// Sets the calling thread's torch count to otherJobThreads() when it differs from the
    /// thread's count now (setThreadCount, so a change costs little and no change costs
    /// nothing); returns the count. Jobs other than training call it at their start and between
    /// steps, on their own thread.
    int applyOtherJobThreads() const;

private:
    void giveBack(int threads);

    mutable std::mutex m_mutex;
    int m_total = 1;
    int m_training = 0; // the sum of the counts training holds
};

/// Sets the calling thread's torch count to `threads` when it differs from its count now;
/// returns it. Throws ddpm::Error outside 1..256 (as setThreadCount does).
int applyThreadCount(int threads);

} // namespace ddpm
