// Limits on JSON read from files (see json_limits.h).
#include "json_limits.h"

#include "ddpm/error.h"

namespace ddpm {

void requireJsonDepth(std::string_view text, const std::string& what)
{
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : text) {
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                throw Error(what + " nests arrays or objects more than " + std::to_string(kMaxJsonDepth)
                            + " levels deep; no file DDPM Studio reads needs that, so it is refused unread");
        } else if (c == ']' || c == '}') {
            if (depth > 0) --depth;
        }
    }
}

long long wholeNumber(const nlohmann::json& value, long long lo, long long hi, const std::string& what,
                      const std::string& field)
{
    bool fits = false;
    if (value.is_number_unsigned()) { // 0 and up, possibly beyond long long
        const unsigned long long v = value.get<unsigned long long>();
        fits = hi >= 0 && v <= static_cast<unsigned long long>(hi) && (lo <= 0 || v >= static_cast<unsigned long long>(lo));
    } else if (value.is_number_integer()) { // negative
        const long long v = value.get<long long>();
        fits = v >= lo && v <= hi;
    }
    if (!fits)
        throw Error(what + ": " + field + " " + (value.is_number() || value.is_boolean() || value.is_null()
                                                     ? value.dump() : std::string("(a string, list or object)"))
                    + " is not a whole number in " + std::to_string(lo) + ".." + std::to_string(hi));
    return value.get<long long>();
}

} // namespace ddpm
