#include "scenario/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "core/utf8.h"

namespace snapsim::scenario::internal {
namespace {

// yaml-cpp 0.7 decodes the escapes `\N` (U+0085) and `\_` (U+00A0) of double-quoted
// scalars into the single bytes 0x85 and 0xA0, which are not UTF-8; every other escape
// comes out as UTF-8. The text given to the parser is UTF-8 (the loader checks), so an
// invalid byte in a scalar is one of those two: encode it as the code point it stands for.
std::string DecodedScalar(const std::string& value) {
  if (!FindInvalidUtf8(value)) return value;
  std::string out;
  for (size_t at = 0; at < value.size();) {
    const Utf8Char c = DecodeUtf8(value, at);
    if (c.error == Utf8Error::kNone) {
      out.append(value, at, c.length);
      at += c.length;
      continue;
    }
    const auto byte = static_cast<unsigned char>(value[at++]);  // Latin-1: U+0080..U+00FF
    out += static_cast<char>(0xC0 | (byte >> 6));
    out += static_cast<char>(0x80 | (byte & 0x3F));
  }
  return out;
}

// Thrown from the event handler to stop the parser early.
struct StopParsing {
  YamlParse::Outcome outcome;
  YAML::Mark mark;
};

class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(YamlNode* root) : root_(root) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) throw StopParsing{YamlParse::Outcome::kSecondDocument, mark};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Add(YamlNode::Kind::kNull, mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw StopParsing{YamlParse::Outcome::kAlias, mark};
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    Add(YamlNode::Kind::kScalar, mark)->scalar = DecodedScalar(value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open_.push_back(Add(YamlNode::Kind::kSequence, mark));
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open_.push_back(Add(YamlNode::Kind::kMap, mark));
  }
  void OnMapEnd() override { open_.pop_back(); }

  int documents() const { return documents_; }

 private:
  // Only the innermost open node ever grows, so pointers to the open ones stay valid.
  YamlNode* Add(YamlNode::Kind kind, const YAML::Mark& mark) {
    YamlNode* node = root_;
    if (!open_.empty()) {
      open_.back()->items.emplace_back();
      node = &open_.back()->items.back();
    }
    node->kind = kind;
    node->mark = mark;
    return node;
  }

  YamlNode* root_;
  std::vector<YamlNode*> open_;
  int documents_ = 0;
};

}  // namespace

YamlParse ParseYamlDocument(std::string_view text) {
  YamlParse result;
  std::istringstream stream{std::string(text)};
  YAML::Parser parser(stream);
  TreeBuilder builder(&result.root);
  try {
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const StopParsing& stop) {
    result.outcome = stop.outcome;
    result.mark = stop.mark;
    return result;
  }
  result.outcome =
      builder.documents() == 0 ? YamlParse::Outcome::kEmpty : YamlParse::Outcome::kDocument;
  return result;
}

}  // namespace snapsim::scenario::internal
