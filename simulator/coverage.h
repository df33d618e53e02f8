#pragma once
// Coverage of a campaign (`fuzz`, `explore --backend`): for each situation an operation
// met, how often it ran and how often the backend agreed with the model (RapidCheck's
// `classify`, FoundationDB's CODE_PROBE). A row is the operation with its options, the
// power state before it and where its target stands:
//
//   delete: {children: true} | running | current
//   revert | paused | leaf
//   create: {memory: no} | shutoff | name exists
//
// Target positions: current, root, leaf, inner (in that order of precedence), unknown;
// a create's is "new name" or "name exists". Power steps and writes have none.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/profile.h"
#include "model/model.h"
#include "scenario/scenario.h"

namespace snapsim::simulator {

struct CoverageCount {
  uint64_t ran = 0;
  uint64_t agreed = 0;
};

// The operation with its options as its YAML item shows them, without the name:
// "create", "delete: {children: true}", "start".
std::string OperationText(const scenario::Action& action);

// The row of `action` in the state `before`, with its options; and without them
// ("delete | running | current"), the row a profile's reachability is stated in.
std::string CoverageRow(const model::Model& before, const scenario::Action& action);
std::string CoarseCoverageRow(const model::Model& before, const scenario::Action& action);

// The shapes of sequences long enough to branch that `action`, answered `ok`, gives in
// the state `before`: "shape: revert below an external snapshot", "shape: delete of a
// parent with several children", "shape: delete after a metadata-only delete" (when
// `metadata_deleted` says one happened earlier in the sequence).
std::vector<std::string> BranchShapes(const model::Model& before, const scenario::Action& action,
                                      bool ok, bool metadata_deleted);
// Whether `steps` hold a metadata-only delete the model took (a step without `error:`).
bool MetadataDeleted(const std::vector<scenario::Step>& steps);

class Coverage {
 public:
  void Record(const model::Model& before, const scenario::Action& action, bool agreed);
  // The same with the rows already computed (from the state before the step).
  void Record(const std::string& row, const std::string& coarse_row, bool agreed);
  const std::map<std::string, CoverageCount>& rows() const { return rows_; }
  const std::set<std::string>& coarse_rows() const { return coarse_; }
  // A sequence shape (BranchShapes) met once more; shapes are counted apart from rows.
  void RecordShape(const std::string& shape) { ++shapes_[shape]; }
  const std::map<std::string, uint64_t>& shapes() const { return shapes_; }
  // "      ran   agreed  row" lines, rows in order; rows where the backend disagreed
  // at least once are marked with '!'.
  std::string Table() const;

 private:
  std::map<std::string, CoverageCount> rows_;
  std::set<std::string> coarse_;
  std::map<std::string, uint64_t> shapes_;
};

// Every coarse row the model reaches for `profile` within `depth` operations of the
// explore alphabet over `names` names: what a campaign of that profile should exercise.
std::set<std::string> ReachableCoarseRows(Profile profile, int depth, int names);

}  // namespace snapsim::simulator
