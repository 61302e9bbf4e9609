// Which matrix-multiply kernels the BLAS library under LibTorch uses.
//
// Debian's OpenBLAS 0.3.21 picks its kernels by CPU model when it loads, and a model it does
// not know (Sapphire Rapids, for one) gets the generic SSE3 "Prescott" kernels: a 256 x 128 x
// 128 float product then runs 5.4 times slower than with the AVX-512 ones the CPU has. The
// choice is made in the library's constructor, before main(), so the only way to change it
// from inside the program is to start again with OPENBLAS_CORETYPE set (docs/PERFORMANCE.md).
#pragma once

#include <string>

namespace ddpm {

/// The kernel family the loaded OpenBLAS uses ("SkylakeX", "Prescott", ...), or "" when the
/// BLAS is not OpenBLAS (MKL in pip's LibTorch, say).
std::string blasCoreName();

/// The OpenBLAS kernel family this CPU can run that is better than the generic fallback the
/// library chose, or "" when there is nothing to gain: the BLAS is not OpenBLAS, it already
/// uses a specific family, or the CPU (and the OS's saved register state) has no AVX2.
std::string betterBlasCore();

/// Called first in main(): when betterBlasCore() names a family and the user has not set
/// OPENBLAS_CORETYPE, sets it and re-executes the program with the same arguments (Linux
/// only; the process keeps its id, its standard streams and its arguments). Returns normally
/// when there is nothing to do or the re-execution fails.
void selectBlasKernels(char** argv);

} // namespace ddpm
