#pragma once
// VcsimServer: the one snapsim-vcsim process (tools/vcsim) of a snapsim run, shared by
// the `vcsim` and `libvirt-esx` backends. Started on first use with a user and password
// read from /dev/urandom, handed over on the child's stdin (never argv, never a file);
// it listens on 127.0.0.1 on ports it picks itself and answers JSON lines.
//
// Its pid and its folder (log, and the simulator's datastores through $TMPDIR) are
// registered with cleanup::, so SIGINT/SIGTERM or exit kill it and remove the folder;
// PR_SET_PDEATHSIG (SIGTERM) makes it remove its folder itself when snapsim is SIGKILLed. At a
// normal end stdin is closed and the program removes its datastores itself.

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "simulator/host/child_process.h"
#include "simulator/host/temp_dir.h"

namespace snapsim::simulator {

class VcsimServer {
 public:
  // The shared server, started if needed. Throws BackendFailure when it cannot start.
  static VcsimServer& Shared();
  // The snapsim-vcsim binary this build made (or $SNAPSIM_VCSIM), or why there is none.
  static std::optional<std::string> BinaryPath(std::string* why_not);

  ~VcsimServer();
  VcsimServer(const VcsimServer&) = delete;
  VcsimServer& operator=(const VcsimServer&) = delete;

  // Sends one request and returns the answer. Throws BackendFailure when the program
  // died, answered garbage or did not answer within the timeout.
  nlohmann::json Call(const nlohmann::json& request);

  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  int fixup_port() const { return fixup_port_; }
  pid_t pid() const { return child_.pid(); }
  // Closes stdin, waits briefly for a clean exit, else kills. Safe to call twice.
  void Stop();

 private:
  VcsimServer(TempDir folder, std::string user, std::string password);
  void Launch(const std::string& binary);
  std::string ReadLine(int timeout_ms);
  std::string Describe() const;

  TempDir folder_;
  std::string user_;
  std::string password_;
  ChildProcess child_;
  std::string pending_;  // bytes read past the last line
  int port_ = 0;
  int fixup_port_ = 0;
};

}  // namespace snapsim::simulator
