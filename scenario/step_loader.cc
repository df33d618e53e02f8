// Steps: one action key (bare word, empty, or with arguments), optionally `error:`.
#include <fmt/format.h>

#include "scenario/loader_internal.h"
#include "scenario/spelling.h"

namespace snapsim::scenario::internal {
namespace {

const std::vector<std::string> kActionWords = {"start",  "shutdown",   "pause",  "resume",
                                               "write",  "create",     "delete", "revert",
                                               "expect", "set-current"};

bool IsAction(std::string_view word) {
  for (const std::string& action : kActionWords) {
    if (action == word) return true;
  }
  return false;
}

// start/shutdown/pause/resume: nothing, or an empty mapping.
Action LoadPowerAction(const YamlReader& reader, const std::string& action, const Value& args) {
  bool empty = args.node->IsNull() || (args.node->IsMap() && args.node->size() == 0);
  if (!empty) reader.Fail(args.mark, fmt::format("{} takes no arguments", action));
  if (action == "start") return Start{};
  if (action == "shutdown") return Shutdown{};
  if (action == "pause") return Pause{};
  return Resume{};
}

bool FlagOf(const YamlReader& reader, const std::vector<Entry>& entries, std::string_view key) {
  const Entry* entry = FindEntry(entries, key);
  return entry != nullptr && reader.Bool(entry->value, fmt::format("'{}'", key));
}

// `create: A` / `delete: A` / `revert: A`, or a mapping that must hold `name`.
std::vector<Entry> NamedArguments(const YamlReader& reader, const std::string& action,
                                  const Value& args, const YAML::Mark& owner,
                                  const std::vector<std::string>& allowed, std::string* name) {
  if (args.node->IsScalar()) {
    *name = reader.Name(args, "snapshot name");
    return {};
  }
  if (args.node->IsNull()) {
    reader.Fail(owner, fmt::format("{} needs a snapshot name ({}: NAME)", action, action));
  }
  std::vector<Entry> entries = reader.Entries(args, allowed, action);
  const Entry* name_entry = FindEntry(entries, "name");
  if (name_entry == nullptr) {
    reader.Fail(args.mark, fmt::format("{} needs 'name'", action));
  }
  *name = reader.Name(name_entry->value, "snapshot name");
  return entries;
}

Write LoadWrite(const StepContext& context, const Value& args, const YAML::Mark& owner) {
  const YamlReader& reader = context.reader;
  if (!args.node->IsMap()) {
    reader.Fail(args.node->IsNull() ? owner : args.mark,
                "write needs {offset, length, fill or seed} (and optionally disk)");
  }
  std::vector<Entry> entries =
      reader.Entries(args, {"disk", "offset", "length", "fill", "seed"}, "write");
  const Entry* disk_entry = FindEntry(entries, "disk");
  const DiskSpec& disk =
      disk_entry != nullptr ? FindDisk(context, disk_entry->value) : context.disks.front();
  Range range = LoadRange(context, disk, FindEntry(entries, "offset"), FindEntry(entries, "length"),
                          args.mark, "write");
  Content content = LoadContent(context, entries, args.mark, "write");
  return Write{disk.name, range.offset_bytes, range.length_bytes, content};
}

Create LoadCreate(const StepContext& context, const Value& args, const YAML::Mark& owner) {
  const YamlReader& reader = context.reader;
  Create create;
  std::vector<Entry> entries = NamedArguments(
      reader, "create", args, owner,
      {"name", "memory", "location", "disk-only", "quiesce", "halt", "no-metadata"}, &create.name);
  const Entry* memory = FindEntry(entries, "memory");
  if (memory != nullptr) {
    std::string word = reader.OneOf(memory->value, "memory", {"auto", "yes", "no"});
    create.memory = word == "yes"  ? MemoryMode::kYes
                    : word == "no" ? MemoryMode::kNo
                                   : MemoryMode::kAuto;
  }
  const Entry* location = FindEntry(entries, "location");
  if (location != nullptr) {
    std::string word = reader.OneOf(location->value, "location", {"internal", "external"});
    create.location = word == "external" ? Location::kExternal : Location::kInternal;
  }
  create.disk_only = FlagOf(reader, entries, "disk-only");
  create.quiesce = FlagOf(reader, entries, "quiesce");
  create.halt = FlagOf(reader, entries, "halt");
  create.no_metadata = FlagOf(reader, entries, "no-metadata");
  if (create.no_metadata && context.hypervisor == Profile::kVbox) {
    reader.Fail(FindEntry(entries, "no-metadata")->key_mark,
                "vbox: 'no-metadata' is not modelled (no VirtualBox driver has been run to give "
                "evidence)");
  }
  if (context.hypervisor == Profile::kQemu) {
    // Not modelled for qemu in this version (docs/model.md).
    if (create.location == Location::kExternal && create.memory == MemoryMode::kYes) {
      reader.Fail(memory->key_mark,
                  "qemu: 'memory: yes' with 'location: external' (a full-system external "
                  "snapshot) is not modelled");
    }
    if (create.disk_only && location != nullptr && create.location == Location::kInternal) {
      reader.Fail(location->key_mark,
                  "qemu: 'disk-only' with 'location: internal' is not modelled (disk-only "
                  "snapshots are external; drop 'location')");
    }
  }
  return create;
}

Delete LoadDelete(const StepContext& context, const Value& args, const YAML::Mark& owner) {
  const YamlReader& reader = context.reader;
  Delete del;
  std::vector<Entry> entries = NamedArguments(
      reader, "delete", args, owner,
      {"name", "children", "children-only", "metadata-only", "discard", "suppress-power-on"},
      &del.name);
  del.children = FlagOf(reader, entries, "children");
  del.children_only = FlagOf(reader, entries, "children-only");
  del.metadata_only = FlagOf(reader, entries, "metadata-only");
  del.discard = FlagOf(reader, entries, "discard");
  del.suppress_power_on = FlagOf(reader, entries, "suppress-power-on");
  // Combinations the model gives no meaning, for every profile (docs/scenario-format.md).
  auto reject = [&](bool combined, std::string_view key, std::string_view message) {
    if (combined) reader.Fail(FindEntry(entries, key)->key_mark, std::string(message));
  };
  reject(del.discard && del.children, "children",
         "'discard' with 'children' is not modelled (discard already deletes the children)");
  reject(del.discard && del.children_only, "children-only",
         "'discard' with 'children-only' is not modelled");
  reject(del.discard && del.metadata_only, "metadata-only",
         "'discard' with 'metadata-only' is not modelled");
  reject(del.metadata_only && del.children, "children",
         "'metadata-only' with 'children' is not modelled");
  reject(del.metadata_only && del.children_only, "children-only",
         "'metadata-only' with 'children-only' is not modelled");
  reject(del.suppress_power_on && !del.discard, "suppress-power-on",
         "'suppress-power-on' on a delete needs 'discard' (it applies to discard's revert)");
  return del;
}

Revert LoadRevert(const StepContext& context, const Value& args, const YAML::Mark& owner) {
  const YamlReader& reader = context.reader;
  Revert revert;
  std::vector<Entry> entries =
      NamedArguments(reader, "revert", args, owner,
                     {"name", "running", "paused", "force", "suppress-power-on"}, &revert.name);
  revert.running = FlagOf(reader, entries, "running");
  revert.paused = FlagOf(reader, entries, "paused");
  revert.force = FlagOf(reader, entries, "force");
  revert.suppress_power_on = FlagOf(reader, entries, "suppress-power-on");
  return revert;
}

// `set-current: NAME` or `{name: NAME}`. Modelled from the test, QEMU and ESX drivers run
// here (docs/model.md decision 32); VirtualBox's is not.
SetCurrent LoadSetCurrent(const StepContext& context, const Value& args, const YAML::Mark& owner) {
  const YamlReader& reader = context.reader;
  SetCurrent set_current;
  NamedArguments(reader, "set-current", args, owner, {"name"}, &set_current.name);
  if (context.hypervisor == Profile::kVbox) {
    reader.Fail(owner,
                "vbox: 'set-current' is not modelled (no VirtualBox driver has been run "
                "to give evidence)");
  }
  return set_current;
}

Action LoadAction(const StepContext& context, const std::string& action, const Value& args,
                  const YAML::Mark& owner) {
  if (action == "write") return LoadWrite(context, args, owner);
  if (action == "create") return LoadCreate(context, args, owner);
  if (action == "delete") return LoadDelete(context, args, owner);
  if (action == "revert") return LoadRevert(context, args, owner);
  if (action == "set-current") return LoadSetCurrent(context, args, owner);
  if (action == "expect") {
    if (args.node->IsNull()) return Expect{};
    return LoadExpect(context, args);
  }
  return LoadPowerAction(context.reader, action, args);
}

ExpectedError LoadExpectedError(const YamlReader& reader, const Value& value) {
  std::string word = reader.Text(value, "error");
  if (word == "any") return AnyError{};
  if (std::optional<ErrorClass> error_class = ParseErrorClass(word)) return *error_class;
  std::vector<std::string> classes = {"any"};
  for (ErrorClass c : AllErrorClasses()) classes.emplace_back(ErrorClassName(c));
  std::string hint = DidYouMean(word, classes);
  if (hint.empty()) {
    hint = " (valid: any";
    for (size_t i = 1; i < classes.size(); ++i) hint += ", " + classes[i];
    hint += ")";
  }
  reader.Fail(value.mark, fmt::format("unknown error class '{}'{}", word, hint));
}

// `- start`: only the argument-free actions may be bare words.
Step LoadBareStep(const StepContext& context, const Value& step) {
  const YamlReader& reader = context.reader;
  std::string word = step.node->scalar;
  if (!IsAction(word)) {
    reader.Fail(step.mark,
                fmt::format("unknown action '{}'{}", word, DidYouMean(word, kActionWords)));
  }
  Step result{LoadAction(context, word, Value{&NullNode(), step.mark}, step.mark),
              {},
              reader.Where(step.mark)};
  return result;
}

}  // namespace

Step LoadStep(const StepContext& context, const Value& step) {
  const YamlReader& reader = context.reader;
  if (step.node->IsScalar()) return LoadBareStep(context, step);
  if (step.node->IsNull() || (step.node->IsMap() && step.node->size() == 0)) {
    reader.Fail(step.mark, "empty step (each step needs one action, e.g. '- start')");
  }
  if (!step.node->IsMap()) {
    reader.Fail(step.mark, fmt::format("a step must be an action such as '- start' or "
                                       "'- create: A', found {}",
                                       DescribeNode(*step.node)));
  }
  std::vector<std::string> keys = kActionWords;
  keys.push_back("error");
  std::vector<Entry> entries = reader.Entries(step, keys, "step");
  const Entry* action = nullptr;
  for (const Entry& entry : entries) {
    if (entry.key == "error") continue;
    if (action != nullptr) {
      reader.Fail(entry.key_mark, fmt::format("one action per step: '{}' and '{}' are in the "
                                              "same step",
                                              action->key, entry.key));
    }
    action = &entry;
  }
  const Entry* error = FindEntry(entries, "error");
  if (action == nullptr) reader.Fail(error->key_mark, "'error' without an action in this step");
  Step result{LoadAction(context, action->key, action->value, action->key_mark),
              {},
              reader.Where(action->key_mark)};
  if (error != nullptr) {
    if (action->key == "expect") {
      reader.Fail(error->key_mark, "'error' is only allowed on action steps, not on expect");
    }
    result.error = LoadExpectedError(reader, error->value);
  }
  return result;
}

}  // namespace snapsim::scenario::internal
