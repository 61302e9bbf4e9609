// ThreadBudget: the split of the intra-op threads between training and the other jobs.
#include "ddpm/thread_budget.h"

#include <algorithm>
#include <string>
#include <utility>

#include "ddpm/error.h"
#include "ddpm/runtime.h"

namespace ddpm {

namespace {

int clampTotal(int total)
{
    return std::clamp(total, 1, ThreadBudget::kMaxThreads);
}

} // namespace

ThreadBudget::ThreadBudget(int total)
    : m_total(clampTotal(total))
{
}

int ThreadBudget::trainingShareOf(int total)
{
    total = clampTotal(total);
    return total >= kSplitFrom ? total - 1 : total;
}

int ThreadBudget::otherShareOf(int total, int training)
{
    total = clampTotal(total);
    return training <= 0 || total < kSplitFrom ? total : std::max(1, total - training);
}

void ThreadBudget::setTotal(int total)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_total = clampTotal(total);
}

int ThreadBudget::total() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_total;
}

int ThreadBudget::trainingShare() const
{
    return trainingShareOf(total());
}

int ThreadBudget::trainingThreads() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_training;
}

int ThreadBudget::otherJobThreads() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return otherShareOf(m_total, m_training);
}

ThreadBudget::TrainingHold ThreadBudget::holdTraining(int threads)
{
    if (threads < 1 || threads > kMaxThreads)
        throw Error("training thread count " + std::to_string(threads) + " is outside 1.." +
                    std::to_string(kMaxThreads));
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_training += threads;
    return TrainingHold(this, threads);
}

void ThreadBudget::giveBack(int threads)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_training = std::max(0, m_training - threads);
}

int ThreadBudget::applyOtherJobThreads() const
{
    return applyThreadCount(otherJobThreads());
}

ThreadBudget::TrainingHold::TrainingHold(TrainingHold&& other) noexcept
    : m_budget(std::exchange(other.m_budget, nullptr)), m_threads(std::exchange(other.m_threads, 0))
{
}

ThreadBudget::TrainingHold& ThreadBudget::TrainingHold::operator=(TrainingHold&& other) noexcept
{
    if (this != &other) {
        release();
        m_budget = std::exchange(other.m_budget, nullptr);
        m_threads = std::exchange(other.m_threads, 0);
    }
    return *this;
}

ThreadBudget::TrainingHold::~TrainingHold()
{
    release();
}

void ThreadBudget::TrainingHold::release()
{
    if (m_budget)
        m_budget->giveBack(m_threads);
    m_budget = nullptr;
    m_threads = 0;
}

int applyThreadCount(int threads)
{
    if (threadCount() != threads)
        setThreadCount(threads);
    return threads;
}

} // namespace ddpm
