#include "simulator/vsphere/vsphere_family.h"

#include "simulator/host/run_process.h"
#include "simulator/vsphere/vcsim_backend.h"
#ifdef SNAPSIM_WITH_LIBVIRT
#include "simulator/libvirt/libvirt_family.h"
#include "simulator/vsphere/libvirt_esx_backend.h"
#endif

namespace snapsim::simulator {

namespace {

std::string GovmomiVersion() {
  return "govmomi " +
         FirstLineOf({"dpkg-query", "-W", "-f=${Version}", "golang-github-vmware-govmomi-dev"}) +
         " (Debian), " + FirstLineOf({"go", "version"});
}

}  // namespace

std::vector<BackendEntry> VsphereFamily() {
  std::vector<BackendEntry> family = {
      {"vcsim", "",
       "VMware's vSphere simulator (govmomi ESX model) through the vSphere API; esx only",
       [](std::string_view) { return VcsimBackend::Probe(); },
       [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
         return std::make_unique<VcsimBackend>();
       }},
  };
#ifdef SNAPSIM_WITH_LIBVIRT
  family.push_back({"libvirt-esx", "",
                    "libvirt's ESX driver (esx://) against vcsim, through a fix-up proxy; esx only",
                    [](std::string_view) { return LibvirtEsxBackend::Probe(); },
                    [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
                      return std::make_unique<LibvirtEsxBackend>();
                    }});
#endif
  for (BackendEntry& entry : family) entry.profiles = "esx";
  family[0].versions = GovmomiVersion;
#ifdef SNAPSIM_WITH_LIBVIRT
  family[1].versions = [] { return LibvirtVersion() + "; " + GovmomiVersion(); };
#endif
  return family;
}

}  // namespace snapsim::simulator
