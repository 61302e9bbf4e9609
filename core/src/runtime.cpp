// Runtime settings: torch's intra-op thread count (with a short timed probe) and the device.
#include "ddpm/runtime.h"

#include <algorithm>
#include <chrono>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include "ddpm/error.h"

namespace ddpm {

namespace {

constexpr int kMaxThreads = 256;
constexpr int kProbeMaxThreads = 8;

/// Seconds per 256x256 matmul at the current thread count: repeats until about 15 ms have
/// passed (at most 16 products) so that a slow BLAS still keeps the whole probe short.
double secondsPerMatmul(const at::Tensor& a, const at::Tensor& b)
{
    using Clock = std::chrono::steady_clock;
    at::Tensor c = at::mm(a, b); // warm-up: thread pool start, BLAS buffers
    const auto start = Clock::now();
    int reps = 0;
    double elapsed = 0.0;
    do {
        c = at::mm(a, c.tanh());
        ++reps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (reps < 16 && elapsed < 0.015);
    return elapsed / reps;
}

} // namespace

void setThreadCount(int threads)
{
    if (threads < 1 || threads > kMaxThreads)
        throw Error("thread count " + std::to_string(threads) + " is outside 1.." +
                    std::to_string(kMaxThreads));
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

    const at::Tensor a = at::rand({256, 256}, at::kFloat);
    const at::Tensor b = at::rand({256, 256}, at::kFloat);
    int best = 1;
    double bestTime = 0.0;
    try {
        for (int n = 1; n <= maxCount; ++n) {
            at::set_num_threads(n);
            const double s = secondsPerMatmul(a, b);
            // More threads must earn their place: at least 5% faster than the best so far.
            if (n == 1 || s < 0.95 * bestTime) {
                best = n;
                bestTime = s;
            }
        }
    } catch (...) {
        at::set_num_threads(before);
        throw;
    }
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

} // namespace ddpm
