#include "model/model.h"

#include <algorithm>

#include <fmt/format.h>

#include "model/domain.h"
#include "model/power_dispatch.h"
#include "model/power_machine.h"
#include "model/rules.h"

namespace snapsim::model {
namespace {

std::vector<scenario::DiskSpec> DefaultDisks(std::vector<scenario::DiskSpec> disks) {
  if (disks.empty()) disks.push_back({"vda", scenario::kDefaultDiskSizeBytes});
  return disks;
}

const merge::ExtentMap& NoDisk() {
  static const merge::ExtentMap empty;
  return empty;
}

}  // namespace

struct Model::Impl {
  Impl(Profile profile, PowerState initial, std::vector<scenario::DiskSpec> disks)
      : domain(profile, DefaultDisks(std::move(disks))), machine(initial) {}
  Domain domain;
  PowerMachine machine;

  Status ApplyDiscard(const scenario::Delete& d);
  void NoteChains(const scenario::Action& action, bool was_active, bool active);
  Status ApplyNoMetadataCreate(const scenario::Create& c, bool was_active);
  Status CheckWrite(const scenario::Write& w) const;
};

Model::Model(Profile profile, PowerState initial_state, std::vector<scenario::DiskSpec> disks)
    : impl_(std::make_unique<Impl>(profile, initial_state, std::move(disks))) {}
Model::Model(const scenario::Scenario& s) : Model(s.hypervisor, s.initial_state, s.disks) {}
Model::Model(const Model& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Model& Model::operator=(const Model& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

// §8 common: discard is revert (with suppress-power-on if given), then delete with
// children. A failed revert changes nothing; a failed delete leaves the revert done.
Status Model::Impl::ApplyDiscard(const scenario::Delete& d) {
  if (d.children || d.children_only || d.metadata_only) {
    return Status::Error(ErrorClass::kInvalidArg,
                         "discard with children, children-only or "
                         "metadata-only is not modelled");
  }
  scenario::Revert revert{d.name, false, false, false, d.suppress_power_on};
  const bool was_active = machine.state() != PowerState::kShutoff;
  Status reverted = Dispatch(machine, domain, revert);
  if (!reverted.ok()) return reverted;
  NoteChains(revert, was_active, machine.state() != PowerState::kShutoff);
  scenario::Delete remove{d.name, /*children=*/true};
  return Dispatch(machine, domain, remove);
}

// Decision 33. qemu: libvirt 9.0 takes the snapshot as a temporary object that never
// enters the snapshot list, so neither the name's syntax nor a taken name is checked, every
// other check of a create runs, and the list and current stay as they were. The model
// takes it under a name no scenario holds, moves its `equals:` record to the real name,
// and drops its metadata as a `metadata-only` delete does. esx: the ESX driver accepts
// the flag and ignores it (it keeps no metadata), a plain create. test refuses the flag in
// its create checks; vbox is not modelled (the loader rejects it).
Status Model::Impl::ApplyNoMetadataCreate(const scenario::Create& c, bool was_active) {
  if (domain.profile == Profile::kVbox) {
    return Status::Error(ErrorClass::kInvalidArg, "no-metadata is not modelled for vbox");
  }
  if (domain.profile != Profile::kQemu) return Dispatch(machine, domain, c);
  static const std::string kUnlisted = "\x01unlisted";
  scenario::Create unlisted = c;
  unlisted.name = kUnlisted;
  Status created = Dispatch(machine, domain, unlisted);
  if (!created.ok()) return created;
  NoteChains(unlisted, was_active, machine.state() != PowerState::kShutoff);  // decision 30
  auto record = domain.taken.find(kUnlisted);
  domain.taken[c.name] = std::move(record->second);
  domain.taken.erase(kUnlisted);
  scenario::Delete drop{kUnlisted};
  drop.metadata_only = true;
  return Dispatch(machine, domain, drop);
}

// The loader already rejects these; the model still refuses rather than crash.
Status Model::Impl::CheckWrite(const scenario::Write& w) const {
  const int disk = domain.disks.IndexOf(w.disk);
  if (disk < 0)
    return Status::Error(ErrorClass::kInvalidArg, fmt::format("no disk named '{}'", w.disk));
  const uint64_t size = domain.disks.specs()[disk].size_bytes;
  if (w.offset_bytes > size || w.length_bytes > size - w.offset_bytes) {
    return Status::Error(ErrorClass::kInvalidArg,
                         fmt::format("write past the end of '{}'", w.disk));
  }
  return Status::Ok();
}

Status Model::Apply(const scenario::Action& action) {
  if (std::holds_alternative<scenario::Expect>(action)) {
    return Status::Error(ErrorClass::kInternalError, "expect is not an action");
  }
  if (const auto* d = std::get_if<scenario::Delete>(&action); d && d->discard) {
    return impl_->ApplyDiscard(*d);
  }
  if (const auto* c = std::get_if<scenario::SetCurrent>(&action)) {
    // No power event: the drivers redefine metadata in every state (decision 32).
    NodeId target = kNoNode;
    if (Status s = CheckSetCurrent(impl_->domain, *c, &target); !s.ok()) return s;
    impl_->domain.forest.set_current(target);
    return Status::Ok();
  }
  if (const auto* c = std::get_if<scenario::Create>(&action); c && c->no_metadata) {
    return impl_->ApplyNoMetadataCreate(*c, state() != PowerState::kShutoff);
  }
  if (const auto* w = std::get_if<scenario::Write>(&action)) {
    if (Status s = impl_->CheckWrite(*w); !s.ok()) return s;
  }
  const bool was_active = state() != PowerState::kShutoff;
  Status status = Dispatch(impl_->machine, impl_->domain, action);
  if (status.ok()) impl_->NoteChains(action, was_active, state() != PowerState::kShutoff);
  return status;
}

// What libvirt's definition knows of each disk's backing chain (decision 30): a domain
// that boots probes it, an overlay made while running joins it, one made offline hides it.
void Model::Impl::NoteChains(const scenario::Action& action, bool was_active, bool active) {
  Domain& d = domain;
  if (!was_active && active) d.disks.ProbeChains();
  const auto* c = std::get_if<scenario::Create>(&action);
  if (c == nullptr) return;
  const NodeId made = d.forest.Find(c->name, d.profile);
  if (made == kNoNode || d.forest.node(made).location != scenario::Location::kExternal) return;
  if (was_active) {
    d.disks.ProbeChains();
  } else {
    d.disks.ForgetChains();
  }
}

Profile Model::profile() const { return impl_->domain.profile; }
PowerState Model::state() const { return impl_->machine.state(); }

std::optional<std::string> Model::current() const {
  const model::Forest& f = impl_->domain.forest;
  if (f.current() == kNoNode) return std::nullopt;
  return f.node(f.current()).name;
}

scenario::Tree Model::Forest() const { return impl_->domain.forest.ToTree(); }
const std::vector<scenario::DiskSpec>& Model::disks() const { return impl_->domain.disks.specs(); }

const merge::ExtentMap& Model::CurrentView(std::string_view disk) const {
  const int index = impl_->domain.disks.IndexOf(disk);
  return index < 0 ? NoDisk() : impl_->domain.disks.Current(index);
}

const merge::ExtentMap* Model::SnapshotView(std::string_view snapshot,
                                            std::string_view disk) const {
  const Domain& d = impl_->domain;
  const int index = d.disks.IndexOf(disk);
  const NodeId id = d.forest.Find(snapshot, d.profile);
  if (index < 0 || id == kNoNode) return nullptr;
  return &d.disks.View(id, index);
}

const merge::ExtentMap* Model::ViewWhenTaken(std::string_view snapshot,
                                             std::string_view disk) const {
  const Domain& d = impl_->domain;
  const int index = d.disks.IndexOf(disk);
  auto it = d.taken.find(snapshot);
  if (index < 0 || it == d.taken.end()) return nullptr;
  return it->second[index].get();
}

std::vector<Layer> Model::Layers(std::string_view disk) const {
  const int index = impl_->domain.disks.IndexOf(disk);
  if (index < 0) return {};
  return impl_->domain.disks.Layers(index);
}

std::vector<Model::SnapshotInfo> Model::Snapshots() const {
  const model::Forest& f = impl_->domain.forest;
  std::vector<SnapshotInfo> out;
  for (NodeId id : f.PreOrder()) {
    const SnapshotNode& n = f.node(id);
    out.push_back({n.serial, n.name, n.parent == kNoNode ? 0 : f.node(n.parent).serial,
                   std::string(RecordedName(n.recorded)), n.memory,
                   n.location == scenario::Location::kExternal});
  }
  return out;
}

const merge::ExtentMap* Model::ViewOfSerial(uint64_t serial, std::string_view disk) const {
  const Domain& d = impl_->domain;
  const int index = d.disks.IndexOf(disk);
  if (index < 0) return nullptr;
  for (NodeId id : d.forest.PreOrder()) {
    if (d.forest.node(id).serial == serial) return &d.disks.View(id, index);
  }
  return nullptr;
}

Status Model::CheckConsistency() const {
  const Domain& d = impl_->domain;
  if (Status s = d.forest.CheckWellFormed(); !s.ok()) return s;
  return d.disks.CheckConsistency(d.forest);
}

std::string Model::Canonical() const {
  const Domain& d = impl_->domain;
  const model::Forest& f = d.forest;
  std::string out;
  out.reserve(512);
  const std::vector<NodeId> order = f.PreOrder();
  std::vector<int> rank(order.empty() ? 0 : *std::max_element(order.begin(), order.end()) + 1, -1);
  for (size_t k = 0; k < order.size(); ++k) rank[order[k]] = static_cast<int>(k);
  fmt::format_to(std::back_inserter(out), "{} {} current#{}\n", ProfileName(d.profile),
                 PowerStateName(state()), f.current() == kNoNode ? -1 : rank[f.current()]);
  for (size_t k = 0; k < order.size(); ++k) {
    const SnapshotNode& n = f.node(order[k]);
    fmt::format_to(std::back_inserter(out), "#{} {} parent#{} {} mem{} {}\n", k, n.name,
                   n.parent == kNoNode ? -1 : rank[n.parent], RecordedName(n.recorded),
                   n.memory ? 1 : 0,
                   n.location == scenario::Location::kExternal ? "external" : "internal");
  }
  d.disks.AppendCanonical(order, &out);
  for (const auto& [name, views] : d.taken) {
    fmt::format_to(std::back_inserter(out), "taken {}:", name);
    for (const MapPtr& v : views) {
      out.push_back(' ');
      AppendExtents(*v, &out);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace snapsim::model
