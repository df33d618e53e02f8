// libFuzzer target for the scenario loader (built only with -DSNAPSIM_FUZZ=ON and clang):
//   scenario_loader_fuzzer -max_total_time=300 CORPUS_DIR scenario/testdata/valid
// Any input must give a Scenario or a LoadError located inside the text; a Scenario must
// survive the writer's round trip. Anything else aborts, which libFuzzer reports.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "scenario/loader.h"
#include "scenario/writer.h"

namespace {

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "loader_fuzzer: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace snapsim::scenario;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = LoadScenarioText(text, "fuzz.yaml");
  if (const auto* error = std::get_if<LoadError>(&loaded)) {
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    Check(!error->message.empty(), "empty error message");
    Check(error->where.line >= 1 && error->where.line <= lines, "error line outside the text");
    Check(error->where.column >= 1 && static_cast<size_t>(error->where.column) <= size + 1,
          "error column outside the text");
    return 0;
  }
  const Scenario& scenario = std::get<Scenario>(loaded);
  auto reloaded = LoadScenarioText(WriteScenario(scenario), "fuzz.yaml");
  Check(std::holds_alternative<Scenario>(reloaded), "the writer's output does not load");
  Check(std::get<Scenario>(reloaded) == scenario, "the round trip changed the scenario");
  return 0;
}
