// The scenario file's top level and domain; LoadScenarioText ties the parts together.
#include "scenario/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <yaml-cpp/exceptions.h>

#include "core/overloaded.h"
#include "core/utf8.h"
#include "scenario/loader_internal.h"
#include "scenario/size.h"
#include "scenario/spelling.h"
#include "scenario/syntax_hint.h"

namespace snapsim::scenario {
namespace {

using internal::Entry;
using internal::FindEntry;
using internal::Value;
using internal::YamlReader;

// An error about a whole path (no line): missing file, empty folder.
LoadError PathError(const std::string& path, std::string message) {
  LoadError error;
  error.where.file = path;
  error.message = std::move(message);
  return error;
}

DiskSpec LoadDiskSpec(const YamlReader& reader, const Value& item) {
  std::vector<Entry> entries = reader.Entries(item, {"name", "size"}, "disk");
  const Entry* name = FindEntry(entries, "name");
  const Entry* size = FindEntry(entries, "size");
  if (name == nullptr) reader.Fail(item.mark, "disk needs 'name'");
  if (size == nullptr) reader.Fail(item.mark, "disk needs 'size'");
  DiskSpec disk{reader.Name(name->value, "disk name"), reader.Size(size->value, "size")};
  // The format asks for alignment of writes only; a disk just needs room.
  if (disk.size_bytes == 0) {
    reader.Fail(size->value.mark,
                fmt::format("disk size must be positive, found {}", size->value.node->scalar));
  }
  return disk;
}

// A disk that failed to load in lint mode still has its name, so that steps using it are
// not reported as naming an undeclared disk; its size is then unknown, so it takes any
// range.
void KeepNameOfBadDisk(const Value& item, Scenario* scenario) {
  if (!item.node->IsMap()) return;
  for (size_t i = 0; i + 1 < item.node->items.size(); i += 2) {
    const internal::YamlNode& key = item.node->items[i];
    const internal::YamlNode& value = item.node->items[i + 1];
    if (key.IsScalar() && key.scalar == "name" && value.IsScalar() && !value.scalar.empty()) {
      scenario->disks.push_back(DiskSpec{value.scalar, ~uint64_t{0} / kSectorBytes * kSectorBytes});
    }
  }
}

void LoadDomain(const YamlReader& reader, const Value& value, Scenario* scenario) {
  std::vector<Entry> entries = reader.Entries(value, {"state", "disks"}, "domain");
  if (const Entry* state = FindEntry(entries, "state")) {
    reader.Recover([&] {
      scenario->initial_state = *ParsePowerState(
          reader.OneOf(state->value, "domain state", {"shutoff", "running", "paused"}));
    });
  }
  if (const Entry* disks = FindEntry(entries, "disks")) {
    std::vector<Value> items = reader.Items(disks->value, "domain.disks");
    if (items.empty()) reader.Fail(disks->value.mark, "domain.disks must list at least one disk");
    scenario->disks.clear();
    for (const Value& item : items) {
      const bool loaded = reader.Recover([&] {
        DiskSpec disk = LoadDiskSpec(reader, item);
        for (const DiskSpec& other : scenario->disks) {
          if (other.name == disk.name) {
            reader.Fail(item.mark, fmt::format("disk '{}' is declared twice", disk.name));
          }
        }
        scenario->disks.push_back(std::move(disk));
      });
      if (!loaded) KeepNameOfBadDisk(item, scenario);
    }
    if (scenario->disks.empty()) scenario->disks = {DiskSpec{"vda", kDefaultDiskSizeBytes}};
  }
}

void LoadHeader(const YamlReader& reader, const Value& root, const std::vector<Entry>& entries,
                Scenario* scenario) {
  reader.Recover([&] {
    const Entry* version = FindEntry(entries, "snapsim");
    if (version == nullptr) reader.Fail(root.mark, "missing 'snapsim: 1' (the format version)");
    std::string text = version->value.node->IsScalar() ? version->value.node->scalar : "";
    if (text != "1") {
      reader.Fail(
          version->value.mark,
          fmt::format("unsupported format version '{}' (this snapsim reads 'snapsim: 1')", text));
    }
  });
  if (const Entry* name = FindEntry(entries, "name")) {
    reader.Recover([&] { scenario->name = reader.Name(name->value, "scenario name"); });
  }
  if (const Entry* description = FindEntry(entries, "description")) {
    reader.Recover([&] { scenario->description = reader.Text(description->value, "description"); });
  }
  reader.Recover([&] {
    const Entry* hypervisor = FindEntry(entries, "hypervisor");
    if (hypervisor == nullptr) {
      reader.Fail(root.mark, "missing 'hypervisor' (one of esx, qemu, vbox, test)");
    }
    std::vector<std::string> profiles;
    for (Profile profile : kAllProfiles) profiles.emplace_back(ProfileName(profile));
    scenario->hypervisor = *ParseProfile(reader.OneOf(hypervisor->value, "hypervisor", profiles));
  });
  if (const Entry* tags = FindEntry(entries, "tags")) {
    reader.Recover([&] {
      for (const Value& tag : reader.Items(tags->value, "tags")) {
        scenario->tags.push_back(reader.Name(tag, "tag"));
      }
    });
  }
}

// In lint mode, the snapshot a step that failed to load would have created (`create: A`,
// `create: {name: A, ...}` without `error:`), so that later steps naming it are not
// reported as naming a snapshot never created.
std::optional<std::string> CreatedByBadStep(const internal::YamlNode& step) {
  if (!step.IsMap()) return std::nullopt;
  std::optional<std::string> created;
  for (size_t i = 0; i + 1 < step.items.size(); i += 2) {
    const internal::YamlNode& key = step.items[i];
    const internal::YamlNode& value = step.items[i + 1];
    if (!key.IsScalar()) continue;
    if (key.scalar == "error") return std::nullopt;
    if (key.scalar != "create") continue;
    if (value.IsScalar()) created = value.scalar;
    for (size_t j = 0; value.IsMap() && j + 1 < value.items.size(); j += 2) {
      if (value.items[j].IsScalar() && value.items[j].scalar == "name" &&
          value.items[j + 1].IsScalar()) {
        created = value.items[j + 1].scalar;
      }
    }
  }
  return created;
}

// Mistakes no backend is needed to see: a step naming a snapshot that no earlier step
// creates. Only a create without `error:` makes a snapshot; a revert or delete that
// carries `error:` may name anything (that is how unknown names are tested). Steps are
// checked in file order, as they load.
class SnapshotNameCheck {
 public:
  explicit SnapshotNameCheck(const YamlReader& reader) : reader_(reader) {}

