#pragma once
// Backend: everything snapsim does to a hypervisor goes through this interface, as every
// file operation in leveldb goes through Env. Implementations: ModelBackend (the
// reference, in process), the real backends (libvirt-test, qemu-img, ...), and test-only
// wrappers that inject faults (BackendWrapper).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/status.h"
#include "scenario/scenario.h"

namespace snapsim::simulator {

// What a backend shows of its domain after a step.
struct Observation {
  PowerState state = PowerState::kShutoff;
  std::optional<std::string> current;
  scenario::Tree forest;
};

// A disk as a file the merge engine can read: `path` in `format` (raw, qcow2, vmdk),
// optionally with "@SNAPSHOT" selecting an internal snapshot's view.
struct DiskFile {
  std::string disk;
  std::string path;
  std::string format;

  // `path` without its "@SNAPSHOT" part: the image file itself.
  std::string image_path() const { return path.substr(0, path.rfind('@')); }
  // The "@SNAPSHOT" part without the '@', if any.
  std::optional<std::string> snapshot() const {
    const size_t at = path.rfind('@');
    if (at == std::string::npos) return std::nullopt;
    return path.substr(at + 1);
  }
};

// The backend itself failed (a program is missing, a process died, a file vanished).
// Not a divergence: the run stops with exit status 3, naming the step.
class BackendFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // The name used on the command line, e.g. "libvirt-test".
  virtual std::string name() const = 0;
  // Why this backend cannot run `scenario` (profile, power states, steps it cannot
  // perform), or nullopt when it can. A skip is reported with this reason.
  virtual std::optional<std::string> CannotRun(const scenario::Scenario& scenario) const = 0;
  // False when the backend does not implement `profile`'s hypervisor at all: such a
  // scenario x backend pair is not a case (it could never run), unlike a skip.
  virtual bool Implements(Profile profile) const { return true; }
  // True when the backend has disk bytes the merge engine can check.
  virtual bool HasDiskBytes() const { return false; }

  // Sets up a fresh domain for `scenario`. Throws BackendFailure.
  virtual void Begin(const scenario::Scenario& scenario) = 0;
  // Performs one action step (never an Expect) and returns its outcome.
  virtual Status Perform(const scenario::Action& action) = 0;
  // The domain's state, current snapshot and forest now.
  virtual Observation Observe() = 0;
  // The current content of each disk as files (only when HasDiskBytes()).
  virtual std::vector<DiskFile> CurrentDisks() { return {}; }
  // The file holding `disk`'s view at a snapshot that still exists ("IMAGE@ID" for a
  // qcow2 internal snapshot), or nullopt when the backend exposes none.
  virtual std::optional<DiskFile> SnapshotDisk(std::string_view snapshot,
                                               std::string_view disk) const {
    return std::nullopt;
  }
  // Removes everything Begin() created. Safe to call twice; never throws.
  virtual void End() = 0;
};

// What Perform answers for an Expect, which is not an action (the runner never sends one).
inline Status NotAnAction() {
  return Status::Error(ErrorClass::kInternalError, "expect is not an action");
}

// Forwards every call to another backend; fault injectors override one method
// (leveldb's EnvWrapper).
class BackendWrapper : public Backend {
 public:
  explicit BackendWrapper(Backend* target) : target_(target) {}
  std::string name() const override { return target_->name(); }
  std::optional<std::string> CannotRun(const scenario::Scenario& s) const override {
    return target_->CannotRun(s);
  }
  bool Implements(Profile profile) const override { return target_->Implements(profile); }
  bool HasDiskBytes() const override { return target_->HasDiskBytes(); }
  void Begin(const scenario::Scenario& s) override { target_->Begin(s); }
  Status Perform(const scenario::Action& a) override { return target_->Perform(a); }
  Observation Observe() override { return target_->Observe(); }
  std::vector<DiskFile> CurrentDisks() override { return target_->CurrentDisks(); }
  std::optional<DiskFile> SnapshotDisk(std::string_view snapshot,
                                       std::string_view disk) const override {
    return target_->SnapshotDisk(snapshot, disk);
  }
  void End() override { target_->End(); }

 protected:
  Backend* target() const { return target_; }

 private:
  Backend* target_;
};

}  // namespace snapsim::simulator
