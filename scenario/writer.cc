#include "scenario/writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "core/overloaded.h"
#include "scenario/size.h"

namespace snapsim::scenario {
namespace {

bool IsReservedWord(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : {"~", "null", "true", "false", "yes", "no", "on", "off"}) {
    if (lower == word) return true;
  }
  return false;
}

// Conservative: plain only for letters, digits and punctuation that YAML (and yaml-cpp's
// stricter scanner) never reads as syntax; anything else is double-quoted.
bool IsPlainSafe(std::string_view text, bool in_flow) {
  if (text.empty() || IsReservedWord(text)) return false;
  auto is_alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!is_alnum(text.front()) &&
      std::string_view("_./(").find(text.front()) == std::string_view::npos) {
    return false;
  }
  if (text.back() == ' ') return false;
  const std::string_view allowed = in_flow ? " _.-/()+=;<>$^'" : " _.-/()+=;<>$^',[]{}";
  for (char c : text) {
    if (!is_alnum(c) && allowed.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string DoubleQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ContentText(const Content& content) {
  if (const Fill* fill = std::get_if<Fill>(&content))
    return fmt::format("fill: 0x{:02X}", fill->byte);
  return fmt::format("seed: {}", std::get<Seed>(content).seed);
}

std::string RangeText(uint64_t offset_bytes, uint64_t length_bytes, const Content& content) {
  return fmt::format("offset: {}, length: {}, {}", FormatSize(offset_bytes),
                     FormatSize(length_bytes), ContentText(content));
}

std::string TreeText(const Tree& tree) {
  std::string out = "{";
  for (size_t i = 0; i < tree.children.size(); ++i) {
    if (i > 0) out += ", ";
    out += QuoteScalar(tree.children[i].first, true) + ": " + TreeText(tree.children[i].second);
  }
  return out + "}";
}

// `{name: A, flag: true, ...}` or the bare name when no option is set.
std::string NamedArgs(const std::string& name, const std::vector<std::string>& options) {
  if (options.empty()) return QuoteScalar(name, false);
  std::string out = "{name: " + QuoteScalar(name, true);
  for (const std::string& option : options) out += ", " + option;
  return out + "}";
}

void AddFlag(std::vector<std::string>* options, bool set, std::string_view key) {
  if (set) options->push_back(fmt::format("{}: true", key));
}

std::string CreateArgs(const Create& create) {
  std::vector<std::string> options;
  if (create.memory != MemoryMode::kAuto) {
    options.push_back(create.memory == MemoryMode::kYes ? "memory: yes" : "memory: no");
  }
  if (create.location == Location::kExternal) options.push_back("location: external");
  AddFlag(&options, create.disk_only, "disk-only");
  AddFlag(&options, create.quiesce, "quiesce");
  AddFlag(&options, create.halt, "halt");
  AddFlag(&options, create.no_metadata, "no-metadata");
  return NamedArgs(create.name, options);
}

std::string DeleteArgs(const Delete& del) {
  std::vector<std::string> options;
  AddFlag(&options, del.children, "children");
  AddFlag(&options, del.children_only, "children-only");
  AddFlag(&options, del.metadata_only, "metadata-only");
  AddFlag(&options, del.discard, "discard");
  AddFlag(&options, del.suppress_power_on, "suppress-power-on");
  return NamedArgs(del.name, options);
}

std::string RevertArgs(const Revert& revert) {
  std::vector<std::string> options;
  AddFlag(&options, revert.running, "running");
  AddFlag(&options, revert.paused, "paused");
  AddFlag(&options, revert.force, "force");
  AddFlag(&options, revert.suppress_power_on, "suppress-power-on");
  return NamedArgs(revert.name, options);
}

std::string ExpectText(const Expect& expect, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  std::string out;
  if (expect.state) out += fmt::format("\n{}state: {}", pad, PowerStateName(*expect.state));
  if (expect.current) {
    out += fmt::format("\n{}current: {}", pad,
                       *expect.current ? QuoteScalar(**expect.current, false) : "null");
  }
  if (expect.tree) out += fmt::format("\n{}tree: {}", pad, TreeText(*expect.tree));
  if (!expect.disks.empty()) out += fmt::format("\n{}disk:", pad);
  for (const DiskCheck& disk : expect.disks) {
    out += fmt::format("\n{}  {}:", pad, QuoteScalar(disk.disk, false));
    if (const auto* equals = std::get_if<EqualsSnapshot>(&disk.check)) {
      out += fmt::format(" {{equals: {}}}", QuoteScalar(equals->snapshot, true));
      continue;
    }
    const auto& ranges = std::get<std::vector<RangeCheck>>(disk.check);
    if (ranges.empty()) out += " []";
    for (const RangeCheck& range : ranges) {
      out += fmt::format("\n{}    - {{{}}}", pad,
                         RangeText(range.offset_bytes, range.length_bytes, range.content));
    }
  }
  return out.empty() ? " {}" : out;
}

// The action's value after "KEY:", including its leading space or newline.
std::string ActionArgs(const Scenario& scenario, const Action& action, int indent) {
  auto none = [](const auto&) { return std::string(" {}"); };
  return std::visit(
      Overloaded{
          [&](const Start& a) { return none(a); },
          [&](const Shutdown& a) { return none(a); },
          [&](const Pause& a) { return none(a); },
          [&](const Resume& a) { return none(a); },
          [&](const Write& write) {
            bool first_disk = !scenario.disks.empty() && scenario.disks.front().name == write.disk;
            std::string disk = first_disk ? "" : "disk: " + QuoteScalar(write.disk, true) + ", ";
            return fmt::format(" {{{}{}}}", disk,
                               RangeText(write.offset_bytes, write.length_bytes, write.content));
          },
          [](const Create& create) { return " " + CreateArgs(create); },
          [](const Delete& del) { return " " + DeleteArgs(del); },
          [](const Revert& revert) { return " " + RevertArgs(revert); },
          [&](const Expect& expect) { return ExpectText(expect, indent + 2); },
          [](const SetCurrent& set_current) { return " " + NamedArgs(set_current.name, {}); },
      },
      action);
}

bool IsPowerAction(const Action& action) {
  return std::holds_alternative<Start>(action) || std::holds_alternative<Shutdown>(action) ||
         std::holds_alternative<Pause>(action) || std::holds_alternative<Resume>(action);
}

std::string ErrorText(const ExpectedError& error) {
  if (std::holds_alternative<AnyError>(error)) return "any";
  return std::string(ErrorClassName(std::get<ErrorClass>(error)));
}

std::string DomainText(const Scenario& scenario) {
  bool default_disks = scenario.disks.size() == 1 && scenario.disks[0].name == "vda" &&
                       scenario.disks[0].size_bytes == kDefaultDiskSizeBytes;
  bool default_state = scenario.initial_state == PowerState::kShutoff;
  if (default_disks) {
    if (default_state) return "";
    return fmt::format("domain: {{state: {}}}\n", PowerStateName(scenario.initial_state));
  }
  std::string out = "domain:\n";
  if (!default_state) out += fmt::format("  state: {}\n", PowerStateName(scenario.initial_state));
  out += "  disks:\n";
  for (const DiskSpec& disk : scenario.disks) {
    out += fmt::format("    - {{name: {}, size: {}}}\n", QuoteScalar(disk.name, true),
                       FormatSize(disk.size_bytes));
  }
  return out;
}

}  // namespace

std::string QuoteScalar(const std::string& text, bool in_flow) {
  return IsPlainSafe(text, in_flow) ? text : DoubleQuoted(text);
}

std::string WriteStep(const Scenario& scenario, const Step& step, int indent) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  std::string out = ActionName(step.action);
  if (IsPowerAction(step.action) && !step.error) return out;
  out += ":" + ActionArgs(scenario, step.action, indent);
  if (step.error) out += fmt::format("\n{}error: {}", pad, ErrorText(*step.error));
  return out;
}

std::string WriteScenario(const Scenario& scenario) {
  std::string out = fmt::format("snapsim: {}\n", scenario.version);
  if (!scenario.name.empty()) out += fmt::format("name: {}\n", QuoteScalar(scenario.name, false));
  if (!scenario.description.empty()) {
    out += fmt::format("description: {}\n", QuoteScalar(scenario.description, false));
  }
  out += fmt::format("hypervisor: {}\n", ProfileName(scenario.hypervisor));
  if (!scenario.tags.empty()) {
    std::string tags;
    for (const std::string& tag : scenario.tags) {
      tags += (tags.empty() ? "" : ", ") + QuoteScalar(tag, true);
    }
    out += fmt::format("tags: [{}]\n", tags);
  }
  out += DomainText(scenario);
  out += "steps:\n";
  for (const Step& step : scenario.steps) out += "  - " + WriteStep(scenario, step) + "\n";
  return out;
}

}  // namespace snapsim::scenario
