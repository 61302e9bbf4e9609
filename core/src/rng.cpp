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

at::Tensor Rng::categorical(const at::Tensor& p, std::int64_t n)
{
    if (!p.defined() || p.dim() != 1 || p.numel() == 0)
        throw Error("Rng::categorical needs a 1-D tensor of probabilities");
    return at::multinomial(p.to(at::kCPU, at::kDouble), n, /*replacement=*/true, m_generator);
}

at::Tensor Rng::permutation(std::int64_t n)
{
    return at::randperm(n, m_generator, at::TensorOptions().dtype(at::kLong));
}

at::Tensor Rng::state() const
{
    return m_generator.get_state();
}

void Rng::setState(const at::Tensor& state)
{
    const at::Tensor mine = m_generator.get_state();
    if (!state.defined() || state.numel() != mine.numel() || state.scalar_type() != mine.scalar_type())
        throw Error("a random generator state of " + std::to_string(state.defined() ? state.numel() : 0)
                    + " bytes does not fit this build's generator (" + std::to_string(mine.numel()) + " bytes)");
    m_generator.set_state(state.contiguous());
}

} // namespace ddpm
