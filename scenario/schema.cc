// The schema states what the loader checks on the shape of a file: keys, value types,
// words, size syntax, one action per step, the flag combinations it refuses. What needs
// the whole file (declared disks, alignment inside a disk's size, snapshot names) is the
// loader's alone.
//
// A scenario is YAML read by two kinds of readers: editors' language servers (YAML 1.2:
// `yes` is text, `0x11` a number) and Python's yaml (YAML 1.1: `yes` is true). The loader
// reads scalars as text, so each value accepts each reading of what the loader accepts.
#include "scenario/schema.h"

#include <nlohmann/json.hpp>

#include "core/error_class.h"
#include "core/profile.h"

namespace snapsim::scenario {
namespace {

using Json = nlohmann::ordered_json;

Json Ref(const char* name) { return Json{{"$ref", std::string("#/$defs/") + name}}; }

Json Described(Json schema, const char* description) {
  schema["description"] = description;
  return schema;
}

Json Words(std::initializer_list<const char*> words) {
  Json list = Json::array();
  for (const char* word : words) list.push_back(word);
  return Json{{"enum", list}};
}

// A mapping of exactly these keys, `required` among them.
Json Mapping(Json properties, std::initializer_list<const char*> required = {}) {
  Json schema{{"type", "object"}, {"properties", std::move(properties)}};
  if (required.size() > 0) schema["required"] = Json(required);
  schema["additionalProperties"] = false;
  return schema;
}

// `true` as each reader reads the loader's true words.
Json Truthy() { return Json{{"enum", {true, "true", "yes"}}}; }

// The flags `a` and `b` are not both true.
Json NotBoth(const char* a, const char* b) {
  return Json{{"not", {{"properties", {{a, Truthy()}, {b, Truthy()}}}, {"required", {a, b}}}}};
}

Json Definitions() {
  Json defs;
  defs["name"] = Described(
      Json{{"anyOf",
            {{{"type", "string"}, {"minLength", 1}, {"pattern", "^[^\\u0000-\\u001f\\u007f]+$"}},
             {{"type", "number"}}}}},
      "a name: non-empty text without control characters");
  defs["flag"] = Described(Json{{"enum", {true, false, "true", "false", "yes", "no"}}},
                           "true, false, yes or no (default false)");
  defs["size"] = Described(
      Json{{"anyOf",
            {{{"type", "integer"}, {"minimum", 0}},
             {{"type", "string"}, {"pattern", "^[0-9]+(KiB|MiB|GiB)?$"}}}}},
      "bytes: a decimal number, optionally followed by KiB, MiB or GiB (4096, 64KiB, 2GiB)");
  defs["fill"] = Described(
      Json{{"anyOf",
            {{{"type", "integer"}, {"minimum", 0}, {"maximum", 255}},
             {{"type", "string"},
              {"pattern",
               "^(0[xX]0*[0-9a-fA-F]{1,2}|0*([0-9]{1,2}|1[0-9]{2}|2[0-4][0-9]|25[0-5]))$"}}}}},
      "every byte of the range: 0x00..0xFF or 0..255");
  defs["seed"] = Described(
      Json{{"anyOf",
            {{{"type", "integer"}, {"minimum", 0}},
             {{"type", "string"}, {"pattern", "^(0[xX][0-9a-fA-F]+|[0-9]+)$"}}}}},
      "the seed of a deterministic byte stream: an unsigned 64-bit number, decimal or 0x hex");
  defs["power_state"] = Words({"shutoff", "running", "paused"});
  Json errors = Json::array({"any"});
  for (ErrorClass c : AllErrorClasses()) errors.push_back(std::string(ErrorClassName(c)));
  defs["error"] = Described(Json{{"enum", errors}},
                            "the action must fail with this error class (any: with any)");
  defs["no_arguments"] =
      Described(Json{{"anyOf", {{{"type", "null"}}, {{"type", "object"}, {"maxProperties", 0}}}}},
                "takes no arguments");
  Json content_one_of = {{{"required", {"fill"}}, {"not", {{"required", {"seed"}}}}},
                         {{"required", {"seed"}}, {"not", {{"required", {"fill"}}}}}};
  Json range = Mapping({{"offset", Ref("size")},
                        {"length", Ref("size")},
                        {"fill", Ref("fill")},
                        {"seed", Ref("seed")}},
                       {"offset", "length"});
  range["oneOf"] = content_one_of;
  defs["range"] = Described(range, "offset and length (multiples of 512) and fill or seed");
  Json write = Mapping({{"disk", Ref("name")},
                        {"offset", Ref("size")},
                        {"length", Ref("size")},
                        {"fill", Ref("fill")},
                        {"seed", Ref("seed")}},
                       {"offset", "length"});
  write["oneOf"] = content_one_of;
  defs["write"] = Described(write, "write bytes to a disk (default: the first disk)");
  defs["create"] = Described(
      Json{{"anyOf",
            {Ref("name"), Mapping({{"name", Ref("name")},
                                   {"memory", Json{{"enum", {"auto", "yes", "no", true, false}}}},
                                   {"location", Words({"internal", "external"})},
                                   {"disk-only", Ref("flag")},
                                   {"quiesce", Ref("flag")},
                                   {"halt", Ref("flag")},
                                   {"no-metadata", Ref("flag")}},
                                  {"name"})}}},
      "create a snapshot: NAME, or {name, memory, location, disk-only, quiesce, halt, "
      "no-metadata}");
  Json del = Mapping({{"name", Ref("name")},
                      {"children", Ref("flag")},
                      {"children-only", Ref("flag")},
                      {"metadata-only", Ref("flag")},
                      {"discard", Ref("flag")},
                      {"suppress-power-on", Ref("flag")}},
                     {"name"});
  del["allOf"] = {NotBoth("discard", "children"), NotBoth("discard", "children-only"),
                  NotBoth("discard", "metadata-only"), NotBoth("metadata-only", "children"),
                  NotBoth("metadata-only", "children-only")};
  // suppress-power-on needs discard.
  del["allOf"].push_back(Json{
      {"if",
       {{"properties", {{"suppress-power-on", Truthy()}}}, {"required", {"suppress-power-on"}}}},
      {"then", {{"properties", {{"discard", Truthy()}}}, {"required", {"discard"}}}}});
  defs["delete"] = Described(Json{{"anyOf", {Ref("name"), del}}},
                             "delete a snapshot: NAME, or {name, children, children-only, "
                             "metadata-only, discard, suppress-power-on}");
  defs["revert"] =
      Described(Json{{"anyOf",
                      {Ref("name"), Mapping({{"name", Ref("name")},
                                             {"running", Ref("flag")},
                                             {"paused", Ref("flag")},
                                             {"force", Ref("flag")},
                                             {"suppress-power-on", Ref("flag")}},
                                            {"name"})}}},
                "revert to a snapshot: NAME, or {name, running, paused, force, suppress-power-on}");
  defs["set-current"] =
      Described(Json{{"anyOf", {Ref("name"), Mapping({{"name", Ref("name")}}, {"name"})}}},
                "make a snapshot current without reverting to it: NAME, or {name}");
  defs["tree"] = Described(
      Json{{"anyOf",
            {{{"type", "null"}}, {{"type", "object"}, {"additionalProperties", Ref("tree")}}}}},
      "the whole snapshot forest as nested mappings; {} or nothing is a leaf");
  defs["disk_check"] = Described(
      Json{{"anyOf",
            {{{"type", "array"}, {"items", Ref("range")}},
             Mapping({{"equals", Ref("name")}}, {"equals"})}}},
      "a list of ranges, or {equals: SNAPSHOT}: the whole disk as when SNAPSHOT was taken");
  defs["expect"] = Described(
      Json{{"anyOf",
            {{{"type", "null"}},
             Mapping({{"state", Ref("power_state")},
                      {"current", Json{{"anyOf", {{{"type", "null"}}, Ref("name")}}}},
                      {"tree", Ref("tree")},
                      {"disk",
                       Json{{"type", "object"}, {"additionalProperties", Ref("disk_check")}}}})}}},
      "checks: state, current (null for none), tree, disk; only the keys given are checked");
  // A step: a bare word, or one action key and (but for expect) error.
  Json step_forms = Json::array();
  step_forms.push_back(Words({"start", "shutdown", "pause", "resume", "expect"}));
  for (const char* power : {"start", "shutdown", "pause", "resume"}) {
    step_forms.push_back(Mapping({{power, Ref("no_arguments")}, {"error", Ref("error")}}, {power}));
  }
  for (const char* action : {"write", "create", "delete", "revert", "set-current"}) {
    step_forms.push_back(Mapping({{action, Ref(action)}, {"error", Ref("error")}}, {action}));
  }
  step_forms.push_back(Mapping({{"expect", Ref("expect")}}, {"expect"}));
  defs["step"] = Described(Json{{"oneOf", step_forms}},
                           "one action (start, shutdown, pause, resume, write, create, delete, "
                           "revert, set-current, expect), optionally with error:");
  defs["disk"] = Mapping({{"name", Ref("name")}, {"size", Ref("size")}}, {"name", "size"});
  return defs;
}

}  // namespace

std::string ScenarioJsonSchema() {
  Json profiles = Json::array();
  for (Profile profile : kAllProfiles) profiles.push_back(std::string(ProfileName(profile)));
  Json schema;
  schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  schema["title"] = "snapsim scenario, format version 1";
  schema["description"] =
      "A scenario file of snapsim (docs/scenario-format.md). Made by `snapsim schema`.";
  Json root = Mapping(
      {{"snapsim", Described(Json{{"enum", {1, "1"}}}, "the format version: 1")},
       {"name", Described(Ref("name"), "the scenario's name (default: the file's stem)")},
       {"description", Described(Json{{"type", {"string", "number", "boolean"}}}, "any text")},
       {"hypervisor", Described(Json{{"enum", profiles}}, "the rules profile")},
       {"tags", Described(Json{{"type", "array"}, {"items", Ref("name")}}, "a list of words")},
       {"domain",
        Described(
            Mapping({{"state", Ref("power_state")},
                     {"disks", Json{{"type", "array"}, {"minItems", 1}, {"items", Ref("disk")}}}}),
            "the power state before the first step (default shutoff) and the disks "
            "(default: one disk vda of 64MiB)")},
       {"steps", Described(Json{{"type", "array"}, {"minItems", 1}, {"items", Ref("step")}},
                           "a non-empty list of steps")}},
      {"snapsim", "hypervisor", "steps"});
  for (auto& [key, value] : root.items()) schema[key] = value;
  schema["$defs"] = Definitions();
  return schema.dump(2) + "\n";
}

}  // namespace snapsim::scenario
