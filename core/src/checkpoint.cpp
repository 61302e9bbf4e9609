// The checkpoint file format (see checkpoint.h).
#include "ddpm/checkpoint.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "ddpm/regular_file.h"
#include "json_limits.h"

namespace ddpm {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'D', 'D', 'P', 'M', 'C', 'K', 'P', 'T'};
constexpr char kEndMagic[8] = {'D', 'D', 'P', 'M', 'E', 'N', 'D', '.'};
constexpr std::size_t kPrefixBytes = 16;   // magic, version, header size
constexpr std::size_t kSuffixBytes = 12;   // crc, end magic

void putU32(std::string& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t getU32(const std::string& in, std::size_t at)
{
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
    return v;
}

std::uint32_t crcOf(const char* data, std::size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        const uInt chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
        data += chunk;
        n -= chunk;
    }
    return static_cast<std::uint32_t>(crc);
}

const char* dtypeName(at::ScalarType type)
{
    switch (type) {
    case at::kFloat: return "f32";
    case at::kDouble: return "f64";
    case at::kLong: return "i64";
    case at::kByte: return "u8";
    default: return nullptr;
    }
}

bool dtypeFromName(const std::string& name, at::ScalarType& type)
{
    if (name == "f32") type = at::kFloat;
    else if (name == "f64") type = at::kDouble;
    else if (name == "i64") type = at::kLong;
    else if (name == "u8") type = at::kByte;
    else return false;
    return true;
}

