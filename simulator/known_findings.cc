#include "simulator/known_findings.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

Status LineError(const std::string& path, size_t line, size_t column, const std::string& what) {
  return Status::Error(ErrorClass::kInvalidArg,
                       fmt::format("{}:{}:{}: {}", path, line, column, what));
}

// The next blank-separated field of `line` from `at` (a 0-based column, advanced past it).
std::string_view NextField(std::string_view line, size_t& at) {
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
  const size_t start = at;
  while (at < line.size() && line[at] != ' ' && line[at] != '\t') ++at;
  return line.substr(start, at - start);
}

bool NamesBackend(std::string_view list, const std::string& backend) {
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    if (list.substr(start, comma - start) == backend) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

Result<std::vector<KnownFinding>> ParseKnownFindings(std::string_view text, const std::string& path,
                                                     const std::string& backend) {
  std::vector<KnownFinding> out;
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t end = std::min(text.find('\n', begin), text.size());
    std::string_view line = text.substr(begin, end - begin);
    begin = end + 1;
    ++line_number;
    size_t at = 0;
    const std::string_view backends = NextField(line, at);
    if (backends.empty() || backends[0] == '#') continue;
    const size_t finding_column = at + 1;
    const std::string_view finding = NextField(line, at);
    if (finding.empty()) {
      return LineError(path, line_number, finding_column,
                       "expected BACKENDS FINDING REGEX, found no FINDING");
    }
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    const std::string pattern(line.substr(at));
    if (pattern.empty()) {
      return LineError(path, line_number, at + 1, "expected a REGEX after the finding");
    }
    if (!NamesBackend(backends, backend)) continue;
    try {
      out.push_back({std::string(finding), pattern, std::regex(pattern, std::regex::ECMAScript)});
    } catch (const std::regex_error& error) {
      return LineError(path, line_number, at + 1,
                       fmt::format("bad regular expression: {}", error.what()));
    }
  }
  return out;
}

Result<std::vector<KnownFinding>> LoadKnownFindings(const std::string& path,
                                                    const std::string& backend) {
  std::ifstream in(path);
  if (!in) {
    return Status::Error(ErrorClass::kInvalidArg, fmt::format("{}: cannot read the file", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseKnownFindings(text.str(), path, backend);
}

const KnownFinding* MatchKnownFinding(const std::vector<KnownFinding>& known,
                                      const std::string& message) {
  for (const KnownFinding& entry : known) {
    if (std::regex_search(message, entry.pattern)) return &entry;
  }
  return nullptr;
}

}  // namespace snapsim::simulator
