// The sinusoidal timestep embedding the DDPM networks condition on (Transformer-style
// positional encoding applied to the diffusion step t).
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace ddpm {

/// Embeds timesteps t ([B] int64, the paper's 1..T, used as given) into [B, dim] float32 on
/// t's device, as DDPM's reference code does: with half = dim / 2 and frequencies
///   f_i = exp(-ln(10000) * i / (half - 1)),  i = 0..half-1
/// (DDPM's divisor half - 1, so the last frequency is exactly 1/10000; improved DDPM divides
/// by half instead), the first half of the columns holds sin(t * f_i) and the second half
/// cos(t * f_i). dim must be even and at least 4; throws ddpm::Error otherwise or when t is
/// not a 1-D integer tensor.
at::Tensor timestepEmbedding(const at::Tensor& t, std::int64_t dim);

/// [x, timestepEmbedding(t, dim)] as one [B, D + dim] tensor, for x [B, D] and t [B] (one row
/// broadcast over the batch when uniformTimesteps(t)): the input of a network that
/// concatenates time to its data. Equal to the at::cat of the two (a float64 x promotes the
/// embedding, as at::cat does); for float32 on the CPU with no gradient to x it is written in
/// one pass. Throws ddpm::Error on shapes that do not fit.
at::Tensor concatTimestepEmbedding(const at::Tensor& x, const at::Tensor& t, std::int64_t dim);

/// True when t is one timestep expanded over the batch (a 1-D tensor of two or more entries
/// with stride 0, as the samplers pass it): the networks then compute what depends on t
/// (the embedding and its MLP) for one row and broadcast it, with no host sync to find out.
bool uniformTimesteps(const at::Tensor& t);

/// The timesteps a network embeds: t's first entry alone ([1]) when uniformTimesteps(t), else t.
at::Tensor distinctTimesteps(const at::Tensor& t);

} // namespace ddpm
