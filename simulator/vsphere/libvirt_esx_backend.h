#pragma once
// LibvirtEsxBackend (`libvirt-esx`): libvirt's real ESX driver (esx://) against the run's
// vcsim (VcsimServer), through the fix-up proxy that makes vcsim's XML acceptable to
// libvirt's parser (tools/vcsim/fixup.go). It is LibvirtBackend with three hooks:
//   - the connection is opened with virConnectOpenAuth; the callback hands libvirt the
//     run's user and password from memory (no auth file, nothing on a command line);
//   - the scenario's VM is made by the simulator (libvirt's ESX define needs a real
//     datastore layout vcsim does not model) and then looked up through libvirt;
//   - at the end the simulator destroys it.
// Every snapshot and power step goes through libvirt's ESX driver. `suppress-power-on`
// has no libvirt flag: such scenarios skip (LibvirtBackend::CannotRun says why).

#include <string>

#include "simulator/libvirt/libvirt_backend.h"

namespace snapsim::simulator {

class VcsimServer;

class LibvirtEsxBackend : public LibvirtBackend {
 public:
  LibvirtEsxBackend();
  ~LibvirtEsxBackend() override { End(); }

  // Why libvirt-esx cannot run here, or nullopt.
  static std::optional<std::string> Probe();

 protected:
  virConnectPtr OpenConnection() override;
  virDomainPtr DefineDomain(const scenario::Scenario& scenario) override;
  void RemoveDomain(virDomainPtr domain) override;

 private:
  VcsimServer* server_ = nullptr;
  std::string vm_;
};

}  // namespace snapsim::simulator
