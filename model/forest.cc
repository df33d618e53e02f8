#include "model/forest.h"

#include <algorithm>
#include <deque>

#include <fmt/format.h>

namespace snapsim::model {

std::string_view RecordedName(Recorded recorded) {
  switch (recorded) {
    case Recorded::kShutoff: return "shutoff";
    case Recorded::kRunning: return "running";
    case Recorded::kPaused: return "paused";
    case Recorded::kDiskSnapshot: return "disk-snapshot";
  }
  return "?";
}

void Forest::InsertOrdered(std::vector<NodeId>& list, NodeId id) const {
  auto it = std::lower_bound(list.begin(), list.end(), id, [this](NodeId a, NodeId b) {
    return nodes_[a].serial < nodes_[b].serial;
  });
  list.insert(it, id);
}

NodeId Forest::Add(std::string name, Recorded recorded, bool memory, scenario::Location location) {
  NodeId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<NodeId>(nodes_.size());
    nodes_.emplace_back();
  }
  SnapshotNode& node = nodes_[id];
  node.name = std::move(name);
  node.parent = current_;
  node.children.clear();
  node.recorded = recorded;
  node.memory = memory;
  node.location = location;
  node.serial = next_serial_++;
  node.alive = true;
  // The newest serial sorts last, so appending keeps creation order.
  if (current_ == kNoNode) {
    roots_.push_back(id);
  } else {
    nodes_[current_].children.push_back(id);
  }
  current_ = id;
  ++live_count_;
  return id;
}

NodeId Forest::Find(std::string_view name, Profile profile) const {
  if (profile == Profile::kVbox) {
    // VirtualBox through libvirt: breadth-first from the root, first match wins.
    std::deque<NodeId> queue(roots_.begin(), roots_.end());
    while (!queue.empty()) {
      NodeId id = queue.front();
      queue.pop_front();
      if (nodes_[id].name == name) return id;
      for (NodeId child : nodes_[id].children) queue.push_back(child);
    }
    return kNoNode;
  }
  // esx: depth-first pre-order, first match wins. qemu/test names are unique, so the
  // same walk serves them.
  for (NodeId root : roots_) {
    if (NodeId found = FindDepthFirst(root, name); found != kNoNode) return found;
  }
  return kNoNode;
}

// Recursive on purpose: no allocation on the hot path (depth is bounded by the chain
// limits on esx; qemu and test chains stay far shallower than the stack in practice).
NodeId Forest::FindDepthFirst(NodeId id, std::string_view name) const {
  if (nodes_[id].name == name) return id;
  for (NodeId child : nodes_[id].children) {
    if (NodeId found = FindDepthFirst(child, name); found != kNoNode) return found;
  }
  return kNoNode;
}

void Forest::Unlink(NodeId id) {
  std::vector<NodeId>& siblings =
      nodes_[id].parent == kNoNode ? roots_ : nodes_[nodes_[id].parent].children;
  siblings.erase(std::find(siblings.begin(), siblings.end(), id));
}

void Forest::Free(NodeId id) {
  SnapshotNode& node = nodes_[id];
  node.alive = false;
  node.children.clear();
  node.name.clear();
  free_.push_back(id);
  --live_count_;
}

void Forest::RemoveSplice(NodeId id) {
  const NodeId parent = nodes_[id].parent;
  Unlink(id);
  std::vector<NodeId>& new_siblings = parent == kNoNode ? roots_ : nodes_[parent].children;
  for (NodeId child : nodes_[id].children) {
    nodes_[child].parent = parent;
    InsertOrdered(new_siblings, child);
  }
  if (current_ == id) current_ = parent;
  Free(id);
}

void Forest::RemoveSubtree(NodeId id, bool keep_root) {
  const std::vector<NodeId> doomed = DescendantsPostOrder(id);
  const bool current_inside =
      current_ != kNoNode && current_ != id && IsAncestorOrSelf(id, current_);
  for (NodeId d : doomed) Free(d);
  nodes_[id].children.clear();
  if (keep_root) {
    if (current_inside) current_ = id;
    return;
  }
  const NodeId parent = nodes_[id].parent;
  if (current_inside || current_ == id) current_ = parent;
  Unlink(id);
  Free(id);
}

std::vector<NodeId> Forest::PreOrder() const {
  std::vector<NodeId> out;
  out.reserve(live_count_);
  std::vector<NodeId> stack(roots_.rbegin(), roots_.rend());
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    out.push_back(id);
    const auto& children = nodes_[id].children;
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
  return out;
}

std::vector<NodeId> Forest::DescendantsPostOrder(NodeId id) const {
  std::vector<NodeId> out;
  // Iterative post-order: (node, next child index) frames.
  std::vector<std::pair<NodeId, size_t>> stack = {{id, 0}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < nodes_[node].children.size()) {
      NodeId child = nodes_[node].children[next++];
      stack.push_back({child, 0});
      continue;
    }
    if (node != id) out.push_back(node);
    stack.pop_back();
  }
  return out;
}

int Forest::Depth(NodeId id) const {
  int depth = 0;
  for (NodeId n = id; n != kNoNode; n = nodes_[n].parent) ++depth;
  return depth;
}

bool Forest::IsAncestorOrSelf(NodeId ancestor, NodeId id) const {
  for (NodeId n = id; n != kNoNode; n = nodes_[n].parent) {
    if (n == ancestor) return true;
  }
  return false;
}

Status Forest::CheckWellFormed() const {
  auto broken = [](std::string what) {
    return Status::Error(ErrorClass::kInternalError, "forest is malformed: " + what);
  };
  size_t reached = 0;
  std::vector<bool> seen(nodes_.size(), false);
  std::vector<NodeId> stack;
  for (NodeId root : roots_) {
    if (root >= nodes_.size() || !nodes_[root].alive) return broken("dead root");
    if (nodes_[root].parent != kNoNode)
      return broken("root '" + nodes_[root].name + "' has a parent");
    stack.push_back(root);
  }
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    if (seen[id]) return broken(fmt::format("node '{}' reached twice", nodes_[id].name));
    seen[id] = true;
    ++reached;
    uint64_t last_serial = 0;
    for (NodeId child : nodes_[id].children) {
      if (child >= nodes_.size() || !nodes_[child].alive) return broken("dead child");
      if (nodes_[child].parent != id) {
        return broken(fmt::format("'{}' lists child '{}' whose parent differs", nodes_[id].name,
                                  nodes_[child].name));
      }
      if (nodes_[child].serial <= last_serial) return broken("children out of creation order");
      last_serial = nodes_[child].serial;
      stack.push_back(child);
    }
  }
  if (reached != live_count_) {
    return broken(fmt::format("{} snapshots alive but {} reachable", live_count_, reached));
  }
  if (current_ != kNoNode && (current_ >= nodes_.size() || !nodes_[current_].alive)) {
    return broken("current snapshot does not exist");
  }
  return Status::Ok();
}

scenario::Tree Forest::ToTree() const {
  // Recursion depth is bounded by the chain limits (esx 32, vbox 250); others are small.
  struct Builder {
    const Forest& f;
    scenario::Tree Build(const std::vector<NodeId>& ids) const {
      scenario::Tree tree;
      for (NodeId id : ids)
        tree.children.emplace_back(f.nodes_[id].name, Build(f.nodes_[id].children));
      return tree;
    }
  };
  return Builder{*this}.Build(roots_);
}

}  // namespace snapsim::model
