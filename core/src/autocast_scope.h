// Mixed precision for one forward pass: bf16 autocast on the tensor's device while the scope
// lives. Convolutions and matrix products run in bfloat16 (oneDNN uses AVX512-BF16 and AMX
// where the CPU has them); normalisations, softmax and losses stay in float32 as torch's
// autocast lists say. Thread-local, so it touches only the calling thread.
#pragma once

#include <ATen/autocast_mode.h>
#include <c10/core/Device.h>
#include <torch/version.h>

namespace ddpm {

class AutocastScope {
public:
    AutocastScope(bool enabled, const c10::Device& device)
        : m_enabled(enabled), m_cuda(device.is_cuda())
    {
        if (!m_enabled) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        const c10::DeviceType type = m_cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
        m_was = at::autocast::is_autocast_enabled(type);
        m_dtype = at::autocast::get_autocast_dtype(type);
        at::autocast::set_autocast_dtype(type, at::kBFloat16);
        at::autocast::set_autocast_enabled(type, true);
#else
        m_was = m_cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
        m_dtype = m_cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
        if (m_cuda) {
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
            at::autocast::set_enabled(true);
        } else {
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
            at::autocast::set_cpu_enabled(true);
        }
#endif
        at::autocast::increment_nesting();
    }
    ~AutocastScope()
    {
        if (!m_enabled) return;
        // The weights' bf16 copies are cached for the pass; drop them when it ends.
        if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        const c10::DeviceType type = m_cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
        at::autocast::set_autocast_enabled(type, m_was);
        at::autocast::set_autocast_dtype(type, m_dtype);
#else
        if (m_cuda) {
            at::autocast::set_enabled(m_was);
            at::autocast::set_autocast_gpu_dtype(m_dtype);
        } else {
            at::autocast::set_cpu_enabled(m_was);
            at::autocast::set_autocast_cpu_dtype(m_dtype);
        }
#endif
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_enabled;
    bool m_cuda;
    bool m_was = false;
    at::ScalarType m_dtype = at::kBFloat16;
};

} // namespace ddpm
