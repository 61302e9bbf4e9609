// Checkpoint files: one versioned, self-describing file of named tensors and a JSON metadata
// object, with a CRC-32 of everything before it. No pickle, no TorchScript: loading reads
// numbers and JSON only, so a file from a stranger cannot run code.
//
// Layout (little-endian):
//   "DDPMCKPT"                 8 bytes magic
//   u32 format version         kCheckpointFormatVersion
//   u32 header bytes H         at most kMaxCheckpointHeader
//   H bytes of JSON            {"metadata": {...}, "tensors": [{"name", "dtype", "shape", "offset", "bytes"}]}
//   payload                    the tensors' bytes, at their offsets from the payload's start
//   u32 CRC-32                 of every byte above (zlib's crc32)
//   "DDPMEND."                 8 bytes end magic
// Writing serialises into memory first, then writeFileAtomic (temporary file, fsync, rename).
//
// Reading a file from a stranger (docs/RELIABILITY.md, "Hostile files"): the first 16 bytes
// are checked before the rest is read (magic, version, header size against the file's size;
// another tool's format is named: a PyTorch zip or pickle, safetensors, NumPy); the header's
// nesting depth is capped before it is parsed; every entry's dtype, rank, shape (no negative
// dimension, no product that overflows) and bytes are checked, and the tensors must lie back
// to back and fill the payload exactly, all before the first tensor is allocated, so what is
// allocated never exceeds the file's own size. What the tensors must be for a training run
// (names, dtypes, shapes from the network in the metadata) is requireTensors' job
// (training_checkpoint.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ddpm {

constexpr std::uint32_t kCheckpointFormatVersion = 1;
constexpr std::uint32_t kMaxCheckpointHeader = 16u << 20;
constexpr long long kMaxCheckpointBytes = 8LL << 30;
/// Most tensors a header may list (a training checkpoint holds 9).
constexpr std::size_t kMaxCheckpointTensors = 1024;
/// Most dimensions a tensor may have.
constexpr std::size_t kMaxCheckpointDims = 8;

struct CheckpointFile {
    std::string metadataJson = "{}";                            ///< a JSON object
    std::vector<std::pair<std::string, at::Tensor>> tensors;    ///< float32/64, int64 or uint8, CPU

    /// The tensor of that name; throws ddpm::Error naming the file's purpose when missing.
    const at::Tensor& tensor(const std::string& name) const;
    bool has(const std::string& name) const;
};

/// The file's bytes (what writeCheckpoint stores).
std::string serializeCheckpoint(const CheckpointFile& file);
/// Parses and verifies bytes; what names the file in messages. Throws ddpm::Error saying
/// which: not a checkpoint (magic; "... is a safetensors file, not a DDPM Studio checkpoint"
/// for a format it knows), another format version, truncated, checksum mismatch (corrupt),
/// or a malformed header (too deep, too many tensors, a tensor that does not fit, an
/// unknown dtype, a gap or overlap in the payload, ...).
CheckpointFile parseCheckpoint(const std::string& bytes, const std::string& what);

/// Writes atomically; on failure the previous file at path is untouched. Throws ddpm::Error.
void writeCheckpoint(const std::string& path, const CheckpointFile& file);
/// Reads and verifies; throws ddpm::Error (missing, empty, too large, or as parseCheckpoint).
CheckpointFile readCheckpoint(const std::string& path);

/// One tensor a checkpoint must hold: its name, dtype and shape.
struct TensorSpec {
    std::string name;
    at::ScalarType dtype;
    std::vector<std::int64_t> shape;
};

/// Throws ddpm::Error "<what> ..." naming the tensor unless file holds exactly the tensors of
/// expected (any order): one that is missing, one of another dtype or shape ("tensor 'ema'
/// is f32 [12] where <expectedFrom> needs f32 [37762]"), or one that is not expected (extra
/// entries are refused, not ignored: a file this build wrote never has them).
void requireTensors(const CheckpointFile& file, const std::vector<TensorSpec>& expected, const std::string& what,
                    const std::string& expectedFrom);

/// "step-00001234.ckpt" (8 digits).
std::string checkpointFileName(long long step);
/// DIR/checkpoints/step-*.ckpt, sorted by step, oldest first (names only parsed, not read).
std::vector<std::string> listCheckpoints(const std::string& runDir);
/// Deletes all but the newest keep checkpoints of runDir (keep >= 1).
void pruneCheckpoints(const std::string& runDir, int keep);

} // namespace ddpm
