// Text forms of a NoiseSchedule: CSV and JSON with every value at full double precision.
#include "ddpm/schedule_io.h"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "ddpm/schedule.h"

namespace ddpm {

namespace {

/// Shortest-safe text of v with 17 significant digits ("%.17g"), independent of the C locale
/// (a GUI may have set LC_NUMERIC to a comma locale).
void appendDouble(std::string& out, double v)
{
    if (std::isnan(v)) {
        out += "nan";
        return;
    }
    if (std::isinf(v)) {
        out += v < 0 ? "-inf" : "inf";
        return;
    }
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 17);
    out.append(buf, res.ptr);
}

} // namespace

std::string scheduleToCsv(const NoiseSchedule& schedule)
{
    const std::vector<Quantity>& cols = csvQuantities();
    std::string out = "t";
    for (Quantity q : cols) {
        out += ',';
        out += quantityName(q);
    }
    out += '\n';
    const int T = schedule.steps();
    out.reserve(out.size() + static_cast<std::size_t>(T) * cols.size() * 24);
    for (int t = 1; t <= T; ++t) {
        out += std::to_string(t);
        for (Quantity q : cols) {
            out += ',';
            appendDouble(out, schedule.table(q)[static_cast<std::size_t>(t - 1)]);
        }
        out += '\n';
    }
    return out;
}

std::string scheduleToJson(const NoiseSchedule& schedule)
{
    const std::vector<Quantity>& cols = csvQuantities();
    nlohmann::json columns = nlohmann::json::array({"t"});
    for (Quantity q : cols) columns.push_back(quantityName(q));

    // Written by hand around nlohmann's pieces so that each row sits on one line.
    // nlohmann writes doubles with enough digits to round-trip; non-finite values become null.
    std::string out = "{\n";
    out += "  \"schedule\": " + nlohmann::json(schedule.name()).dump() + ",\n";
    out += "  \"steps\": " + std::to_string(schedule.steps()) + ",\n";
    out += std::string("  \"zero_terminal_snr\": ") + (schedule.zeroTerminalSnr() ? "true" : "false") + ",\n";
    out += "  \"columns\": " + columns.dump() + ",\n";
    out += "  \"rows\": [";
    const int T = schedule.steps();
    for (int t = 1; t <= T; ++t) {
        nlohmann::json row = nlohmann::json::array({t});
        for (Quantity q : cols) row.push_back(schedule.table(q)[static_cast<std::size_t>(t - 1)]);
        out += t == 1 ? "\n    " : ",\n    ";
        out += row.dump();
    }
    out += "\n  ]\n}\n";
    return out;
}

} // namespace ddpm
