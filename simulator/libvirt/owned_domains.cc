#include "simulator/libvirt/owned_domains.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "simulator/host/cleanup.h"
#include "simulator/host/process_end.h"
#include "simulator/host/temp_dir.h"
#include "simulator/libvirt/libvirt_backend.h"
#include "simulator/libvirt/libvirt_qemu_session.h"

namespace snapsim::simulator {
namespace {

constexpr std::string_view kPrefix = "snapsim-";

// Every domain's name on `connection`, active or not.
Result<std::vector<std::string>> DomainNames(virConnectPtr connection) {
  virDomainPtr* domains = nullptr;
  const int count = virConnectListAllDomains(connection, &domains, 0);
  if (count < 0) return LastLibvirtError("virConnectListAllDomains");
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    if (const char* name = virDomainGetName(domains[i])) names.emplace_back(name);
    virDomainFree(domains[i]);
  }
  free(domains);
  return names;
}

// The folders `domain`'s disks lie in that its owner made (snapsim-<owner>-XXXXXX).
std::set<std::string> OwnedDiskFolders(virDomainPtr domain, pid_t owner) {
  std::set<std::string> folders;
  char* xml = virDomainGetXMLDesc(domain, VIR_DOMAIN_XML_INACTIVE);
  if (xml == nullptr) {
    virResetLastError();
    return folders;
  }
  const std::string own = fmt::format("{}{}-", kPrefix, owner);
  for (const auto& [target, file] : DiskSourcesInXml(xml)) {
    const std::filesystem::path folder = std::filesystem::path(file).parent_path();
    const std::string name = folder.filename();
    if (name.rfind(own, 0) == 0 && name.size() == own.size() + 6) folders.insert(folder);
  }
  free(xml);
  return folders;
}

}  // namespace

std::string OwnedDomainName(pid_t pid, std::string_view scenario_name) {
  std::string name = fmt::format("{}{}-", kPrefix, pid);
  for (char c : scenario_name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return name;
}

std::optional<pid_t> OwnerOfDomain(std::string_view domain_name) {
  if (domain_name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view rest = domain_name.substr(kPrefix.size());
  const size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9) return std::nullopt;
  pid_t pid = 0;
  for (char c : rest.substr(0, dash)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    pid = pid * 10 + (c - '0');
  }
  if (pid <= 0) return std::nullopt;
  return pid;
}

Result<std::vector<std::string>> StaleDomains(virConnectPtr connection, pid_t owner) {
  auto names = DomainNames(connection);
  if (!names.ok()) return names.status();
  std::vector<std::string> stale;
  for (const std::string& name : *names) {
    const auto pid = OwnerOfDomain(name);
    if (!pid || *pid == ::getpid() || (owner != 0 && *pid != owner)) continue;
    if (!ProcessAlive(*pid)) stale.push_back(name);
  }
  std::sort(stale.begin(), stale.end());
  return stale;
}

Result<std::vector<std::string>> RemoveOwnedDomain(virDomainPtr domain) {
  const std::string name = virDomainGetName(domain);
  const auto owner = OwnerOfDomain(name);
  const std::set<std::string> folders =
      owner ? OwnedDiskFolders(domain, *owner) : std::set<std::string>{};
  int state = 0, reason = 0;
  if (virDomainGetState(domain, &state, &reason, 0) == 0 && state != VIR_DOMAIN_SHUTOFF &&
      virDomainDestroy(domain) < 0) {
    return Status::Failure(Fault::kBackendFailure,
                           fmt::format("cannot destroy domain {}: {}", name,
                                       LastLibvirtError("virDomainDestroy").message()));
  }
  if (virDomainUndefineFlags(domain, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0) {
    return Status::Failure(Fault::kBackendFailure,
                           fmt::format("cannot undefine domain {}: {}", name,
                                       LastLibvirtError("virDomainUndefineFlags").message()));
  }
  std::vector<std::string> removed;
  for (const std::string& folder : folders) {
    if (cleanup::RemoveTree(folder.c_str())) removed.push_back(folder);
  }
  return removed;
}

std::string DefaultDiskDir(const std::string& uri) {
  constexpr const char* kImages = "/var/lib/libvirt/images";
  const bool local_system = uri == "qemu:///system" || uri == "qemu+unix:///system";
  std::error_code error;
  if (::geteuid() == 0 && local_system && std::filesystem::is_directory(kImages, error)) {
    return kImages;
  }
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && tmpdir[0] != '\0' ? tmpdir : "/tmp";
}

Result<std::vector<std::string>> CleanStaleDomains(const std::string& uri,
                                                   const std::string& disk_dir, pid_t owner) {
  QuietLibvirt();
  virConnectPtr connection = virConnectOpen(uri.c_str());
  if (connection == nullptr) {
    return Status::Failure(
        Fault::kBackendFailure,
        fmt::format("cannot open {}: {}", uri, LastLibvirtError("virConnectOpen").message()));
  }
  auto stale = StaleDomains(connection, owner);
  std::vector<std::string> removed;
  Status failed = Status::Ok();
  for (const std::string& name : stale.ok() ? *stale : std::vector<std::string>{}) {
    virDomainPtr domain = virDomainLookupByName(connection, name.c_str());
    if (domain == nullptr) continue;  // gone meanwhile (its run's guard)
    auto folders = RemoveOwnedDomain(domain);
    virDomainFree(domain);
    if (!folders.ok()) {
      if (failed.ok()) failed = folders.status();
      continue;
    }
    removed.push_back(fmt::format("removed domain {} from {}", name, uri));
    for (const std::string& folder : *folders) {
      removed.push_back(fmt::format("removed folder {} (the disks of {})", folder, name));
    }
  }
  virConnectClose(connection);
  if (!stale.ok()) {
    return Status::Failure(Fault::kBackendFailure, fmt::format("cannot list the domains of {}: {}",
                                                               uri, stale.status().message()));
  }
  for (const std::string& folder : SweepStaleTempDirsIn(disk_dir, owner)) {
    removed.push_back(fmt::format("removed folder {}", folder));
  }
  if (!failed.ok()) return failed;
  return removed;
}

std::optional<std::string> StaleDomainsRefusal(virConnectPtr connection, const std::string& uri) {
  auto stale = StaleDomains(connection);
  if (!stale.ok()) {
    return fmt::format("cannot list the domains of {}: {}", uri, stale.status().message());
  }
  if (stale->empty()) return std::nullopt;
  std::string names;
  for (const std::string& name : *stale) names += (names.empty() ? "" : ", ") + name;
  return fmt::format(
      "{} has {} domain(s) left by snapsim runs that are gone: {}; remove them with "
      "`snapsim clean --backend libvirt:{}`",
      uri, stale->size(), names, uri);
}

}  // namespace snapsim::simulator
