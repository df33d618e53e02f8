#pragma once
// The disk model: for the current state and every snapshot, the guest-visible content of
// each disk, plus the physical layers the profile's technology would keep.
//
// Views are immutable shared maps (copy on write), so taking a snapshot costs one
// reference per disk. The physical layers are kept alongside and must always agree with
// the views: CheckConsistency() flattens every chain and compares.
//
// Technologies (reference/semantics.md section 4):
//   qcow2 (qemu, test): internal snapshots are independent tables next to the active
//     table (no data moves on delete); external snapshots freeze the active image and
//     put an empty overlay on top; deleting commits the overlay into it (child into parent).
//   vmdk (esx): a chain of deltas; deleting consolidates the child delta into the parent.
//   vdi (vbox): like vmdk, but a differencing image with one child merges forward
//     (parent into child); only a base merges backward.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/status.h"
#include "merge/extent_map.h"
#include "model/forest.h"
#include "model/model.h"
#include "scenario/scenario.h"

namespace snapsim::model {

using MapPtr = std::shared_ptr<merge::ExtentMap>;  // shared means immutable

enum class Technology { kQcow2, kVmdk, kVdi };
Technology TechnologyFor(Profile profile);

class DiskSet {
 public:
  DiskSet(Profile profile, std::vector<scenario::DiskSpec> specs);

  const std::vector<scenario::DiskSpec>& specs() const { return specs_; }
  // Index of the disk called `name`, or -1.
  int IndexOf(std::string_view name) const;

  // The guest writes; both the current view and the active layer change.
  void Write(int disk, uint64_t offset_bytes, uint64_t length_bytes, const merge::Source& source);
  // Records the current content as snapshot `id`'s point on every disk.
  void TakePoint(NodeId id, scenario::Location location);
  // Makes the current content equal snapshot `id`'s on every disk.
  void RevertTo(NodeId id);
  // Forgets snapshot `id`'s point. With `images`, the technology reclaims or merges
  // what only the point needed; without (metadata-only) the images stay as they are.
  void DropPoint(NodeId id, bool images);

  // libvirt 9.0's chain lookups (qemu), each naming the first disk that fails, or -1:
  // the image frozen for external snapshot `id` is not below the active image (so the
  // overlay written after it is not in the domain's backing chain) ...
  int PointOffActiveChain(NodeId id) const;
  // ... internal snapshot `id` was not taken in the image file the domain uses now.
  int TableOutsideActiveImage(NodeId id) const;
  // The first disk whose active image's backing chain (the active image, its backing
  // file, that file's backing file, ...) already holds `layers` images, or -1.
  int ChainAtLeast(size_t layers) const;

  const merge::ExtentMap& Current(int disk) const { return *disks_[disk].current; }
  // Snapshot `id`'s view of `disk` (a snapshot that exists).
  const merge::ExtentMap& View(NodeId id, int disk) const { return *disks_[disk].views[id]; }
  const MapPtr& CurrentPtr(int disk) const { return disks_[disk].current; }
  const MapPtr& ViewPtr(NodeId id, int disk) const { return disks_[disk].views[id]; }

  std::vector<Layer> Layers(int disk) const;
  // Every chain's flattened content equals the view it stands for; links are sound.
  Status CheckConsistency(const Forest& forest) const;
  // Appends a canonical text of views and layers, snapshots in `order`.
  void AppendCanonical(const std::vector<NodeId>& order, std::string* out) const;

 private:
  enum class Kind : uint8_t { kBase, kDelta, kTable };
  struct PhysLayer {
    Kind kind = Kind::kDelta;
    bool alive = false;
    int backing = -1;
    int dependents = 0;         // live layers whose backing is this one
    NodeId point_of = kNoNode;  // the snapshot whose point this layer is
    uint32_t serial = 0;
    MapPtr content;
  };
  struct Disk {
    MapPtr current;
    std::vector<MapPtr> views;  // by NodeId; null when no such snapshot
    std::vector<PhysLayer> layers;
    std::vector<int> points;  // by NodeId: layer index, -1 when none
    int active = -1;
    uint32_t next_serial = 1;
    // Image files as libvirt names them (decision 31), apart from the layers: the file
    // the domain uses now, and per snapshot (by NodeId) the file it was taken in (an
    // internal snapshot's table lives there; an external one froze it) and the overlay
    // file an external snapshot made (0 for an internal one). Deleting an external
    // snapshot commits its overlay into the file it froze: what stood on the overlay
    // (the domain, later snapshots' frozen files) stands on that file from then on,
    // while internal snapshots keep naming the overlay they were taken in.
    uint32_t active_file = 1;
    uint32_t next_file = 2;
    std::vector<uint32_t> taken_in;
    std::vector<uint32_t> overlay_file;
    std::vector<int> free_layers;  // dead slots, reused LIFO
  };

  int NewLayer(Disk& disk, Kind kind, int backing, MapPtr content);
  void CommitFile(Disk& disk, NodeId id);
  void RemoveLayer(Disk& disk, int layer);
  void PruneAnonymous(Disk& disk, int layer);
  void ReleasePoint(Disk& disk, int layer);
  void MergeSingleChild(Disk& disk, int parent);
  void MergeChildIntoParent(Disk& disk, int parent, int child);
  void MergeParentIntoChild(Disk& disk, int parent, int child);
  bool Referenced(const Disk& disk, int layer) const;
  std::string LayerId(const PhysLayer& layer) const;
  merge::ExtentMap Flatten(const Disk& disk, int top, uint64_t size_bytes) const;

  Technology technology_;
  std::vector<scenario::DiskSpec> specs_;
  std::vector<Disk> disks_;
};

// Copy-on-write access: clones the map when anyone else holds it.
merge::ExtentMap& Mutable(MapPtr& map);
// Appends a compact text of a map ("off+len:src,...").
void AppendExtents(const merge::ExtentMap& map, std::string* out);

}  // namespace snapsim::model
