// Fuzz target: the model description a checkpoint and config.json carry
// (ddpm::ModelConfig::fromJson). What it accepts must write back and read back the same.
#include "fuzz_support.h"

#include "ddpm/error.h"
#include "ddpm/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ddpm::ModelConfig config;
    try {
        config = ddpm::ModelConfig::fromJson(ddpm::fuzz::bytesOf(data, size));
    } catch (const ddpm::Error&) {
        return 0;
    }
    const std::string json = config.toJson();
    DDPM_FUZZ_CHECK(ddpm::ModelConfig::fromJson(json).toJson() == json);
    return 0;
}
