// The writing half of `snapsim record`: edits a scenario's text line by line. Each step
// is a span of lines, from the line of its `-` to its last line that is not blank or a
// comment; only the spans of steps that change are rewritten, and new lines go right
// after a span, so everything else in the file stays as the author wrote it.
#include <fmt/format.h>

#include <string_view>

#include "core/error_class.h"
#include "scenario/writer.h"
#include "simulator/recorder.h"

namespace snapsim::simulator {
namespace {

std::vector<std::string> SplitLines(const std::string& text, bool* final_newline) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  *final_newline = !text.empty() && text.back() == '\n';
  return lines;
}

size_t IndentOf(std::string_view line) {
  size_t at = 0;
  while (at < line.size() && line[at] == ' ') ++at;
  return at;
}

// Empty, spaces only, or a comment.
bool IsBlank(std::string_view line) {
  const size_t at = IndentOf(line);
  return at == line.size() || line[at] == '#' || line[at] == '\r';
}

struct Span {
  size_t first = 0;  // the line of the step's `-`
  size_t last = 0;   // its last line that is not blank
  size_t key_column = 0;
};

Status Unsupported(const scenario::Scenario& scenario, int line, std::string_view why) {
  return Status::Failure(Fault::kBadInput, fmt::format("{}:{}: record cannot edit this step: {}",
                                                       scenario.path, line, why));
}

// The spans of every step, or kBadInput for a layout record does not edit.
Result<std::vector<Span>> FindSpans(const std::vector<std::string>& lines,
                                    const scenario::Scenario& scenario) {
  std::vector<Span> spans;
  for (const scenario::Step& step : scenario.steps) {
    const int line = step.where.line;
    if (line < 1 || static_cast<size_t>(line) > lines.size()) {
      return Unsupported(scenario, line, "it has no line");
    }
    const std::string& text = lines[static_cast<size_t>(line) - 1];
    const size_t key = static_cast<size_t>(step.where.column) - 1;
    const size_t dash = IndentOf(text);
    // `- KEY` on one line, the item's first key being the action.
    if (key > text.size() || dash >= key || text[dash] != '-' ||
        text.find_first_not_of(' ', dash + 1) != key) {
      return Unsupported(scenario, line,
                         "record edits block lists of steps written '- ACTION ...' (the action "
                         "first, on the line of its '-')");
    }
    spans.push_back(Span{static_cast<size_t>(line) - 1, static_cast<size_t>(line) - 1, key});
  }
  for (size_t i = 0; i < spans.size(); ++i) {
    const size_t dash = IndentOf(lines[spans[i].first]);
    size_t end = i + 1 < spans.size() ? spans[i + 1].first : lines.size();
    if (i + 1 == spans.size()) {
      // The last step runs to the first line outside the list.
      end = spans[i].first + 1;
      while (end < lines.size() && (IsBlank(lines[end]) || IndentOf(lines[end]) > dash)) ++end;
    }
    size_t last = spans[i].first;
    for (size_t l = spans[i].first + 1; l < end; ++l) {
      if (!IsBlank(lines[l])) last = l;
    }
    spans[i].last = last;
  }
  return spans;
}

bool OutcomeAsWritten(const scenario::Step& step, const Status& outcome) {
  if (!step.error) return outcome.ok();
  if (outcome.ok()) return false;
  if (std::holds_alternative<scenario::AnyError>(*step.error)) return true;
  return std::get<ErrorClass>(*step.error) == outcome.error_class();
}

std::string OutcomeWord(const Status& outcome) {
  return outcome.ok() ? "ok" : std::string(ErrorClassName(outcome.error_class()));
}

std::string WrittenWord(const scenario::Step& step) {
  if (!step.error) return "ok";
  if (std::holds_alternative<scenario::AnyError>(*step.error)) return "any";
  return std::string(ErrorClassName(std::get<ErrorClass>(*step.error)));
}

bool ChecksNothing(const scenario::Expect& expect) {
  return !expect.state && !expect.current && !expect.tree && expect.disks.empty();
}

// "- expect:..." lines for `expect`, its `-` at `dash`.
std::vector<std::string> ExpectLines(const scenario::Scenario& scenario,
                                     const scenario::Expect& expect, size_t dash) {
  scenario::Step step{expect, std::nullopt, {}};
  const std::string text = "- " + scenario::WriteStep(scenario, step, static_cast<int>(dash) + 2);
  bool unused = false;
  std::vector<std::string> lines = SplitLines(text, &unused);
  lines[0] = std::string(dash, ' ') + lines[0];
  return lines;
}

bool MarkedForRecord(const std::string& line) {
  const size_t hash = line.find(" #");
  if (hash == std::string::npos) return false;
  std::string_view comment = std::string_view(line).substr(hash + 2);
  while (!comment.empty() && comment[0] == ' ') comment.remove_prefix(1);
  return comment.substr(0, 6) == "record" && (comment.size() == 6 || comment[6] == ' ');
}

}  // namespace

