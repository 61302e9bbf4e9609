// Where and how core computes: the torch thread count and the device.
#pragma once

#include <string>

#include <c10/core/Device.h>

namespace ddpm {

/// Sets torch's intra-op thread count (1..256). Throws ddpm::Error outside that range.
void setThreadCount(int threads);
/// Torch's current intra-op thread count.
int threadCount();
/// Whether core's own `at::parallel_for` loops (the fused GroupNorm, SiLU) split their range
/// over the calling thread's count, at 2 threads: false when core was built without the OpenMP
/// that LibTorch's OpenMP backend needs in the caller's code (core/CMakeLists.txt).
bool parallelLoopsSplit();
/// A short timed probe (about 0.4 s at 2 cores): the mean time per step of a small training
/// step shaped like the UNet's commonest block (a channels-last 3 x 3 convolution, GroupNorm
/// and SiLU, forward and backward), in two blocks for each of 1, 2, 4, ... threads and the
/// hardware's count (at most 8), each block after a short warm-up; returns the most threads
/// unless fewer are at least 10% faster. Runs on a thread of its own and leaves the caller's
/// count, OpenMP team and heap as they were (probing on the caller's thread left its 2-thread
/// training about 15% slower). Under contention
/// (another process busy on the cores) extra OpenMP threads are many times slower, and the
/// mean sees that (docs/PERFORMANCE.md).
int probeThreadCount();

/// Process set-up for tensor work, called once at the start of main(): keeps large freed
/// blocks in the heap instead of handing them back to the kernel at every free (glibc's
/// mallopt). Without it, evaluating the bound of a 451 x 300 image spent more time in the
/// kernel than computing (10.6 s of 19.6 s). A no-op on other C libraries.
void configureAllocator();

/// "cuda" when a CUDA device is usable and preference allows it, else "cpu".
/// preference: "auto", "cpu" or "cuda" (throws ddpm::Error for "cuda" without one).
c10::Device pickDevice(const std::string& preference = "auto");
/// For status bars (UTF-8): e.g. "CPU · 2 threads" or "CUDA device 0 · 16 threads on the CPU".
std::string runtimeDescription(const c10::Device& device);
/// The LibTorch version the program was built against, e.g. "1.13.0" (for About boxes).
std::string libtorchVersion();

} // namespace ddpm
