#include "simulator/vsphere/vcsim_backend.h"
#include "core/overloaded.h"

#include <cctype>
#include <functional>

#include <fmt/format.h>

#include "simulator/vsphere/vcsim_server.h"

namespace snapsim::simulator {
namespace {

// vSphere faults (and snapsim-vcsim's own) as snapshot error classes: a power operation
// in the wrong state is operation-invalid, as libvirt reports it; an unknown name is
// no-domain-snapshot; anything else is the backend's own internal error.
ErrorClass ClassForFault(const std::string& fault) {
  if (fault == "InvalidPowerState" || fault == "InvalidState") return ErrorClass::kOperationInvalid;
  if (fault == "NotFound") return ErrorClass::kNoDomainSnapshot;
  return ErrorClass::kInternalError;
}

const char* VsphereState(PowerState state) {
  switch (state) {
    case PowerState::kRunning: return "poweredOn";
    case PowerState::kPaused: return "suspended";
    case PowerState::kShutoff: return "poweredOff";
  }
  return "poweredOff";
}

void CollectNames(const scenario::Tree& tree, std::vector<std::string>& names) {
  for (const auto& [name, child] : tree.children) {
    names.push_back(name);
    CollectNames(child, names);
  }
}

scenario::Tree TreeFromJson(const nlohmann::json& nodes) {
  scenario::Tree tree;
  if (!nodes.is_array()) return tree;
  for (const auto& node : nodes) {
    tree.children.emplace_back(node.value("name", ""),
                               TreeFromJson(node.value("children", nlohmann::json::array())));
  }
  return tree;
}

}  // namespace

std::string VcsimVmName(const scenario::Scenario& scenario) {
  static int sequence = 0;  // VMs of one run never share a name, even for one scenario twice
  std::string name = fmt::format("snapsim-{}-", ++sequence);
  for (char c : scenario.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return name;
}

void DefineVcsimVm(VcsimServer& server, const std::string& vm, PowerState state) {
  const auto answer = server.Call({{"op", "define"}, {"vm", vm}, {"state", VsphereState(state)}});
  if (!answer.value("ok", false)) {
    throw BackendFailure(fmt::format("vcsim: cannot define VM {}: {} {}", vm,
                                     answer.value("fault", ""), answer.value("message", "")));
  }
}

void DestroyVcsimVm(VcsimServer& server, const std::string& vm) {
  try {
    server.Call({{"op", "destroy"}, {"vm", vm}});
  } catch (const BackendFailure&) {
    // The server is gone: so is the VM.
  }
}

std::optional<std::string> VcsimBackend::Probe() {
  std::string why;
  if (!VcsimServer::BinaryPath(&why)) return why;
  return std::nullopt;
}

std::optional<std::string> VcsimBackend::CannotRun(const scenario::Scenario& scenario) const {
  if (scenario.hypervisor != Profile::kEsx) {
    return fmt::format("vcsim simulates ESX: only the esx profile runs on it, not {}",
                       ProfileName(scenario.hypervisor));
  }
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const auto* create = std::get_if<scenario::Create>(&scenario.steps[i].action);
    if (create != nullptr && create->halt) {
      return fmt::format(
          "step {} (create): `halt` is a libvirt flag; vSphere's "
          "CreateSnapshot_Task has none (and libvirt's ESX driver refuses it)",
          i + 1);
    }
    if (std::holds_alternative<scenario::SetCurrent>(scenario.steps[i].action)) {
      return fmt::format(
          "step {} (set-current): vSphere has no call that makes a snapshot current without "
          "reverting to it (currentSnapshot changes only by create and revert)",
          i + 1);
    }
  }
  return std::nullopt;
}

void VcsimBackend::Begin(const scenario::Scenario& scenario) {
  End();
  server_ = &VcsimServer::Shared();
  vm_ = VcsimVmName(scenario);
  DefineVcsimVm(*server_, vm_, scenario.initial_state);
}

void VcsimBackend::End() {
  if (server_ != nullptr && !vm_.empty()) DestroyVcsimVm(*server_, vm_);
  server_ = nullptr;
  vm_.clear();
}

Status VcsimBackend::Call(const char* op, nlohmann::json args) {
  if (server_ == nullptr) throw BackendFailure("vcsim: a step before Begin()");
  args["op"] = op;
  args["vm"] = vm_;
  const auto answer = server_->Call(args);
  if (answer.value("ok", false)) return Status::Ok();
  const std::string fault = answer.value("fault", "");
  if (fault == "BadRequest") throw BackendFailure("vcsim: " + answer.value("message", ""));
  return Status::Error(ClassForFault(fault),
                       fmt::format("{}: {}", fault, answer.value("message", "")));
}

Status VcsimBackend::Perform(const scenario::Action& action) {
  return std::visit(
      Overloaded{
          [&](const scenario::Start&) { return Call("power_on"); },
          [&](const scenario::Shutdown&) { return Call("power_off"); },
          [&](const scenario::Pause&) { return Call("suspend"); },
          [&](const scenario::Resume&) { return Call("power_on"); },
          [](const scenario::Write&) { return Status::Ok(); },  // no disk bytes: model only
          [&](const scenario::Create& create) { return Create(create); },
          [&](const scenario::Delete& del) { return Delete(del); },
          [&](const scenario::Revert& revert) { return Revert(revert); },
          [](const scenario::Expect&) { return NotAnAction(); },
          [](const scenario::SetCurrent&) -> Status {
            throw BackendFailure("vSphere cannot set-current (CannotRun should have skipped this)");
          },
      },
      action);
}

Status VcsimBackend::Create(const scenario::Create& create) {
  if (create.location == scenario::Location::kExternal) {
    // CreateSnapshot_Task has no location; libvirt's ESX driver, the profile's authority,
    // refuses any snapshot XML naming disks with this class and message (F13).
    return Status::Error(ErrorClass::kConfigUnsupported, "disk snapshots not supported yet");
  }
  const bool memory = create.memory != scenario::MemoryMode::kNo && !create.disk_only;
  return Call("create",
              {{"snapshot", create.name}, {"memory", memory}, {"quiesce", create.quiesce}});
}

Status VcsimBackend::Lookup(const std::string& name) {
  std::vector<std::string> names;
  CollectNames(Observe().forest, names);
  for (const auto& n : names) {
    if (n == name) return Status::Ok();
  }
  return Status::Error(ErrorClass::kNoDomainSnapshot, fmt::format("no snapshot named '{}'", name));
}

Status VcsimBackend::Delete(const scenario::Delete& del) {
  if (Status found = Lookup(del.name); !found.ok()) return found;
  if (del.children_only) {
    return Status::Error(ErrorClass::kInvalidArg, "RemoveSnapshot_Task has no children-only");
  }
  if (del.metadata_only) return Status::Ok();  // vSphere keeps no metadata of its own
  if (del.discard) {
    // The seed's DISCARD: revert (suppressPowerOn as asked), then remove the subtree.
    Status reverted =
        Call("revert", {{"snapshot", del.name}, {"suppress_power_on", del.suppress_power_on}});
    if (!reverted.ok()) return reverted;
    return Call("remove", {{"snapshot", del.name}, {"remove_children", true}});
  }
  return Call("remove", {{"snapshot", del.name}, {"remove_children", del.children}});
}

Status VcsimBackend::Revert(const scenario::Revert& revert) {
  if (Status found = Lookup(revert.name); !found.ok()) return found;
  if (revert.running || revert.paused || revert.force) {
    return Status::Error(
        ErrorClass::kInvalidArg,
        "RevertToSnapshot_Task takes only suppressPowerOn (no running, paused, force)");
  }
  return Call("revert",
              {{"snapshot", revert.name}, {"suppress_power_on", revert.suppress_power_on}});
}

Observation VcsimBackend::Observe() {
  if (server_ == nullptr) throw BackendFailure("vcsim: Observe() before Begin()");
  const auto answer = server_->Call({{"op", "observe"}, {"vm", vm_}});
  if (!answer.value("ok", false)) {
    throw BackendFailure("vcsim: cannot read the VM's state: " + answer.value("message", ""));
  }
  Observation observation;
  const std::string state = answer.value("state", "");
  observation.state = state == "poweredOn"   ? PowerState::kRunning
                      : state == "suspended" ? PowerState::kPaused
                                             : PowerState::kShutoff;
  if (answer.contains("current") && answer["current"].is_string()) {
    observation.current = answer["current"].get<std::string>();
  }
  observation.forest = TreeFromJson(answer.value("roots", nlohmann::json::array()));
  return observation;
}

}  // namespace snapsim::simulator
