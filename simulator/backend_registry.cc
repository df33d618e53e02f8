#include "simulator/backend_registry.h"

#include <fmt/format.h>

#include "simulator/libvirt_backend.h"
#include "simulator/libvirt_esx_backend.h"
#include "simulator/libvirt_qemu_backend.h"
#include "simulator/model_backend.h"
#include "simulator/qemu_backend.h"
#include "simulator/qemu_img_backend.h"
#include "simulator/vcsim_backend.h"

namespace snapsim::simulator {
namespace {

constexpr std::string_view kLibvirtPrefix = "libvirt:";

struct Entry {
  const char* name;
  const char* description;
  std::optional<std::string> (*unavailable)();
  std::unique_ptr<Backend> (*make)(std::string_view name);
};

const std::vector<Entry>& Entries() {
  static const std::vector<Entry> entries = {
      {"model", "the reference model, in process", [] { return std::optional<std::string>(); },
       [](std::string_view) -> std::unique_ptr<Backend> {
         return std::make_unique<ModelBackend>();
       }},
      {"libvirt-test", "libvirt's test driver (test:///default), in process",
       [] { return LibvirtBackend::Probe("test:///default"); },
       [](std::string_view name) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtBackend>(std::string(name), "test:///default");
       }},
      {"qemu-img", "qcow2 images on local disk through qemu-img and qemu-io, for shut-off domains",
       [] { return QemuImgBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> { return std::make_unique<QemuImgBackend>(); }},
      {"qemu", "a real QEMU (TCG) that snapsim starts and drives over QMP; shut-off steps as qemu-img",
       [] { return QemuBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> { return std::make_unique<QemuBackend>(); }},
      {"vcsim", "VMware's vSphere simulator (govmomi ESX model) through the vSphere API; esx only",
       [] { return VcsimBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> { return std::make_unique<VcsimBackend>(); }},
      {"libvirt-esx", "libvirt's ESX driver (esx://) against vcsim, through a fix-up proxy; esx only",
       [] { return LibvirtEsxBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtEsxBackend>();
       }},
      {"libvirt-qemu", "libvirt's QEMU driver (qemu:///embed) with a real QEMU (TCG); qemu only",
       [] { return LibvirtQemuBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtQemuBackend>();
       }},
      {"libvirt:URI", "any libvirt connection, e.g. libvirt:qemu:///system; only snapsim-* domains",
       [] { return std::optional<std::string>(); },
       [](std::string_view name) -> std::unique_ptr<Backend> {
         return std::make_unique<LibvirtBackend>(std::string(name),
                                                 std::string(name.substr(kLibvirtPrefix.size())));
       }},
  };
  return entries;
}

const Entry* Find(std::string_view name) {
  for (const Entry& entry : Entries()) {
    if (name == entry.name) return &entry;
  }
  // "libvirt:URI" stands for every URI the user names.
  if (name.size() > kLibvirtPrefix.size() && name.substr(0, kLibvirtPrefix.size()) == kLibvirtPrefix) {
    return &Entries().back();
  }
  return nullptr;
}

}  // namespace

std::vector<BackendInfo> ListBackends() {
  std::vector<BackendInfo> list;
  for (const Entry& entry : Entries()) {
    list.push_back({entry.name, entry.description, entry.unavailable()});
  }
  return list;
}

Result<BackendFactory> BackendFactory::ForName(std::string_view name) {
  const Entry* entry = Find(name);
  if (entry == nullptr) {
    std::string known;
    for (const Entry& e : Entries()) known += std::string(known.empty() ? "" : ", ") + e.name;
    return Status::Error(ErrorClass::kInvalidArg,
                         fmt::format("unknown backend '{}' (known: {})", name, known));
  }
  auto reason = entry == &Entries().back()
                    ? LibvirtBackend::Probe(std::string(name.substr(kLibvirtPrefix.size())))
                    : entry->unavailable();
  if (reason) {
    return Status::Error(ErrorClass::kOperationFailed,
                         fmt::format("backend '{}' cannot run here: {}", name, *reason));
  }
  return BackendFactory(std::string(name));
}

std::unique_ptr<Backend> BackendFactory::Make() const { return Find(name_)->make(name_); }

}  // namespace snapsim::simulator
