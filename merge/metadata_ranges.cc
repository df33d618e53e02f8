#include "merge/metadata_ranges.h"

#include <fmt/format.h>

#include "merge/checked_math.h"

namespace snapsim::merge {

const std::string* MetadataRanges::Overlap(uint64_t offset, uint64_t length) const {
  if (length == 0) return nullptr;
  const uint64_t end = CheckedAdd(offset, length).value_or(UINT64_MAX);
  auto it = ranges_.upper_bound(offset);  // first range starting after offset
  if (it != ranges_.end() && it->first < end) return &it->second.what;
  if (it != ranges_.begin()) {
    --it;  // the last range starting at or before offset
    if (it->second.end > offset) return &it->second.what;
  }
  return nullptr;
}

Status MetadataRanges::Claim(uint64_t offset, uint64_t length, const std::string& what,
                             uint64_t referenced_at, bool must_fit) {
  if (must_fit ? !InBounds(offset, length, file_.size_bytes()) : !CheckedAdd(offset, length)) {
    return ImageError(file_.path(), referenced_at,
                      fmt::format("{} at {:#x} ({} bytes) lies past the end of the file ({} bytes)",
                                  what, offset, length, file_.size_bytes()));
  }
  if (const std::string* other = Overlap(offset, length)) {
    return ImageError(file_.path(), referenced_at,
                      fmt::format("{} at {:#x} overlaps the {}", what, offset, *other));
  }
  if (length > 0) ranges_.emplace(offset, Range{offset + length, what});
  return Status::Ok();
}

Status MetadataRanges::CheckData(uint64_t offset, uint64_t length, const char* what,
                                 uint64_t referenced_at) const {
  if (const std::string* other = Overlap(offset, length)) {
    return ImageError(file_.path(), referenced_at,
                      fmt::format("{} at {:#x} overlaps the {}", what, offset, *other));
  }
  return Status::Ok();
}

}  // namespace snapsim::merge
