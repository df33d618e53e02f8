#pragma once
// The snapshot forest: named snapshots, their parent/children links, what each one
// recorded, and the current pointer. Pure metadata; disks live in disks.h.
//
// Nodes are addressed by NodeId, an index that is reused after deletion (so copies stay
// small); `serial` is the creation sequence number and never repeats. Children and roots
// are kept in creation order (ascending serial), which is what Forest() reports.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/status.h"
#include "scenario/scenario.h"

namespace snapsim::model {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = UINT32_MAX;

// What a snapshot recorded about the domain's power state. kDiskSnapshot is libvirt's
// `disk-snapshot` state of a qemu external snapshot taken while the domain was active.
enum class Recorded : uint8_t { kShutoff, kRunning, kPaused, kDiskSnapshot };
std::string_view RecordedName(Recorded recorded);

struct SnapshotNode {
  std::string name;
  NodeId parent = kNoNode;
  std::vector<NodeId> children;  // creation order
  Recorded recorded = Recorded::kShutoff;
  bool memory = false;
  scenario::Location location = scenario::Location::kInternal;
  uint64_t serial = 0;
  bool alive = false;
};

class Forest {
 public:
  // Adds a child of the current snapshot (a root when there is none) and makes it current.
  NodeId Add(std::string name, Recorded recorded, bool memory, scenario::Location location);

  const SnapshotNode& node(NodeId id) const { return nodes_[id]; }
  NodeId current() const { return current_; }
  void set_current(NodeId id) { current_ = id; }
  const std::vector<NodeId>& roots() const { return roots_; }
  size_t size() const { return live_count_; }
  bool empty() const { return live_count_ == 0; }

  // The snapshot a name refers to under `profile`'s lookup rule, or kNoNode.
  // esx: first match depth-first pre-order; vbox: first match breadth-first;
  // qemu and test: names are unique, so any order finds the same node.
  NodeId Find(std::string_view name, Profile profile) const;

  // Removes one snapshot; its children move to its parent (roots if it was a root) and,
  // if it was current, its parent becomes current.
  void RemoveSplice(NodeId id);
  // Removes the descendants of `id` (and `id` too unless keep_root). If current was among
  // the removed nodes it becomes `id` (keep_root) or `id`'s parent.
  void RemoveSubtree(NodeId id, bool keep_root);

  // Pre-order (node, then its subtree, children in creation order; roots in order).
  std::vector<NodeId> PreOrder() const;
  // `id`'s strict descendants, children before parents (the order a leaves-first delete
  // visits them).
  std::vector<NodeId> DescendantsPostOrder(NodeId id) const;
  // Number of snapshots on the path from a root to `id`, both included (a root is 1).
  int Depth(NodeId id) const;
  // True when `ancestor` is `id` or one of its ancestors.
  bool IsAncestorOrSelf(NodeId ancestor, NodeId id) const;

  // Parent/children links agree, no cycles, roots have no parent, current is alive.
  Status CheckWellFormed() const;
  scenario::Tree ToTree() const;

 private:
  NodeId FindDepthFirst(NodeId id, std::string_view name) const;
  void Unlink(NodeId id);
  void InsertOrdered(std::vector<NodeId>& list, NodeId id) const;
  void Free(NodeId id);

  std::vector<SnapshotNode> nodes_;
  std::vector<NodeId> free_;  // reusable slots, LIFO (deterministic)
  std::vector<NodeId> roots_;
  NodeId current_ = kNoNode;
  uint64_t next_serial_ = 1;
  size_t live_count_ = 0;
};

}  // namespace snapsim::model
