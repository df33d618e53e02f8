#pragma once
// `snapsim record`: replays a scenario and writes what happened back into its text, as
// libvirt's VIR_TEST_REGENERATE_OUTPUT regenerates expected output. The text is edited,
// not re-emitted: comments, key order and layout outside the lines record writes stay.
//
// What record writes (docs/cli.md):
// - on each action, `error: CLASS` when it failed and none when it succeeded (an
//   `error: any` that failed is kept);
// - an `expect` whose checks do not hold is rewritten with the same keys, from what was
//   observed (its disk checks become the whole disk's ranges); one that holds is kept as
//   it is, byte for byte;
// - an empty `expect` (`- expect`, `- expect: {}`) is filled with every check: state,
//   current, tree and each disk's ranges;
// - after an action marked `# record` (a comment on its first line), or after every
//   action with `every_step`, a full `expect` is inserted unless an `expect` follows.

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "scenario/scenario.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

// What one step gave.
struct StepRecord {
  Status outcome;                    // actions: ok or the error class
  Observation observation;           // after the step
  scenario::Expect full;             // every check after the step (disks from the model)
  std::optional<bool> expect_holds;  // expect steps: did its checks hold
  // expect steps whose checks do not hold: the same keys, filled in from the observation.
  scenario::Expect refreshed;
};

struct RecordOptions {
  bool every_step = false;
  // Record the backend's outcomes and views where it diverges from the model (else the
  // model's, with a note).
  bool trust_backend = false;
};

struct Recording {
  std::vector<StepRecord> steps;
  std::vector<std::string> divergences;  // "FILE:LINE: step N (ACTION): B: expected model: ..."
};

// Replays `scenario` on the model and, unless `backend` is null, on `backend` beside it.
// Throws BackendFailure when the backend breaks.
Recording RecordSteps(const scenario::Scenario& scenario, Backend* backend,
                      const RecordOptions& options);

// One change record makes, for --check and the summary.
struct RecordChange {
  int line = 0;      // in the original text
  std::string what;  // "step 4 (delete: A): error: none -> no-domain-snapshot"
};

struct RecordedText {
  std::string text;
  std::vector<RecordChange> changes;
};

// `text` (the file `scenario` was loaded from) with `recording` written in. kBadInput when
// a step is laid out in a way record does not edit (a flow list of steps, `error:` written
// before the action), naming the line.
Result<RecordedText> WriteRecording(const std::string& text, const scenario::Scenario& scenario,
                                    const Recording& recording, const RecordOptions& options);

}  // namespace snapsim::simulator
