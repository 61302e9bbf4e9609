// Fuzz target: experiment files (`ddpm train --config FILE`, ddpm::parseExperiment), which
// read TrainConfig's JSON and check the data spec, schedule and preset. What it accepts must
// write back (toJson) and parse again to the same settings.
#include "fuzz_support.h"

#include "ddpm/error.h"
#include "ddpm/experiment.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    ddpm::TrainConfig config;
    try {
        config = ddpm::parseExperiment(ddpm::fuzz::bytesOf(data, size), "fuzz.json");
    } catch (const ddpm::Error&) {
        return 0;
    }
    const std::string json = config.toJson();
    DDPM_FUZZ_CHECK(ddpm::parseExperiment(json, "fuzz.json (written back)").toJson() == json);
    return 0;
}
