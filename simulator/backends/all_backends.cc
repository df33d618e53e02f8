#include "simulator/backends/all_backends.h"

#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "simulator/backend_registry.h"
#ifdef SNAPSIM_WITH_LIBVIRT
#include "simulator/libvirt/libvirt_family.h"
#endif
#ifdef SNAPSIM_WITH_QEMU
#include "simulator/qemu/qemu_family.h"
#endif
#ifdef SNAPSIM_WITH_VSPHERE
#include "simulator/vsphere/vsphere_family.h"
#endif

namespace snapsim::simulator {
namespace {

struct Slot {
  const char* name;
  const char* option;  // the CMake option that builds it
};

// `snapsim backends` order, fixed whatever the build has.
constexpr Slot kOrder[] = {
    {"libvirt-test", "SNAPSIM_WITH_LIBVIRT"},
    {"qemu-img", "SNAPSIM_WITH_QEMU"},
    {"qemu", "SNAPSIM_WITH_QEMU"},
    {"vcsim", "SNAPSIM_WITH_VSPHERE"},
    {"libvirt-esx", "SNAPSIM_WITH_VSPHERE and SNAPSIM_WITH_LIBVIRT"},
    {"libvirt-qemu", "SNAPSIM_WITH_LIBVIRT"},
    {"libvirt:URI", "SNAPSIM_WITH_LIBVIRT"},
};

std::vector<BackendEntry> Built() {
  std::vector<BackendEntry> all;
  auto add = [&](std::vector<BackendEntry> family) {
    for (BackendEntry& entry : family) all.push_back(std::move(entry));
  };
#ifdef SNAPSIM_WITH_LIBVIRT
  add(LibvirtFamily());
#endif
#ifdef SNAPSIM_WITH_QEMU
  add(QemuFamily());
#endif
#ifdef SNAPSIM_WITH_VSPHERE
  add(VsphereFamily());
#endif
  (void)add;
  return all;
}

}  // namespace

void RegisterAllBackends() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<BackendEntry> built = Built();
    for (const Slot& slot : kOrder) {
      bool found = false;
      for (BackendEntry& entry : built) {
        if (entry.name != slot.name) continue;
        RegisterBackend(std::move(entry));
        found = true;
        break;
      }
      if (found) continue;
      const std::string why =
          fmt::format("this snapsim was built without it (cmake -D{}=ON)", slot.option);
      const bool prefix = std::string_view(slot.name) == "libvirt:URI";
      RegisterBackend({slot.name, prefix ? "libvirt:" : "", "not built",
                       [why](std::string_view) { return std::optional<std::string>(why); },
                       [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
                         return nullptr;
                       }});
    }
  });
}

}  // namespace snapsim::simulator
