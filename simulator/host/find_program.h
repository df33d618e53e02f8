#pragma once
// Finding programs on $PATH.

#include <optional>
#include <string>
#include <vector>

namespace snapsim::simulator {

// The full path of `program` found on $PATH (or `program` itself when it contains a '/'
// and is executable), or nullopt.
std::optional<std::string> FindProgram(const std::string& program);

// The running program's own executable (/proc/self/exe resolved), or "" when unknown.
std::string OwnProgramPath();

// argv as one line for messages: words with spaces or quotes are single-quoted.
std::string CommandLine(const std::vector<std::string>& argv);

}  // namespace snapsim::simulator
