#include "model/disks.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace snapsim::model {

Technology TechnologyFor(Profile profile) {
  switch (profile) {
    case Profile::kEsx: return Technology::kVmdk;
    case Profile::kVbox: return Technology::kVdi;
    case Profile::kQemu:
    case Profile::kTest: return Technology::kQcow2;  // test: no real bytes; qcow2-like
  }
  return Technology::kQcow2;
}

merge::ExtentMap& Mutable(MapPtr& map) {
  if (map.use_count() > 1) map = std::make_shared<merge::ExtentMap>(*map);
  return *map;
}

void AppendExtents(const merge::ExtentMap& map, std::string* out) {
  for (const merge::Extent& e : map.extents()) {
    fmt::format_to(std::back_inserter(*out), "{:x}+{:x}:", e.offset, e.length);
    if (const auto* fill = std::get_if<merge::FillSource>(&e.source)) {
      fmt::format_to(std::back_inserter(*out), "f{:02x},", fill->byte);
    } else if (const auto* seed = std::get_if<merge::SeedSource>(&e.source)) {
      fmt::format_to(std::back_inserter(*out), "s{},", seed->seed);
    } else if (std::holds_alternative<merge::ZeroSource>(e.source)) {
      out->append("z,");
    } else {
      const auto& image = std::get<merge::ImageSource>(e.source);
      fmt::format_to(std::back_inserter(*out), "i{}@{:x},", image.image_id, image.image_offset);
    }
  }
}

DiskSet::DiskSet(Profile profile, std::vector<scenario::DiskSpec> specs)
    : technology_(TechnologyFor(profile)), specs_(std::move(specs)) {
  disks_.resize(specs_.size());
  for (size_t i = 0; i < specs_.size(); ++i) {
    Disk& disk = disks_[i];
    disk.current = std::make_shared<merge::ExtentMap>(specs_[i].size_bytes);
    // The base starts out sharing the (empty) current content.
    disk.active = NewLayer(disk, Kind::kBase, -1, disk.current);
  }
}

int DiskSet::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int DiskSet::NewLayer(Disk& disk, Kind kind, int backing, MapPtr content) {
  int index;
  if (!disk.free_layers.empty()) {  // reuse slots so long walks do not grow the table
    index = disk.free_layers.back();
    disk.free_layers.pop_back();
  } else {
    index = static_cast<int>(disk.layers.size());
    disk.layers.emplace_back();
  }
  PhysLayer& layer = disk.layers[index];
  layer = PhysLayer{kind, true, backing, 0, kNoNode, disk.next_serial++, std::move(content)};
  if (backing >= 0) ++disk.layers[backing].dependents;
  return index;
}

void DiskSet::RemoveLayer(Disk& disk, int index) {
  PhysLayer& layer = disk.layers[index];
  if (layer.backing >= 0) --disk.layers[layer.backing].dependents;
  layer.alive = false;
  layer.content.reset();
  layer.backing = -1;
  disk.free_layers.push_back(index);
}

bool DiskSet::Referenced(const Disk& disk, int index) const {
  return index == disk.active || disk.layers[index].point_of != kNoNode;
}

// Tidies layers that no snapshot and not the current state stand on, walking down from
// `index`: one nothing is built on holds no visible data and goes; on vmdk and vdi one
// with a single dependent is consolidated with it (vSphere's "Consolidate", VirtualBox's
// merge). qcow2 keeps such images: libvirt leaves them where they are.
void DiskSet::PruneAnonymous(Disk& disk, int index) {
  while (index >= 0 && disk.layers[index].alive && !Referenced(disk, index) &&
         disk.layers[index].kind != Kind::kTable) {
    const PhysLayer& layer = disk.layers[index];
    if (layer.dependents == 0) {
      const int below = layer.backing;
      RemoveLayer(disk, index);
      index = below;
      continue;
    }
    if (layer.dependents == 1 && technology_ != Technology::kQcow2) MergeSingleChild(disk, index);
    return;
  }
}

void DiskSet::Write(int disk_index, uint64_t offset_bytes, uint64_t length_bytes,
                    const merge::Source& source) {
  Disk& disk = disks_[disk_index];
  Mutable(disk.current).Write(offset_bytes, length_bytes, source);
  Mutable(disk.layers[disk.active].content).Write(offset_bytes, length_bytes, source);
}

