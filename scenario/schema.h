#pragma once
// The scenario format as a JSON Schema (draft 2020-12), for editors' YAML language
// servers: `snapsim schema` prints it, docs/scenario.schema.json ships it.

#include <string>

namespace snapsim::scenario {

// The schema as indented JSON text ending in a newline; the same bytes every time.
std::string ScenarioJsonSchema();

}  // namespace snapsim::scenario
