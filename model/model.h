#pragma once
// Model: the reference semantics of one domain's power state, snapshot forest and disks
// under one rules profile (reference/semantics.md section 8). Every backend is judged
// against it. Deterministic and pure: no clock, no randomness, no I/O.
//
// Contract used by the simulator (simulator/) and the conformance suite: the declarations
// below are stable; the implementation may add members but not change these.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/status.h"
#include "merge/extent_map.h"
#include "scenario/scenario.h"

namespace snapsim::model {

// One physical layer of a disk as the profile's technology would keep it
// (qcow2 internal: one active table plus one per snapshot; qcow2 external and VMDK:
// a base and overlays; VirtualBox: a base and differencing media).
struct Layer {
  std::string id;                      // stable name, e.g. "base", "overlay-after-A"
  std::optional<std::string> backing;  // id of the layer below, if any
  merge::ExtentMap content;            // what this layer holds itself (holes fall through)
};

class Model {
 public:
  Model(Profile profile, PowerState initial_state, std::vector<scenario::DiskSpec> disks);
  explicit Model(const scenario::Scenario& scenario);
  Model(const Model&);
  Model& operator=(const Model&);
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  // Performs one action step (anything but Expect). Returns OK or the error class the
  // profile prescribes. A failed action changes nothing (except `discard`, see section 8).
  Status Apply(const scenario::Action& action);

  Profile profile() const;
  PowerState state() const;
  std::optional<std::string> current() const;
  // The snapshot forest (children in creation order).
  scenario::Tree Forest() const;
  const std::vector<scenario::DiskSpec>& disks() const;

  // Guest-visible content of `disk` now. Precondition: the disk exists.
  const merge::ExtentMap& CurrentView(std::string_view disk) const;
  // Guest view of `disk` at a snapshot that still exists (profile lookup rules), or
  // nullptr when there is no such snapshot.
  const merge::ExtentMap* SnapshotView(std::string_view snapshot, std::string_view disk) const;
  // Content of `disk` when a snapshot named `snapshot` was last taken, even if it has been
  // deleted since (`equals:` checks), or nullptr if no such snapshot was ever taken.
  const merge::ExtentMap* ViewWhenTaken(std::string_view snapshot, std::string_view disk) const;
  // The physical layers of `disk`, bottom first, as the profile's technology keeps them.
  std::vector<Layer> Layers(std::string_view disk) const;

  // A canonical, deterministic text of the whole state (for hashing in `explore` and for
  // determinism checks). Two models with equal Canonical() behave identically.
  std::string Canonical() const;

  // ---- Added by the model implementation (docs/model.md) ------------------------------
  // Every snapshot, pre-order, with what it recorded. `serial` is unique for the model's
  // lifetime (names may repeat on vbox), so callers can follow one snapshot across steps.
  struct SnapshotInfo {
    uint64_t serial = 0;
    std::string name;
    uint64_t parent_serial = 0;  // 0 for a root
    std::string recorded;        // shutoff | running | paused | disk-snapshot
    bool memory = false;
    bool external = false;
  };
  std::vector<SnapshotInfo> Snapshots() const;
  // The view of `disk` at the snapshot with `serial`, or nullptr if it no longer exists.
  const merge::ExtentMap* ViewOfSerial(uint64_t serial, std::string_view disk) const;
  // Self-check: the forest is well formed and every physical chain reads as its view.
  Status CheckConsistency() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace snapsim::model
