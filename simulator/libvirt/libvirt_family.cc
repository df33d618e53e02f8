#include "simulator/libvirt/libvirt_family.h"

#include "simulator/libvirt/libvirt_backend.h"
#include "simulator/libvirt/libvirt_qemu_backend.h"

namespace snapsim::simulator {
namespace {

constexpr std::string_view kPrefix = "libvirt:";

}  // namespace

std::vector<BackendEntry> LibvirtFamily() {
  return {
      {"libvirt-test", "", "libvirt's test driver (test:///default), in process",
       [](std::string_view) { return LibvirtBackend::Probe("test:///default"); },
       [](std::string_view name) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtBackend>(std::string(name), "test:///default");
       }},
      {"libvirt-qemu", "", "libvirt's QEMU driver (qemu:///embed) with a real QEMU (TCG); qemu only",
       [](std::string_view) { return LibvirtQemuBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtQemuBackend>();
       }},
      {"libvirt:URI", std::string(kPrefix),
       "any libvirt connection, e.g. libvirt:qemu:///system; only snapsim-* domains",
       [](std::string_view name) -> std::optional<std::string> {
         if (name == kPrefix) return std::nullopt;  // the kind: any URI the user names
         return LibvirtBackend::Probe(std::string(name.substr(kPrefix.size())));
       },
       [](std::string_view name) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtBackend>(std::string(name),
                                                 std::string(name.substr(kPrefix.size())));
       }},
  };
}

}  // namespace snapsim::simulator
