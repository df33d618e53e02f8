#pragma once
// Printing and comparing what backends show, in the scenario file's own notation.

#include <string>

#include "scenario/scenario.h"
#include "simulator/backend.h"

namespace snapsim::simulator {

// The forest in flow YAML with children sorted by name: "{A: {B: {}, D: {}}}".
std::string FormatTree(const scenario::Tree& tree);
// Forest equality ignoring the order of children.
bool SameForest(const scenario::Tree& a, const scenario::Tree& b);
// "state: running, current: B, tree: {A: {B: {}}}".
std::string FormatObservation(const Observation& observation);
std::string FormatCurrent(const std::optional<std::string>& current);

}  // namespace snapsim::simulator
