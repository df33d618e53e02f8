#pragma once
// The canonical writer: Scenario -> YAML text in one stable layout.
//
// Keys come in the order of the format's documentation, short forms are used where the
// format has them (`- start`, `- create: A`), writes and ranges are one-line flow maps,
// sizes take the largest exact suffix, fills print as 0xNN, and a write's disk is left
// out when it is the first disk. For every scenario the loader accepts,
// LoadScenarioText(WriteScenario(s)) == s.

#include <string>

#include "scenario/scenario.h"

namespace snapsim::scenario {

std::string WriteScenario(const Scenario& scenario);

// One step as its canonical YAML item, without the leading "- " or a trailing newline,
// continuation lines indented by `indent` spaces (for shrunk test cases and reports).
std::string WriteStep(const Scenario& scenario, const Step& step, int indent = 4);

// A scalar as YAML: plain when that reads back as the same string, else double-quoted.
// `in_flow` is true inside [...] or {...}, where commas and brackets need quoting too.
std::string QuoteScalar(const std::string& text, bool in_flow);

}  // namespace snapsim::scenario
