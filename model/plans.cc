#include "model/plans.h"

namespace snapsim::model {

void ApplyWrite(Domain& d, const scenario::Write& w) {
  const int disk = d.disks.IndexOf(w.disk);
  merge::Source source;
  if (const auto* fill = std::get_if<scenario::Fill>(&w.content)) {
    source = merge::FillSource{fill->byte};
  } else {
    source = merge::SeedSource{std::get<scenario::Seed>(w.content).seed};
  }
  d.disks.Write(disk, w.offset_bytes, w.length_bytes, source);
}

void ApplyCreate(Domain& d, const std::string& name, const CreatePlan& plan) {
  const NodeId id = d.forest.Add(name, plan.recorded, plan.memory, plan.location);
  d.disks.TakePoint(id, plan.location);
  std::vector<MapPtr> views;
  views.reserve(d.disks.specs().size());
  for (size_t i = 0; i < d.disks.specs().size(); ++i)
    views.push_back(d.disks.CurrentPtr(static_cast<int>(i)));
  auto it = d.taken.find(name);
  if (it == d.taken.end()) {
    d.taken.emplace(name, std::move(views));
  } else {
    it->second = std::move(views);
  }
}

void ApplyDelete(Domain& d, const DeletePlan& plan) {
  // Disks first, one point at a time in leaves-first order (the order libvirt's
  // drivers and VirtualBox delete a subtree), while the forest still knows the tree.
  switch (plan.mode) {
    case DeleteMode::kNothing: return;
    case DeleteMode::kPlain:
      d.disks.DropPoint(plan.target, plan.images);
      d.forest.RemoveSplice(plan.target);
      return;
    case DeleteMode::kChildren:
    case DeleteMode::kChildrenOnly: {
      for (NodeId n : d.forest.DescendantsPostOrder(plan.target)) d.disks.DropPoint(n, plan.images);
      const bool keep_root = plan.mode == DeleteMode::kChildrenOnly;
      if (!keep_root) d.disks.DropPoint(plan.target, plan.images);
      d.forest.RemoveSubtree(plan.target, keep_root);
      return;
    }
  }
}

void ApplyRevert(Domain& d, const RevertPlan& plan) {
  d.disks.RevertTo(plan.target);
  d.forest.set_current(plan.target);
}

}  // namespace snapsim::model
