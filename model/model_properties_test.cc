// RapidCheck properties over random operation sequences, on every profile.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "model/explore.h"
#include "model/invariants.h"
#include "model/model.h"

namespace snapsim::model {
namespace {

struct Sequence {
  Profile profile;
  std::vector<scenario::Action> actions;
};

// Random sequences over explore's alphabet plus seeded writes at random sector offsets.
rc::Gen<Sequence> GenSequence() {
  return rc::gen::mapcat(rc::gen::elementOf(kAllProfiles), [](Profile profile) {
    ExploreOptions options;
    options.profile = profile;
    const auto alphabet = ExploreAlphabet(options);
    auto op = rc::gen::oneOf(rc::gen::map(rc::gen::inRange<size_t>(0, alphabet.size()),
                                          [alphabet](size_t i) { return alphabet[i]; }),
                             rc::gen::map(rc::gen::tuple(rc::gen::inRange<uint64_t>(0, 2048),
                                                         rc::gen::inRange<uint64_t>(1, 64),
                                                         rc::gen::inRange<uint64_t>(1, 1000)),
                                          [](const std::tuple<uint64_t, uint64_t, uint64_t>& t) {
                                            const auto [sector, sectors, seed] = t;
                                            const uint64_t length =
                                                std::min<uint64_t>(sectors, 2048 - sector) * 512;
                                            return scenario::Action(scenario::Write{
                                                "vda", sector * 512, length, scenario::Seed{seed}});
                                          }));
    return rc::gen::map(rc::gen::container<std::vector<scenario::Action>>(op),
                        [profile](std::vector<scenario::Action> actions) {
                          return Sequence{profile, std::move(actions)};
                        });
  });
}

Model Fresh(Profile profile) { return Model(profile, PowerState::kShutoff, {{"vda", 1 << 20}}); }

RC_GTEST_PROP(ModelProperties, InvariantsHoldAfterAnySequence, ()) {
  const Sequence seq = *GenSequence();
  Model m = Fresh(seq.profile);
  std::string text = m.Canonical();
  for (const auto& action : seq.actions) {
    Model before = m;
    const Status status = m.Apply(action);
    const std::string after_text = m.Canonical();
    const Status broken = CheckTransition(before, text, action, status, m, after_text);
    if (!broken.ok()) RC_FAIL(broken.message());
    text = after_text;
  }
}

RC_GTEST_PROP(ModelProperties, DeletingNeverChangesARemainingView, ()) {
  const Sequence seq = *GenSequence();
  Model m = Fresh(seq.profile);
  for (const auto& action : seq.actions) m.Apply(action).IgnoreError();  // refusals too
  for (const auto& victim : m.Snapshots()) {
    Model after = m;
    if (!after.Apply(scenario::Delete{victim.name}).ok()) continue;
    RC_ASSERT(merge::SameContent(after.CurrentView("vda"), m.CurrentView("vda")));
    for (const auto& other : m.Snapshots()) {
      const merge::ExtentMap* now = after.ViewOfSerial(other.serial, "vda");
      if (now) RC_ASSERT(merge::SameContent(*now, *m.ViewOfSerial(other.serial, "vda")));
    }
  }
}

RC_GTEST_PROP(ModelProperties, RevertWithoutWriteGivesTheSnapshotsContent, ()) {
  const Sequence seq = *GenSequence();
  Model m = Fresh(seq.profile);
  for (const auto& action : seq.actions) m.Apply(action).IgnoreError();  // refusals too
  for (const auto& snapshot : m.Snapshots()) {
    Model after = m;
    if (!after.Apply(scenario::Revert{snapshot.name}).ok()) continue;
    RC_ASSERT(merge::SameContent(after.CurrentView("vda"), *m.SnapshotView(snapshot.name, "vda")));
    RC_ASSERT(after.current() == std::optional(snapshot.name));
  }
}

RC_GTEST_PROP(ModelProperties, SameSequenceGivesTheSameStateTwice, ()) {
  const Sequence seq = *GenSequence();
  Model a = Fresh(seq.profile);
  Model b = Fresh(seq.profile);
  for (const auto& action : seq.actions) {
    RC_ASSERT(a.Apply(action) == b.Apply(action));
  }
  RC_ASSERT(a.Canonical() == b.Canonical());
}

}  // namespace
}  // namespace snapsim::model
