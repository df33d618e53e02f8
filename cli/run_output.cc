#include "cli/run_output.h"

#include <array>
#include <map>

#include <fmt/format.h>

namespace snapsim::cli {
namespace {

// A skip reason without its "step N (ACTION): " head, so that one reason is one group.
std::string SkipGroup(const std::string& reason) {
  if (reason.rfind("step ", 0) != 0) return reason;
  const size_t colon = reason.find("): ");
  return colon == std::string::npos ? reason : reason.substr(colon + 3);
}

// GitHub's workflow commands end at a newline and treat '%' specially.
std::string GithubEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string Seconds(double s) {
  return s < 60 ? fmt::format("{:.0f}s", s)
                : fmt::format("{}m{:02.0f}s", int(s / 60), s - 60 * int(s / 60));
}

}  // namespace

void RunPrinter::Case(const simulator::ScenarioResult& r) {
  using simulator::Verdict;
  if (options_.verbose) {
    const std::string time = options_.timings ? fmt::format(" ({:.0f} ms)", r.elapsed_ms) : "";
    const std::string finding = r.finding.empty() ? "" : " " + r.finding;
    fmt::print("{:<7} {} {}{}{}\n", simulator::VerdictName(r.verdict), r.backend, r.path, finding,
               time);
  }
  if (r.verdict == Verdict::kFail) {
    for (const auto& f : r.failures) {
      fmt::print("{}\n", simulator::FormatFailure(r, f));
      if (options_.github) {
        fmt::print("::error file={},line={}::{}\n", GithubEscape(f.where.file), f.where.line,
                   GithubEscape(simulator::FormatFailure(r, f)));
      }
    }
    fmt::print("  replay: {}\n", r.replay);
  } else if (r.verdict == Verdict::kBackendFailure) {
    fmt::print("{}: {}: backend failure: {}\n  replay: {}\n", r.path, r.backend, r.reason,
               r.replay);
    if (options_.github) {
      fmt::print("::error file={}::{}\n", GithubEscape(r.path),
                 GithubEscape(r.backend + ": backend failure: " + r.reason));
    }
  } else if (r.verdict == Verdict::kSkip && options_.verbose) {
    fmt::print("  skip: {}\n", r.reason);
  }
  std::fflush(stdout);
}

void RunPrinter::Progress(size_t done, double elapsed_s) const {
  if (!options_.progress) return;
  const std::string eta =
      done == 0 ? "?" : Seconds(elapsed_s * static_cast<double>(cases_ - done) / done);
  fmt::print(stderr, "\r[{}/{}] {} elapsed, ETA {}   ", done, cases_, Seconds(elapsed_s), eta);
}

void RunPrinter::ClearProgress() const {
  if (options_.progress) fmt::print(stderr, "\r{:60}\r", "");
}

void RunPrinter::Summary(const std::vector<simulator::ScenarioResult>& results,
                         const std::vector<simulator::LeftOut>& left_out, bool interrupted) const {
  using simulator::Verdict;
  if (interrupted) fmt::print("\ninterrupted after {} of {} cases\n", results.size(), cases_);
  // backend -> pass, fail, skip, error, known
  std::map<std::string, std::array<int, simulator::kVerdictCount>> counts;
  for (const auto& r : results) ++counts[r.backend][static_cast<int>(r.verdict)];
  fmt::print("\n{:<16} {:>6} {:>6} {:>6} {:>6} {:>6}\n", "backend", "pass", "fail", "skip", "error",
             "known");
  for (const auto& [backend, c] : counts) {
    fmt::print("{:<16} {:>6} {:>6} {:>6} {:>6} {:>6}\n", backend, c[0], c[1], c[2], c[3], c[4]);
  }
  std::map<std::string, std::vector<std::string>> none;  // backend -> "qemu (29)"
  int none_pairs = 0;
  for (const auto& l : left_out) {
    none[l.backend].push_back(fmt::format("{} ({})", ProfileName(l.profile), l.pairs));
    none_pairs += l.pairs;
  }
  if (none_pairs > 0) {
    fmt::print("left out {} file x backend pairs whose backend does not implement the profile:",
               none_pairs);
    for (const auto& [backend, profiles] : none) {
      fmt::print(" {} {}", backend, fmt::join(profiles, ", "));
      if (&backend != &none.rbegin()->first) fmt::print(";");
    }
    fmt::print("\n");
  }
  std::map<std::string, int> skips;
  for (const auto& r : results) {
    if (r.verdict == Verdict::kSkip) ++skips[r.backend + ": " + SkipGroup(r.reason)];
  }
  for (const auto& [reason, n] : skips) fmt::print("skipped {}x {}\n", n, reason);
  for (const auto& r : results) {
    if (r.verdict == Verdict::kKnown) fmt::print("known {}: {} {}\n", r.finding, r.backend, r.path);
  }
  for (const auto& r : results) {
    if (r.verdict == Verdict::kFail) fmt::print("FAIL {} {}\n", r.backend, r.path);
    if (r.verdict == Verdict::kBackendFailure) fmt::print("ERROR {} {}\n", r.backend, r.path);
  }
}

}  // namespace snapsim::cli
