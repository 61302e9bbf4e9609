// The safetensors file format (Hugging Face's, read by the Python `safetensors` package and by
// a few lines of numpy): named tensors and a string-to-string metadata map, no code.
//
// Layout:
//   u64 little-endian N     the header's length in bytes (a multiple of 8 here)
//   N bytes of UTF-8 JSON   {"__metadata__": {"key": "value", ...},
//                            "<name>": {"dtype": "F32", "shape": [64, 3], "data_offsets": [begin, end]}, ...}
//                           padded with spaces to N
//   the data buffer         each tensor's bytes, row-major, little-endian, at [begin, end) from
//                           the buffer's start; tensors back to back in the header's order
//                           (no gaps, no overlaps), together covering the buffer exactly
// dtypes: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ddpm {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

/// The file's bytes: tensors (any device and strides; written as their values) in the order
/// given, metadata as "__metadata__" (left out when empty). Throws ddpm::Error for an empty or
/// repeated name, the name "__metadata__", or a dtype the format has no name for.
std::string serializeSafetensors(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata = {});

/// Writes serializeSafetensors' bytes to path atomically (writeFileAtomic); throws ddpm::Error.
void writeSafetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

} // namespace ddpm
