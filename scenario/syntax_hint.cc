#include "scenario/syntax_hint.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

namespace snapsim::scenario::internal {
namespace {

struct Line {
  int number = 0;         // 1-based
  std::string_view text;  // without the '\n'
  size_t indent = 0;      // leading spaces
  bool tab_in_indent = false;
  bool blank = false;  // empty, spaces only, or a comment
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    Line line;
    line.number = static_cast<int>(lines.size()) + 1;
    line.text = text.substr(start, end - start);
    if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
    size_t at = 0;
    while (at < line.text.size() && (line.text[at] == ' ' || line.text[at] == '\t')) {
      line.tab_in_indent = line.tab_in_indent || line.text[at] == '\t';
      ++at;
    }
    line.indent = at;
    line.blank = at == line.text.size() || line.text[at] == '#';
    lines.push_back(line);
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

// The content of a line after its indentation and a leading "- ".
std::string_view Content(const Line& line) {
  std::string_view content = line.text.substr(line.indent);
  while (content.size() >= 2 && content[0] == '-' && content[1] == ' ') {
    content.remove_prefix(2);
    while (!content.empty() && content[0] == ' ') content.remove_prefix(1);
  }
  return content;
}

bool StartsItem(const Line& line) {
  std::string_view content = line.text.substr(line.indent);
  return content == "-" || (content.size() >= 2 && content[0] == '-' && content[1] == ' ');
}

// `- start`: an item that is complete on its line.
bool ScalarItem(const Line& line) {
  std::string_view content = Content(line);
  return StartsItem(line) && !content.empty() && content.find(':') == std::string_view::npos &&
         content[0] != '{' && content[0] != '[';
}

// The value after the first "key: " of a plain (unquoted) block line, if it has one.
std::optional<std::string_view> PlainValue(const Line& line) {
  std::string_view content = Content(line);
  if (content.empty() || content[0] == '"' || content[0] == '\'' || content[0] == '{' ||
      content[0] == '[') {
    return std::nullopt;
  }
  const size_t colon = content.find(": ");
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view value = content.substr(colon + 2);
  while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (value.empty() || value[0] == '#') return std::nullopt;
  return value;
}

std::string TabHint(const std::vector<Line>& lines) {
  std::vector<int> tabbed;
  for (const Line& line : lines) {
    if (line.tab_in_indent && !line.blank) tabbed.push_back(line.number);
  }
  if (tabbed.empty()) return "";
  std::string where = fmt::format("line {}", tabbed[0]);
  if (tabbed.size() > 1) where = fmt::format("lines {}", fmt::join(tabbed, ", "));
  return fmt::format("{} indent{} with a tab; YAML indents with spaces only", where,
                     tabbed.size() > 1 ? "" : "s");
}

// An opening bracket of a flow collection left open before the error.
std::string UnclosedBracketHint(const std::vector<Line>& lines, size_t upto) {
  std::vector<std::pair<char, int>> open;
  for (size_t i = 0; i < lines.size() && i <= upto; ++i) {
    char quote = 0;
    for (size_t at = 0; at < lines[i].text.size(); ++at) {
      const char c = lines[i].text[at];
      if (quote != 0) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '#' && (at == 0 || lines[i].text[at - 1] == ' ')) break;
      if ((c == '"' || c == '\'') &&
          (at == 0 || lines[i].text[at - 1] == ' ' || lines[i].text[at - 1] == '[' ||
           lines[i].text[at - 1] == '{')) {
        quote = c;
      } else if (c == '[' || c == '{') {
        open.emplace_back(c, lines[i].number);
      } else if ((c == ']' || c == '}') && !open.empty()) {
        open.pop_back();
      }
    }
  }
  if (open.empty()) return "";
  return fmt::format("the '{}' on line {} is never closed: close it with '{}'", open.back().first,
                     open.back().second, open.back().first == '[' ? ']' : '}');
}

}  // namespace

std::string SyntaxHint(std::string_view text, const YAML::Mark& mark, const std::string& message) {
  const std::vector<Line> lines = SplitLines(text);
  if (std::string tabs = TabHint(lines); !tabs.empty()) return tabs;
  if (lines.empty()) return "";
  size_t at = mark.is_null() || mark.line < 0 ? 0 : static_cast<size_t>(mark.line);
  if (at >= lines.size()) at = lines.size() - 1;
  // The parser reports a flow collection left open at the end of the text, or later on.
  if (std::string unclosed = UnclosedBracketHint(lines, at); !unclosed.empty()) return unclosed;
  // The line the parser stopped on and the non-blank line before it.
  size_t here = at;
  while (here > 0 && lines[here].blank) --here;
  std::optional<size_t> before;
  for (size_t i = here; i-- > 0;) {
    if (!lines[i].blank) {
      before = i;
      break;
    }
  }
  const Line& line = lines[here];
  // A value with ': ' in it reads as a second key: `description: Revert: drops writes`.
  if (std::optional<std::string_view> value = PlainValue(line)) {
    if (value->find(": ") != std::string_view::npos || value->back() == ':') {
      return fmt::format(
          "the value on line {} contains ': ', which YAML reads as another key; "
          "put the value in quotes (\"...\")",
          line.number);
    }
    if (value->size() >= 2 && (*value)[0] == '-' && (*value)[1] == ' ') {
      return fmt::format(
          "a list cannot start on its key's line (line {}): put each item on a "
          "line of its own below the key, as '- ITEM', or write [A, B]",
          line.number);
    }
    const char first = (*value)[0];
    if (std::string_view("*&!%@`|>").find(first) != std::string_view::npos) {
      return fmt::format(
          "a value starting with '{}' (line {}) has a meaning in YAML; put it in "
          "quotes (\"...\")",
          first, line.number);
    }
  }
  if (before) {
    const Line& previous = lines[*before];
    // `hypervisor: esx` then `  steps:` indented under it: a key cannot have both.
    if (line.indent > previous.indent && (PlainValue(previous) || ScalarItem(previous))) {
      return fmt::format(
          "line {} is indented deeper than line {}, which is complete (a key "
          "with its value, or an item); line it up with line {} or the block "
          "it belongs to",
          line.number, previous.number, previous.number);
    }
    // An item among `- ` items without its dash.
    if (!StartsItem(line) && StartsItem(previous) && line.indent == previous.indent) {
      return fmt::format(
          "line {} is at the indentation of the list items above it but does "
          "not start with '- '; a missing '-'?",
          line.number);
    }
    if (StartsItem(line) && !StartsItem(previous) && line.indent > previous.indent &&
        PlainValue(previous)) {
      return fmt::format("a list cannot follow a key that already has a value (line {})",
                         previous.number);
    }
  }
  // Indented to a column no enclosing block uses.
  std::vector<size_t> levels;
  for (size_t i = 0; i < here; ++i) {
    if (lines[i].blank) continue;
    while (!levels.empty() && levels.back() > lines[i].indent) levels.pop_back();
    if (levels.empty() || levels.back() < lines[i].indent) levels.push_back(lines[i].indent);
    if (StartsItem(lines[i])) {
      // The content of an item opens a level two columns further in.
      const size_t inner = lines[i].indent + 2;
      if (levels.back() < inner) levels.push_back(inner);
    }
  }
  bool matches = levels.empty();
  for (size_t level : levels) matches = matches || level == line.indent;
  if (!matches && before && line.indent < lines[*before].indent) {
    return fmt::format(
        "line {} is indented {} spaces, which lines up with no block above it "
        "(they use {}); check the indentation",
        line.number, line.indent, fmt::join(levels, ", "));
  }
  if (message.find("map") != std::string::npos || message.find("sequence") != std::string::npos) {
    return "usually the indentation: a key must line up with its siblings, and list items "
           "with '- ' under their key";
  }
  return "";
}

}  // namespace snapsim::scenario::internal
