// OpenBLAS kernel selection (see blas_kernels.h).
#include "ddpm/blas_kernels.h"

#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <dlfcn.h>
#include <unistd.h>
#endif

namespace ddpm {

std::string blasCoreName()
{
#if defined(__linux__)
    using CoreName = char* (*)();
    // OpenBLAS exports this in every build; it is found through LibTorch's own dependency.
    const auto name = reinterpret_cast<CoreName>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    if (name != nullptr) {
        const char* text = name();
        return text != nullptr ? std::string(text) : std::string();
    }
#endif
    return {};
}

std::string betterBlasCore()
{
    const std::string current = blasCoreName();
    // The generic x86-64 families OpenBLAS falls back to for a CPU model it does not know.
    if (current != "Prescott" && current != "Core2" && current != "Nehalem" && current != "Penryn")
        return {};
#if defined(__x86_64__) && defined(__GNUC__)
    // GCC's checks include the OS's XSAVE state, so a kernel that saves no AVX-512 registers
    // does not get AVX-512 code.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return "Haswell";
#endif
    return {};
}

void selectBlasKernels(char** argv)
{
#if defined(__linux__)
    if (argv == nullptr || argv[0] == nullptr || std::getenv("OPENBLAS_CORETYPE") != nullptr)
        return;
    const std::string core = betterBlasCore();
    if (core.empty())
        return;
    ::setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
    ::execv("/proc/self/exe", argv);
    // Still here: the program keeps the generic kernels (slower, same results).
    ::unsetenv("OPENBLAS_CORETYPE");
#else
    (void)argv;
#endif
}

} // namespace ddpm