void DiskSet::TakePoint(NodeId id, scenario::Location location) {
  const bool table = technology_ == Technology::kQcow2 && location == scenario::Location::kInternal;
  for (Disk& disk : disks_) {
    if (disk.views.size() <= id) {
      disk.views.resize(id + 1);
      disk.points.resize(id + 1, -1);
      disk.taken_in.resize(id + 1, 0);
      disk.overlay_file.resize(id + 1, 0);
    }
    disk.views[id] = disk.current;
    disk.taken_in[id] = disk.active_file;
    disk.overlay_file[id] = table ? 0 : disk.next_file++;
    if (!table) disk.active_file = disk.overlay_file[id];
    int point;
    if (table) {
      // qcow2 internal: a copy of the active table (shared until either side writes).
      const PhysLayer& active = disk.layers[disk.active];
      point = NewLayer(disk, Kind::kTable, active.backing, active.content);
    } else {
      // Chains: the active image freezes and stands for the point; an empty overlay
      // (delta, differencing image) takes the writes from now on.
      point = disk.active;
      disk.active = NewLayer(disk, Kind::kDelta, point,
                             std::make_shared<merge::ExtentMap>(disk.current->size_bytes()));
    }
    disk.layers[point].point_of = id;
    disk.points[id] = point;
  }
}

void DiskSet::RevertTo(NodeId id) {
  for (Disk& disk : disks_) {
    disk.current = disk.views[id];
    // libvirt takes the snapshot's own definition back: an internal snapshot's file is
    // the domain's again; an external one gets a new overlay.
    disk.active_file = disk.overlay_file[id] == 0 ? disk.taken_in[id] : disk.next_file++;
    const int point = disk.points[id];
    const int old_active = disk.active;
    const int old_backing = disk.layers[old_active].backing;
    PhysLayer& target = disk.layers[point];
    if (target.kind == Kind::kTable && target.backing == old_backing) {
      // qemu-img snapshot -a: the active table becomes a copy of the snapshot's.
      disk.layers[old_active].content = target.content;
      continue;
    }
    RemoveLayer(disk, old_active);  // unsaved current-state data is discarded
    if (target.kind == Kind::kTable) {
      // The table sits in an image that has been frozen since (an external snapshot was
      // taken after it): the model never rewrites a frozen image, it clones the table
      // into a fresh active image on the same backing.
      disk.active = NewLayer(disk, target.backing < 0 ? Kind::kBase : Kind::kDelta, target.backing,
                             target.content);
    } else {
      disk.active = NewLayer(disk, Kind::kDelta, point,
                             std::make_shared<merge::ExtentMap>(disk.current->size_bytes()));
    }
    PruneAnonymous(disk, old_backing);
  }
}

void DiskSet::DropPoint(NodeId id, bool images) {
  for (Disk& disk : disks_) {
    disk.views[id].reset();
    if (images && disk.overlay_file[id] != 0) CommitFile(disk, id);
    const int point = disk.points[id];
    disk.points[id] = -1;
    disk.layers[point].point_of = kNoNode;
    if (images) ReleasePoint(disk, point);
  }
}

int DiskSet::PointOffActiveChain(NodeId id) const {
  for (size_t i = 0; i < disks_.size(); ++i) {
    const Disk& disk = disks_[i];
    bool below = false;
    for (int l = disk.layers[disk.active].backing; l >= 0 && !below; l = disk.layers[l].backing) {
      below = l == disk.points[id];
    }
    if (!below) return static_cast<int>(i);
  }
  return -1;
}

int DiskSet::ChainAtLeast(size_t layers) const {
  for (size_t i = 0; i < disks_.size(); ++i) {
    const Disk& disk = disks_[i];
    size_t depth = 0;
    for (int l = disk.active; l >= 0; l = disk.layers[l].backing) ++depth;
    if (depth >= layers) return static_cast<int>(i);
  }
  return -1;
}

int DiskSet::TableOutsideActiveImage(NodeId id) const {
  for (size_t i = 0; i < disks_.size(); ++i) {
    if (disks_[i].taken_in[id] != disks_[i].active_file) return static_cast<int>(i);
  }
  return -1;
}

void DiskSet::CommitFile(Disk& disk, NodeId id) {
  const uint32_t overlay = disk.overlay_file[id];
  const uint32_t into = disk.taken_in[id];
  if (disk.active_file == overlay) disk.active_file = into;  // active commit, then pivot
  for (size_t n = 0; n < disk.taken_in.size(); ++n) {
    if (n != id && disk.points[n] >= 0 && disk.overlay_file[n] != 0 &&
        disk.taken_in[n] == overlay) {
      disk.taken_in[n] = into;  // a later external snapshot froze the overlay
    }
  }
}