std::string describe(at::ScalarType type, const std::vector<std::int64_t>& shape)
{
    const char* name = dtypeName(type);
    std::string text = std::string(name != nullptr ? name : c10::toString(type)) + " [";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

/// A tensor name from a file as messages show it: quoted, and cut short when long (a
/// crafted header may hold a name of megabytes).
std::string quotedName(const std::string& name)
{
    return "'" + (name.size() <= 64 ? name : name.substr(0, 60) + "...") + "'";
}

/// Another tool's file recognised by its first bytes (at least 16 of them when the file has
/// that many), or null.
const char* foreignFormat(const std::string& prefix, std::uint64_t fileSize)
{
    const auto startsWith = [&](const char* magic, std::size_t n) {
        return prefix.size() >= n && std::memcmp(prefix.data(), magic, n) == 0;
    };
    if (startsWith("PK\x03\x04", 4) || startsWith("PK\x05\x06", 4))
        return "a zip archive (the format of PyTorch's torch.save and TorchScript, whose pickled code runs when"
               " Python loads it)";
    if (prefix.size() >= 2 && static_cast<unsigned char>(prefix[0]) == 0x80 && prefix[1] >= 2 && prefix[1] <= 5)
        return "a Python pickle (an old torch.save file, whose code runs when Python loads it)";
    if (startsWith("\x93NUMPY", 6))
        return "a NumPy .npy array";
    if (startsWith("\x89HDF\r\n\x1a\n", 8))
        return "an HDF5 file";
    if (startsWith("GGUF", 4))
        return "a GGUF model file";
    if (prefix.size() >= 9 && prefix[8] == '{') {
        std::uint64_t n = 0;
        for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(static_cast<unsigned char>(prefix[i])) << (8 * i);
        if (n >= 2 && n <= fileSize - 8)
            return "a safetensors file (what ddpm export writes for other tools)";
    }
    return nullptr;
}

/// The checks the first kPrefixBytes bytes allow, against the file's size: magic (naming a
/// foreign format it knows), format version, and a header size within the limit and the file.
void checkPrefix(const std::string& prefix, std::uint64_t fileSize, const std::string& what)
{
    if (fileSize == 0)
        throw Error(what + " is empty, not a checkpoint");
    if (prefix.size() < 8 || std::memcmp(prefix.data(), kMagic, 8) != 0) {
        if (const char* format = foreignFormat(prefix, fileSize))
            throw Error(what + " is " + format + ", not a DDPM Studio checkpoint; DDPM Studio loads only its own"
                        " .ckpt files (from ddpm train or the Training page), which hold no code");
        throw Error(what + " is not a DDPM Studio checkpoint (it does not start with DDPMCKPT)");
    }
    if (prefix.size() < kPrefixBytes || fileSize < kPrefixBytes + kSuffixBytes)
        throw Error(what + " is truncated (" + std::to_string(fileSize) + " bytes)");
    const std::uint32_t version = getU32(prefix, 8);
    if (version != kCheckpointFormatVersion)
        throw Error(what + " has checkpoint format version " + std::to_string(version) + "; this build reads version "
                    + std::to_string(kCheckpointFormatVersion));
    const std::uint32_t headerBytes = getU32(prefix, 12);
    if (headerBytes > kMaxCheckpointHeader)
        throw Error(what + " claims a header of " + std::to_string(headerBytes) + " bytes, over the limit of "
                    + std::to_string(kMaxCheckpointHeader) + "; the file is corrupt");
    if (fileSize < kPrefixBytes + headerBytes + kSuffixBytes)
        throw Error(what + " is truncated: its header claims " + std::to_string(headerBytes) + " bytes and the file has "
                    + std::to_string(fileSize) + " in all (an interrupted copy or a full disk?)");
}

/// One tensor as the header lists it, checked against the payload.
struct Entry {
    std::string name;
    at::ScalarType type;
    std::vector<std::int64_t> shape;
    std::uint64_t offset;
    std::uint64_t bytes;
};

/// The header's tensor list, every claim checked against a payload of payloadBytes: at most
/// kMaxCheckpointTensors entries with distinct names, a known dtype, at most
/// kMaxCheckpointDims non-negative dimensions whose product cannot overflow, bytes that match
/// the shape, each tensor starting where the previous one ends and the last ending with the
/// payload. So the tensors together take exactly the payload's bytes.
std::vector<Entry> readEntries(const json& list, std::uint64_t payloadBytes, const std::string& what)
{
    if (list.size() > kMaxCheckpointTensors)
        throw Error(what + " lists " + std::to_string(list.size()) + " tensors, more than the limit of "
                    + std::to_string(kMaxCheckpointTensors) + "; the file is corrupt");
    std::vector<Entry> entries;
    std::set<std::string> names;
    std::uint64_t next = 0; // where the next tensor must start
    try {
        for (const json& item : list) {
            Entry e;
            e.name = item.at("name").get<std::string>();
            const std::string tensor = what + ": tensor " + quotedName(e.name);
            if (!dtypeFromName(item.at("dtype").get<std::string>(), e.type))
                throw Error(tensor + " has an unknown dtype");
            const json& shape = item.at("shape");
            if (!shape.is_array() || shape.size() > kMaxCheckpointDims)
                throw Error(tensor + " has a shape that is not a list of at most " + std::to_string(kMaxCheckpointDims)
                            + " dimensions");
            std::uint64_t count = 1;
            for (const json& dim : shape) {
                if (dim.is_number_integer() && !dim.is_number_unsigned())
                    throw Error(tensor + " has a negative dimension");
                if (!dim.is_number_unsigned())
                    throw Error(tensor + " has a dimension that is not a whole number");
                // A zero elsewhere in the shape must not let another dimension be anything.
                const std::uint64_t d = dim.get<std::uint64_t>();
                if (d > static_cast<std::uint64_t>(kMaxCheckpointBytes) || (d > 0 && count > payloadBytes / d))
                    throw Error(tensor + " claims a shape larger than the file");
                count *= d;
                e.shape.push_back(static_cast<std::int64_t>(d));
            }
            const json& offset = item.at("offset");
            const json& bytes = item.at("bytes");
            if (!offset.is_number_unsigned() || !bytes.is_number_unsigned())
                throw Error(tensor + " has an offset or byte count that is not a whole number");
            e.offset = offset.get<std::uint64_t>();
            e.bytes = bytes.get<std::uint64_t>();
            const std::uint64_t elementBytes = c10::elementSize(e.type);
            if (count > payloadBytes / elementBytes || count * elementBytes != e.bytes || e.offset > payloadBytes
                || e.bytes > payloadBytes - e.offset)
                throw Error(tensor + " does not fit the file's payload");
            if (e.offset != next)
                throw Error(tensor + " does not fit the file's payload: it starts at byte " + std::to_string(e.offset)
                            + " where the tensor before it ends at " + std::to_string(next)
                            + " (tensors lie back to back)");
            if (!names.insert(e.name).second)
                throw Error(tensor + " appears twice");
            next += e.bytes;
            entries.push_back(std::move(e));
        }
    } catch (const json::exception&) {
        throw Error(what + " has a malformed tensor list in its header");
    }
    if (next != payloadBytes)
        throw Error(what + " has " + std::to_string(payloadBytes - next)
                    + " bytes after its last tensor that no tensor claims; the file is corrupt");
    return entries;
}

} // namespace

