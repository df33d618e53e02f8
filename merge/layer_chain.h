#pragma once
// Layer chains: a base and overlays, each an ExtentMap of what the layer holds itself.
//
// The view of a chain takes, at every offset, the topmost layer that has an extent there
// (ZeroSource counts: a qcow2 zero cluster hides what is below it); offsets no layer
// holds read as zeros. Merges move extents between neighbouring layers so that the view
// of the chain does not change. Every operation here is O(extents log extents) or better.

#include <cstddef>
#include <span>
#include <vector>

#include "core/status.h"
#include "merge/extent_map.h"

namespace snapsim::merge {

// `upper` over `lower`: upper's extents win, lower shows through upper's holes.
// O(n + m). The result is as large as the larger of the two.
ExtentMap Overlay(const ExtentMap& upper, const ExtentMap& lower);

// The view of `layers` (bottom first), in one sweep over all of them: every input extent
// is passed once, and each output extent costs a look down through the layers above the
// one that supplies it: O(total + output * depth), typically O(total).
ExtentMap ChainView(std::span<const ExtentMap> layers);

class LayerChain {
 public:
  LayerChain() = default;
  explicit LayerChain(std::vector<ExtentMap> layers) : layers_(std::move(layers)) {}

  size_t depth() const { return layers_.size(); }
  const std::vector<ExtentMap>& layers() const { return layers_; }
  const ExtentMap& layer(size_t index) const { return layers_.at(index); }
  ExtentMap& mutable_layer(size_t index) { return layers_.at(index); }

  // Adds a new, empty top layer of `size_bytes` (taking a snapshot) or a given one.
  void Push(ExtentMap layer) { layers_.push_back(std::move(layer)); }

  // What a guest sees through the whole chain, or through layers [0, index].
  ExtentMap View() const { return ChainView(layers_); }
  ExtentMap ViewAt(size_t index) const;

  // Commit (qemu block-commit, VMware consolidate, VirtualBox backward merge): layer
  // `index` is written over layer index - 1 and removed. The view does not change.
  Status Commit(size_t index);
  // VirtualBox forward merge: layer `index` fills only the holes of layer index + 1 and
  // is removed. The view does not change.
  Status ForwardMerge(size_t index);
  // Drops layer `index`; the layers above it now see what is below it (the view
  // changes to what it would have been without that layer's writes).
  Status Discard(size_t index);
  // Replaces the chain with one layer holding its view.
  void Flatten();

 private:
  Status CheckIndex(size_t index, const char* operation) const;
  std::vector<ExtentMap> layers_;
};

}  // namespace snapsim::merge
