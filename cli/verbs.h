#pragma once
// Verb registry. Each verb lives in its own file (cli/<verb>_verb.cc) and registers itself
// with a static VerbRegistrar; main() adds every registered verb to the command line.
//
//   namespace { void Register(CLI::App& app) { auto* lint = app.add_subcommand(...); ... } }
//   static snapsim::cli::VerbRegistrar registrar(/*order=*/20, Register);
//
// A verb's callback records its exit status with SetExitStatus().

#include <string>

#include <CLI/CLI.hpp>

namespace snapsim::cli {

using RegisterFn = void (*)(CLI::App& app);

struct VerbRegistrar {
  // `order` sorts verbs in --help (run=10, lint=20, fuzz=30, explore=40, diagram=50,
  // backends=60, clean=65, image=70).
  VerbRegistrar(int order, RegisterFn fn);
};

void RegisterVerbs(CLI::App& app);

// The command line as typed (main() records it), arguments that a shell would split or
// expand single-quoted: "snapsim run 'my dir/x.yaml' --html r.html". For reports.
void SetCommandLine(int argc, const char* const* argv);
const std::string& CommandLine();

// "0.1.0" and the commit the build was configured at ("a99855e", or "unknown").
const char* SnapsimVersion();
const char* SnapsimCommit();
int ExitStatus();
void SetExitStatus(int status);

}  // namespace snapsim::cli