Result<RecordedText> WriteRecording(const std::string& text, const scenario::Scenario& scenario,
                                    const Recording& recording, const RecordOptions& options) {
  bool final_newline = false;
  std::vector<std::string> lines = SplitLines(text, &final_newline);
  auto spans = FindSpans(lines, scenario);
  if (!spans.ok()) return spans.status();
  RecordedText out;
  // The new text of each step's span, and lines to insert after it.
  std::vector<std::vector<std::string>> bodies(scenario.steps.size());
  std::vector<std::vector<std::string>> after(scenario.steps.size());
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const scenario::Step& step = scenario.steps[i];
    const StepRecord& record = recording.steps[i];
    const Span& span = (*spans)[i];
    const size_t dash = IndentOf(lines[span.first]);
    std::vector<std::string>& body = bodies[i];
    body.assign(lines.begin() + static_cast<long>(span.first),
                lines.begin() + static_cast<long>(span.last) + 1);
    const std::string label =
        fmt::format("step {} ({})", i + 1, scenario::ActionLabel(step.action));
    if (const auto* expect = std::get_if<scenario::Expect>(&step.action)) {
      const bool empty = ChecksNothing(*expect);
      if (empty || !*record.expect_holds) {
        body = ExpectLines(scenario, empty ? record.full : record.refreshed, dash);
        out.changes.push_back(
            {step.where.line, fmt::format("{}: {}", label,
                                          empty ? "filled in with every check"
                                                : "rewritten with what was observed")});
      }
      continue;
    }
    if (!OutcomeAsWritten(step, record.outcome)) {
      out.changes.push_back(
          {step.where.line, fmt::format("{}: error: {} -> {}", label, WrittenWord(step),
                                        OutcomeWord(record.outcome))});
      // `error:` on a line of its own at the action's column.
      std::optional<size_t> error_line;
      for (size_t l = 1; l < body.size(); ++l) {
        if (IndentOf(body[l]) == span.key_column &&
            std::string_view(body[l]).substr(span.key_column).substr(0, 6) == "error:") {
          error_line = l;
        }
      }
      const std::string error_text =
          std::string(span.key_column, ' ') + "error: " + OutcomeWord(record.outcome);
      if (error_line) {
        if (record.outcome.ok()) {
          body.erase(body.begin() + static_cast<long>(*error_line));
        } else {
          body[*error_line] = error_text;
        }
      } else if (step.error) {
        return Unsupported(scenario, step.where.line,
                           "its 'error:' is not on a line of its own under the action");
      } else {
        // `- start` becomes `- start:` to take an `error:`.
        std::string& first = body[0];
        const std::string word = scenario::ActionName(step.action);
        const size_t word_end = span.key_column + word.size();
        if (first.compare(span.key_column, word.size(), word) == 0 &&
            (word_end == first.size() || first[word_end] == ' ')) {
          first.insert(word_end, ":");
        }
        body.push_back(error_text);
      }
    }
    const bool expect_follows =
        i + 1 < scenario.steps.size() &&
        std::holds_alternative<scenario::Expect>(scenario.steps[i + 1].action);
    if ((options.every_step || MarkedForRecord(lines[span.first])) && !expect_follows) {
      after[i] = ExpectLines(scenario, record.full, dash);
      out.changes.push_back(
          {step.where.line,
           fmt::format("{}: an expect with every check inserted after it", label)});
    }
  }
  std::vector<std::string> result;
  size_t next = 0;
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const Span& span = (*spans)[i];
    result.insert(result.end(), lines.begin() + static_cast<long>(next),
                  lines.begin() + static_cast<long>(span.first));
    result.insert(result.end(), bodies[i].begin(), bodies[i].end());
    result.insert(result.end(), after[i].begin(), after[i].end());
    next = span.last + 1;
  }
  result.insert(result.end(), lines.begin() + static_cast<long>(next), lines.end());
  for (size_t l = 0; l < result.size(); ++l) {
    out.text += result[l];
    if (l + 1 < result.size() || final_newline) out.text += "\n";
  }
  return out;
}

}  // namespace snapsim::simulator
