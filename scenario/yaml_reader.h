#pragma once
// Internal to the loader: typed reads of yaml-cpp nodes that fail with a located message.
// A failure throws LoadFailure, which LoadScenarioText turns into a LoadError; nothing
// outside the loader sees the exception. (Threading an error return through each of the
// format's many small rules would triple the loader's length.)

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/line_index.h"
#include "scenario/loader.h"
#include "scenario/yaml_tree.h"

namespace snapsim::scenario::internal {

struct LoadFailure {
  LoadError error;
};

// A node and where to point when it is wrong. yaml-cpp places an empty value (`key:`) at
// the next token, often on the next line, so an empty value points at its key instead.
struct Value {
  const YamlNode* node;
  YAML::Mark mark;
};

// The node of a missing value (`- start` has no arguments).
const YamlNode& NullNode();

// One key of a mapping, in file order.
struct Entry {
  std::string key;
  YAML::Mark key_mark;
  Value value;
};

// Thrown when a lint has collected as many errors as it reports.
struct TooManyErrors {};

class YamlReader {
 public:
  YamlReader(std::string file, std::string_view text)
      : file_(std::move(file)), text_(text), lines_(text) {}

  // Lint mode: failures inside Recover() are recorded in `sink` (up to `limit`) and the
  // load goes on with the next part; Report() records instead of failing. Without a sink,
  // the first failure ends the load, as always. Lint mode also runs the checks of
  // mistakes that a valid file may still hold (a revert of a snapshot never created): the
  // loader accepts them, as generated scenarios are full of them and a run reports them.
  void CollectInto(std::vector<LoadError>* sink, size_t limit) {
    sink_ = sink;
    limit_ = limit;
  }
  bool linting() const { return sink_ != nullptr; }
  // Runs `part`; true when it loaded. A failure is recorded (lint) or passed on.
  template <typename Part>
  bool Recover(Part&& part) const {
    try {
      part();
      return true;
    } catch (const LoadFailure& failure) {
      if (sink_ == nullptr) throw;
      Record(failure.error);
      return false;
    }
  }
  // A failure after which the part can go on: recorded in lint mode, else thrown.
  void Report(const YAML::Mark& mark, std::string message) const;
  void ReportAt(const SourceLocation& where, std::string message) const;
  void Record(LoadError error) const;

  const std::string& file() const { return file_; }
  const LineIndex& lines() const { return lines_; }
  SourceLocation Where(const YAML::Mark& mark) const;
  // The location of the byte at `offset` in the text.
  SourceLocation WhereByte(size_t offset) const;
  [[noreturn]] void Fail(const YAML::Mark& mark, std::string message) const;

  // `node` with the mark to blame for it (see Value).
  Value ValueOf(const YamlNode& node) const;

  // The entries of a mapping, after checking that each key is one of `allowed` and
  // appears once. `what` names the mapping in messages ("delete", "domain").
  std::vector<Entry> Entries(const Value& map, const std::vector<std::string>& allowed,
                             std::string_view what) const;
  // The items of a sequence.
  std::vector<Value> Items(const Value& list, std::string_view what) const;
  void RequireMap(const Value& value, std::string_view what) const;

  // A non-empty string without control characters (snapshot, disk and scenario names).
  std::string Name(const Value& value, std::string_view what) const;
  // Any scalar text (descriptions, tags).
  std::string Text(const Value& value, std::string_view what) const;
  bool Bool(const Value& value, std::string_view what) const;
  uint64_t Size(const Value& value, std::string_view what) const;
  // A decimal or 0x-prefixed hexadecimal integer no larger than `max`.
  uint64_t Integer(const Value& value, std::string_view what, uint64_t max) const;
  // The value as one of `words`; otherwise an error listing them.
  std::string OneOf(const Value& value, std::string_view what,
                    const std::vector<std::string>& words) const;

 private:
  std::string file_;
  std::string_view text_;
  LineIndex lines_;
  std::vector<LoadError>* sink_ = nullptr;
  size_t limit_ = 0;
};

// The entry named `key`, or nullptr.
const Entry* FindEntry(const std::vector<Entry>& entries, std::string_view key);
// "a mapping", "a list", "a scalar", "nothing".
std::string_view DescribeNode(const YamlNode& node);

}  // namespace snapsim::scenario::internal
