// Files crafted for the tests of what readers refuse: a checkpoint whose header claims
// anything (with a valid CRC-32, so only the claims are wrong), and a stored (uncompressed)
// zip archive, the container of PyTorch's torch.save and TorchScript files.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ddpm::test {

/// CRC-32 as zlib computes it (reflected polynomial 0xEDB88320), for crafted files.
inline std::uint32_t crc32Of(const std::string& bytes)
{
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char c : bytes) {
        crc ^= c;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

inline void putLittleEndian(std::string& out, std::uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

/// A checkpoint file (checkpoint.h's layout, format version 1) with this header text and
/// payload, and a checksum that matches.
inline std::string craftedCheckpoint(const std::string& header, const std::string& payload)
{
    std::string out = "DDPMCKPT";
    putLittleEndian(out, 1, 4);
    putLittleEndian(out, header.size(), 4);
    out += header + payload;
    putLittleEndian(out, crc32Of(out), 4);
    return out + "DDPMEND.";
}

/// A zip archive holding these (name, content) entries uncompressed, as Python's zipfile
/// writes with ZIP_STORED (what torch.save uses).
inline std::string storedZip(const std::vector<std::pair<std::string, std::string>>& entries)
{
    std::string out, directory;
    for (const auto& [name, data] : entries) {
        const std::uint64_t offset = out.size();
        const std::uint32_t crc = crc32Of(data);
        std::string common;                           // version, flags, method, time, date, crc, sizes, name length
        putLittleEndian(common, 20, 2);
        putLittleEndian(common, 0, 2);
        putLittleEndian(common, 0, 2);                // stored
        putLittleEndian(common, 0, 4);
        putLittleEndian(common, crc, 4);
        putLittleEndian(common, data.size(), 4);
        putLittleEndian(common, data.size(), 4);
        putLittleEndian(common, name.size(), 2);
        out += std::string("PK\x03\x04", 4) + common;
        putLittleEndian(out, 0, 2);                   // extra length
        out += name + data;
        directory += std::string("PK\x01\x02", 4);
        putLittleEndian(directory, 20, 2);            // made by
        directory += common;
        putLittleEndian(directory, 0, 2 + 2 + 2 + 2); // extra, comment, disk, internal attributes
        putLittleEndian(directory, 0, 4);             // external attributes
        putLittleEndian(directory, offset, 4);
        directory += name;
    }
    const std::uint64_t directoryAt = out.size();
    out += directory + std::string("PK\x05\x06", 4);
    putLittleEndian(out, 0, 4);                       // disk numbers
    putLittleEndian(out, entries.size(), 2);
    putLittleEndian(out, entries.size(), 2);
    putLittleEndian(out, directory.size(), 4);
    putLittleEndian(out, directoryAt, 4);
    putLittleEndian(out, 0, 2);                       // comment length
    return out;
}

} // namespace ddpm::test
