#pragma once
// Internal to the loader: the parts shared by its files (loader.cc, step_loader.cc,
// expect_loader.cc).

#include <vector>

#include "core/profile.h"
#include "scenario/scenario.h"
#include "scenario/yaml_reader.h"

namespace snapsim::scenario::internal {

// What a step needs to know about the file around it.
struct StepContext {
  const YamlReader& reader;
  Profile hypervisor;
  const std::vector<DiskSpec>& disks;
};

Step LoadStep(const StepContext& context, const Value& step);
Expect LoadExpect(const StepContext& context, const Value& checks);

// The declared disk named by `name`, or an error listing the declared ones.
const DiskSpec& FindDisk(const StepContext& context, const Value& name);

// Offset and length of a write or range check: sector multiples, length > 0, inside `disk`.
struct Range {
  uint64_t offset_bytes = 0;
  uint64_t length_bytes = 0;
};
Range LoadRange(const StepContext& context, const DiskSpec& disk, const Entry* offset,
                const Entry* length, const YAML::Mark& owner, std::string_view what);

// Exactly one of `fill: 0xNN` or `seed: N` among `entries`.
Content LoadContent(const StepContext& context, const std::vector<Entry>& entries,
                    const YAML::Mark& owner, std::string_view what);

}  // namespace snapsim::scenario::internal
