#pragma once
// QemuImgBackend (`--backend qemu-img`): replays `qemu` profile scenarios of SHUT-OFF
// domains on real qcow2 files with qemu-img and qemu-io, the way libvirt 9.0's QEMU
// driver works on an inactive domain (reference/semantics.md 2.2, 2.3, 4.1, 4.2):
//
//   create internal   `qemu-img snapshot -c NAME` on every disk, rolled back on failure
//                     (`memory: yes` offline: xml-error, as libvirt's XML parser says)
//   create external   a new qcow2 overlay per disk on top of the active image
//   revert internal   `qemu-img snapshot -a ID` on the image each disk had when taken
//   revert external   config-unsupported (libvirt 9.0 cannot)
//   delete internal   `qemu-img snapshot -d NAME` on the image each disk had when taken
//   delete external   commit the overlay written after the snapshot into the snapshot's
//                     image, re-point the chain, remove the overlay (leaf off the active
//                     chain: the snapshot's image is unlinked, nothing merges)
//
// libvirt keeps the snapshot tree as metadata of its own, and validates every request
// against it before touching an image; this backend keeps the same metadata and makes the
// same checks itself (never by asking the model: the runner compares the two).
// Everything lives in one temporary folder, removed by End() and on destruction.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/backend.h"
#include "simulator/host/temp_dir.h"
#include "simulator/qemu/qemu_img_tools.h"

namespace snapsim::simulator {

// libvirt 9.0's limit on a disk's backing chain (qemuDomainStorageSourceValidateDepth).
inline constexpr size_t kBackingChainLimit = 200;

class QemuImgBackend : public Backend {
 public:
  // `dir_prefix`: the temporary folder's name prefix (subclasses name their own).
  explicit QemuImgBackend(std::string dir_prefix = "snapsim-qemu-img-");
  ~QemuImgBackend() override;

  std::string name() const override { return "qemu-img"; }
  std::optional<std::string> CannotRun(const scenario::Scenario& scenario) const override;
  bool Implements(Profile profile) const override { return profile == Profile::kQemu; }
  bool HasDiskBytes() const override { return true; }
  void Begin(const scenario::Scenario& scenario) override;
  Status Perform(const scenario::Action& action) override;
  Observation Observe() override;
  std::vector<DiskFile> CurrentDisks() override;
  void End() override;

  // The file that holds `disk`'s view at snapshot `snapshot`: for an internal snapshot
  // "IMAGE@ID" (the qcow2 snapshot ID inside IMAGE), for an external one the image that
  // was frozen when it was taken. nullopt when there is no such snapshot or disk.
  std::optional<DiskFile> SnapshotDisk(std::string_view snapshot,
                                       std::string_view disk) const override;
  // The temporary folder of the running scenario ("" outside Begin/End).
  std::string folder() const;
  // qemu-img and qemu-io runs so far in this scenario, per command.
  std::map<std::string, CommandStats> stats() const;

  // Why the backend cannot run on this machine, or nullopt.
  static std::optional<std::string> Probe() { return QemuImgTools::Probe(); }

 protected:
  // Protected for QemuBackend (simulator/qemu_backend.h), which keeps the same metadata
  // and runs the shut-off steps through this class; the virtual steps are its hooks.
  // What libvirt keeps per snapshot (its metadata), plus where the bytes went.
  struct DiskPoint {
    std::string file;     // internal: the image holding the snapshot; external: the frozen image
    std::string id;       // internal: the qcow2 snapshot ID in `file`
    std::string overlay;  // external: the overlay created on top of `file`
  };
  struct Snapshot {
    std::string name;
    std::optional<std::string> parent;
    std::vector<std::string> children;  // in creation order
    bool external = false;
    std::vector<DiskPoint> disks;  // in scenario disk order
  };

  Status Create(const scenario::Create& create);
  virtual Status Revert(const scenario::Revert& revert);
  Status Delete(const scenario::Delete& del);
  // The metadata's current pointer only, as libvirt's redefine with CURRENT.
  Status SetCurrent(const scenario::SetCurrent& set_current);
  virtual Status Write(const scenario::Write& write);
  // What libvirt's snapshot XML parser refuses, before the name's syntax: memory state
  // of a shut-off domain (docs/findings.md F17, F20).
  virtual Status RefuseXml(const scenario::Create& create) const;
  // What libvirt refuses after the name's syntax and before the duplicate name: an
  // internal snapshot of an active domain without memory (docs/model.md decision 29);
  // offline, nothing.
  virtual Status RefuseBeforeMetadata(const scenario::Create& create) const { return Status::Ok(); }
  // What libvirt refuses after the metadata checks; offline, nothing (quiesce is ignored).
  virtual Status RefuseCreate(const scenario::Create& create) const { return Status::Ok(); }
  // libvirt's limit on a backing chain before an external snapshot (docs/model.md
  // decision 30): offline it counts the chain its definition knows of.
  virtual Status RefuseChain() const;
  virtual bool DomainActive() const { return false; }
  // Images in disk `disk`'s active chain, and what libvirt's definition knows of it.
  size_t ChainDepth(size_t disk) const;
  void ProbeChains();
  virtual void CreateInternal(Snapshot& snapshot);
  virtual void CreateExternal(Snapshot& snapshot);
  // What libvirt refuses before it looks at the delete's flags; offline, nothing.
  virtual Status RefuseDelete(const Snapshot& target) const { return Status::Ok(); }
  Status CheckExternalDelete(const scenario::Delete& del, const Snapshot& target) const;
  virtual Status DeleteImages(const Snapshot& snapshot);
  Status MergeExternal(const Snapshot& snapshot);
  // Commits `point.overlay` of disk `disk` into `point.file` and re-points every image
  // whose backing file was the overlay (offline: qemu-img commit and rebase -u).
  virtual void CommitOverlay(size_t disk, const DiskPoint& point);
  void RemoveFromTree(const std::string& name);
  std::vector<std::string> Descendants(const std::string& name) const;
  bool FileExists(const std::string& file) const;
  std::optional<std::string> BackingOf(const std::string& file) const;
  void RequireStarted() const;

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<QemuImgTools> tools_;
  std::vector<scenario::DiskSpec> disks_;
  std::vector<std::string> active_;                            // per disk: the image written to
  std::map<std::string, std::optional<std::string>> backing_;  // image -> its backing image
  std::vector<size_t> known_chain_;  // per disk: the images of its chain libvirt knows of
  std::map<std::string, Snapshot> snapshots_;
  std::vector<std::string> roots_;  // in creation order
  std::optional<std::string> current_;
  int next_overlay_ = 1;
  std::string dir_prefix_;
};

}  // namespace snapsim::simulator
