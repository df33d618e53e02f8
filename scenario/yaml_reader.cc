#include "scenario/yaml_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "scenario/size.h"
#include "scenario/spelling.h"

namespace snapsim::scenario::internal {
namespace {

bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string joined;
  for (const std::string& word : words) joined += (joined.empty() ? "" : ", ") + word;
  return joined;
}

}  // namespace

std::string_view DescribeNode(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kMap: return "a mapping";
    case YamlNode::Kind::kSequence: return "a list";
    case YamlNode::Kind::kScalar: return "a scalar";
    default: return "nothing";
  }
}

const YamlNode& NullNode() {
  static const YamlNode kNull;
  return kNull;
}

const Entry* FindEntry(const std::vector<Entry>& entries, std::string_view key) {
  for (const Entry& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

SourceLocation YamlReader::Where(const YAML::Mark& mark) const {
  if (mark.is_null()) return SourceLocation{file_, 1, 1};
  // yaml-cpp counts decoded characters and can point past a line holding NUL bytes (found
  // by libFuzzer; invalid UTF-8, the other case, never reaches it now): keep the position
  // inside the text.
  const size_t line =
      std::min(static_cast<size_t>(std::max(mark.line, 0)), lines_.line_count() - 1);
  const int column_max = static_cast<int>(lines_.LineEnd(line) - lines_.LineStart(line)) + 1;
  return SourceLocation{file_, static_cast<int>(line) + 1,
                        std::clamp(mark.column + 1, 1, column_max)};
}

SourceLocation YamlReader::WhereByte(size_t offset) const {
  const TextPosition position = lines_.At(offset);
  return SourceLocation{file_, position.line, position.column};
}

void YamlReader::Fail(const YAML::Mark& mark, std::string message) const {
  throw LoadFailure{LoadError{Where(mark), std::move(message)}};
}

void YamlReader::Report(const YAML::Mark& mark, std::string message) const {
  if (sink_ == nullptr) Fail(mark, std::move(message));
  Record(LoadError{Where(mark), std::move(message)});
}

void YamlReader::ReportAt(const SourceLocation& where, std::string message) const {
  LoadError error{where, std::move(message)};
  if (sink_ == nullptr) throw LoadFailure{std::move(error)};
  Record(std::move(error));
}

void YamlReader::Record(LoadError error) const {
  sink_->push_back(std::move(error));
  if (sink_->size() >= limit_) throw TooManyErrors{};
}

Value YamlReader::ValueOf(const YamlNode& node) const {
  YAML::Mark mark = node.mark;
  if (!node.IsNull() || mark.is_null() || mark.pos <= 0 ||
      static_cast<size_t>(mark.pos) > text_.size()) {
    return Value{&node, mark};
  }
  // An empty item is marked at the next token; blame the `-` or `,` before it instead.
  size_t pos = static_cast<size_t>(mark.pos);
  while (pos > 0 && (text_[pos - 1] == ' ' || text_[pos - 1] == '\t' || text_[pos - 1] == '\n' ||
                     text_[pos - 1] == '\r')) {
    --pos;
  }
  if (pos == 0 || (text_[pos - 1] != '-' && text_[pos - 1] != ',')) return Value{&node, mark};
  const size_t at = pos - 1;
  const TextPosition position = lines_.At(at);
  YAML::Mark dash;
  dash.pos = static_cast<int>(at);
  dash.line = position.line - 1;
  dash.column = position.column - 1;
  return Value{&node, dash};
}

void YamlReader::RequireMap(const Value& value, std::string_view what) const {
  if (!value.node->IsMap()) {
    Fail(value.mark,
         fmt::format("{} must be a mapping, found {}", what, DescribeNode(*value.node)));
  }
}

std::vector<Entry> YamlReader::Entries(const Value& map, const std::vector<std::string>& allowed,
                                       std::string_view what) const {
  RequireMap(map, what);
  std::vector<Entry> entries;
  for (size_t i = 0; i + 1 < map.node->items.size(); i += 2) {
    const YamlNode& key = map.node->items[i];
    const YamlNode& node = map.node->items[i + 1];
    if (!key.IsScalar()) {
      Report(key.mark, fmt::format("a key in {} must be a word", what));
      continue;
    }
    const std::string& name = key.scalar;
    bool known = false;
    for (const std::string& word : allowed) known = known || word == name;
    if (!known) {
      std::string hint = DidYouMean(name, allowed);
      if (hint.empty()) hint = fmt::format(" in {} (valid: {})", what, JoinWords(allowed));
      Report(key.mark, fmt::format("unknown key '{}'{}", name, hint));
      continue;
    }
    if (FindEntry(entries, name) != nullptr) {
      Report(key.mark, fmt::format("duplicate key '{}' in {}", name, what));
      continue;
    }
    Value value = node.IsNull() ? Value{&node, key.mark} : ValueOf(node);
    entries.push_back(Entry{name, key.mark, value});
  }
  return entries;
}

std::vector<Value> YamlReader::Items(const Value& list, std::string_view what) const {
  if (!list.node->IsSequence()) {
    Fail(list.mark, fmt::format("{} must be a list, found {}", what, DescribeNode(*list.node)));
  }
  std::vector<Value> items;
  for (const YamlNode& item : list.node->items) items.push_back(ValueOf(item));
  return items;
}

std::string YamlReader::Text(const Value& value, std::string_view what) const {
  if (!value.node->IsScalar()) {
    Fail(value.mark, fmt::format("{} must be a string, found {}", what, DescribeNode(*value.node)));
  }
  return value.node->scalar;
}

std::string YamlReader::Name(const Value& value, std::string_view what) const {
  if (value.node->IsNull()) Fail(value.mark, fmt::format("{} is missing", what));
  std::string name = Text(value, what);
  if (name.empty()) Fail(value.mark, fmt::format("{} must not be empty", what));
  if (HasControlCharacter(name)) {
    Fail(value.mark, fmt::format("{} must not contain control characters", what));
  }
  return name;
}

bool YamlReader::Bool(const Value& value, std::string_view what) const {
  std::string word = value.node->IsScalar() ? value.node->scalar : std::string();
  if (word == "true" || word == "yes") return true;
  if (word == "false" || word == "no") return false;
  Fail(value.mark, fmt::format("{} must be true, false, yes or no", what));
}

uint64_t YamlReader::Size(const Value& value, std::string_view what) const {
  std::string text = Text(value, what);
  auto parsed = ParseSize(text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    Fail(value.mark, fmt::format("{} {}", what, *message));
  }
  return std::get<uint64_t>(parsed);
}

uint64_t YamlReader::Integer(const Value& value, std::string_view what, uint64_t max) const {
  std::string text = Text(value, what);
  bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  std::string_view digits = std::string_view(text).substr(hex ? 2 : 0);
  const uint64_t base = hex ? 16 : 10;
  uint64_t number = 0;
  bool ok = !digits.empty();
  for (char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) {
      ok = false;
      break;
    }
    if (static_cast<uint64_t>(digit) > max ||
        number > (max - static_cast<uint64_t>(digit)) / base) {
      Fail(value.mark, fmt::format("{} '{}' is larger than {}", what, text, max));
    }
    number = number * base + static_cast<uint64_t>(digit);
  }
  if (!ok) {
    Fail(value.mark, fmt::format("{} must be a non-negative integer (decimal or 0x hex), "
                                 "found '{}'",
                                 what, text));
  }
  return number;
}

std::string YamlReader::OneOf(const Value& value, std::string_view what,
                              const std::vector<std::string>& words) const {
  std::string word = value.node->IsScalar() ? value.node->scalar : std::string();
  for (const std::string& candidate : words) {
    if (candidate == word) return word;
  }
  Fail(value.mark, fmt::format("{} must be one of {}, found {}{}", what, JoinWords(words),
                               value.node->IsScalar() ? fmt::format("'{}'", word)
                                                      : std::string(DescribeNode(*value.node)),
                               DidYouMean(word, words)));
}

}  // namespace snapsim::scenario::internal
