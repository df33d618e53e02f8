#include "merge/layer_chain.h"

#include <algorithm>

#include <fmt/format.h>

namespace snapsim::merge {
namespace {

// Builds a sorted extent vector, coalescing as it goes. Kept local and inline: merging
// long chains moves tens of millions of extents through here.
class Builder {
 public:
  explicit Builder(size_t capacity) { out_.reserve(capacity); }
  void Add(uint64_t offset, uint64_t length, const Source& source) {
    if (!out_.empty()) {
      Extent& last = out_.back();
      if (last.end() == offset && last.source.index() == source.index() &&
          Continues(last, Extent{offset, length, source})) {
        last.length += length;
        return;
      }
    }
    out_.push_back(Extent{offset, length, source});
  }
  std::vector<Extent> Take() { return std::move(out_); }

 private:
  std::vector<Extent> out_;
};

// Adds the parts of lower[*cursor...] that lie inside [from, to). Leaves *cursor on the
// first extent that may still reach past `to`.
void AddClipped(const std::vector<Extent>& lower, size_t* cursor, uint64_t from, uint64_t to,
                Builder* out) {
  size_t j = *cursor;
  while (j < lower.size() && lower[j].end() <= from) ++j;
  while (j < lower.size() && lower[j].offset < to) {
    const Extent& e = lower[j];
    if (e.offset >= from && e.end() <= to) {
      out->Add(e.offset, e.length, e.source);  // the common case: wholly inside the hole
    } else {
      const uint64_t start = std::max(e.offset, from);
      const uint64_t stop = std::min(e.end(), to);
      out->Add(start, stop - start, AdvanceSource(e.source, start - e.offset));
      if (e.end() > to) break;  // continues under the next upper extent
    }
    ++j;
  }
  *cursor = j;
}

}  // namespace

ExtentMap Overlay(const ExtentMap& upper, const ExtentMap& lower) {
  const uint64_t size = std::max(upper.size_bytes(), lower.size_bytes());
  if (lower.empty() || upper.empty()) {
    ExtentMap out = lower.empty() ? upper : lower;  // shares the extents
    out.set_size_bytes(size);
    return out;
  }
  const auto& up = upper.extents();
  const auto& low = lower.extents();
  Builder out(up.size() + low.size());
  size_t cursor = 0;
  uint64_t pos = 0;
  for (const Extent& u : up) {
    if (u.offset > pos) AddClipped(low, &cursor, pos, u.offset, &out);
    out.Add(u.offset, u.length, u.source);
    pos = u.end();
  }
  AddClipped(low, &cursor, pos, UINT64_MAX, &out);
  return ExtentMap::FromSortedExtents(size, out.Take());
}

ExtentMap ChainView(std::span<const ExtentMap> layers) {
  if (layers.empty()) return ExtentMap();
  if (layers.size() == 1) return layers[0];
  // One sweep over all layers at once: at `pos`, look down from the top for the first
  // layer whose current extent covers pos; layers above it bound how far that extent
  // shows. Each layer's cursor only moves forward, so every input extent is passed once,
  // and each output extent costs a look down through the layers above its owner.
  uint64_t size = 0;
  size_t total = 0;
  for (const ExtentMap& layer : layers) {
    size = std::max(size, layer.size_bytes());
    total += layer.extents().size();
  }
  const size_t depth = layers.size();
  std::vector<const Extent*> next(depth), stop(depth);
  for (size_t i = 0; i < depth; ++i) {
    next[i] = layers[i].extents().data();
    stop[i] = next[i] + layers[i].extents().size();
  }
  Builder out(std::min(total, 2 * layers.back().extents().size() + total / 8));
  uint64_t pos = 0;
  while (true) {
    uint64_t limit = UINT64_MAX;
    const Extent* owner = nullptr;
    for (size_t i = depth; i-- > 0;) {
      const Extent*& e = next[i];
      while (e != stop[i] && e->end() <= pos) ++e;
      if (e == stop[i]) continue;
      if (e->offset <= pos) {
        owner = e;
        limit = std::min(limit, e->end());
        break;
      }
      limit = std::min(limit, e->offset);
    }
    if (limit == UINT64_MAX) break;  // nothing left in any layer
    if (owner) {
      out.Add(
          pos, limit - pos,
          pos == owner->offset ? owner->source : AdvanceSource(owner->source, pos - owner->offset));
    }
    pos = limit;
  }
  return ExtentMap::FromSortedExtents(size, out.Take());
}

ExtentMap LayerChain::ViewAt(size_t index) const {
  return ChainView(std::span(layers_).first(std::min(index + 1, layers_.size())));
}

Status LayerChain::CheckIndex(size_t index, const char* operation) const {
  if (index >= layers_.size()) {
    return Status::Failure(Fault::kInternal,
                           fmt::format("{}: layer {} does not exist (chain depth {})", operation,
                                       index, layers_.size()));
  }
  return Status::Ok();
}

Status LayerChain::Commit(size_t index) {
  if (Status s = CheckIndex(index, "commit"); !s.ok()) return s;
  if (index == 0) {
    return Status::Failure(Fault::kInternal, "commit: the base layer has no parent");
  }
  layers_[index - 1] = Overlay(layers_[index], layers_[index - 1]);
  layers_.erase(layers_.begin() + static_cast<ptrdiff_t>(index));
  return Status::Ok();
}

Status LayerChain::ForwardMerge(size_t index) {
  if (Status s = CheckIndex(index, "forward merge"); !s.ok()) return s;
  if (index + 1 == layers_.size()) {
    return Status::Failure(Fault::kInternal, "forward merge: the top layer has no child");
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