  void Created(const std::string& name) { created_.insert(name); }

  void Check(const Step& step) {
    std::visit(Overloaded{
                   [&](const Create& create) {
                     if (!step.error) Created(create.name);
                   },
                   [&](const Delete& del) { Target(step, "delete", del.name); },
                   [&](const Revert& revert) { Target(step, "revert", revert.name); },
                   [&](const SetCurrent& c) { Target(step, "set-current", c.name); },
                   [&](const Expect& expect) {
                     for (const DiskCheck& disk : expect.disks) {
                       const auto* equals = std::get_if<EqualsSnapshot>(&disk.check);
                       if (equals == nullptr || created_.count(equals->snapshot) != 0) continue;
                       reader_.ReportAt(
                           disk.where,
                           fmt::format("'{}: {{equals: {}}}': no earlier step creates snapshot "
                                       "'{}' (created before this step: {}){}",
                                       disk.disk, equals->snapshot, equals->snapshot, Listed(),
                                       Hint(equals->snapshot)));
                     }
                   },
                   [](const Start&) {},
                   [](const Shutdown&) {},
                   [](const Pause&) {},
                   [](const Resume&) {},
                   [](const Write&) {},
               },
               step.action);
  }

 private:
  void Target(const Step& step, std::string_view action, const std::string& name) {
    if (step.error || created_.count(name) != 0) return;
    reader_.ReportAt(step.where,
                     fmt::format("{} '{}': no earlier step creates snapshot '{}' (created before "
                                 "this step: {}){}; if the step is meant to fail, say so with "
                                 "'error:'",
                                 action, name, name, Listed(), Hint(name)));
  }
  std::string Listed() const {
    if (created_.empty()) return "none";
    std::string list;
    for (const std::string& name : created_) list += (list.empty() ? "" : ", ") + name;
    return list;
  }
  std::string Hint(const std::string& name) const {
    return DidYouMean(name, std::vector<std::string>(created_.begin(), created_.end()));
  }

