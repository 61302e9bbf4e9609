// Runtime settings: torch's intra-op thread count (with a short timed probe) and the device.
#include "ddpm/runtime.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "ddpm/error.h"
#include "group_norm_silu.h"

namespace ddpm {

namespace {

constexpr int kMaxThreads = 256;
constexpr int kProbeMaxThreads = 8;
constexpr int kWarmUpSteps = 2;
constexpr double kBlockSeconds = 0.06;

/// The probe's step: a training step of the UNet's commonest block in its own layout, a 3 x 3
/// convolution of 32 to 32 channels over [32, 32, 28, 28] channels-last, GroupNorm(32) and
/// SiLU (the fused kernel), forward and backward; convolutions are about 70% of a training
/// step and scale with threads as the step does. Shapes the probe makes up are its own:
/// oneDNN keeps primitives per thread count, so nothing it creates fixes a later count.
struct ProbeStep {
    at::Tensor x = at::randn({32, 32, 28, 28}).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
    at::Tensor w = (at::randn({32, 32, 3, 3}) * 0.05).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
    at::Tensor gamma = at::ones({32}).requires_grad_(true);
    at::Tensor beta = at::zeros({32}).requires_grad_(true);

    void operator()() const
    {
        groupNormSiLU(at::conv2d(x, w, {}, 1, 1), 32, gamma, beta, 1e-5, true).sum().backward();
    }
};

/// Mean seconds per step over one block at the current thread count: a few steps first
/// (after a change of count, OpenMP's new team and oneDNN's primitives for it make the first
/// steps up to twice as slow), then steps back to back for about 60 ms. The mean, not the best
/// step: throughput is what counts, and with another process on the cores OpenMP's barriers
/// stall for whole scheduler slices now and then.
double secondsPerStep(const ProbeStep& step)
{
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < kWarmUpSteps; ++i) step();
    int reps = 0;
    double elapsed = 0.0;
    const auto start = Clock::now();
    do {
        step();
        ++reps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < kBlockSeconds);
    return elapsed / reps;
}

/// The counts the probe tries: 1, 2, 4, ... and maxCount itself.
std::vector<int> candidateCounts(int maxCount)
{
    std::vector<int> counts;
    for (int n = 1; n < maxCount; n *= 2) counts.push_back(n);
    counts.push_back(maxCount);
    return counts;
}

} // namespace

void setThreadCount(int threads)
{
    if (threads < 1 || threads > kMaxThreads)
        throw Error("thread count " + std::to_string(threads) + " is outside 1.." +
                    std::to_string(kMaxThreads));
    // LibTorch sets a thread's count from the process default at the thread's first torch
    // call (get_num_threads or a parallel loop), and set_num_threads sets both this thread's
    // count and that default. So finish this thread's first call before setting: otherwise
    // another thread's later set_num_threads would become this thread's count at its first
    // call (seen on this build: the count set here, 3, read back as another thread's 1).
    (void)at::get_num_threads();
    at::set_num_threads(threads);
}

int threadCount()
{
    return at::get_num_threads();
}

bool parallelLoopsSplit()
{
    const int before = at::get_num_threads();
    at::set_num_threads(2);
    std::atomic<bool> second{false}; // one item each: the second runs on another thread when split
    at::parallel_for(0, 2, 1, [&second](std::int64_t, std::int64_t) {
        if (at::get_thread_num() > 0) second = true;
    });
    at::set_num_threads(before);
    return second;
}

int probeThreadCount()
{
    const unsigned hw = std::thread::hardware_concurrency();
    const int maxCount = std::clamp(static_cast<int>(hw), 1, kProbeMaxThreads);
    if (maxCount == 1) return 1;

    // In a thread of its own, so that nothing the probe leaves behind touches the caller: its
    // OpenMP team, its thread count and its heap (glibc gives each thread's allocations an
    // arena of their own). Probing on the caller's thread left 2-thread training about 15%
    // slower than a process that never probed (median of 11 alternated rounds); from its own
    // thread, the same (8 rounds). A new thread also starts with gradients on, whatever the
    // caller's scope (an inference scope would refuse the step's backward pass).
    const std::vector<int> counts = candidateCounts(maxCount);
    std::vector<double> seconds(counts.size(), 0.0);
    std::exception_ptr failure;
    std::thread probe([&] {
        try {
            const ProbeStep step;
            // Two blocks per count, in the order 1, 2, .. max, max, .. 2, 1: a drift in the
            // machine's speed (another process, the host) falls on every count alike.
            const std::size_t n = counts.size();
            for (std::size_t k = 0; k < 2 * n; ++k) {
                const std::size_t i = k < n ? k : 2 * n - 1 - k;
                at::set_num_threads(counts[i]);
                seconds[i] += secondsPerStep(step);
            }
        } catch (...) {
            failure = std::current_exception();
        }
    });
    probe.join();
    if (failure) std::rethrow_exception(failure);
    // The most threads unless fewer are at least 10% faster: on a quiet machine a second
    // thread trains the UNet 1.3-2x faster while this VM's noise moves one probe by 20-40%,
    // and where threads do not pay (the small MLP) they cost at most a few per cent; under
    // contention more threads are many times slower, which no noise hides.
    std::size_t best = counts.size() - 1;
    for (std::size_t i = best; i-- > 0;)
        if (seconds[i] < 0.9 * seconds[best])
            best = i;
    return counts[best];
}

c10::Device pickDevice(const std::string& preference)
{
    if (preference == "cpu") return c10::Device(c10::kCPU);
    if (preference == "auto")
        return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    if (preference == "cuda") {
        if (!torch::cuda::is_available())
            throw Error("device 'cuda' was asked for but no CUDA device is usable here; use auto or cpu");
        return c10::Device(c10::kCUDA, 0);
    }
    throw Error("unknown device '" + preference + "'; use auto, cpu or cuda");
}

std::string runtimeDescription(const c10::Device& device)
{
    const int n = threadCount();
    const std::string threads = std::to_string(n) + (n == 1 ? " thread" : " threads");
    if (device.is_cuda()) {
        const int index = device.has_index() ? device.index() : 0;
        return "CUDA device " + std::to_string(index) + " \u00b7 " + threads + " on the CPU";
    }
    return "CPU \u00b7 " + threads;
}

void configureAllocator()
{
#if defined(__GLIBC__)
    // Tensors of a few MB are allocated and freed thousands of times per evaluation; with
    // glibc's defaults each one is an mmap/munmap pair (or a heap trim) with page faults.
    constexpr int kLarge = 1 << 30;
    ::mallopt(M_MMAP_THRESHOLD, kLarge);
    ::mallopt(M_TRIM_THRESHOLD, kLarge);
#endif
}

std::string libtorchVersion()
{
    return TORCH_VERSION;
}

} // namespace ddpm
