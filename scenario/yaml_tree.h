#pragma once
// Internal to the loader: a small YAML document tree built from yaml-cpp's parser events.
//
// Why not YAML::Load: yaml-cpp 0.7's LoadAll never returns on some damaged input (a
// line starting with ',' at the top level yields endless empty documents until memory
// runs out), and its node graph costs more than the scanner itself. Building our own
// tree lets the loader stop at a second document and keeps every node's mark.

#include <yaml-cpp/mark.h>

#include <string>
#include <string_view>
#include <vector>

namespace snapsim::scenario::internal {

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;           // kScalar
  std::vector<YamlNode> items;  // kSequence: the items; kMap: key, value, key, value, ...
  YAML::Mark mark;

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMap() const { return kind == Kind::kMap; }
  // Items of a sequence, or pairs of a mapping.
  size_t size() const { return IsMap() ? items.size() / 2 : items.size(); }
};

// What ParseYamlDocument found.
struct YamlParse {
  enum class Outcome { kDocument, kEmpty, kSecondDocument, kAlias };
  Outcome outcome = Outcome::kEmpty;
  YamlNode root;
  YAML::Mark mark;  // where the second document or the alias is
};

// Parses the first document of `text`, stopping at the start of a second one or at an
// alias (scenario files have no use for anchors and aliases, and expanding them could
// multiply the work). Throws YAML::ParserException on a syntax error.
YamlParse ParseYamlDocument(std::string_view text);

}  // namespace snapsim::scenario::internal
