// Where and how core computes: the torch thread count and the device.
#pragma once

#include <string>

#include <c10/core/Device.h>

namespace ddpm {

/// Sets torch's intra-op thread count (1..256). Throws ddpm::Error outside that range.
void setThreadCount(int threads);
/// Torch's current intra-op thread count.
int threadCount();
/// A short timed probe (about 0.3 s at 2 cores): the mean time per step of GroupNorm, SiLU, an
/// attention-like batched matrix product and a convolution's matrix product (im2col columns
/// times filters, through the BLAS), at 1 thread
/// and at every count up to the hardware's (at most 8), best of three rounds each; returns the
/// fastest count, where more threads must be at least 10% faster to win. Leaves the count as it
/// found it. It runs no convolution: oneDNN fixes its thread team at the process's first one,
/// so the count should be set before any convolution runs. Conservative on purpose: with
/// another process busy on the cores, extra OpenMP threads can make work 5-20 times slower,
/// and the mean sees those stalls (docs/PERFORMANCE.md).
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
