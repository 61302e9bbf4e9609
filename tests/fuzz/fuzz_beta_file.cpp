// Fuzz target: custom beta files (`--schedule custom:FILE`): the text parser
// (NoiseSchedule::parseBetaText), then the schedule built from what it accepts.
#include "fuzz_support.h"

#include "ddpm/error.h"
#include "ddpm/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text = ddpm::fuzz::bytesOf(data, size);
    std::vector<double> betas;
    try {
        betas = ddpm::NoiseSchedule::parseBetaText(text, "fuzz.txt");
    } catch (const ddpm::Error&) {
        return 0;
    }
    DDPM_FUZZ_CHECK(!betas.empty() && static_cast<long>(betas.size()) <= ddpm::NoiseSchedule::kMaxSteps);
    for (double b : betas)
        DDPM_FUZZ_CHECK(b > 0.0 && b < 1.0);
    try {
        const ddpm::NoiseSchedule schedule = ddpm::NoiseSchedule::fromBetas(betas);
        DDPM_FUZZ_CHECK(schedule.steps() == static_cast<int>(betas.size()));
    } catch (const ddpm::Error&) {
    }
    return 0;
}
