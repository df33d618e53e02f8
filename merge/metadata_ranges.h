#pragma once
// The byte ranges of one file that hold metadata (headers, L1/L2 tables, grain
// directories and tables, descriptors), claimed as a reader finds them. A table that
// overlaps itself or another table, or a data cluster that lies on a table, is
// corruption: refusing it is what bounds every reader's work by the file's size (each
// table is read once, and the tables together fit in the file).

#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"
#include "merge/image_file.h"

namespace snapsim::merge {

class MetadataRanges {
 public:
  explicit MetadataRanges(const ImageFile& file) : file_(file) {}

  // Claims [offset, offset + length) for `what`. An error (naming the file, `offset`
  // and what is already there) when it lies past the end of the file or overlaps a range
  // claimed before. `referenced_at` is where the pointer to it was read, for the message.
  // Without `must_fit`, the range may reach past the end of the file (a compressed
  // cluster's sector padding).
  Status Claim(uint64_t offset, uint64_t length, const std::string& what, uint64_t referenced_at,
               bool must_fit = true);
  // The name of a claimed range overlapping [offset, offset + length), or nullptr.
  const std::string* Overlap(uint64_t offset, uint64_t length) const;
  // An error when data at [offset, offset + length) would overlap a claimed range.
  Status CheckData(uint64_t offset, uint64_t length, const char* what,
                   uint64_t referenced_at) const;

 private:
  struct Range {
    uint64_t end;
    std::string what;
  };
  const ImageFile& file_;
  std::map<uint64_t, Range> ranges_;  // by first byte; never overlapping
};

}  // namespace snapsim::merge
