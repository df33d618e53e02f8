#pragma once
// VcsimBackend (`vcsim`): scenarios driven through the vSphere API itself, against
// VMware's simulator (govmomi's ESX model) run by snapsim-vcsim. Each scenario gets a
// fresh VM on the run's shared simulator (VcsimServer), destroyed at End().
//
// The mapping is what a vSphere client has to do, nothing more: create is
// CreateSnapshot_Task (memory, quiesce; `halt` then PowerOffVM_Task), delete is
// RemoveSnapshot_Task (removeChildren, consolidate), revert is RevertToSnapshot_Task
// (suppressPowerOn), start/shutdown/pause/resume are PowerOn/PowerOff/Suspend/PowerOn.
// Snapshot names are looked up client side, before any flag is looked at (the API works
// on references). Flags the API cannot express are invalid-arg; `metadata-only` changes
// nothing (vSphere keeps no metadata apart from the snapshot). vSphere itself allows
// duplicate names: nothing refuses them here. `write` steps are checked on the model
// only: the simulator keeps no disk bytes.

#include <string>

#include <nlohmann/json.hpp>

#include "simulator/backend.h"

namespace snapsim::simulator {

class VcsimServer;

class VcsimBackend : public Backend {
 public:
  VcsimBackend() = default;
  ~VcsimBackend() override { End(); }

  std::string name() const override { return "vcsim"; }
  std::optional<std::string> CannotRun(const scenario::Scenario& scenario) const override;
  bool Implements(Profile profile) const override { return profile == Profile::kEsx; }
  void Begin(const scenario::Scenario& scenario) override;
  Status Perform(const scenario::Action& action) override;
  Observation Observe() override;
  void End() override;

  // Why the vcsim backends cannot run here (no Go program built), or nullopt.
  static std::optional<std::string> Probe();

 private:
  Status Call(const char* op, nlohmann::json args = {});
  Status Create(const scenario::Create& create);
  Status Delete(const scenario::Delete& del);
  Status Revert(const scenario::Revert& revert);
  // no-domain-snapshot unless `name` is in the VM's tree now.
  Status Lookup(const std::string& name);

  VcsimServer* server_ = nullptr;
  std::string vm_;
};

// A fresh VM name for `scenario` on the shared simulator ("snapsim-N-name").
std::string VcsimVmName(const scenario::Scenario& scenario);
// Asks the shared simulator for a VM named `vm` in `state`. Throws BackendFailure.
void DefineVcsimVm(VcsimServer& server, const std::string& vm, PowerState state);
// Destroys `vm`; never throws (for End()).
void DestroyVcsimVm(VcsimServer& server, const std::string& vm);

}  // namespace snapsim::simulator
