#include "scenario/size.h"

#include <fmt/format.h>

#include <limits>

namespace snapsim::scenario {
namespace {

struct Suffix {
  std::string_view text;
  int shift;
};
// Largest first, so FormatSize picks the largest exact one.
constexpr Suffix kSuffixes[] = {{"GiB", 30}, {"MiB", 20}, {"KiB", 10}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::variant<uint64_t, std::string> ParseSize(std::string_view text) {
  if (!text.empty() && text.front() == '-') {
    return fmt::format("'{}' is negative", text);
  }
  size_t digits = 0;
  while (digits < text.size() && IsDigit(text[digits])) ++digits;
  if (digits == 0) {
    return fmt::format("'{}' is not a size (an integer of bytes, or with KiB, MiB or GiB)", text);
  }
  std::string_view suffix = text.substr(digits);
  int shift = 0;
  if (!suffix.empty()) {
    bool known = false;
    for (const Suffix& s : kSuffixes) {
      if (suffix == s.text) {
        shift = s.shift;
        known = true;
      }
    }
    if (!known) {
      return fmt::format("'{}' has an unknown suffix '{}' (use KiB, MiB or GiB)", text, suffix);
    }
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (kMax - digit) / 10) return fmt::format("'{}' is too large", text);
    value = value * 10 + digit;
  }
  if (shift > 0 && value > (kMax >> shift)) return fmt::format("'{}' is too large", text);
  return value << shift;
}

std::string FormatSize(uint64_t bytes) {
  if (bytes == 0) return "0";
  for (const Suffix& s : kSuffixes) {
    uint64_t unit = uint64_t{1} << s.shift;
    if (bytes % unit == 0) return fmt::format("{}{}", bytes >> s.shift, s.text);
  }
  return fmt::format("{}", bytes);
}

}  // namespace snapsim::scenario
