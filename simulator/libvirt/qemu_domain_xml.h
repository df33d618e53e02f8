#pragma once
// The domain both libvirt QEMU backends define (libvirt-qemu's embedded driver and
// libvirt:URI on a qemu:// connection): a 64 MiB TCG machine with no OS, whose guest sits
// in SeaBIOS and never touches its disks, and one qcow2 virtio disk per scenario disk.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace snapsim::simulator {

struct QemuDiskImage {
  std::string file;  // "vda.qcow2", in the disks' folder
  uint64_t size_bytes = 0;
};

struct QemuDomainDisks {
  std::string xml;                             // the <disk> elements
  std::map<std::string, std::string> targets;  // scenario disk -> vda, vdb, ...
  std::vector<QemuDiskImage> images;           // to create before the domain is defined
};

// The scenario's disks (vda of the default size when it names none) as images in
// `folder` (absolute), in order: vda, vdb, ... (at most 26).
QemuDomainDisks LayOutQemuDisks(const scenario::Scenario& scenario, const std::string& folder);

// The domain XML named `name` with `disks_xml` among its devices.
std::string QemuDomainXml(const std::string& name, const std::string& disks_xml);

}  // namespace snapsim::simulator
