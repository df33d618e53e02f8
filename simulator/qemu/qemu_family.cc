#include "simulator/qemu/qemu_family.h"

#include "simulator/qemu/qemu_backend.h"
#include "simulator/qemu/qemu_img_backend.h"

namespace snapsim::simulator {

std::vector<BackendEntry> QemuFamily() {
  return {
      {"qemu-img", "", "qcow2 images on local disk through qemu-img and qemu-io, for shut-off domains",
       [](std::string_view) { return QemuImgBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> { return std::make_unique<QemuImgBackend>(); }},
      {"qemu", "", "a real QEMU (TCG) that snapsim starts and drives over QMP; shut-off steps as qemu-img",
       [](std::string_view) { return QemuBackend::Probe(); },
       [](std::string_view) -> std::unique_ptr<Backend> { return std::make_unique<QemuBackend>(); }},
  };
}

}  // namespace snapsim::simulator
