#include "core/utf8.h"

namespace snapsim {
namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Why a lead byte's second byte falls outside the range that lead allows. Only four leads
// narrow the range: E0 and F0 (below it: overlong), ED (above: surrogate), F4 (above: too
// large); any other out-of-range byte is not a continuation at all.
Utf8Error SecondByteError(unsigned char lead, unsigned char second) {
  if (!IsContinuation(second)) return Utf8Error::kTruncated;
  if (lead == 0xE0 || lead == 0xF0) return Utf8Error::kOverlong;
  if (lead == 0xED) return Utf8Error::kSurrogate;
  return Utf8Error::kTooLarge;  // F4
}

}  // namespace

std::string_view Utf8ErrorText(Utf8Error error) {
  switch (error) {
    case Utf8Error::kNone: return "valid";
    case Utf8Error::kStrayContinuation: return "continuation byte without a lead byte";
    case Utf8Error::kNeverValid: return "byte that never occurs in UTF-8";
    case Utf8Error::kOverlong: return "overlong encoding";
    case Utf8Error::kSurrogate: return "encoded surrogate (U+D800..U+DFFF)";
    case Utf8Error::kTooLarge: return "code point above U+10FFFF";
    case Utf8Error::kTruncated: return "truncated multi-byte sequence";
  }
  return "invalid";
}

Utf8Char DecodeUtf8(std::string_view text, size_t offset) {
  const auto lead = static_cast<unsigned char>(text[offset]);
  if (lead < 0x80) return {lead, 1, Utf8Error::kNone};
  if (lead < 0xC0) return {0, 1, Utf8Error::kStrayContinuation};
  if (lead < 0xC2) return {0, 1, Utf8Error::kOverlong};
  if (lead > 0xF4) return {0, 1, Utf8Error::kNeverValid};
  const size_t continuations = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
  const unsigned char second_min = (lead == 0xE0) ? 0xA0 : (lead == 0xF0) ? 0x90 : 0x80;
  const unsigned char second_max = (lead == 0xED) ? 0x9F : (lead == 0xF4) ? 0x8F : 0xBF;
  char32_t code_point = lead & (0x3F >> continuations);
  for (size_t i = 1; i <= continuations; ++i) {
    if (offset + i >= text.size()) return {0, i, Utf8Error::kTruncated};
    const auto byte = static_cast<unsigned char>(text[offset + i]);
    const unsigned char min = i == 1 ? second_min : 0x80;
    const unsigned char max = i == 1 ? second_max : 0xBF;
    if (byte < min || byte > max) {
      return {0, i, i == 1 ? SecondByteError(lead, byte) : Utf8Error::kTruncated};
    }
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  return {code_point, continuations + 1, Utf8Error::kNone};
}

std::optional<Utf8Problem> FindInvalidUtf8(std::string_view text) {
  for (size_t offset = 0; offset < text.size();) {
    const Utf8Char c = DecodeUtf8(text, offset);
    if (c.error != Utf8Error::kNone) return Utf8Problem{offset, c.error};
    offset += c.length;
  }
  return std::nullopt;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t offset = 0; offset < text.size();) {
    const Utf8Char c = DecodeUtf8(text, offset);
    if (c.error == Utf8Error::kNone) {
      out.append(text.substr(offset, c.length));
    } else {
      out.append(kReplacementCharacter);
    }
    offset += c.length;
  }
  return out;
}

}  // namespace snapsim
