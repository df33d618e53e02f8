// `expect:` checks, and the disk ranges and contents that writes share with them.
#include <fmt/format.h>

#include <limits>
#include <set>

#include "scenario/loader_internal.h"
#include "scenario/size.h"
#include "scenario/spelling.h"

namespace snapsim::scenario::internal {
namespace {

// Nested mappings of snapshot names; `names` holds every name seen in the whole tree.
Tree LoadTree(const YamlReader& reader, const Value& value, std::set<std::string>* names) {
  Tree tree;
  if (value.node->IsNull()) return tree;
  reader.RequireMap(value, "tree");
  for (size_t i = 0; i + 1 < value.node->items.size(); i += 2) {
    Value key = reader.ValueOf(value.node->items[i]);
    const YamlNode& node = value.node->items[i + 1];
    std::string name = reader.Name(key, "snapshot name in tree");
    if (!names->insert(name).second) {
      reader.Fail(key.mark, fmt::format("snapshot '{}' appears twice in tree", name));
    }
    Value child = node.IsNull() ? Value{&node, key.mark} : reader.ValueOf(node);
    tree.children.emplace_back(name, LoadTree(reader, child, names));
  }
  return tree;
}

std::vector<RangeCheck> LoadRanges(const StepContext& context, const DiskSpec& disk,
                                   const Value& list) {
  std::vector<RangeCheck> ranges;
  for (const Value& item : context.reader.Items(list, "disk check")) {
    std::vector<Entry> entries =
        context.reader.Entries(item, {"offset", "length", "fill", "seed"}, "range check");
    Range range = LoadRange(context, disk, FindEntry(entries, "offset"),
                            FindEntry(entries, "length"), item.mark, "range check");
    Content content = LoadContent(context, entries, item.mark, "range check");
    ranges.push_back(RangeCheck{range.offset_bytes, range.length_bytes, content,
                                context.reader.Where(item.mark)});
  }
  return ranges;
}

std::vector<DiskCheck> LoadDiskChecks(const StepContext& context, const Value& value) {
  const YamlReader& reader = context.reader;
  reader.RequireMap(value, "disk");
  std::vector<DiskCheck> checks;
  for (size_t i = 0; i + 1 < value.node->items.size(); i += 2) {
    Value key = reader.ValueOf(value.node->items[i]);
    const YamlNode& node = value.node->items[i + 1];
    const DiskSpec& disk = FindDisk(context, key);
    for (const DiskCheck& check : checks) {
      if (check.disk == disk.name) {
        reader.Fail(key.mark, fmt::format("disk '{}' is checked twice", disk.name));
      }
    }
    Value body = node.IsNull() ? Value{&node, key.mark} : reader.ValueOf(node);
    DiskCheck check{disk.name, {}, reader.Where(key.mark)};
    if (body.node->IsSequence()) {
      check.check = LoadRanges(context, disk, body);
    } else if (body.node->IsMap()) {
      std::vector<Entry> entries = reader.Entries(body, {"equals"}, "disk check");
      const Entry* equals = FindEntry(entries, "equals");
      if (equals == nullptr) reader.Fail(body.mark, "disk check needs 'equals: SNAPSHOT'");
      check.check = EqualsSnapshot{reader.Name(equals->value, "snapshot name")};
    } else {
      reader.Fail(body.mark, fmt::format("disk check for '{}' must be a list of ranges or "
                                         "{{equals: SNAPSHOT}}",
                                         disk.name));
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

std::string Joined(const std::set<std::string>& names) {
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

}  // namespace

Expect LoadExpect(const StepContext& context, const Value& checks) {
  const YamlReader& reader = context.reader;
  std::vector<Entry> entries =
      reader.Entries(checks, {"state", "current", "tree", "disk"}, "expect");
  Expect expect;
  if (const Entry* state = FindEntry(entries, "state")) {
    expect.state =
        ParsePowerState(reader.OneOf(state->value, "state", {"shutoff", "running", "paused"}));
  }
  if (const Entry* current = FindEntry(entries, "current")) {
    expect.current =
        current->value.node->IsNull()
            ? std::optional<std::string>()
            : std::optional<std::string>(reader.Name(current->value, "current snapshot name"));
  }
  if (const Entry* tree = FindEntry(entries, "tree")) {
    std::set<std::string> names;
    expect.tree = LoadTree(reader, tree->value, &names);
    // The current snapshot is always in the forest: a block saying otherwise can never hold.
    const Entry* current = FindEntry(entries, "current");
    if (reader.linting() && current != nullptr && expect.current && expect.current->has_value() &&
        names.count(**expect.current) == 0) {
      reader.Report(current->value.mark,
                    fmt::format("current '{}' is not in this block's tree (which holds: {}){}",
                                **expect.current, names.empty() ? "no snapshots" : Joined(names),
                                DidYouMean(**expect.current,
                                           std::vector<std::string>(names.begin(), names.end()))));
    }
  }
  if (const Entry* disk = FindEntry(entries, "disk")) {
    expect.disks = LoadDiskChecks(context, disk->value);
  }
  return expect;
}

const DiskSpec& FindDisk(const StepContext& context, const Value& name_value) {
  std::string name = context.reader.Name(name_value, "disk name");
  std::vector<std::string> declared;
  for (const DiskSpec& disk : context.disks) {
    if (disk.name == name) return disk;
    declared.push_back(disk.name);
  }
  std::string list;
  for (const std::string& d : declared) list += (list.empty() ? "" : ", ") + d;
  context.reader.Fail(name_value.mark,
                      fmt::format("disk '{}' is not declared in domain.disks (declared: {}){}",
                                  name, list, DidYouMean(name, declared)));
}

Range LoadRange(const StepContext& context, const DiskSpec& disk, const Entry* offset,
                const Entry* length, const YAML::Mark& owner, std::string_view what) {
  const YamlReader& reader = context.reader;
  if (offset == nullptr) reader.Fail(owner, fmt::format("{} needs 'offset'", what));
  if (length == nullptr) reader.Fail(owner, fmt::format("{} needs 'length'", what));
  Range range{reader.Size(offset->value, "offset"), reader.Size(length->value, "length")};
  if (range.offset_bytes % kSectorBytes != 0) {
    reader.Fail(offset->value.mark, fmt::format("offset {} is not a multiple of {} bytes",
                                                offset->value.node->scalar, kSectorBytes));
  }
  if (range.length_bytes == 0) reader.Fail(length->value.mark, "length must not be zero");
  if (range.length_bytes % kSectorBytes != 0) {
    reader.Fail(length->value.mark, fmt::format("length {} is not a multiple of {} bytes",
                                                length->value.node->scalar, kSectorBytes));
  }
  if (range.offset_bytes >= disk.size_bytes) {
    reader.Fail(
        offset->value.mark,
        fmt::format("{} starts past the end of disk '{}' (offset {}, disk size {})", what,
                    disk.name, FormatSize(range.offset_bytes), FormatSize(disk.size_bytes)));
  }
  if (range.length_bytes > disk.size_bytes - range.offset_bytes) {
    reader.Fail(length->value.mark,
                fmt::format("{} runs past the end of disk '{}' (offset {} + length {} > disk "
                            "size {})",
                            what, disk.name, FormatSize(range.offset_bytes),
                            FormatSize(range.length_bytes), FormatSize(disk.size_bytes)));
  }
  return range;
}

Content LoadContent(const StepContext& context, const std::vector<Entry>& entries,
                    const YAML::Mark& owner, std::string_view what) {
  const YamlReader& reader = context.reader;
  const Entry* fill = FindEntry(entries, "fill");
  const Entry* seed = FindEntry(entries, "seed");
  if (fill != nullptr && seed != nullptr) {
    const Entry* later = fill->key_mark.pos > seed->key_mark.pos ? fill : seed;
    reader.Fail(later->key_mark, fmt::format("{} takes either 'fill' or 'seed', not both", what));
  }
  if (fill != nullptr) {
    return Fill{static_cast<uint8_t>(reader.Integer(fill->value, "fill", 0xff))};
  }
  if (seed != nullptr) {
    return Seed{reader.Integer(seed->value, "seed", std::numeric_limits<uint64_t>::max())};
  }
  reader.Fail(owner, fmt::format("{} needs 'fill: 0xNN' or 'seed: N'", what));
}

}  // namespace snapsim::scenario::internal
