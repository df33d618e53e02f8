#pragma once
// Progress of a long campaign (`fuzz`, `explore`) on stderr, the way `run` shows it:
//   - on a terminal, one live line, rewritten at most ten times a second;
//   - off a terminal with -v, a plain line at every tenth of the total (a CI log);
//   - otherwise nothing.
// The wall clock is read here for display only; nothing a campaign decides depends on it.

#include <chrono>
#include <cstdint>
#include <string>

namespace snapsim::cli {

class ProgressLine {
 public:
  // `unit` names what is counted ("runs", "states"); `total` 0 when unknown.
  ProgressLine(std::string unit, uint64_t total, bool verbose);
  ~ProgressLine() { Clear(); }

  // `done` units so far; `note` is appended (e.g. "shrinking: 12 tries").
  void Update(uint64_t done, const std::string& note = "");
  // Removes the live line, so that what follows starts on a clean line.
  void Clear();
  double ElapsedSeconds() const;

 private:
  std::string Text(uint64_t done, const std::string& note) const;

  std::string unit_;
  uint64_t total_;
  bool live_, log_lines_;
  bool shown_ = false;
  uint64_t next_logged_tenth_ = 1;
  std::chrono::steady_clock::time_point begin_, last_;
};

}  // namespace snapsim::cli
