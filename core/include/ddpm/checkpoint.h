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
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ddpm {

constexpr std::uint32_t kCheckpointFormatVersion = 1;
constexpr std::uint32_t kMaxCheckpointHeader = 16u << 20;
constexpr long long kMaxCheckpointBytes = 8LL << 30;

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
/// which: not a checkpoint (magic), another format version, truncated, checksum mismatch
/// (corrupt), or a malformed header (a tensor that does not fit, an unknown dtype, ...).
CheckpointFile parseCheckpoint(const std::string& bytes, const std::string& what);

/// Writes atomically; on failure the previous file at path is untouched. Throws ddpm::Error.
void writeCheckpoint(const std::string& path, const CheckpointFile& file);
/// Reads and verifies; throws ddpm::Error (missing, empty, too large, or as parseCheckpoint).
CheckpointFile readCheckpoint(const std::string& path);

/// "step-00001234.ckpt" (8 digits).
std::string checkpointFileName(long long step);
/// DIR/checkpoints/step-*.ckpt, sorted by step, oldest first (names only parsed, not read).
std::vector<std::string> listCheckpoints(const std::string& runDir);
/// Deletes all but the newest keep checkpoints of runDir (keep >= 1).
void pruneCheckpoints(const std::string& runDir, int keep);

} // namespace ddpm
