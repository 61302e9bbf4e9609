// Sinusoidal timestep embedding (see time_embedding.h for the formula).
#include "ddpm/time_embedding.h"

#include <cmath>
#include <string>

#include <ATen/ATen.h>

#include "ddpm/error.h"

namespace ddpm {

namespace {

void checkArguments(const at::Tensor& t, std::int64_t dim)
{
    if (dim < 4 || dim % 2 != 0)
        throw Error("time embedding size " + std::to_string(dim) + " must be even and at least 4");
    if (!t.defined() || t.dim() != 1 || !at::isIntegralType(t.scalar_type(), /*includeBool=*/false))
        throw Error("timesteps must be a 1-D integer tensor [B]");
}

/// f_i = exp(-ln(10000) i / (half - 1)), [half] float64 on device.
at::Tensor frequencies(std::int64_t half, c10::Device device)
{
    const auto opts = at::TensorOptions().dtype(at::kDouble).device(device);
    return at::exp(at::arange(half, opts) * (-std::log(10000.0) / static_cast<double>(half - 1)));
}

/// The tensor expression of the embedding (any device): sin and cos of t * f_i in float64.
at::Tensor embeddingByTensors(const at::Tensor& t, std::int64_t half)
{
    const at::Tensor args = t.to(at::kDouble).unsqueeze(1) * frequencies(half, t.device()).unsqueeze(0);
    return at::cat({at::sin(args), at::cos(args)}, 1).to(at::kFloat);
}

/// On the CPU, [2, B, half] float64: sin, then cos, of the phases t * f_i. The frequencies are
/// embeddingByTensors' own and the phases the same float64 products, written in one pass; sin
/// and cos are ATen's kernels, so the values match the tensor expression to the bit.
at::Tensor sinCosOnCpu(const at::Tensor& t, std::int64_t half)
{
    const at::Tensor freqs = frequencies(half, at::kCPU);
    const double* f = freqs.data_ptr<double>();
    const at::Tensor ts = t.to(at::kLong);
    const auto tv = ts.accessor<std::int64_t, 1>();
    const std::int64_t rows = t.size(0);
    at::Tensor args = at::empty({rows, half}, at::TensorOptions().dtype(at::kDouble));
    double* a = args.data_ptr<double>();
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t i = 0; i < half; ++i)
            a[r * half + i] = static_cast<double>(tv[r]) * f[i];
    at::Tensor sinCos = at::empty({2, rows, half}, args.options());
    at::Tensor sines = sinCos[0], cosines = sinCos[1];
    at::sin_out(sines, args);
    at::cos_out(cosines, args);
    return sinCos;
}

/// Row r of the embedding from sinCosOnCpu's buffer (rows of half) into dst[0..2 half).
void writeRow(const double* sinCos, std::int64_t rows, std::int64_t half, std::int64_t r, float* dst)
{
    for (std::int64_t i = 0; i < half; ++i) {
        dst[i] = static_cast<float>(sinCos[r * half + i]);
        dst[half + i] = static_cast<float>(sinCos[(rows + r) * half + i]);
    }
}

} // namespace

at::Tensor timestepEmbedding(const at::Tensor& t, std::int64_t dim)
{
    checkArguments(t, dim);
    // Frequencies and phases in float64 (t up to a few thousand times f_0 = 1 keeps full
    // precision there), the result in float32 for the network.
    const std::int64_t half = dim / 2, rows = t.size(0);
    if (!t.is_cpu())
        return embeddingByTensors(t, half);
    const at::Tensor sinCos = sinCosOnCpu(t, half);
    at::Tensor out = at::empty({rows, dim}, at::TensorOptions().dtype(at::kFloat));
    for (std::int64_t r = 0; r < rows; ++r)
        writeRow(sinCos.data_ptr<double>(), rows, half, r, out.data_ptr<float>() + r * dim);
    return out;
}

at::Tensor concatTimestepEmbedding(const at::Tensor& x, const at::Tensor& t, std::int64_t dim)
{
    checkArguments(t, dim);
    if (!x.defined() || x.dim() != 2)
        throw Error("the input a time embedding is concatenated to must be [B, D]");
    const at::Tensor distinct = distinctTimesteps(t);
    const std::int64_t batch = x.size(0), width = x.size(1), half = dim / 2, rows = distinct.size(0);
    if (rows != batch && rows != 1)
        throw Error("timesteps must be [B] with B = " + std::to_string(batch));
    if (!x.is_cpu() || !t.is_cpu() || x.scalar_type() != at::kFloat || x.requires_grad())
        return at::cat({x, timestepEmbedding(distinct, dim).to(x.device()).expand({batch, dim})}, 1);
    // float32 on the CPU, no gradient to x: x and the embedding written into the rows in one pass.
    const at::Tensor sinCos = sinCosOnCpu(distinct, half);
    const at::Tensor xc = x.contiguous();
    const float* in = xc.data_ptr<float>();
    at::Tensor out = at::empty({batch, width + dim}, x.options());
    float* o = out.data_ptr<float>();
    for (std::int64_t b = 0; b < batch; ++b) {
        float* row = o + b * (width + dim);
        for (std::int64_t j = 0; j < width; ++j)
            row[j] = in[b * width + j];
        writeRow(sinCos.data_ptr<double>(), rows, half, rows == 1 ? 0 : b, row + width);
    }
    return out;
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
