#pragma once
// The domains `libvirt:URI` owns on a connection it does not own: each is named
// `snapsim-<pid>-<scenario>` after the snapsim process that defined it, and its disk
// images (qemu:// drivers) lie in a folder `snapsim-<pid>-XXXXXX` of the disk folder. A
// domain whose pid is no live process is stale: a run that ended beyond any handler (or
// whose cleanup failed) left it. Nothing here touches a domain of another name, or of a
// live run.

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

typedef struct _virConnect* virConnectPtr;
typedef struct _virDomain* virDomainPtr;

namespace snapsim::simulator {

// "snapsim-<pid>-<scenario name, every character but a letter or digit as '-'>".
std::string OwnedDomainName(pid_t pid, std::string_view scenario_name);
// The pid in a name OwnedDomainName made, or nullopt for any other name.
std::optional<pid_t> OwnerOfDomain(std::string_view domain_name);

// The owned domains on `connection` whose owner is no live process (only `owner`'s when
// it is not 0), sorted. Error: the libvirt call's.
Result<std::vector<std::string>> StaleDomains(virConnectPtr connection, pid_t owner = 0);

// Destroys `domain` when active, undefines it with its snapshots' metadata, then removes
// the snapsim-<owner>-* folders its disks lie in, and returns them. Error: libvirt's,
// naming the domain.
Result<std::vector<std::string>> RemoveOwnedDomain(virDomainPtr domain);

// Where libvirt:URI makes its disk folders when --disk-dir is not given: the daemon's own
// image folder for root on a local qemu:///system, else $TMPDIR (or /tmp).
std::string DefaultDiskDir(const std::string& uri);

// `snapsim clean --backend libvirt:URI`: removes the stale domains on `uri` and the
// folders under `disk_dir` that snapsim runs that are gone left (snapsim-<pid>-XXXXXX);
// only the ended run `owner`'s when it is not 0 (its cleanup guard). One line per thing
// removed. Fault kBackendFailure: the URI cannot be opened or listed.
Result<std::vector<std::string>> CleanStaleDomains(const std::string& uri,
                                                   const std::string& disk_dir, pid_t owner = 0);

// The refusal of a run on `uri` while stale domains are there, naming them and the clean
// command; nullopt when there are none.
std::optional<std::string> StaleDomainsRefusal(virConnectPtr connection, const std::string& uri);

}  // namespace snapsim::simulator
