#include "merge/layer_chain.h"

#include <algorithm>

#include <fmt/format.h>

namespace snapsim::merge {
namespace {

// Appends the parts of lower[*cursor...] that lie inside [from, to) to `out`. Leaves
// *cursor on the first extent that may still reach past `to`.
void AppendClipped(const std::vector<Extent>& lower, size_t* cursor, uint64_t from, uint64_t to,
                   ExtentMap* out) {
  size_t j = *cursor;
  while (j < lower.size() && lower[j].end() <= from) ++j;
  while (j < lower.size() && lower[j].offset < to) {
    const Extent& e = lower[j];
    const uint64_t start = std::max(e.offset, from);
    const uint64_t stop = std::min(e.end(), to);
    out->Append(start, stop - start,
                start == e.offset ? e.source : AdvanceSource(e.source, start - e.offset));
    if (e.end() > to) break;  // continues under the next upper extent
    ++j;
  }
  *cursor = j;
}

}  // namespace

ExtentMap Overlay(const ExtentMap& upper, const ExtentMap& lower) {
  ExtentMap out(std::max(upper.size_bytes(), lower.size_bytes()));
  if (lower.empty()) {
    out = upper;
    out.set_size_bytes(std::max(upper.size_bytes(), lower.size_bytes()));
    return out;
  }
  if (upper.empty()) {
    out = lower;
    out.set_size_bytes(std::max(upper.size_bytes(), lower.size_bytes()));
    return out;
  }
  const auto& up = upper.extents();
  const auto& low = lower.extents();
  out.Reserve(up.size() + low.size());
  size_t cursor = 0;
  uint64_t pos = 0;
  for (const Extent& u : up) {
    if (u.offset > pos) AppendClipped(low, &cursor, pos, u.offset, &out);
    out.Append(u.offset, u.length, u.source);
    pos = u.end();
  }
  AppendClipped(low, &cursor, pos, UINT64_MAX, &out);
  return out;
}

namespace {

ExtentMap ViewOf(std::span<const ExtentMap> layers) {
  if (layers.empty()) return ExtentMap();
  if (layers.size() == 1) return layers[0];
  const size_t mid = layers.size() / 2;
  return Overlay(ViewOf(layers.subspan(mid)), ViewOf(layers.first(mid)));
}

}  // namespace

ExtentMap ChainView(std::span<const ExtentMap> layers) { return ViewOf(layers); }

ExtentMap LayerChain::ViewAt(size_t index) const {
  return ChainView(std::span(layers_).first(std::min(index + 1, layers_.size())));
}

Status LayerChain::CheckIndex(size_t index, const char* operation) const {
  if (index >= layers_.size()) {
    return Status::Error(ErrorClass::kInvalidArg,
                         fmt::format("{}: layer {} does not exist (chain depth {})", operation,
                                     index, layers_.size()));
  }
  return Status::Ok();
}

Status LayerChain::Commit(size_t index) {
  if (Status s = CheckIndex(index, "commit"); !s.ok()) return s;
  if (index == 0) {
    return Status::Error(ErrorClass::kInvalidArg, "commit: the base layer has no parent");
  }
  layers_[index - 1] = Overlay(layers_[index], layers_[index - 1]);
  layers_.erase(layers_.begin() + static_cast<ptrdiff_t>(index));
  return Status::Ok();
}

Status LayerChain::ForwardMerge(size_t index) {
  if (Status s = CheckIndex(index, "forward merge"); !s.ok()) return s;
  if (index + 1 == layers_.size()) {
    return Status::Error(ErrorClass::kInvalidArg, "forward merge: the top layer has no child");
  }
  layers_[index + 1] = Overlay(layers_[index + 1], layers_[index]);
  layers_.erase(layers_.begin() + static_cast<ptrdiff_t>(index));
  return Status::Ok();
}

Status LayerChain::Discard(size_t index) {
  if (Status s = CheckIndex(index, "discard"); !s.ok()) return s;
  layers_.erase(layers_.begin() + static_cast<ptrdiff_t>(index));
  return Status::Ok();
}

void LayerChain::Flatten() {
  ExtentMap view = View();
  layers_.clear();
  layers_.push_back(std::move(view));
}

}  // namespace snapsim::merge
