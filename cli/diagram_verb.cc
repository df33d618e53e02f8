// snapsim diagram --hypervisor PROFILE [--format dot|mermaid|table|svg|png]
#include <memory>

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "model/diagram.h"
#include "simulator/host/find_program.h"
#include "simulator/host/run_process.h"
#include "simulator/host/temp_dir.h"

namespace snapsim::cli {
namespace {

struct DiagramArgs {
  std::string hypervisor;
  std::string format = "dot";
};

// The dot text rendered by Graphviz's `dot` into `format` (svg, png), on stdout.
int Render(const std::string& dot, const std::string& format) {
  if (!simulator::FindProgram("dot")) {
    fmt::print(stderr,
               "snapsim: error: --format {} needs Graphviz's dot, which is not installed "
               "(Debian: apt-get install graphviz); --format dot prints its input\n",
               format);
    return kExitBackendUnavailable;
  }
  auto dir = simulator::TempDir::Create("snapsim-diagram-");
  if (!dir.ok()) {
    fmt::print(stderr, "snapsim: error: {}\n", dir.status().message());
    return ExitCodeFor(dir.status());
  }
  const std::string input = dir->path() + "/diagram.dot";
  const std::string output = dir->path() + "/diagram." + format;
  std::ofstream(input) << dot;
  auto ran = simulator::RunProcess({"dot", "-T" + format, "-o", output, input});
  if (!ran.ok() || !ran->succeeded()) {
    fmt::print(stderr, "snapsim: error: dot -T{} failed: {}\n", format,
               ran.ok() ? ran->stderr_text : ran.status().message());
    return kExitBackendUnavailable;
  }
  std::ifstream in(output, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  return kExitOk;
}

int RunDiagram(const DiagramArgs& args) {
  const auto profile = ParseProfile(args.hypervisor);
  if (!profile) {
    fmt::print(stderr, "snapsim: error: unknown hypervisor '{}' (esx, qemu, vbox, test)\n",
               args.hypervisor);
    return kExitBadInput;
  }
  if (args.format == "svg" || args.format == "png") {
    return Render(model::RenderDiagram(*profile, model::DiagramFormat::kDot), args.format);
  }
  const auto format = model::ParseDiagramFormat(args.format);
  if (!format) {
    fmt::print(stderr, "snapsim: error: unknown format '{}' (dot, mermaid, table, svg, png)\n",
               args.format);
    return kExitBadInput;
  }
  fmt::print("{}", model::RenderDiagram(*profile, *format));
  return kExitOk;
}

void Register(CLI::App& app) {
  auto args = std::make_shared<DiagramArgs>();
  CLI::App* diagram = app.add_subcommand(
      "diagram", "The profile's power machine and snapshot-tree rules, found by running the model");
  diagram->add_option("--hypervisor", args->hypervisor, "Rules profile: esx, qemu, vbox, test")
      ->required();
  diagram->add_option("--format", args->format,
                      "dot (default), mermaid, table (the snapshot-tree rules in Markdown), or "
                      "svg/png (rendered by Graphviz)");
  diagram->callback([args] { SetExitStatus(RunDiagram(*args)); });
}

VerbRegistrar registrar(50, Register);

}  // namespace
}  // namespace snapsim::cli
