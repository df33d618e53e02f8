#include "simulator/libvirt/libvirt_family.h"

#include <libvirt/libvirt.h>

#include <fmt/format.h>

#include "simulator/host/run_process.h"
#include "simulator/libvirt/libvirt_backend.h"
#include "simulator/libvirt/libvirt_qemu_backend.h"
#include "simulator/libvirt/owned_domains.h"

namespace snapsim::simulator {
namespace {

constexpr std::string_view kPrefix = "libvirt:";

// --profile names the rules for a driver whose URI scheme names none; it may not
// contradict the scheme's.
std::optional<std::string> CheckUriOptions(std::string_view name, const BackendOptions& options) {
  if (!options.profile) return std::nullopt;
  const std::string uri(name.substr(kPrefix.size()));
  const auto implied = ProfileForLibvirtUri(uri);
  if (implied && *implied != *options.profile) {
    return fmt::format("--profile {} contradicts {}, whose driver implements the {} profile",
                       ProfileName(*options.profile), uri, ProfileName(*implied));
  }
  return std::nullopt;
}

}  // namespace

std::string LibvirtVersion() {
  unsigned long version = 0;
  if (virGetVersion(&version, nullptr, nullptr) != 0) return "libvirt unknown";
  return fmt::format("libvirt {}.{}.{}", version / 1'000'000, version / 1'000 % 1'000,
                     version % 1'000);
}

std::vector<BackendEntry> LibvirtFamily() {
  std::vector<BackendEntry> family = {
      {"libvirt-test", "", "libvirt's test driver (test:///default), in process",
       [](std::string_view) { return LibvirtBackend::Probe("test:///default"); },
       [](std::string_view name, const BackendOptions&) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtBackend>(std::string(name), "test:///default");
       }},
      {"libvirt-qemu", "",
       "libvirt's QEMU driver (qemu:///embed) with a real QEMU (TCG); qemu only",
       [](std::string_view) { return LibvirtQemuBackend::Probe(); },
       [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtQemuBackend>();
       }},
      {"libvirt:URI", std::string(kPrefix),
       "any libvirt connection, e.g. libvirt:qemu:///system; only snapsim-* domains",
       [](std::string_view name) -> std::optional<std::string> {
         if (name == kPrefix) return std::nullopt;  // the kind: any URI the user names
         return LibvirtBackend::Probe(std::string(name.substr(kPrefix.size())),
                                      /*refuse_stale=*/true);
       },
       [](std::string_view name, const BackendOptions& options) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtBackend>(std::string(name),
                                                 std::string(name.substr(kPrefix.size())), options);
       }},
  };
  family[2].check_options = CheckUriOptions;
  family[2].clean = [](std::string_view name, const BackendOptions& options) {
    const std::string uri(name.substr(kPrefix.size()));
    return CleanStaleDomains(uri, options.disk_dir.empty() ? DefaultDiskDir(uri) : options.disk_dir,
                             options.clean_owner);
  };
  family[0].profiles = "test";
  family[0].versions = LibvirtVersion;
  family[1].profiles = "qemu";
  family[1].versions = [] {
    return LibvirtVersion() + "; " + FirstLineOf({"qemu-system-x86_64", "--version"});
  };
  family[2].profiles = "the URI driver's (test, qemu, esx, vbox)";
  family[2].versions = LibvirtVersion;
  return family;
}

}  // namespace snapsim::simulator
