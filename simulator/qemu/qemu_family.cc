#include "simulator/qemu/qemu_family.h"

#include "simulator/host/run_process.h"
#include "simulator/qemu/qemu_backend.h"
#include "simulator/qemu/qemu_img_backend.h"

namespace snapsim::simulator {
namespace {

std::string QemuImgVersion() { return FirstLineOf({"qemu-img", "--version"}); }
std::string QemuVersion() { return FirstLineOf({"qemu-system-x86_64", "--version"}); }

}  // namespace

std::vector<BackendEntry> QemuFamily() {
  std::vector<BackendEntry> family = {
      {"qemu-img", "",
       "qcow2 images on local disk through qemu-img and qemu-io, for shut-off domains",
       [](std::string_view) { return QemuImgBackend::Probe(); },
       [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
         return std::make_unique<QemuImgBackend>();
       }},
      {"qemu", "",
       "a real QEMU (TCG) that snapsim starts and drives over QMP; shut-off steps as qemu-img",
       [](std::string_view) { return QemuBackend::Probe(); },
       [](std::string_view, const BackendOptions&) -> std::unique_ptr<Backend> {
         return std::make_unique<QemuBackend>();
       }},
  };
  for (BackendEntry& entry : family) entry.profiles = "qemu";
  family[0].versions = QemuImgVersion;
  family[1].versions = [] { return QemuVersion() + "; " + QemuImgVersion(); };
  return family;
}

}  // namespace snapsim::simulator
