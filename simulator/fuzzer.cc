#include "simulator/fuzzer.h"

#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <fmt/format.h>

#include "model/model.h"
#include "simulator/divergence.h"
#include "simulator/fuzz_actions.h"

namespace snapsim::simulator {
namespace {

// The system under test: a backend, plus the steps run so far (to write a counterexample).
struct Sut {
  Backend* backend;
  const scenario::Scenario* skeleton;  // profile, disks and initial state of the sequence
  std::vector<scenario::Step> steps;
  const std::vector<KnownFinding>* known;
  std::map<std::string, int>* set_aside;
  std::optional<Divergence> divergence;  // the one the property failed with
  Coverage* coverage;
  std::string set_aside_as;  // the known finding the sequence ran into
};

// Thrown out of a sequence that ran into a known finding; the property then holds for it,
// so that it takes its place in the campaign (shards stay aligned) and RapidCheck never
// shrinks towards it.
struct SetAside {};

// A divergence: set aside when it is a known finding, else the property fails with it.
void Diverged(Sut& sut, Divergence divergence) {
  const std::string message = FormatDivergence(divergence);
  if (const KnownFinding* finding = MatchKnownFinding(*sut.known, message)) {
    ++(*sut.set_aside)[finding->finding];
    sut.set_aside_as = finding->finding;
    throw SetAside{};
  }
  sut.divergence = std::move(divergence);
  RC_FAIL(message);
}

scenario::Scenario Skeleton(Profile profile, PowerState initial) {
  scenario::Scenario s;
  s.hypervisor = profile;
  s.initial_state = initial;
  s.disks = {{"vda", kFuzzDiskBytes}};
  return s;
}

class StepCommand : public rc::state::Command<model::Model, Sut> {
 public:
  explicit StepCommand(scenario::Action action) : action_(std::move(action)) {}

  void apply(model::Model& model) const override { model.Apply(action_).IgnoreError(); }

  void run(const model::Model& before, Sut& sut) const override {
    model::Model after = before;
    const Status want = after.Apply(action_);
    for (const std::string& shape :
         BranchShapes(before, action_, want.ok(), MetadataDeleted(sut.steps))) {
      sut.coverage->RecordShape(shape);
    }
    scenario::Step step{action_, std::nullopt, {}};
    if (!want.ok()) step.error = want.error_class();
    sut.steps.push_back(step);
    const Status got = sut.backend->Perform(action_);
    if (got.is_fault()) throw BackendFailure(got.ToString());
    const StepAnswers answers{want, got,
                              [&] {
                                return Observation{after.state(), after.current(), after.Forest()};
                              },
                              [&] { return sut.backend->Observe(); }};
    const int n = static_cast<int>(sut.steps.size());
    auto divergence = CompareStep(*sut.skeleton, n, action_, sut.backend->name(), answers);
    sut.coverage->Record(before, action_, !divergence.has_value());
    if (divergence) Diverged(sut, std::move(*divergence));
  }

  void show(std::ostream& os) const override { os << scenario::ActionName(action_); }

