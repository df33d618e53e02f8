#pragma once
// Domain: everything the model knows about one domain except its power state, which the
// power machine (power_machine.h) owns. Rules read it; plans change it (plans.h).

#include <map>
#include <string>
#include <vector>

#include "core/profile.h"
#include "model/disks.h"
#include "model/forest.h"

namespace snapsim::model {

struct Domain {
  Domain(Profile p, std::vector<scenario::DiskSpec> specs)
      : profile(p), disks(p, std::move(specs)) {}

  Profile profile;
  Forest forest;
  DiskSet disks;
  // The views of every disk when a snapshot of each name was last taken (`equals:`),
  // kept after deletion. std::map: canonical text iterates it in name order.
  std::map<std::string, std::vector<MapPtr>, std::less<>> taken;
};

}  // namespace snapsim::model
