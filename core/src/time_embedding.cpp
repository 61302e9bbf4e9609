// Sinusoidal timestep embedding (see time_embedding.h for the formula).
#include "ddpm/time_embedding.h"

#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "ddpm/error.h"

namespace ddpm {

at::Tensor timestepEmbedding(const at::Tensor& t, std::int64_t dim)
{
    if (dim < 4 || dim % 2 != 0)
        throw Error("time embedding size " + std::to_string(dim) + " must be even and at least 4");
    if (!t.defined() || t.dim() != 1 || !at::isIntegralType(t.scalar_type(), /*includeBool=*/false))
        throw Error("timesteps must be a 1-D integer tensor [B]");

    const std::int64_t half = dim / 2;
    const auto opts = at::TensorOptions().dtype(at::kDouble).device(t.device());
    // Frequencies and phases in float64 (t up to a few thousand times f_0 = 1 keeps full
    // precision there), the result in float32 for the network.
    const at::Tensor freqs = at::exp(at::arange(half, opts) * (-std::log(10000.0) / static_cast<double>(half - 1)));
    const at::Tensor args = t.to(at::kDouble).unsqueeze(1) * freqs.unsqueeze(0);
    return at::cat({at::sin(args), at::cos(args)}, 1).to(at::kFloat);
}

bool uniformTimesteps(const at::Tensor& t)
{
    return t.defined() && t.dim() == 1 && t.size(0) > 1 && t.stride(0) == 0;
}

at::Tensor distinctTimesteps(const at::Tensor& t)
{
    return uniformTimesteps(t) ? t.narrow(0, 0, 1) : t;
}

} // namespace ddpm
