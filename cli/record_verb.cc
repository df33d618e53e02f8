// snapsim record FILE... [--backend B] [--every-step] [--check] [--trust-backend]: replays
// scenario files and writes their outcomes and expectations back into their text.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/verbs.h"
#include "core/exit_code.h"
#include "scenario/loader.h"
#include "simulator/backend_registry.h"
#include "simulator/recorder.h"

namespace snapsim::cli {
namespace {

struct RecordArgs {
  std::vector<std::string> paths;
  std::string backend = "model";
  bool every_step = false;
  bool check = false;
  bool trust_backend = false;
};

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return std::nullopt;
  return text.str();
}

// Writes `text` to `path` through a file beside it, so a failure leaves the old file.
bool WriteText(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".snapsim-record";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  return !ec;
}

enum class FileOutcome { kUnchanged, kChanged, kSkipped };

// Records one file; a Status for what ends the whole command (bad input, a broken backend).
Result<FileOutcome> RecordFile(const std::string& path, const RecordArgs& args,
                               const simulator::BackendFactory* factory, bool* diverged) {
  const std::optional<std::string> text = ReadText(path);
  if (!text) return Status::Failure(Fault::kBadInput, path + ": error: cannot read file");
  auto loaded = scenario::LoadScenarioText(*text, path);
  if (auto* error = std::get_if<scenario::LoadError>(&loaded)) {
    return Status::Failure(Fault::kBadInput, error->ToString());
  }
  const scenario::Scenario& scenario = std::get<scenario::Scenario>(loaded);
  std::unique_ptr<simulator::Backend> backend;
  if (factory != nullptr) {
    backend = factory->Make();
    if (auto reason = backend->CannotRun(scenario)) {
      fmt::print("skip {} on {}: {}\n", path, args.backend, *reason);
      return FileOutcome::kSkipped;
    }
  }
  simulator::RecordOptions options{args.every_step, args.trust_backend};
  simulator::Recording recording;
  try {
    recording = simulator::RecordSteps(scenario, backend.get(), options);
  } catch (const simulator::BackendFailure& failure) {
    return Status::Failure(Fault::kBackendFailure,
                           fmt::format("{}: {}: {}", path, args.backend, failure.what()));
  }
  for (const std::string& divergence : recording.divergences) {
    fmt::print("{}\n  recorded {}\n", divergence,
               args.trust_backend ? "the backend's view (--trust-backend)"
                                  : "the model's view (--trust-backend records the backend's)");
    *diverged = true;
  }
  auto written = simulator::WriteRecording(*text, scenario, recording, options);
  if (!written.ok()) return written.status();
  // What record writes must load, and on the model recording it again changes nothing.
  auto reloaded = scenario::LoadScenarioText(written->text, path);
  if (auto* error = std::get_if<scenario::LoadError>(&reloaded)) {
    return Status::Failure(Fault::kInternal,
                           "record wrote a file that does not load: " + error->ToString());
  }
  if (factory == nullptr) {
    const auto& again = std::get<scenario::Scenario>(reloaded);
    auto second = simulator::WriteRecording(
        written->text, again, simulator::RecordSteps(again, nullptr, options), options);
    if (!second.ok() || !second->changes.empty()) {
      return Status::Failure(Fault::kInternal,
                             path + ": recording the recorded file would change it again");
    }
  }
  for (const simulator::RecordChange& change : written->changes) {
    fmt::print("{}:{}: {}{}\n", path, change.line, args.check ? "would record " : "", change.what);
  }
  if (written->changes.empty()) return FileOutcome::kUnchanged;
  if (!args.check && !WriteText(path, written->text)) {
    return Status::Failure(Fault::kBadInput, path + ": error: cannot write file");
  }
  return FileOutcome::kChanged;
}

int Record(const RecordArgs& args) {
  auto collected = scenario::CollectScenarioFiles(args.paths);
  if (const auto* error = std::get_if<scenario::LoadError>(&collected)) {
    fmt::print(stderr, "{}\n", error->ToString());
    return kExitBadInput;
  }
  std::optional<simulator::BackendFactory> factory;
  if (args.backend != "model") {
    auto made = simulator::BackendFactory::ForName(args.backend);
    if (!made.ok()) {
      fmt::print(stderr, "snapsim: error: {}\n", made.status().message());
      return ExitCodeFor(made.status());
    }
    factory = std::move(*made);
  } else if (args.trust_backend) {
    fmt::print(stderr, "snapsim: error: --trust-backend needs --backend other than the model\n");
    return kExitBadInput;
  }
  size_t changed = 0, unchanged = 0, skipped = 0;
  bool diverged = false;
  for (const std::string& path : std::get<std::vector<std::string>>(collected)) {
    auto outcome = RecordFile(path, args, factory ? &*factory : nullptr, &diverged);
    if (!outcome.ok()) {
      fmt::print(stderr, "{}\n", outcome.status().message());
      return ExitCodeFor(outcome.status());
    }
    changed += *outcome == FileOutcome::kChanged;
    unchanged += *outcome == FileOutcome::kUnchanged;
    skipped += *outcome == FileOutcome::kSkipped;
  }
  fmt::print("{} {}, {} already current{}\n", changed, args.check ? "would change" : "recorded",
             unchanged, skipped > 0 ? fmt::format(", {} skipped", skipped) : "");
  if (skipped > 0 && changed == 0 && unchanged == 0) return kExitBackendUnavailable;
  if (diverged || (args.check && changed > 0)) return kExitCheckFailed;
  return kExitOk;
}

void Register(CLI::App& app) {
  CLI::App* verb = app.add_subcommand(
      "record", "Replay scenario files and write their outcomes and expectations into them");
  auto args = std::make_shared<RecordArgs>();
  verb->add_option("FILE", args->paths, "Scenario files, or folders of them")->required();
  verb->add_option("--backend", args->backend, "Backend to record on (default: model)");
  verb->add_flag("--every-step", args->every_step, "Insert an expect after every action");
  verb->add_flag("--check", args->check,
                 "Change nothing; print what would change and exit 1 if anything would");
  verb->add_flag("--trust-backend", args->trust_backend,
                 "Where the backend diverges from the model, record the backend's view");
  verb->callback([args] { SetExitStatus(Record(*args)); });
}

VerbRegistrar registrar(15, Register);

}  // namespace
}  // namespace snapsim::cli
