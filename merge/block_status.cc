#include "merge/block_status.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace snapsim::merge {
namespace {

bool Continues(const BlockStatusRow& a, const BlockStatusRow& b) {
  if (a.depth != b.depth || a.present != b.present || a.zero != b.zero || a.data != b.data ||
      a.compressed != b.compressed || a.file_id != b.file_id ||
      a.offset.has_value() != b.offset.has_value()) {
    return false;
  }
  return !a.offset || *a.offset + a.length == *b.offset;
}

void Add(std::vector<BlockStatusRow>* rows, BlockStatusRow row) {
  if (!rows->empty() && rows->back().start + rows->back().length == row.start &&
      Continues(rows->back(), row)) {
    rows->back().length += row.length;
  } else {
    rows->push_back(std::move(row));
  }
}

// A data row read from a flat file, cut where the file has holes (SEEK_DATA/SEEK_HOLE):
// qemu reports those parts as data that reads as zeros.
void AddFlat(std::vector<BlockStatusRow>* rows, const ImageFile& file, BlockStatusRow row) {
  const uint64_t end = row.start + row.length;
  uint64_t guest = row.start, at = *row.offset;
  while (guest < end) {
    const uint64_t n = end - guest;
    bool hole = at >= file.size_bytes();
    uint64_t run = n;
    if (!hole) {
      const off_t data = lseek(file.fd(), static_cast<off_t>(at), SEEK_DATA);
      if (data < 0 && errno == ENXIO) {
        hole = true;  // only a hole remains
      } else if (data >= 0 && static_cast<uint64_t>(data) > at) {
        hole = true;
        run = std::min<uint64_t>(n, static_cast<uint64_t>(data) - at);
      } else if (data >= 0) {
        const off_t next = lseek(file.fd(), static_cast<off_t>(at), SEEK_HOLE);
        if (next > 0) run = std::min<uint64_t>(n, static_cast<uint64_t>(next) - at);
      }
    }
    BlockStatusRow piece = row;
    piece.start = guest;
    piece.length = run;
    piece.offset = at;
    piece.zero = hole;
    Add(rows, std::move(piece));
    guest += run;
    at += run;
  }
}

}  // namespace

std::vector<BlockStatusRow> BlockStatus(const Image& image) {
  std::vector<BlockStatusRow> rows;
  const auto& layers = image.layers();  // bottom first
  if (layers.empty()) return rows;
  const size_t base_depth = layers.size() - 1;
  const LayerInfo& base = layers.front();
  const bool raw_base = base.format == "raw";
  uint32_t raw_file = 0;
  if (raw_base) {
    for (uint32_t id = 0; id < image.files().size(); ++id) {
      if (image.files().layer_of(id) == base_depth) raw_file = id;
    }
  }
  // The view says what each byte is; the attribution says which layer it comes from.
  // Both are walked together, cutting at the boundaries of either.
  // Where a range is allocated nowhere, qemu reports the depth at which its look down
  // the chain stopped: the bottom, or the first layer too small to cover the range.
  std::vector<uint64_t> sizes;  // top first
  for (size_t i = layers.size(); i-- > 0;) sizes.push_back(layers[i].size_bytes);
  auto hole_depth = [&](uint64_t pos, uint64_t* end) {
    size_t d = 0;
    while (d + 1 < sizes.size() && sizes[d + 1] > pos) ++d;
    for (size_t k = 1; k <= d; ++k) *end = std::min(*end, sizes[k]);  // where d would drop
    return d;
  };
  const ExtentMap owners = image.LayerAttribution();
  const auto& view = image.view().extents();
  const auto& owner = owners.extents();
  const uint64_t size = image.size_bytes();
  size_t vi = 0, oi = 0;
  uint64_t pos = 0;
  while (pos < size) {
    while (vi < view.size() && view[vi].end() <= pos) ++vi;
    while (oi < owner.size() && owner[oi].end() <= pos) ++oi;
    const Extent* v = vi < view.size() && view[vi].offset <= pos ? &view[vi] : nullptr;
    const Extent* o = oi < owner.size() && owner[oi].offset <= pos ? &owner[oi] : nullptr;
    uint64_t end = size;
    if (vi < view.size()) end = std::min(end, v ? view[vi].end() : view[vi].offset);
    if (oi < owner.size()) end = std::min(end, o ? owner[oi].end() : owner[oi].offset);
    BlockStatusRow row;
    row.start = pos;
    row.length = end - pos;
    if (v && o) {
      const size_t layer = static_cast<size_t>(std::get<SeedSource>(o->source).seed);
      row.depth = base_depth - layer;
      row.present = true;
      if (const auto* at = std::get_if<ImageSource>(&v->source)) {
        row.data = true;
        row.file_id = at->image_id;
        if (image.files().file(at->image_id).compressed()) {
          row.compressed = true;
        } else {
          row.offset = at->image_offset + (pos - v->offset);
        }
      } else {
        row.zero = true;
      }
    } else {
      row.depth = hole_depth(pos, &end);
      row.length = end - pos;
      row.zero = true;
      if (raw_base && row.depth == base_depth) {  // a raw file's hole: allocated, zeros
        row.present = true;
        row.offset = pos;
        row.file_id = raw_file;
      }
    }
    if (row.data && row.offset && image.files().flat(*row.file_id)) {
      AddFlat(&rows, image.files().file(*row.file_id), std::move(row));
    } else {
      Add(&rows, std::move(row));
    }
    pos = end;
  }
  return rows;
}

const char* AllocationName(const BlockStatusRow& row) {
  if (!row.present) return "unallocated";
  if (row.compressed) return "compressed data";
  return row.data ? "data" : "zero";
}

std::optional<AllocationMismatch> FirstAllocationMismatch(const std::vector<BlockStatusRow>& a,
                                                          const std::vector<BlockStatusRow>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const BlockStatusRow &x = a[i], &y = b[j];
    if (x.present != y.present || x.zero != y.zero || x.data != y.data ||
        x.compressed != y.compressed) {
      return AllocationMismatch{std::max(x.start, y.start), &x, &y};
    }
    const uint64_t end_x = x.start + x.length, end_y = y.start + y.length;
    if (end_x <= end_y) ++i;
    if (end_y <= end_x) ++j;
  }
  return std::nullopt;
}

}  // namespace snapsim::merge