  const YamlReader& reader_;
  std::set<std::string> created_;
};

Scenario LoadRoot(const YamlReader& reader, const Value& root, const std::string& path) {
  if (!root.node->IsMap()) {
    reader.Fail(root.mark, fmt::format("a scenario file must be a mapping (snapsim, hypervisor, "
                                       "steps, ...), found {}",
                                       internal::DescribeNode(*root.node)));
  }
  std::vector<Entry> entries = reader.Entries(
      root, {"snapsim", "name", "description", "hypervisor", "tags", "domain", "steps"},
      "the scenario");
  Scenario scenario;
  scenario.path = path;
  scenario.name = std::filesystem::path(path).stem().string();
  if (scenario.name.empty()) scenario.name = "scenario";
  scenario.disks = {DiskSpec{"vda", kDefaultDiskSizeBytes}};
  LoadHeader(reader, root, entries, &scenario);
  if (const Entry* domain = FindEntry(entries, "domain")) {
    reader.Recover([&] { LoadDomain(reader, domain->value, &scenario); });
  }
  const Entry* steps = FindEntry(entries, "steps");
  if (steps == nullptr) reader.Fail(root.mark, "missing 'steps' (a non-empty list of steps)");
  std::vector<Value> items = reader.Items(steps->value, "steps");
  if (items.empty()) reader.Fail(steps->value.mark, "steps must not be empty");
  internal::StepContext context{reader, scenario.hypervisor, scenario.disks};
  SnapshotNameCheck names(reader);
  for (const Value& item : items) {
    const bool loaded = reader.Recover([&] {
      scenario.steps.push_back(internal::LoadStep(context, item));
      if (reader.linting()) names.Check(scenario.steps.back());
    });
    if (!loaded) {
      if (std::optional<std::string> created = CreatedByBadStep(*item.node)) {
        names.Created(*created);
      }
    }
  }
  return scenario;
}

// YAML text is Unicode, and a scenario file must be UTF-8 (a byte order mark is allowed):
// point at the first byte that is not.
LoadError NotUtf8Error(const YamlReader& reader, std::string_view text, Utf8Problem problem) {
  return LoadError{
      reader.WhereByte(problem.offset),
      fmt::format("not UTF-8: {} (byte 0x{:02X}); scenario files must be UTF-8 text",
                  Utf8ErrorText(problem.error), static_cast<unsigned char>(text[problem.offset]))};
}

// Loads `yaml` with `reader`; a failure the reader does not collect is the result.
std::variant<Scenario, LoadError> Load(const YamlReader& reader, std::string_view yaml,
                                       const std::string& path) {
  if (const auto problem = FindInvalidUtf8(yaml)) {
    return NotUtf8Error(reader, yaml, *problem);
  }
  try {
    internal::YamlParse parse = internal::ParseYamlDocument(yaml);
    switch (parse.outcome) {
      case internal::YamlParse::Outcome::kEmpty:
        reader.Fail(YAML::Mark(), "empty file (no scenario)");
      case internal::YamlParse::Outcome::kSecondDocument:
        reader.Fail(parse.mark, "one scenario per file: found a second YAML document");
      case internal::YamlParse::Outcome::kAlias:
        reader.Fail(parse.mark, "aliases (*name) are not supported in scenario files");
      case internal::YamlParse::Outcome::kDocument: break;
    }
    return LoadRoot(reader, reader.ValueOf(parse.root), path);
  } catch (const internal::LoadFailure& failure) {
    return failure.error;
  } catch (const YAML::Exception& e) {
    LoadError error{reader.Where(e.mark), "YAML syntax: " + e.msg};
    error.hint = internal::SyntaxHint(yaml, e.mark, e.msg);
    return error;
  }
}

}  // namespace

std::string LoadError::ToString() const {
  std::string text = where.line <= 0 ? fmt::format("{}: error: {}", where.file, message)
                                     : fmt::format("{}:{}:{}: error: {}", where.file, where.line,
                                                   where.column, message);
  if (!hint.empty()) text += "\n  hint: " + hint;
  return text;
}

std::variant<Scenario, LoadError> LoadScenarioText(std::string_view yaml, const std::string& path) {
  YamlReader reader(path, yaml);
  return Load(reader, yaml, path);
}

std::vector<LoadError> LoadErrorsOfText(std::string_view yaml, const std::string& path,
                                        size_t max_errors, bool* truncated) {
  *truncated = false;
  std::vector<LoadError> errors;
  YamlReader reader(path, yaml);
  reader.CollectInto(&errors, std::max<size_t>(max_errors, 1));
  try {
    auto loaded = Load(reader, yaml, path);
    if (auto* error = std::get_if<LoadError>(&loaded)) errors.push_back(std::move(*error));
  } catch (const internal::TooManyErrors&) {
    *truncated = true;
  }
  std::stable_sort(errors.begin(), errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
  return errors;
}

bool IsScenarioFileName(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  return extension == ".yaml" || extension == ".yml";
}

std::variant<Scenario, LoadError> LoadScenarioFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return PathError(path,
                     std::filesystem::exists(path, ec) ? "not a regular file" : "no such file");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return PathError(path, "cannot read file");
  return LoadScenarioText(text.str(), path);
}

std::variant<std::vector<std::string>, LoadError> CollectScenarioFiles(
    const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return PathError(path, "no such file or directory");
    if (!fs::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && IsScenarioFileName(it->path().string())) {
        found.push_back(it->path().string());
      }
    }
    if (ec) return PathError(path, "cannot list directory: " + ec.message());
    if (found.empty()) return PathError(path, "no *.yaml or *.yml scenario files in this folder");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace snapsim::scenario