bool CheckpointFile::has(const std::string& name) const
{
    return std::any_of(tensors.begin(), tensors.end(), [&](const auto& p) { return p.first == name; });
}

const at::Tensor& CheckpointFile::tensor(const std::string& name) const
{
    for (const auto& p : tensors)
        if (p.first == name) return p.second;
    throw Error("the checkpoint has no tensor '" + name + "'; it was not written by this version of DDPM Studio");
}

std::string serializeCheckpoint(const CheckpointFile& file)
{
    json header;
    try {
        header["metadata"] = json::parse(file.metadataJson);
    } catch (const json::exception&) {
        throw Error("checkpoint metadata is not valid JSON");
    }
    json list = json::array();
    std::vector<at::Tensor> blobs;
    std::uint64_t offset = 0;
    for (const auto& [name, t] : file.tensors) {
        const char* dtype = dtypeName(t.scalar_type());
        if (dtype == nullptr)
            throw Error("checkpoint tensor '" + name + "' has a dtype the format does not store");
        const at::Tensor c = t.detach().to(at::kCPU).contiguous();
        const std::uint64_t bytes = static_cast<std::uint64_t>(c.numel()) * c.element_size();
        list.push_back({{"name", name}, {"dtype", dtype}, {"shape", c.sizes().vec()},
                        {"offset", offset}, {"bytes", bytes}});
        blobs.push_back(c);
        offset += bytes;
    }
    header["tensors"] = list;
    const std::string headerText = header.dump();

    std::string out;
    out.reserve(kPrefixBytes + headerText.size() + offset + kSuffixBytes);
    out.append(kMagic, 8);
    putU32(out, kCheckpointFormatVersion);
    putU32(out, static_cast<std::uint32_t>(headerText.size()));
    out += headerText;
    for (const at::Tensor& c : blobs)
        out.append(static_cast<const char*>(c.data_ptr()), static_cast<std::size_t>(c.numel()) * c.element_size());
    putU32(out, crcOf(out.data(), out.size()));
    out.append(kEndMagic, 8);
    return out;
}

CheckpointFile parseCheckpoint(const std::string& bytes, const std::string& what)
{
    checkPrefix(bytes, bytes.size(), what);
    const std::uint32_t headerBytes = getU32(bytes, 12);
    if (std::memcmp(bytes.data() + bytes.size() - 8, kEndMagic, 8) != 0)
        throw Error(what + " is truncated: its end marker is missing (an interrupted copy or a full disk?)");
    const std::size_t crcAt = bytes.size() - kSuffixBytes;
    if (crcOf(bytes.data(), crcAt) != getU32(bytes, crcAt))
        throw Error(what + " is corrupt: its checksum does not match (flipped bits or a damaged copy)");

    const std::string_view headerText(bytes.data() + kPrefixBytes, headerBytes);
    requireJsonDepth(headerText, what + "'s header");
    json header;
    try {
        header = json::parse(headerText.begin(), headerText.end());
    } catch (const json::exception&) {
        throw Error(what + " has a header that is not valid JSON");
    }
    if (!header.is_object() || !header.contains("metadata") || !header["metadata"].is_object()
        || !header.contains("tensors") || !header["tensors"].is_array())
        throw Error(what + " has a header without metadata and tensors");

    const std::size_t payloadAt = kPrefixBytes + headerBytes;
    const std::vector<Entry> entries = readEntries(header["tensors"], crcAt - payloadAt, what);
    // Only now, with every claim checked against the payload, is anything allocated.
    CheckpointFile file;
    file.metadataJson = header["metadata"].dump();
    for (const Entry& e : entries) {
        at::Tensor t = at::empty(e.shape, at::TensorOptions().dtype(e.type));
        if (e.bytes > 0) // an empty tensor has no storage: memcpy's pointers must not be null
            std::memcpy(t.data_ptr(), bytes.data() + payloadAt + e.offset, e.bytes);
        file.tensors.emplace_back(e.name, std::move(t));
    }
    return file;
}

