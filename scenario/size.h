#pragma once
// Sizes and offsets in scenario files: "4096", "64KiB", "1MiB", "2GiB".

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace snapsim::scenario {

// Parses a decimal integer with an optional KiB/MiB/GiB suffix (no sign, no spaces).
// Returns the byte count, or a message saying what is wrong with `text`.
std::variant<uint64_t, std::string> ParseSize(std::string_view text);

// The shortest exact spelling: the largest suffix that divides `bytes` ("1MiB", "1536KiB",
// "1000"). ParseSize(FormatSize(n)) == n for every n.
std::string FormatSize(uint64_t bytes);

}  // namespace snapsim::scenario
