// The scenario file's top level and domain; LoadScenarioText ties the parts together.
#include "scenario/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/exceptions.h>

#include "core/utf8.h"
#include "scenario/loader_internal.h"
#include "scenario/size.h"

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

void LoadDomain(const YamlReader& reader, const Value& value, Scenario* scenario) {
  std::vector<Entry> entries = reader.Entries(value, {"state", "disks"}, "domain");
  if (const Entry* state = FindEntry(entries, "state")) {
    scenario->initial_state = *ParsePowerState(
        reader.OneOf(state->value, "domain state", {"shutoff", "running", "paused"}));
  }
  if (const Entry* disks = FindEntry(entries, "disks")) {
    std::vector<Value> items = reader.Items(disks->value, "domain.disks");
    if (items.empty()) reader.Fail(disks->value.mark, "domain.disks must list at least one disk");
    scenario->disks.clear();
    for (const Value& item : items) {
      DiskSpec disk = LoadDiskSpec(reader, item);
      for (const DiskSpec& other : scenario->disks) {
        if (other.name == disk.name) {
          reader.Fail(item.mark, fmt::format("disk '{}' is declared twice", disk.name));
        }
      }
      scenario->disks.push_back(std::move(disk));
    }
  }
}

void LoadHeader(const YamlReader& reader, const Value& root, const std::vector<Entry>& entries,
                Scenario* scenario) {
  const Entry* version = FindEntry(entries, "snapsim");
  if (version == nullptr) reader.Fail(root.mark, "missing 'snapsim: 1' (the format version)");
  std::string text = version->value.node->IsScalar() ? version->value.node->scalar : "";
  if (text != "1") {
    reader.Fail(
        version->value.mark,
        fmt::format("unsupported format version '{}' (this snapsim reads 'snapsim: 1')", text));
  }
  if (const Entry* name = FindEntry(entries, "name")) {
    scenario->name = reader.Name(name->value, "scenario name");
  }
  if (const Entry* description = FindEntry(entries, "description")) {
    scenario->description = reader.Text(description->value, "description");
  }
  const Entry* hypervisor = FindEntry(entries, "hypervisor");
  if (hypervisor == nullptr) {
    reader.Fail(root.mark, "missing 'hypervisor' (one of esx, qemu, vbox, test)");
  }
  std::vector<std::string> profiles;
  for (Profile profile : kAllProfiles) profiles.emplace_back(ProfileName(profile));
  scenario->hypervisor = *ParseProfile(reader.OneOf(hypervisor->value, "hypervisor", profiles));
  if (const Entry* tags = FindEntry(entries, "tags")) {
    for (const Value& tag : reader.Items(tags->value, "tags")) {
      scenario->tags.push_back(reader.Name(tag, "tag"));
    }
  }
}

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
    LoadDomain(reader, domain->value, &scenario);
  }
  const Entry* steps = FindEntry(entries, "steps");
  if (steps == nullptr) reader.Fail(root.mark, "missing 'steps' (a non-empty list of steps)");
  std::vector<Value> items = reader.Items(steps->value, "steps");
  if (items.empty()) reader.Fail(steps->value.mark, "steps must not be empty");
  internal::StepContext context{reader, scenario.hypervisor, scenario.disks};
  for (const Value& item : items) scenario.steps.push_back(internal::LoadStep(context, item));
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

}  // namespace

std::string LoadError::ToString() const {
  if (where.line <= 0) return fmt::format("{}: error: {}", where.file, message);
  return fmt::format("{}:{}:{}: error: {}", where.file, where.line, where.column, message);
}

std::variant<Scenario, LoadError> LoadScenarioText(std::string_view yaml, const std::string& path) {
  YamlReader reader(path, yaml);
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
    return LoadError{reader.Where(e.mark), "YAML syntax: " + e.msg};
  }
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
      if (it->is_regular_file(ec) && it->path().extension() == ".yaml") {
        found.push_back(it->path().string());
      }
    }
    if (ec) return PathError(path, "cannot list directory: " + ec.message());
    if (found.empty()) return PathError(path, "no *.yaml scenario files in this folder");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace snapsim::scenario
