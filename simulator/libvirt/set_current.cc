#include "simulator/libvirt/set_current.h"

#include <libvirt/libvirt.h>

#include <cstdlib>
#include <string_view>

namespace snapsim::simulator {

bool RedefineAsCurrent(virDomainPtr domain, const char* name,
                       const std::function<void(const char* call)>& failed) {
  virDomainSnapshotPtr snapshot = virDomainSnapshotLookupByName(domain, name, 0);
  if (snapshot == nullptr) {
    failed("virDomainSnapshotLookupByName");
    return false;
  }
  char* xml = virDomainSnapshotGetXMLDesc(snapshot, VIR_DOMAIN_SNAPSHOT_XML_SECURE);
  if (xml == nullptr) {
    failed("virDomainSnapshotGetXMLDesc");
    virDomainSnapshotFree(snapshot);
    return false;
  }
  unsigned int flags = VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT;
  if (std::string_view(xml).find("<state>disk-snapshot</state>") != std::string_view::npos) {
    flags |= VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY;
  }
  virDomainSnapshotPtr redefined = virDomainSnapshotCreateXML(domain, xml, flags);
  if (redefined == nullptr) failed("virDomainSnapshotCreateXML");
  free(xml);
  virDomainSnapshotFree(snapshot);
  if (redefined == nullptr) return false;
  virDomainSnapshotFree(redefined);
  return true;
}

}  // namespace snapsim::simulator