 private:
  scenario::Action action_;
};

}  // namespace

FuzzReport Fuzz(const FuzzOptions& options, const BackendMaker& make_backend) {
  FuzzReport report;
  std::vector<scenario::Step> failing_steps;
  PowerState failing_initial = PowerState::kShutoff;
  std::optional<Divergence> failing_divergence;

  // Only what the backend can perform is generated (a backend for shut-off domains gets
  // no `start`, for instance), asked of the backend itself through CannotRun.
  const std::unique_ptr<Backend> probe = make_backend();
  std::vector<PowerState> initials;
  for (PowerState s : {PowerState::kShutoff, PowerState::kRunning, PowerState::kPaused}) {
    if (!probe->CannotRun(Skeleton(options.profile, s))) initials.push_back(s);
  }
  if (initials.empty()) {
    report.failure =
        "the backend runs no " + std::string(ProfileName(options.profile)) +
        " scenario: " + *probe->CannotRun(Skeleton(options.profile, PowerState::kShutoff));
    return report;
  }
  auto runnable = [&](const scenario::Action& action) {
    scenario::Scenario one = Skeleton(options.profile, initials.front());
    one.steps.push_back({action, std::nullopt, {}});
    return !probe->CannotRun(one).has_value();
  };

  int ran = 0, shrinks = 0;  // sequences that held before the first failure; tries after it
  bool failed = false;
  uint64_t next_index = 0, index = 0;  // RapidCheck's search calls, of all shards
  uint64_t resume_at = 0;              // keep_going: the sequences before it have run
  std::optional<uint64_t> failed_at;   // the sequence this round of the search failed at
  auto property = [&] {
    if (!failed) {  // a search call, not a shrink: sequence `index` of the whole campaign
      index = next_index++;
      // Another shard's, or run in an earlier round: passes unrun.
      if (index < resume_at || !options.shard.Owns(index)) return;
    }
    if (options.stop && options.stop()) {
      report.interrupted = true;
      return;
    }
    struct Progress {
      int &ran, &set_aside, &shrinks;
      const FuzzOptions& options;
      ~Progress() {
        if (options.on_progress) options.on_progress(ran + set_aside, shrinks);
      }
    } progress{ran, report.set_aside_runs, shrinks, options};
    if (failed) ++shrinks;
    const PowerState initial = *rc::gen::elementOf(initials);
    const scenario::Scenario skeleton = Skeleton(options.profile, initial);
    std::unique_ptr<Backend> backend = make_backend();
    backend->Begin(skeleton);
    Sut sut{backend.get(), &skeleton,        {}, &options.known, &report.set_aside,
            std::nullopt,  &report.coverage, {}};
    const model::Model start(skeleton);
    try {
      rc::state::check(start, sut, [&](const model::Model& now) {
        std::vector<std::string> existing;
        for (const auto& snapshot : now.Snapshots()) existing.push_back(snapshot.name);
        auto action = GenAction(options.profile, options.names, existing, now.current());
        return rc::gen::map(rc::gen::suchThat(std::move(action), runnable), [](scenario::Action a) {
          return std::shared_ptr<const rc::state::Command<model::Model, Sut>>(
              std::make_shared<StepCommand>(std::move(a)));
        });
      });
      // Then the bytes: the backend's files against the model's views, bit for bit.
      model::Model end(skeleton);
      for (const scenario::Step& step : sut.steps) end.Apply(step.action).IgnoreError();
      const scenario::Action check = scenario::Expect{};
      const int n = static_cast<int>(sut.steps.size()) + 1;
      if (auto divergence = CompareBytes(skeleton, n, check, *backend, end)) {
        sut.steps.push_back({check, std::nullopt, {}});
        Diverged(sut, std::move(*divergence));
      }
    } catch (const SetAside&) {
      backend->End();
      if (!failed) {
        ++report.set_aside_runs;
        if (options.on_sequence) options.on_sequence(index, "set-aside", sut.set_aside_as);
      }
      return;
    } catch (...) {
      // The last failing run is the most shrunk one: RapidCheck only keeps shrinking
      // from candidates that fail.
      failing_steps = sut.steps;
      failing_initial = initial;
      failing_divergence = sut.divergence;
      if (!failed) {
        failed_at = index;
        if (options.on_sequence) options.on_sequence(index, "failed", "");
      }
      failed = true;
      backend->End();
      throw;
    }
    backend->End();
    if (!failed) {
      ++ran;
      if (options.on_sequence) options.on_sequence(index, "held", "");
    }
  };

  // RapidCheck loads (and prints) its global configuration on first use, with a random
  // seed unless RC_PARAMS names one; name ours so that nothing random is ever shown.
  setenv("RC_PARAMS", fmt::format("seed={}", options.seed).c_str(), 1);
  rc::detail::TestParams params;
  params.seed = options.seed;
  params.maxSuccess = options.runs * options.shard.count;
  params.maxSize = options.steps_max;
  // It also says "Using configuration: seed=N" on std::cerr; snapsim prints its seed itself.
  std::ostringstream rapidcheck_notes;
  struct QuietCerr {
    std::streambuf* saved;
    ~QuietCerr() { std::cerr.rdbuf(saved); }
  } quiet{std::cerr.rdbuf(rapidcheck_notes.rdbuf())};
  // One round of the search per counterexample: RapidCheck stops at a failure, and with
  // keep_going the next round starts from the same seed, the sequences up to the failure
  // passing unrun, so that every sequence still gets its own random stream and size.
  std::set<std::string> signatures;
  for (;;) {
    next_index = 0;
    failed = false;
    shrinks = 0;
    failed_at.reset();
    failing_divergence.reset();
    const auto result = rc::detail::checkTestable(property, rc::detail::TestMetadata{}, params);
    rc::detail::FailureResult failure;
    if (!result.match(failure) || !failed_at) break;
    FuzzCounterexample found;
    found.index = *failed_at;
    found.failure =
        failing_divergence ? FormatDivergence(*failing_divergence) : failure.description;
    found.divergence = failing_divergence;
    found.scenario = Skeleton(options.profile, failing_initial);
    found.scenario.name =
        fmt::format("fuzz-{}-seed-{}", ProfileName(options.profile), options.seed);
    if (options.keep_going) found.scenario.name += fmt::format("-sequence-{}", found.index);
    found.scenario.description =
        fmt::format("Found by snapsim fuzz --hypervisor {} --seed {}, shrunk: {}",
                    ProfileName(options.profile), options.seed, found.failure);
    found.scenario.steps = failing_steps;
    const std::string signature = found.divergence ? Signature(*found.divergence) : found.failure;
    if (!report.counterexample) {
      report.failed_index = found.index;
      report.failure = found.failure;
      report.divergence = found.divergence;
      report.counterexample = std::move(found.scenario);
      signatures.insert(signature);
    } else if (signatures.insert(signature).second) {
      report.also.push_back(std::move(found));
    } else {
      ++report.repeated;
    }
    if (!options.keep_going || report.interrupted) break;
    resume_at = *failed_at + 1;
  }
  report.runs = ran;
  return report;
}

}  // namespace snapsim::simulator
