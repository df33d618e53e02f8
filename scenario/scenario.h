#pragma once
// The scenario language (docs/scenario-format.md, version 1) as typed C++ values.
// A Scenario is what the loader produces, the writer prints, and the runner replays.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/error_class.h"
#include "core/profile.h"

namespace snapsim::scenario {

// Where a value came from in its file; line and column are 1-based.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

// What a write puts on disk, or what a range check expects there.
struct Fill {
  uint8_t byte = 0;
  friend bool operator==(const Fill&, const Fill&) = default;
};
struct Seed {
  uint64_t seed = 0;
  friend bool operator==(const Seed&, const Seed&) = default;
};
using Content = std::variant<Fill, Seed>;

struct DiskSpec {
  std::string name;
  uint64_t size_bytes = 0;
  friend bool operator==(const DiskSpec&, const DiskSpec&) = default;
};

// ---- Actions: one struct per step kind -------------------------------------------

struct Start {
  friend bool operator==(const Start&, const Start&) = default;
};
struct Shutdown {
  friend bool operator==(const Shutdown&, const Shutdown&) = default;
};
struct Pause {
  friend bool operator==(const Pause&, const Pause&) = default;
};
struct Resume {
  friend bool operator==(const Resume&, const Resume&) = default;
};

struct Write {
  std::string disk;  // resolved by the loader: the first disk when the file omits it
  uint64_t offset_bytes = 0;
  uint64_t length_bytes = 0;
  Content content;
  friend bool operator==(const Write&, const Write&) = default;
};

enum class MemoryMode { kAuto, kYes, kNo };
enum class Location { kInternal, kExternal };

struct Create {
  std::string name;
  MemoryMode memory = MemoryMode::kAuto;
  Location location = Location::kInternal;
  bool disk_only = false;
  bool quiesce = false;
  bool halt = false;
  // VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA: taken in the images, kept in no listing
  // (docs/model.md decision 33).
  bool no_metadata = false;
  friend bool operator==(const Create&, const Create&) = default;
};

struct Delete {
  std::string name;
  bool children = false;
  bool children_only = false;
  bool metadata_only = false;
  bool discard = false;
  bool suppress_power_on = false;
  friend bool operator==(const Delete&, const Delete&) = default;
};

struct Revert {
  std::string name;
  bool running = false;
  bool paused = false;
  bool force = false;
  bool suppress_power_on = false;
  friend bool operator==(const Revert&, const Revert&) = default;
};

// `set-current: NAME`: makes NAME the current snapshot without reverting to it, as
// `virsh snapshot-current NAME` (a redefine of the snapshot's own XML with the CURRENT flag).
struct SetCurrent {
  std::string name;
  friend bool operator==(const SetCurrent&, const SetCurrent&) = default;
};

// ---- Checks ----------------------------------------------------------------------

// The snapshot forest as nested mappings. Children order is not significant.
struct Tree {
  std::vector<std::pair<std::string, Tree>> children;

  // Special members are defined once Tree is complete: clang 14 with libstdc++ 12 would
  // otherwise instantiate the vector's destructor on a pair of an incomplete Tree.
  Tree();
  Tree(std::vector<std::pair<std::string, Tree>> children);  // NOLINT: {{"A", {}}} reads well
  Tree(const Tree&);
  Tree(Tree&&) noexcept;
  Tree& operator=(const Tree&);
  Tree& operator=(Tree&&) noexcept;
  ~Tree();
  friend bool operator==(const Tree& a, const Tree& b);
};
inline Tree::Tree() = default;
inline Tree::Tree(std::vector<std::pair<std::string, Tree>> c) : children(std::move(c)) {}
inline Tree::Tree(const Tree&) = default;
inline Tree::Tree(Tree&&) noexcept = default;
inline Tree& Tree::operator=(const Tree&) = default;
inline Tree& Tree::operator=(Tree&&) noexcept = default;
inline Tree::~Tree() = default;
inline bool operator==(const Tree& a, const Tree& b) { return a.children == b.children; }

struct RangeCheck {
  uint64_t offset_bytes = 0;
  uint64_t length_bytes = 0;
  Content content;
  SourceLocation where;
  friend bool operator==(const RangeCheck& a, const RangeCheck& b) {
    return a.offset_bytes == b.offset_bytes && a.length_bytes == b.length_bytes &&
           a.content == b.content;
  }
};

// `vdb: {equals: A}`: the whole disk equals its content when snapshot A was taken.
struct EqualsSnapshot {
  std::string snapshot;
  friend bool operator==(const EqualsSnapshot&, const EqualsSnapshot&) = default;
};

struct DiskCheck {
  std::string disk;
  std::variant<std::vector<RangeCheck>, EqualsSnapshot> check;
  SourceLocation where;
  friend bool operator==(const DiskCheck& a, const DiskCheck& b) {
    return a.disk == b.disk && a.check == b.check;
  }
};

struct Expect {
  std::optional<PowerState> state;
  // Outer optional: is `current` checked; inner: the name, or null for "no current".
  std::optional<std::optional<std::string>> current;
  std::optional<Tree> tree;
  std::vector<DiskCheck> disks;
  friend bool operator==(const Expect&, const Expect&) = default;
};

// New actions are appended after Expect, so the indices of the first nine never move.
using Action =
    std::variant<Start, Shutdown, Pause, Resume, Write, Create, Delete, Revert, Expect, SetCurrent>;

// The action's key in YAML: "start", "write", "expect", ...
const char* ActionName(const Action& action);
// "create A", "start": the action and the snapshot it names, for messages.
std::string ActionLabel(const Action& action);

// `error:` on a step: a named class, or `any`.
struct AnyError {
  friend bool operator==(const AnyError&, const AnyError&) = default;
};
using ExpectedError = std::variant<ErrorClass, AnyError>;

struct Step {
  Action action;
  std::optional<ExpectedError> error;
  SourceLocation where;  // the step's first key
  friend bool operator==(const Step& a, const Step& b) {
    return a.action == b.action && a.error == b.error;
  }
};

struct Scenario {
  int version = 1;
  std::string name;         // defaults to the file's stem
  std::string description;  // may be empty
  Profile hypervisor = Profile::kTest;
  std::vector<std::string> tags;
  PowerState initial_state = PowerState::kShutoff;
  std::vector<DiskSpec> disks;  // default: one disk vda of 64 MiB
  std::vector<Step> steps;
  std::string path;  // the file it was loaded from ("" when built in memory)

  friend bool operator==(const Scenario& a, const Scenario& b) {
    return a.version == b.version && a.name == b.name && a.description == b.description &&
           a.hypervisor == b.hypervisor && a.tags == b.tags && a.initial_state == b.initial_state &&
           a.disks == b.disks && a.steps == b.steps;
  }
};

inline constexpr uint64_t kDefaultDiskSizeBytes = 64ull << 20;
inline constexpr uint64_t kSectorBytes = 512;

}  // namespace snapsim::scenario
