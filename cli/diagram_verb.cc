// snapsim diagram --hypervisor PROFILE [--format dot|mermaid]
#include <memory>

#include <fmt/format.h>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "model/diagram.h"

namespace snapsim::cli {
namespace {

struct DiagramArgs {
  std::string hypervisor;
  std::string format = "dot";
};

int RunDiagram(const DiagramArgs& args) {
  const auto profile = ParseProfile(args.hypervisor);
  if (!profile) {
    fmt::print(stderr, "snapsim: error: unknown hypervisor '{}' (esx, qemu, vbox, test)\n",
               args.hypervisor);
    return kExitBadInput;
  }
  const auto format = model::ParseDiagramFormat(args.format);
  if (!format) {
    fmt::print(stderr, "snapsim: error: unknown format '{}' (dot, mermaid)\n", args.format);
    return kExitBadInput;
  }
  fmt::print("{}", model::RenderDiagram(*profile, *format));
  return kExitOk;
}

void Register(CLI::App& app) {
  auto args = std::make_shared<DiagramArgs>();
  CLI::App* diagram = app.add_subcommand(
      "diagram", "The profile's state machine as Graphviz or Mermaid, from the model's table");
  diagram->add_option("--hypervisor", args->hypervisor, "Rules profile: esx, qemu, vbox, test")
      ->required();
  diagram->add_option("--format", args->format, "dot (default) or mermaid");
  diagram->callback([args] { SetExitStatus(RunDiagram(*args)); });
}

VerbRegistrar registrar(50, Register);

}  // namespace
}  // namespace snapsim::cli
