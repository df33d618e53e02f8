// `set-current` (docs/model.md decision 32): what each profile's driver does with
// `virsh snapshot-current NAME`, that is: look the snapshot up by name, read its XML,
// and redefine it with VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | CURRENT.
#include <fmt/format.h>

#include "model/rules.h"

namespace snapsim::model {

Status CheckSetCurrent(const Domain& d, const scenario::SetCurrent& c, NodeId* target) {
  // The lookup comes first on every libvirt profile (virDomainSnapshotLookupByName), so an
  // unknown name is no-domain-snapshot whatever the driver does with the redefine.
  const NodeId found = d.forest.Find(c.name, d.profile);
  if (found == kNoNode) return UnknownSnapshot(ErrorClass::kNoDomainSnapshot, c.name);
  switch (d.profile) {
    case Profile::kTest:
    case Profile::kQemu:
      // Both drivers accept REDEFINE | CURRENT in every power state and change nothing but
      // the current pointer: no revert, no image touched.
      *target = found;
      return Status::Ok();
    case Profile::kEsx:
      // libvirt-esx run here: esxDomainSnapshotGetXMLDesc takes no flags, so the XML read
      // with VIR_DOMAIN_SNAPSHOT_XML_SECURE is refused before any redefine (which
      // esxDomainSnapshotCreateXML would refuse too: it accepts only QUIESCE).
      return Refuse(ErrorClass::kInvalidArg,
                    "unsupported flags (secure) in esxDomainSnapshotGetXMLDesc");
    case Profile::kVbox: break;  // the loader rejects it: no evidence
  }
  return Refuse(ErrorClass::kInvalidArg,
                fmt::format("set-current is not modelled for {}", ProfileName(d.profile)));
}

}  // namespace snapsim::model
