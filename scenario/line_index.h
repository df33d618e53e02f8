#pragma once
// Internal to the loader: where each line of a text starts, found once per file, so that
// any byte offset's line and column is a binary search (O(log lines)) instead of a scan
// from the start of the text (which made loading N steps cost O(N * text)).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace snapsim::scenario::internal {

// 1-based; the column counts bytes.
struct TextPosition {
  int line = 1;
  int column = 1;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // The line and column of `offset`; an offset past the end is the end of the text.
  TextPosition At(size_t offset) const;
  size_t line_count() const { return starts_.size(); }
  // Offsets of a 0-based line's first byte and of its end (its '\n', or the end of the text).
  size_t LineStart(size_t line) const { return starts_[line]; }
  size_t LineEnd(size_t line) const;

  // Comparisons the lookups have made so far: tests check that they stay logarithmic.
  uint64_t comparisons() const { return comparisons_; }

 private:
  std::vector<size_t> starts_;  // starts_[0] == 0; one more entry after each '\n'
  size_t size_;
  mutable uint64_t comparisons_ = 0;
};

}  // namespace snapsim::scenario::internal
