#pragma once
// The backends snapsim knows, by their command-line names (docs/cli.md). The harness knows
// only the model; each backend family (simulator/libvirt, simulator/qemu,
// simulator/vsphere) registers its own, and simulator/backends registers them all in
// their fixed order, with families switched off at build time listed as unavailable.

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

struct BackendInfo {
  std::string name;
  std::string description;
  // Why it cannot run on this machine (a program or library is missing), or nullopt.
  std::optional<std::string> unavailable;
  std::string profiles;
  std::string versions;  // empty when unavailable
};

// Options for the backends that take them (`libvirt:URI`: `snapsim run --profile P
// --disk-dir DIR`). Empty for every other backend.
struct BackendOptions {
  std::optional<Profile> profile;  // the rules profile, for a driver whose URI names none
  std::string disk_dir;            // where the backend makes its disk images
  // The snapsim program, for backends that start a cleanup guard running `snapsim clean`
  // (the CLI sets it; empty elsewhere, e.g. in unit tests: no guard).
  std::string snapsim_program;
  // `snapsim clean` from a cleanup guard: only this ended run's leftovers (0: every one).
  pid_t clean_owner = 0;
  bool empty() const { return !profile && disk_dir.empty(); }
};

// One kind of backend, as its family registers it.
struct BackendEntry {
  std::string name;    // "qemu-img"; "libvirt:URI" for a prefix entry
  std::string prefix;  // non-empty: the entry stands for every name starting with it
  std::string description;
  // Why `name` (the one asked for) cannot run here, or nullopt.
  std::function<std::optional<std::string>(std::string_view name)> unavailable;
  std::function<std::unique_ptr<Backend>(std::string_view name, const BackendOptions& options)>
      make;
  // The profiles it implements, in words ("qemu"; "the URI's driver's").
  std::string profiles = "every profile";
  // The versions of the programs it drives ("libvirt 9.0.0, QEMU 7.2.19"); asked by
  // `snapsim backends` and, once per backend of a run, for the HTML report's environment
  // table (never for the JUnit or JSON reports).
  std::function<std::string()> versions = [] { return std::string(); };
  // What is wrong with `options` for `name`, or nullopt; unset: the backend takes none.
  std::function<std::optional<std::string>(std::string_view name, const BackendOptions& options)>
      check_options = nullptr;
  // `snapsim clean`: removes what runs of `name` that are gone left behind and returns one
  // line per thing removed. Unset: the backend leaves nothing behind.
  std::function<Result<std::vector<std::string>>(std::string_view name,
                                                 const BackendOptions& options)>
      clean = nullptr;
};

// Adds an entry after those registered so far ("model" is always first). A name already
// registered is replaced in its place.
void RegisterBackend(BackendEntry entry);

// Every backend, in registration order, with its availability here.
std::vector<BackendInfo> ListBackends();

// A factory for one backend name, checked once: `MakeBackend` then creates a fresh
// instance per scenario. Faults: kBadInput for an unknown name or options it does not
// take (exit 2), kBackendFailure when the backend is not available here (exit 3).
class BackendFactory {
 public:
  static Result<BackendFactory> ForName(std::string_view name, BackendOptions options = {});
  const std::string& name() const { return name_; }
  std::unique_ptr<Backend> Make() const;
  // The versions of the programs the backend drives, as `snapsim backends` prints them
  // ("" for the model). Runs the programs' version queries: ask once per run.
  std::string Versions() const;

 private:
  BackendFactory(std::string name, BackendOptions options)
      : name_(std::move(name)), options_(std::move(options)) {}
  std::string name_;
  BackendOptions options_;
};

// True when `name` is a backend that takes --profile and --disk-dir (libvirt:URI).
bool BackendTakesOptions(std::string_view name);

// `snapsim clean --backend NAME`: what the backend's clean removed (one line each).
// Faults: kBadInput for an unknown name or a backend without cleanup, kBackendFailure when
// the cleanup could not be done.
Result<std::vector<std::string>> CleanBackend(std::string_view name, const BackendOptions& options);

}  // namespace snapsim::simulator
