// Fuzz target: checkpoint files (ddpm::parseCheckpoint): the magic, version and trailer
// checks, the JSON header, the metadata object and the tensor payload.
//
// Input: a checkpoint without its last 12 bytes (CRC-32 and end magic). The target parses it
// twice: as it is (a file cut short or damaged at the end), and with a correct CRC and end
// magic appended, so that mutations of the header and payload get past the checksum. What
// parses must serialise and parse back to the same tensors and metadata.
#include "fuzz_support.h"

#include <cstring>

#include <zlib.h>

#include "ddpm/checkpoint.h"
#include "ddpm/error.h"

namespace {

std::string withTrailer(const std::string& body)
{
    const std::uint32_t crc = static_cast<std::uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    std::string out = body;
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF)); // little-endian
    out += "DDPMEND.";
    return out;
}

bool sameBytes(const at::Tensor& a, const at::Tensor& b)
{
    return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes()
        && (a.numel() == 0 || std::memcmp(a.data_ptr(), b.data_ptr(), a.numel() * a.element_size()) == 0);
}

void parseAndCheck(const std::string& bytes)
{
    ddpm::CheckpointFile file;
    try {
        file = ddpm::parseCheckpoint(bytes, "checkpoint fuzz.ckpt");
    } catch (const ddpm::Error&) {
        return;
    }
    const ddpm::CheckpointFile again
        = ddpm::parseCheckpoint(ddpm::serializeCheckpoint(file), "checkpoint fuzz.ckpt (written back)");
    DDPM_FUZZ_CHECK(again.metadataJson == file.metadataJson);
    DDPM_FUZZ_CHECK(again.tensors.size() == file.tensors.size());
    for (std::size_t i = 0; i < file.tensors.size(); ++i) {
        DDPM_FUZZ_CHECK(again.tensors[i].first == file.tensors[i].first);
        DDPM_FUZZ_CHECK(sameBytes(again.tensors[i].second, file.tensors[i].second));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string body = ddpm::fuzz::bytesOf(data, size);
    parseAndCheck(body);
    parseAndCheck(withTrailer(body));
    return 0;
}
