// Rng: seeded Gaussian and integer draws made on the CPU, then moved to the target device.
#include "ddpm/rng.h"

#include <string>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "ddpm/error.h"

namespace ddpm {

Rng::Rng(std::uint64_t seed) : m_generator(at::make_generator<at::CPUGeneratorImpl>(seed)) {}

at::Tensor Rng::normal(at::IntArrayRef shape, at::ScalarType dtype, c10::Device device)
{
    if (!at::isFloatingType(dtype))
        throw Error(std::string("Rng::normal needs a floating dtype, got ") + c10::toString(dtype));
    // Draw in float32 (or float64 when asked) on the CPU so a seed means the same numbers everywhere.
    const at::ScalarType drawType = dtype == at::kDouble ? at::kDouble : at::kFloat;
    at::Tensor z = at::empty(shape, at::TensorOptions().dtype(drawType).device(at::kCPU));
    z.normal_(0.0, 1.0, m_generator);
    return z.to(device, dtype);
}

at::Tensor Rng::integers(std::int64_t low, std::int64_t high, at::IntArrayRef shape,
                         c10::Device device)
{
    if (high < low)
        throw Error("Rng::integers: empty range [" + std::to_string(low) + ", " +
                    std::to_string(high) + "]");
    at::Tensor z = at::empty(shape, at::TensorOptions().dtype(at::kLong).device(at::kCPU));
    z.random_(low, high + 1, m_generator);
    return z.to(device);
}

} // namespace ddpm
