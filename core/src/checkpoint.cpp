// The checkpoint file format (see checkpoint.h).
#include "ddpm/checkpoint.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "ddpm/regular_file.h"

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
    if (bytes.empty())
        throw Error(what + " is empty, not a checkpoint");
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
        throw Error(what + " is not a DDPM Studio checkpoint (it does not start with DDPMCKPT)");
    if (bytes.size() < kPrefixBytes + kSuffixBytes)
        throw Error(what + " is truncated (" + std::to_string(bytes.size()) + " bytes)");
    const std::uint32_t version = getU32(bytes, 8);
    if (version != kCheckpointFormatVersion)
        throw Error(what + " has checkpoint format version " + std::to_string(version) + "; this build reads version "
                    + std::to_string(kCheckpointFormatVersion));
    const std::uint32_t headerBytes = getU32(bytes, 12);
    if (headerBytes > kMaxCheckpointHeader)
        throw Error(what + " claims a header of " + std::to_string(headerBytes) + " bytes, over the limit of "
                    + std::to_string(kMaxCheckpointHeader) + "; the file is corrupt");
    if (std::memcmp(bytes.data() + bytes.size() - 8, kEndMagic, 8) != 0
        || bytes.size() < kPrefixBytes + headerBytes + kSuffixBytes)
        throw Error(what + " is truncated: its end marker is missing (an interrupted copy or a full disk?)");
    const std::size_t crcAt = bytes.size() - kSuffixBytes;
    if (crcOf(bytes.data(), crcAt) != getU32(bytes, crcAt))
        throw Error(what + " is corrupt: its checksum does not match (flipped bits or a damaged copy)");

    json header;
    try {
        header = json::parse(bytes.begin() + kPrefixBytes, bytes.begin() + kPrefixBytes + headerBytes);
    } catch (const json::exception&) {
        throw Error(what + " has a header that is not valid JSON");
    }
    if (!header.is_object() || !header.contains("metadata") || !header["metadata"].is_object()
        || !header.contains("tensors") || !header["tensors"].is_array())
        throw Error(what + " has a header without metadata and tensors");

    CheckpointFile file;
    file.metadataJson = header["metadata"].dump();
    const std::size_t payloadAt = kPrefixBytes + headerBytes;
    const std::uint64_t payloadBytes = crcAt - payloadAt;
    try {
        for (const json& entry : header["tensors"]) {
            const std::string name = entry.at("name").get<std::string>();
            at::ScalarType type;
            if (!dtypeFromName(entry.at("dtype").get<std::string>(), type))
                throw Error(what + ": tensor '" + name + "' has an unknown dtype");
            const std::vector<std::int64_t> shape = entry.at("shape").get<std::vector<std::int64_t>>();
            const std::uint64_t offset = entry.at("offset").get<std::uint64_t>();
            const std::uint64_t size = entry.at("bytes").get<std::uint64_t>();
            // Every size is checked against the file before anything is allocated.
            std::uint64_t count = 1;
            for (std::int64_t d : shape) {
                if (d < 0 || (d > 0 && count > payloadBytes / static_cast<std::uint64_t>(d)))
                    throw Error(what + ": tensor '" + name + "' claims a shape larger than the file");
                count *= static_cast<std::uint64_t>(d);
            }
            const std::uint64_t elementBytes = c10::elementSize(type);
            if (count > payloadBytes / elementBytes || count * elementBytes != size || offset > payloadBytes
                || size > payloadBytes - offset)
                throw Error(what + ": tensor '" + name + "' does not fit the file's payload");
            if (file.has(name))
                throw Error(what + ": tensor '" + name + "' appears twice");
            at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type));
            std::memcpy(t.data_ptr(), bytes.data() + payloadAt + offset, size);
            file.tensors.emplace_back(name, std::move(t));
        }
    } catch (const json::exception&) {
        throw Error(what + " has a malformed tensor list in its header");
    }
    return file;
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
    return parseCheckpoint(readRegularFile(path, kMaxCheckpointBytes, "checkpoint"), "checkpoint " + path);
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
