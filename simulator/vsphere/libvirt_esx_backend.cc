#include "simulator/vsphere/libvirt_esx_backend.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <cstring>

#include <fmt/format.h>

#include "simulator/vsphere/vcsim_backend.h"
#include "simulator/vsphere/vcsim_server.h"

namespace snapsim::simulator {
namespace {

// The URI LibvirtBackend::CannotRun reads the profile from; the real one adds the port.
constexpr const char* kEsxUriShape = "esx://127.0.0.1/?no_verify=1";

// libvirt's auth callback: the user name and the password of this run, from memory.
int SupplyCredentials(virConnectCredentialPtr credentials, unsigned int count, void* data) {
  const auto* server = static_cast<const VcsimServer*>(data);
  for (unsigned int i = 0; i < count; ++i) {
    const std::string* value = nullptr;
    switch (credentials[i].type) {
      case VIR_CRED_AUTHNAME: value = &server->user(); break;
      case VIR_CRED_PASSPHRASE:
      case VIR_CRED_NOECHOPROMPT: value = &server->password(); break;
      default: return -1;
    }
    // libvirt frees result with free(): hand it a malloc'd copy.
    credentials[i].result = strdup(value->c_str());
    if (credentials[i].result == nullptr) return -1;
    credentials[i].resultlen = static_cast<unsigned int>(value->size());
  }
  return 0;
}

std::string LastLibvirtMessage() {
  virErrorPtr error = virGetLastError();
  std::string message = error && error->message ? error->message : "no libvirt error";
  virResetLastError();
  return message;
}

}  // namespace

LibvirtEsxBackend::LibvirtEsxBackend() : LibvirtBackend("libvirt-esx", kEsxUriShape) {}

std::optional<std::string> LibvirtEsxBackend::Probe() {
  if (auto why = VcsimBackend::Probe()) return why;
  // libvirt may be built without its ESX driver (it needs libcurl).
  QuietLibvirt();
  virConnectPtr connection = virConnectOpen("esx://127.0.0.1:1/?no_verify=1");
  std::string message = connection ? "" : LastLibvirtMessage();
  if (connection) virConnectClose(connection);
  if (message.find("no connection driver") != std::string::npos) {
    return "this libvirt has no ESX driver: " + message;
  }
  return std::nullopt;
}

virConnectPtr LibvirtEsxBackend::OpenConnection() {
  server_ = &VcsimServer::Shared();
  const std::string uri =
      fmt::format("esx://{}@127.0.0.1:{}/?no_verify=1", server_->user(), server_->fixup_port());
  int types[] = {VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_NOECHOPROMPT};
  virConnectAuth auth = {types, sizeof types / sizeof types[0], SupplyCredentials, server_};
  virConnectPtr connection = virConnectOpenAuth(uri.c_str(), &auth, 0);
  if (connection == nullptr) {
    throw BackendFailure(fmt::format("cannot open {}: {}", uri, LastLibvirtMessage()));
  }
  return connection;
}

virDomainPtr LibvirtEsxBackend::DefineDomain(const scenario::Scenario& scenario) {
  vm_ = VcsimVmName(scenario);
  DefineVcsimVm(*server_, vm_, scenario.initial_state);
  virDomainPtr domain = virDomainLookupByName(connection(), vm_.c_str());
  if (domain == nullptr) {
    DestroyVcsimVm(*server_, vm_);
    throw BackendFailure(
        fmt::format("libvirt's ESX driver does not see the VM {}: {}", vm_, LastLibvirtMessage()));
  }
  return domain;
}

void LibvirtEsxBackend::RemoveDomain(virDomainPtr) {
  if (server_ != nullptr && !vm_.empty()) DestroyVcsimVm(*server_, vm_);
  vm_.clear();
}

}  // namespace snapsim::simulator
