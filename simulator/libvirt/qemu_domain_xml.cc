#include "simulator/libvirt/qemu_domain_xml.h"

#include <fmt/format.h>

#include "core/xml_escape.h"

namespace snapsim::simulator {

QemuDomainDisks LayOutQemuDisks(const scenario::Scenario& scenario, const std::string& folder) {
  QemuDomainDisks disks;
  const auto specs = scenario.disks.empty()
                         ? std::vector<scenario::DiskSpec>{{"vda", scenario::kDefaultDiskSizeBytes}}
                         : scenario.disks;
  for (size_t i = 0; i < specs.size(); ++i) {
    const std::string target = fmt::format("vd{}", static_cast<char>('a' + i));
    disks.targets[specs[i].name] = target;
    const std::string file = target + ".qcow2";
    disks.images.push_back({file, specs[i].size_bytes});
    disks.xml += fmt::format(
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='{}'/><target dev='{}' bus='virtio'/></disk>",
        XmlEscape(folder + "/" + file), target);
  }
  return disks;
}

std::string QemuDomainXml(const std::string& name, const std::string& disks_xml) {
  return fmt::format(
      "<domain type='qemu'><name>{}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
      "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>{}"
      "<video><model type='none'/></video><memballoon model='none'/></devices></domain>",
      XmlEscape(name), disks_xml);
}

}  // namespace snapsim::simulator