void DiskSet::ReleasePoint(Disk& disk, int point) {
  PhysLayer& layer = disk.layers[point];
  if (layer.kind == Kind::kTable || layer.dependents == 0) {
    // A table, or an image nothing is built on: reclaimed, no data moves.
    const int below = layer.backing;
    RemoveLayer(disk, point);
    PruneAnonymous(disk, below);
    return;
  }
  if (layer.dependents > 1) return;  // shared by two branches: kept unmerged (docs/model.md)
  MergeSingleChild(disk, point);
}

void DiskSet::MergeSingleChild(Disk& disk, int parent) {
  int child = -1;
  for (size_t i = 0; i < disk.layers.size(); ++i) {
    if (disk.layers[i].alive && disk.layers[i].backing == parent) child = static_cast<int>(i);
  }
  if (disk.layers[child].kind == Kind::kTable) return;  // tables cannot be merged into
  if (technology_ == Technology::kVdi && disk.layers[parent].backing >= 0) {
    MergeParentIntoChild(disk, parent, child);  // differencing image: forward merge
  } else {
    MergeChildIntoParent(disk, parent, child);  // vmdk, qcow2 commit, vdi base: backward
  }
}

void DiskSet::MergeChildIntoParent(Disk& disk, int parent, int child) {
  merge::ExtentMap& target = Mutable(disk.layers[parent].content);
  for (const merge::Extent& e : disk.layers[child].content->extents()) {
    target.Write(e.offset, e.length, e.source);
  }
  for (PhysLayer& layer : disk.layers) {
    if (layer.alive && layer.backing == child) {
      layer.backing = parent;
      --disk.layers[child].dependents;
      ++disk.layers[parent].dependents;
    }
  }
  const NodeId role = disk.layers[child].point_of;
  if (role != kNoNode) {
    disk.layers[parent].point_of = role;
    disk.points[role] = parent;
  }
  if (disk.active == child) disk.active = parent;  // active commit, then pivot
  RemoveLayer(disk, child);
}

void DiskSet::MergeParentIntoChild(Disk& disk, int parent, int child) {
  // Forward: the parent's blocks fill the child's holes; the child keeps its own blocks.
  auto merged = std::make_shared<merge::ExtentMap>(*disk.layers[parent].content);
  for (const merge::Extent& e : disk.layers[child].content->extents()) {
    merged->Write(e.offset, e.length, e.source);
  }
  PhysLayer& c = disk.layers[child];
  c.content = std::move(merged);
  const int below = disk.layers[parent].backing;
  c.backing = below;
  ++disk.layers[below].dependents;
  --disk.layers[parent].dependents;
  RemoveLayer(disk, parent);
}

std::string DiskSet::LayerId(const PhysLayer& layer) const {
  if (layer.kind == Kind::kBase)
    return layer.serial == 1 ? "base" : fmt::format("base-{}", layer.serial);
  if (layer.kind == Kind::kTable) return fmt::format("table-{}", layer.serial);
  switch (technology_) {
    case Technology::kVmdk: return fmt::format("delta-{:06}", layer.serial);
    case Technology::kVdi: return fmt::format("diff-{}", layer.serial);
    case Technology::kQcow2: return fmt::format("overlay-{}", layer.serial);
  }
  return "?";
}

std::vector<Layer> DiskSet::Layers(int disk_index) const {
  const Disk& disk = disks_[disk_index];
  // Bottom first: by distance from the base, then creation order.
  std::vector<std::pair<std::pair<int, uint32_t>, int>> order;
  for (size_t i = 0; i < disk.layers.size(); ++i) {
    if (!disk.layers[i].alive) continue;
    int height = 0;
    for (int b = disk.layers[i].backing; b >= 0; b = disk.layers[b].backing) ++height;
    order.push_back({{height, disk.layers[i].serial}, static_cast<int>(i)});
  }
  std::sort(order.begin(), order.end());
  std::vector<Layer> out;
  for (const auto& [key, index] : order) {
    const PhysLayer& layer = disk.layers[index];
    Layer l{LayerId(layer), std::nullopt, *layer.content};
    if (layer.backing >= 0) l.backing = LayerId(disk.layers[layer.backing]);
    out.push_back(std::move(l));
  }
  return out;
}

merge::ExtentMap DiskSet::Flatten(const Disk& disk, int top, uint64_t size_bytes) const {
  std::vector<int> chain;
  for (int l = top; l >= 0 && chain.size() <= disk.layers.size(); l = disk.layers[l].backing) {
    chain.push_back(l);
  }
  merge::ExtentMap out(size_bytes);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (const merge::Extent& e : disk.layers[*it].content->extents()) {
      out.Write(e.offset, e.length, e.source);
    }
  }
  return out;
}

}  // namespace snapsim::model
