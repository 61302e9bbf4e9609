// Writing safetensors files (see safetensors.h).
#include "ddpm/safetensors.h"

#include <cstdint>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"

namespace ddpm {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors stores little-endian bytes; this writer copies memory");

namespace {

const char* dtypeName(at::ScalarType type)
{
    switch (type) {
    case at::kDouble: return "F64";
    case at::kFloat: return "F32";
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kLong: return "I64";
    case at::kInt: return "I32";
    case at::kShort: return "I16";
    case at::kChar: return "I8";
    case at::kByte: return "U8";
    case at::kBool: return "BOOL";
    default: return nullptr;
    }
}

} // namespace

std::string serializeSafetensors(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata)
{
    // ordered_json keeps the insertion order, so the header lists the tensors as the buffer holds them.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::vector<at::Tensor> values;
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name.empty()) throw Error("a safetensors tensor needs a name");
        if (name == "__metadata__") throw Error("\"__metadata__\" is the safetensors metadata key, not a tensor name");
        if (!names.insert(name).second)
            throw Error("tensor name '" + name + "' appears twice; safetensors names are unique");
        const char* dtype = dtypeName(tensor.scalar_type());
        if (dtype == nullptr)
            throw Error("tensor '" + name + "' has dtype " + std::string(c10::toString(tensor.scalar_type()))
                        + ", which safetensors has no name for");
        values.push_back(tensor.detach().to(at::kCPU).contiguous());
        const std::uint64_t bytes = values.back().nbytes();
        header[name] = {{"dtype", dtype}, {"shape", tensor.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    // A metadata value that is not UTF-8 (a data path in another encoding) gets U+FFFD, not an exception.
    std::string text = header.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    text.append((8 - text.size() % 8) % 8, ' ');

    std::string file(8 + text.size() + offset, '\0');
    const std::uint64_t n = text.size();
    std::memcpy(file.data(), &n, 8);
    std::memcpy(file.data() + 8, text.data(), text.size());
    char* data = file.data() + 8 + text.size();
    for (const at::Tensor& v : values) {
        if (v.nbytes() > 0) std::memcpy(data, v.data_ptr(), v.nbytes());
        data += v.nbytes();
    }
    return file;
}

void writeSafetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

} // namespace ddpm
