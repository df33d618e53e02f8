#pragma once
// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF. Scenario files must be UTF-8; reports make any byte string UTF-8 before
// writing it (file names and backend messages are bytes, not text).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace snapsim {

enum class Utf8Error {
  kNone,
  kStrayContinuation,  // 0x80..0xBF where a character should start
  kNeverValid,         // 0xF5..0xFF: no character starts with them
  kOverlong,           // a longer form than the code point needs (0xC0, 0xC1, E0 80.., F0 80..)
  kSurrogate,          // U+D800..U+DFFF (ED A0..)
  kTooLarge,           // above U+10FFFF (F4 90..)
  kTruncated,          // a lead byte without all its continuation bytes
};

// What an invalid sequence is, for messages: "overlong encoding".
std::string_view Utf8ErrorText(Utf8Error error);

// One character decoded at `offset` (which must be inside `text`). On an error, `length` is
// the invalid sequence's maximal subpart (Unicode's "substitution of maximal subparts"):
// at least 1, and the bytes to replace with one U+FFFD.
struct Utf8Char {
  char32_t code_point = 0;
  size_t length = 1;
  Utf8Error error = Utf8Error::kNone;
};
Utf8Char DecodeUtf8(std::string_view text, size_t offset);

// The first invalid sequence of `text`, or nullopt when all of it is UTF-8.
struct Utf8Problem {
  size_t offset = 0;  // of the sequence's first byte
  Utf8Error error = Utf8Error::kNone;
};
std::optional<Utf8Problem> FindInvalidUtf8(std::string_view text);

// `text` with each invalid sequence replaced by U+FFFD; valid text comes back unchanged.
std::string ToValidUtf8(std::string_view text);

// U+FFFD REPLACEMENT CHARACTER, encoded.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace snapsim