void requireTensors(const CheckpointFile& file, const std::vector<TensorSpec>& expected, const std::string& what,
                    const std::string& expectedFrom)
{
    for (const TensorSpec& spec : expected) {
        const auto found = std::find_if(file.tensors.begin(), file.tensors.end(),
                                        [&](const auto& p) { return p.first == spec.name; });
        if (found == file.tensors.end())
            throw Error(what + " lacks the tensor '" + spec.name + "' (" + describe(spec.dtype, spec.shape) + ") that "
                        + expectedFrom + " needs; it is damaged or not from DDPM Studio");
        const at::Tensor& t = found->second;
        if (t.scalar_type() != spec.dtype || t.sizes().vec() != spec.shape)
            throw Error(what + ": tensor '" + spec.name + "' is " + describe(t.scalar_type(), t.sizes().vec())
                        + " where " + expectedFrom + " needs " + describe(spec.dtype, spec.shape)
                        + "; it is for a different architecture, or was altered");
    }
    for (const auto& [name, t] : file.tensors) {
        const bool known = std::any_of(expected.begin(), expected.end(), [&n = name](const TensorSpec& s) { return s.name == n; });
        if (!known)
            throw Error(what + " holds a tensor " + quotedName(name) + " that " + expectedFrom
                        + " does not have; a file DDPM Studio wrote has no extra entries, so it is refused");
    }
}

void writeCheckpoint(const std::string& path, const CheckpointFile& file)
{
    writeFileAtomic(path, serializeCheckpoint(file));
}

CheckpointFile readCheckpoint(const std::string& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error("checkpoint " + path + " not found");
    if (!fs::is_regular_file(path, ec))
        throw Error(path + " is not a regular file, so not a checkpoint");
    const std::string what = "checkpoint " + path;
    RegularFile file(path, kMaxCheckpointBytes, "checkpoint");
    // The first bytes decide before the rest is read: another tool's multi-gigabyte file is
    // refused without reading it, and a header cannot claim more than the file holds.
    std::string prefix(kPrefixBytes, '\0');
    const ssize_t got = ::pread(file.fd(), prefix.data(), prefix.size(), 0);
    if (got < 0)
        throw Error("cannot read " + what + ": " + std::strerror(errno));
    prefix.resize(static_cast<std::size_t>(got));
    checkPrefix(prefix, static_cast<std::uint64_t>(file.size()), what);
    return parseCheckpoint(file.readAll(), what);
}

std::string checkpointFileName(long long step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld.ckpt", step);
    return name;
}

std::vector<std::string> listCheckpoints(const std::string& runDir)
{
    std::vector<std::pair<long long, std::string>> found;
    std::error_code ec;
    const fs::path dir = fs::path(runDir) / "checkpoints";
    if (!fs::is_directory(dir, ec))
        return {};
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() != 18 || name.rfind("step-", 0) != 0 || name.substr(13) != ".ckpt")
            continue;
        const std::string digits = name.substr(5, 8);
        if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        found.emplace_back(std::stoll(digits), entry.path().string());
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> paths;
    for (auto& f : found) paths.push_back(std::move(f.second));
    return paths;
}

void pruneCheckpoints(const std::string& runDir, int keep)
{
    const std::vector<std::string> all = listCheckpoints(runDir);
    const int extra = static_cast<int>(all.size()) - std::max(1, keep);
    for (int i = 0; i < extra; ++i) {
        std::error_code ec;
        fs::remove(all[static_cast<std::size_t>(i)], ec);
    }
}

} // namespace ddpm
