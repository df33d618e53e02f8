// DiskSet's self-checks and canonical text (kept apart from the operations in disks.cc).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "model/disks.h"

namespace snapsim::model {

Status DiskSet::CheckConsistency(const Forest& forest) const {
  auto broken = [](std::string what) {
    return Status::Error(ErrorClass::kInternalError, "disk model is inconsistent: " + what);
  };
  for (size_t d = 0; d < disks_.size(); ++d) {
    const Disk& disk = disks_[d];
    const std::string& name = specs_[d].name;
    std::vector<int> dependents(disk.layers.size(), 0);
    for (size_t i = 0; i < disk.layers.size(); ++i) {
      const PhysLayer& layer = disk.layers[i];
      if (!layer.alive) continue;
      if (layer.backing >= 0) {
        if (!disk.layers[layer.backing].alive)
          return broken(name + ": layer backed by a dead layer");
        ++dependents[layer.backing];
      }
      int steps = 0;
      for (int b = layer.backing; b >= 0; b = disk.layers[b].backing) {
        if (++steps > static_cast<int>(disk.layers.size())) return broken(name + ": backing cycle");
      }
    }
    for (size_t i = 0; i < disk.layers.size(); ++i) {
      if (disk.layers[i].alive && disk.layers[i].dependents != dependents[i]) {
        return broken(fmt::format("{}: layer {} counts {} dependents, has {}", name,
                                  LayerId(disk.layers[i]), disk.layers[i].dependents,
                                  dependents[i]));
      }
    }
    if (disk.active < 0 || !disk.layers[disk.active].alive)
      return broken(name + ": no active layer");
    const uint64_t size = specs_[d].size_bytes;
    if (!merge::SameContent(Flatten(disk, disk.active, size), *disk.current)) {
      return broken(name + ": the active chain does not read as the current view");
    }
    for (NodeId id : forest.PreOrder()) {
      const std::string& snap = forest.node(id).name;
      if (id >= disk.views.size() || !disk.views[id]) return broken(name + ": no view for " + snap);
      const int point = disk.points[id];
      if (point < 0 || !disk.layers[point].alive || disk.layers[point].point_of != id) {
        return broken(name + ": no point layer for " + snap);
      }
      if (!merge::SameContent(Flatten(disk, point, size), *disk.views[id])) {
        return broken(fmt::format("{}: the chain of '{}' does not read as its view", name, snap));
      }
    }
  }
  return Status::Ok();
}

void DiskSet::AppendCanonical(const std::vector<NodeId>& order, std::string* out) const {
  for (size_t d = 0; d < disks_.size(); ++d) {
    const Disk& disk = disks_[d];
    fmt::format_to(std::back_inserter(*out), "disk {} {}\n cur ", specs_[d].name,
                   specs_[d].size_bytes);
    AppendExtents(*disk.current, out);
    for (size_t k = 0; k < order.size(); ++k) {
      fmt::format_to(std::back_inserter(*out), "\n view#{} ", k);
      AppendExtents(*disk.views[order[k]], out);
    }
    // Layers numbered by first appearance: snapshot points in `order`, then the active
    // chain, then orphans (metadata-only leftovers) by creation.
    std::vector<int> number(disk.layers.size(), -1);
    std::vector<int> listed;
    auto visit_chain = [&](int top) {
      for (int l = top; l >= 0 && number[l] < 0; l = disk.layers[l].backing) {
        number[l] = static_cast<int>(listed.size());
        listed.push_back(l);
      }
    };
    for (NodeId id : order) visit_chain(disk.points[id]);
    visit_chain(disk.active);
    std::vector<std::pair<uint32_t, int>> orphans;
    for (size_t i = 0; i < disk.layers.size(); ++i) {
      if (disk.layers[i].alive && number[i] < 0)
        orphans.push_back({disk.layers[i].serial, static_cast<int>(i)});
    }
    std::sort(orphans.begin(), orphans.end());
    for (const auto& [serial, index] : orphans) visit_chain(index);
    std::vector<int> point_rank(disk.layers.size(), -1);
    for (size_t k = 0; k < order.size(); ++k)
      point_rank[disk.points[order[k]]] = static_cast<int>(k);
    for (int l : listed) {
      const PhysLayer& layer = disk.layers[l];
      fmt::format_to(std::back_inserter(*out), "\n L{} k{} b{} p{}{} ", number[l],
                     static_cast<int>(layer.kind), layer.backing < 0 ? -1 : number[layer.backing],
                     point_rank[l], l == disk.active ? " active" : "");
      AppendExtents(*layer.content, out);
    }
    if (technology_ == Technology::kQcow2) {  // the files, numbered by first appearance
      std::map<uint32_t, int> file;
      auto name = [&](uint32_t f) {
        return f == 0 ? 0 : file.emplace(f, static_cast<int>(file.size()) + 1).first->second;
      };
      fmt::format_to(std::back_inserter(*out), "\n files a{}", name(disk.active_file));
      for (NodeId id : order) {
        fmt::format_to(std::back_inserter(*out), " {}/{}", name(disk.taken_in[id]),
                       name(disk.overlay_file[id]));
      }
    }
    out->push_back('\n');
  }
}

}  // namespace snapsim::model
