#include "simulator/expect_check.h"

#include <fmt/format.h>

#include "merge/extent_map.h"
#include "simulator/observation.h"

namespace snapsim::simulator {
namespace {

merge::Source ToSource(const scenario::Content& content) {
  if (const auto* fill = std::get_if<scenario::Fill>(&content)) {
    return merge::FillSource{fill->byte};
  }
  return merge::SeedSource{std::get<scenario::Seed>(content).seed};
}

std::string FormatContent(const scenario::Content& content) {
  if (const auto* fill = std::get_if<scenario::Fill>(&content)) {
    return fmt::format("fill {:#04x}", fill->byte);
  }
  return fmt::format("seed {}", std::get<scenario::Seed>(content).seed);
}

// The part of `view` inside [offset, offset + length), holes included as holes.
merge::ExtentMap Slice(const merge::ExtentMap& view, uint64_t offset, uint64_t length) {
  merge::ExtentMap slice(view.size_bytes());
  const uint64_t end = offset + length;
  for (size_t i = view.LowerBound(offset); i < view.extents().size(); ++i) {
    const merge::Extent& e = view.extents()[i];
    if (e.offset >= end) break;
    const uint64_t from = std::max(e.offset, offset);
    const uint64_t to = std::min(e.end(), end);
    slice.Write(from, to - from, merge::AdvanceSource(e.source, from - e.offset));
  }
  return slice;
}

// A readable account of what the view holds in a range ("zeros" for holes).
std::string Describe(const merge::ExtentMap& slice, uint64_t offset, uint64_t length) {
  if (slice.empty()) return "zeros (never written)";
  std::string text = slice.DebugString();
  if (text.size() > 400) text = text.substr(0, 400) + "...";
  return text;
}

void CheckDisk(const scenario::DiskCheck& check, const model::Model& bytes,
               std::vector<CheckFailure>& failures) {
  const merge::ExtentMap& view = bytes.CurrentView(check.disk);
  if (const auto* equals = std::get_if<scenario::EqualsSnapshot>(&check.check)) {
    const merge::ExtentMap* then = bytes.ViewWhenTaken(equals->snapshot, check.disk);
    if (then == nullptr) {
      failures.push_back(
          {check.where,
           fmt::format("disk {} equals its content at {}", check.disk, equals->snapshot),
           fmt::format("no snapshot {} was ever taken", equals->snapshot)});
    } else if (!merge::SameContent(view, *then)) {
      failures.push_back({check.where,
                          fmt::format("disk {} = content at {}: {}", check.disk, equals->snapshot,
                                      then->DebugString()),
                          view.DebugString()});
    }
    return;
  }
  for (const auto& range : std::get<std::vector<scenario::RangeCheck>>(check.check)) {
    merge::ExtentMap want(view.size_bytes());
    want.Write(range.offset_bytes, range.length_bytes, ToSource(range.content));
    merge::ExtentMap got = Slice(view, range.offset_bytes, range.length_bytes);
    if (!merge::SameContent(want, got)) {
      failures.push_back(
          {range.where,
           fmt::format("disk {} [{:#x}, +{:#x}) = {}", check.disk, range.offset_bytes,
                       range.length_bytes, FormatContent(range.content)),
           Describe(got, range.offset_bytes, range.length_bytes)});
    }
  }
}

}  // namespace

std::vector<CheckFailure> CheckExpect(const scenario::Expect& expect,
                                      const scenario::SourceLocation& where,
                                      const Observation& observation, const model::Model& bytes) {
  std::vector<CheckFailure> failures;
  if (expect.state && *expect.state != observation.state) {
    failures.push_back({where, fmt::format("state: {}", PowerStateName(*expect.state)),
                        fmt::format("state: {}", PowerStateName(observation.state))});
  }
  if (expect.current && *expect.current != observation.current) {
    failures.push_back({where, "current: " + FormatCurrent(*expect.current),
                        "current: " + FormatCurrent(observation.current)});
  }
  if (expect.tree && !SameForest(*expect.tree, observation.forest)) {
    failures.push_back(
        {where, "tree: " + FormatTree(*expect.tree), "tree: " + FormatTree(observation.forest)});
  }
  for (const scenario::DiskCheck& disk : expect.disks) CheckDisk(disk, bytes, failures);
  return failures;
}

}  // namespace snapsim::simulator
