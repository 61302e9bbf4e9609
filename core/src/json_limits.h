// Limits on JSON read from files that may come from a stranger.
//
// Nesting: nlohmann's parser is iterative, but copying, dumping and comparing a parsed value
// recurse once per level, so a file of a few megabytes of "[[[[..." would overflow the stack
// long after parsing succeeded. Files this project reads (checkpoint headers, experiments,
// model configs) nest a few levels deep; anything deeper is refused before it is parsed.
//
// Numbers: nlohmann's get<long long>() of a float or of an integer beyond the type casts to
// nonsense (undefined behaviour for a float out of range); wholeNumber checks first.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ddpm {

/// The deepest nesting of arrays and objects accepted in a JSON file (a checkpoint header
/// nests 4 levels, an experiment 1).
constexpr int kMaxJsonDepth = 64;

/// Throws ddpm::Error "<what> nests arrays or objects more than 64 levels deep; ..." when
/// text's brackets (outside strings) nest deeper than kMaxJsonDepth. Scans the text once and
/// allocates nothing; malformed JSON is left for the parser to report.
void requireJsonDepth(std::string_view text, const std::string& what);

/// value as a whole number in lo..hi; throws ddpm::Error "<what>: <field> <value> is not a
/// whole number in lo..hi" for anything else (a float, a string, a number out of range).
long long wholeNumber(const nlohmann::json& value, long long lo, long long hi, const std::string& what,
                      const std::string& field);

} // namespace ddpm
