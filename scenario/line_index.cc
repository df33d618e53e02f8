#include "scenario/line_index.h"

#include <algorithm>

namespace snapsim::scenario::internal {

LineIndex::LineIndex(std::string_view text) : starts_{0}, size_(text.size()) {
  for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    starts_.push_back(i + 1);
  }
}

size_t LineIndex::LineEnd(size_t line) const {
  return line + 1 < starts_.size() ? starts_[line + 1] - 1 : size_;
}

TextPosition LineIndex::At(size_t offset) const {
  offset = std::min(offset, size_);
  // The last line starting at or before `offset`.
  auto after =
      std::upper_bound(starts_.begin(), starts_.end(), offset, [this](size_t value, size_t start) {
        ++comparisons_;
        return value < start;
      });
  const size_t line = static_cast<size_t>(after - starts_.begin()) - 1;
  return TextPosition{static_cast<int>(line) + 1, static_cast<int>(offset - starts_[line]) + 1};
}

}  // namespace snapsim::scenario::internal
