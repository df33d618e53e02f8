#pragma once
// LibvirtBackend: libvirt's C API in process, on any connection URI.
//
// `libvirt-test` is this backend on test:///default (libvirt's test driver, which keeps
// its state only as long as the connection: one connection per scenario). `libvirt:URI`
// is the same adapter on a connection the user names. Either way it defines one fresh
// domain named `snapsim-<pid>-<scenario>` (owned_domains.h), refuses to touch a domain it
// did not create, and removes the domain and every snapshot it made when the scenario
// ends. On a QEMU driver the domain gets one qcow2 disk per scenario disk, made with
// qemu-img in a folder `snapsim-<pid>-XXXXXX` under the disk folder (--disk-dir) and
// removed with the domain. `libvirt:URI` also starts a cleanup guard
// (uri_cleanup_guard.h) for the ends no handler sees.
//
// snapsim reads no disk bytes through these drivers: `write` steps are the harness's and
// are checked on the model only.

#include <string>
#include <vector>

#include "simulator/api_limits.h"
#include "simulator/backend.h"
#include "simulator/backend_registry.h"
#include "simulator/host/temp_dir.h"

typedef struct _virConnect* virConnectPtr;
typedef struct _virDomain* virDomainPtr;

namespace snapsim::simulator {

// One disk of an external snapshot in libvirt's snapshot XML: the domain's target (vda)
// and, when not empty, the overlay file to create (else the driver chooses).
struct ExternalSnapshotDisk {
  std::string target;
  std::string overlay_file;
};

class LibvirtBackend : public Backend {
 public:
  // `name` is what the user typed ("libvirt-test" or "libvirt:URI"). `options.profile`
  // stands for the URI's when its driver has none; a guard runs when
  // `options.snapsim_program` is set.
  LibvirtBackend(std::string name, std::string uri, BackendOptions options = {});
  ~LibvirtBackend() override;

  std::string name() const override { return name_; }
  std::optional<std::string> CannotRun(const scenario::Scenario& scenario) const override;
  // The profile of the URI's driver (none for a driver without one).
  bool Implements(Profile profile) const override;
  void Begin(const scenario::Scenario& scenario) override;
  Status Perform(const scenario::Action& action) override;
  Observation Observe() override;
  void End() override;

  // Why libvirt cannot open `uri` here, or nullopt (for `snapsim backends`). With
  // `refuse_stale`, domains that runs now gone left on `uri` are a reason too.
  static std::optional<std::string> Probe(const std::string& uri, bool refuse_stale = false);

 protected:
  // Hooks for drivers that need more than virConnectOpen and virDomainDefineXML (the
  // ESX driver against vcsim: an auth callback, a VM made by the simulator).
  // Opens the connection; throws BackendFailure.
  virtual virConnectPtr OpenConnection();
  // Makes the scenario's fresh domain in its initial state; throws BackendFailure.
  virtual virDomainPtr DefineDomain(const scenario::Scenario& scenario);
  // Removes a domain DefineDomain made (never throws); the handle is freed by the caller.
  virtual void RemoveDomain(virDomainPtr domain);
  virConnectPtr connection() const { return connection_; }
  const std::string& uri() const { return uri_; }
  const std::string& domain_name() const { return domain_name_; }

 private:
  Status Create(const scenario::Create& create);
  Status Delete(const scenario::Delete& del);
  Status Revert(const scenario::Revert& revert);
  // The domain XML for `scenario`; on a QEMU driver its disks are made first.
  std::string MakeDomainXml(const scenario::Scenario& scenario);

  std::string name_;
  std::string uri_;
  BackendOptions options_;
  std::optional<Profile> profile_;
  std::optional<TempDir> disk_folder_;  // the domain's images (QEMU drivers)
  std::string domain_name_;
  std::vector<ExternalSnapshotDisk> external_disks_;  // `location: external`: every disk
  virConnectPtr connection_ = nullptr;
  virDomainPtr domain_ = nullptr;
};

// The snapshot XML for `create`: name, memory mode and, when `external` is not empty, every
// listed disk as snapshot='external'. Every libvirt backend sends this.
std::string SnapshotXml(const scenario::Create& create,
                        const std::vector<ExternalSnapshotDisk>& external);
// virDomainSnapshotCreateXML's flags for `create`. `location: external` is a disk-only
// external snapshot (section 8 does not model full-system external snapshots), so it
// carries DISK_ONLY as `disk-only` does.
unsigned int SnapshotCreateFlags(const scenario::Create& create);

// What `domain` shows: power state, current snapshot and forest (drivers without
// virDomainListAllSnapshots, like ESX, through the older name lists). Error: the failing
// call's libvirt error.
Result<Observation> ObserveDomain(virDomainPtr domain);

// Quiets libvirt's error printing and warning log (snapsim reports errors itself). Call it
// before any other libvirt call; every libvirt backend does.
void QuietLibvirt();

// The last libvirt error on this thread as a Status (libvirt keeps errors per thread):
// its snapshot error class, or internal-error naming `call` and libvirt's number.
Status LastLibvirtError(const char* call);

// The rules profile a libvirt URI's driver implements (test://, qemu://, esx://, vbox://).
std::optional<Profile> ProfileForLibvirtUri(const std::string& uri);

}  // namespace snapsim::simulator
