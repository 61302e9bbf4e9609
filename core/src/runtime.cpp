// Runtime settings: torch's intra-op thread count (with a short timed probe) and the device.
#include "ddpm/runtime.h"

#include <algorithm>
#include <chrono>
#include <limits>
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

namespace ddpm {

namespace {

constexpr int kMaxThreads = 256;
constexpr int kProbeMaxThreads = 8;
constexpr int kProbeRounds = 3;

/// Mean seconds per step of work shaped like the networks' layers: GroupNorm and SiLU of
/// [16, 64, 14, 14], an attention-like batched matrix product, and a convolution's matrix
/// product ([6272, 288] x [288, 64], a 3 x 3 conv of 32 to 64 channels over 8 images of
/// 28 x 28), run back to back for about 20 ms at the current thread count. No convolution on purpose: oneDNN sizes
/// its thread team at the process's first convolution and keeps it (seen with Debian's
/// LibTorch 1.13: a first conv at 1 thread kept every later one at 1, a first at 2 kept them
/// at 2), so a probe that convolved would fix the count it is meant to measure. The mean, not
/// the best step: throughput is what counts, and with another process on the cores OpenMP's
/// barriers stall for whole scheduler slices now and then.
double secondsPerStep(const at::Tensor& x, const at::Tensor& k, const at::Tensor& columns, const at::Tensor& filters)
{
    using Clock = std::chrono::steady_clock;
    auto work = [&] {
        const at::Tensor h = at::silu(at::group_norm(x, 32));
        // A 3 x 3 convolution as a matrix product of its im2col columns (what the UNet's convs,
        // most of a training step, amount to), through the BLAS rather than oneDNN.
        return at::bmm(h.reshape({x.size(0), x.size(1), -1}).transpose(1, 2), k).sum() + at::mm(columns, filters).sum();
    };
    at::Tensor y = work(); // warm-up: thread pool start, buffers
    int reps = 0;
    double elapsed = 0.0;
    const auto start = Clock::now();
    do {
        y = work();
        ++reps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (reps < 3 || elapsed < 0.02);
    return elapsed / reps;
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

int probeThreadCount()
{
    const int before = threadCount();
    const unsigned hw = std::thread::hardware_concurrency();
    const int maxCount = std::clamp(static_cast<int>(hw), 1, kProbeMaxThreads);
    if (maxCount == 1) return 1;

    const at::Tensor x = at::randn({16, 64, 14, 14}, at::kFloat);
    const at::Tensor w = at::randn({16, 64, 196}, at::kFloat) * 0.05;
    const at::Tensor columns = at::randn({6272, 288}, at::kFloat);
    const at::Tensor filters = at::randn({288, 64}, at::kFloat) * 0.05;
    // Three rounds over every count, keeping each count's best round: a burst of noise in
    // one round does not decide, but a count that is slow every time loses.
    std::vector<double> seconds(maxCount + 1, std::numeric_limits<double>::infinity());
    try {
        for (int round = 0; round < kProbeRounds; ++round)
            for (int n = 1; n <= maxCount; ++n) {
                at::set_num_threads(n);
                seconds[n] = std::min(seconds[n], secondsPerStep(x, w, columns, filters));
            }
    } catch (...) {
        at::set_num_threads(before);
        throw;
    }
    // More threads must earn their place: at least 10% faster than the best so far.
    int best = 1;
    for (int n = 2; n <= maxCount; ++n)
        if (seconds[n] < 0.9 * seconds[best])
            best = n;
    at::set_num_threads(before);
    return best;
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
