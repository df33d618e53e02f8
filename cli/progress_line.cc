#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace snapsim::cli {

ProgressLine::ProgressLine(std::string unit, uint64_t total, bool verbose)
    : unit_(std::move(unit)), total_(total), live_(isatty(STDERR_FILENO) != 0),
      log_lines_(!live_ && verbose), begin_(std::chrono::steady_clock::now()), last_(begin_) {}

double ProgressLine::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
}

std::string ProgressLine::Text(uint64_t done, const std::string& note) const {
  const double s = ElapsedSeconds();
  std::string text = total_ > 0 ? fmt::format("[{}/{} {}]", done, total_, unit_)
                                : fmt::format("[{} {}]", done, unit_);
  text += fmt::format(" {:.0f}s, {:.1f}/s", s, s > 0 ? static_cast<double>(done) / s : 0.0);
  if (total_ > 0 && done > 0 && done < total_) {
    text += fmt::format(", ETA {:.0f}s", s * static_cast<double>(total_ - done) / done);
  }
  if (!note.empty()) text += ", " + note;
  return text;
}

void ProgressLine::Update(uint64_t done, const std::string& note) {
  if (log_lines_) {
    if (total_ == 0 || done * 10 < next_logged_tenth_ * total_) return;
    while (done * 10 >= next_logged_tenth_ * total_) ++next_logged_tenth_;
    fmt::print(stderr, "{}\n", Text(done, note));
    return;
  }
  if (!live_) return;
  const auto now = std::chrono::steady_clock::now();
  if (shown_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  shown_ = true;
  fmt::print(stderr, "\r{:<70}", Text(done, note));
  std::fflush(stderr);
}

void ProgressLine::Clear() {
  if (!live_ || !shown_) return;
  fmt::print(stderr, "\r{:70}\r", "");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace snapsim::cli
