// Text forms of a NoiseSchedule: the CLI's CSV and JSON (full double precision).
#pragma once

#include <string>

namespace ddpm {

class NoiseSchedule;

/// Header "t,beta,alpha,...,snr" then one row per t = 1..T, each value with 17
/// significant digits so it reads back bit for bit.
std::string scheduleToCsv(const NoiseSchedule& schedule);

/// {"schedule": name, "steps": T, "zero_terminal_snr": bool,
///  "columns": ["t", "beta", ...], "rows": [[1, ...], ...]} with the same columns as CSV.
std::string scheduleToJson(const NoiseSchedule& schedule);

} // namespace ddpm
