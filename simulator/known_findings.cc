#include "simulator/known_findings.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace snapsim::simulator {
namespace {

Status LineError(const std::string& path, size_t line, size_t column, const std::string& what) {
  return Status::Failure(Fault::kBadInput, fmt::format("{}:{}:{}: {}", path, line, column, what));
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

// A scope names `backend` either in a list of backends or as a case's "PATH@BACKEND";
// `case_path` receives the case's path.
bool ScopeNames(std::string_view scope, const std::string& backend, std::string* case_path) {
  const size_t at = scope.rfind('@');
  if (at != std::string_view::npos) {
    *case_path = std::string(scope.substr(0, at));
    return scope.substr(at + 1) == backend;
  }
  case_path->clear();
  return NamesBackend(scope, backend);
}

bool EndsWithPath(std::string_view path, std::string_view tail) {
  if (tail.empty() || path.size() < tail.size()) return false;
  if (path.substr(path.size() - tail.size()) != tail) return false;
  return path.size() == tail.size() || path[path.size() - tail.size() - 1] == '/';
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
                       "expected SCOPE FINDING REGEX, found no FINDING");
    }
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    const std::string pattern(line.substr(at));
    if (pattern.empty()) {
      return LineError(path, line_number, at + 1, "expected a REGEX after the finding");
    }
    std::string case_path;
    if (!ScopeNames(backends, backend, &case_path)) continue;
    try {
      out.push_back({std::string(finding), case_path, static_cast<int>(line_number), pattern,
                     std::regex(pattern, std::regex::ECMAScript)});
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
    return Status::Failure(Fault::kBadInput, fmt::format("{}: cannot read the file", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseKnownFindings(text.str(), path, backend);
}

const KnownFinding* MatchKnownFinding(const std::vector<KnownFinding>& known,
                                      const std::string& message) {
  for (const KnownFinding& entry : known) {
    if (entry.case_path.empty() && std::regex_search(message, entry.pattern)) return &entry;
  }
  return nullptr;
}

const KnownFinding* CaseEntry(const std::vector<KnownFinding>& known, const std::string& path) {
  for (const KnownFinding& entry : known) {
    if (!entry.case_path.empty() && EndsWithPath(path, entry.case_path)) return &entry;
  }
  return nullptr;
}

}  // namespace snapsim::simulator
