#pragma once
// LibvirtQemuSession: one long-lived connection to libvirt's embedded QEMU driver and the
// one domain it runs, driven by JSON requests (the protocol is in libvirt_qemu_worker.h).
// It runs inside the worker process; it owns the default event loop thread libvirt needs
// for QEMU's monitor.
//
// One connection per scenario: a fresh connection reconnects to running QEMUs in the
// background, and a destroy racing that reconnect fails while killing QEMU anyway.

#include <sys/types.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

typedef struct _virConnect* virConnectPtr;
typedef struct _virDomain* virDomainPtr;

namespace snapsim::simulator {

class LibvirtQemuSession {
 public:
  explicit LibvirtQemuSession(std::string root) : root_(std::move(root)) {}
  ~LibvirtQemuSession() { Close(); }

  // Starts the event loop and opens qemu:///embed?root=ROOT; the failure, or nullopt.
  std::optional<std::string> Open();
  // Answers one request. Throws BackendFailure for the worker's own failures.
  nlohmann::json Handle(const nlohmann::json& request);
  // The domain's QEMU pid from libvirt's pid file, or 0 when it is not running.
  pid_t QemuPid() const;
  // Destroys and undefines the domain (with its snapshots' metadata), closes the
  // connection. Safe to call twice.
  void Close();

 private:
  nlohmann::json Begin(const nlohmann::json& request);
  nlohmann::json Power(const std::string& call);
  nlohmann::json Write(const nlohmann::json& request);
  nlohmann::json Flush();
  nlohmann::json Observe();
  nlohmann::json SnapshotDisk(const std::string& name, const std::string& target);
  // The domain's live XML: disk target -> the file it runs on.
  std::map<std::string, std::string> ActiveFiles();
  bool Active();
  // HMP through virDomainQemuMonitorCommand; the reply text.
  std::string Hmp(const std::string& command);

  std::string root_;
  std::string domain_name_;
  virConnectPtr connection_ = nullptr;
  virDomainPtr domain_ = nullptr;
  std::atomic<bool> stop_loop_{false};
  std::thread loop_;
  int next_seed_file_ = 0;
};

// Disk target ("vda") -> the <source file='...'/> of that disk, read from a domain's XML
// (the first source of a disk is its active image; backing stores follow it).
std::map<std::string, std::string> DiskSourcesInXml(const std::string& xml);

}  // namespace snapsim::simulator
