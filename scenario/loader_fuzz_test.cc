// The loader on damaged input: RapidCheck mutates valid files (byte flips, deletions,
// duplications, splices) and the loader must answer with a Scenario or a LoadError
// located inside the text; it must never crash or throw. A damaged file that still loads
// must also survive the writer's round trip.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenario/loader.h"
#include "scenario/testing/scenario_generators.h"
#include "scenario/writer.h"

namespace snapsim::scenario {
namespace {

std::vector<std::string> ValidTexts() {
  std::vector<std::string> texts;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SNAPSIM_SCENARIO_TESTDATA) + "/valid")) {
    paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

// One random edit of `text`; `donor` supplies spliced-in bytes.
void Mutate(std::string* text, const std::string& donor) {
  if (text->empty()) {
    *text = donor.substr(0, 16);
    return;
  }
  size_t at = *rc::gen::inRange<size_t>(0, text->size());
  size_t span = *rc::gen::inRange<size_t>(1, std::min<size_t>(text->size() - at, 32) + 1);
  switch (*rc::gen::inRange(0, 5)) {
    case 0:  // flip bits of one byte
      (*text)[at] = static_cast<char>((*text)[at] ^ *rc::gen::inRange(1, 256));
      break;
    case 1:  // replace a byte with one YAML cares about
      (*text)[at] = *rc::gen::element(':', '-', ' ', '\n', '{', '}', '[', ']', ',', '"', '\'', '#',
                                      '&', '*', '!', '|', '>', '\t', '\0', '?');
      break;
    case 2: text->erase(at, span); break;
    case 3: text->insert(at, text->substr(at, span)); break;
    default: {
      size_t from = *rc::gen::inRange<size_t>(0, donor.size());
      text->insert(at, donor.substr(from, span));
      break;
    }
  }
}

int LineCount(const std::string& text) {
  return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

RC_GTEST_PROP(LoaderFuzz, DamagedFilesNeverCrashAndErrorsPointInsideTheText, ()) {
  static const std::vector<std::string> kValid = ValidTexts();
  std::string text = *rc::gen::oneOf(rc::gen::elementOf(kValid),
                                     rc::gen::map(testing::GenScenario(), WriteScenario));
  const std::string donor = *rc::gen::elementOf(kValid);
  for (int i = *rc::gen::inRange(1, 6); i > 0; --i) Mutate(&text, donor);
  RC_LOG() << text;

  auto loaded = LoadScenarioText(text, "fuzz.yaml");
  if (auto* error = std::get_if<LoadError>(&loaded)) {
    RC_LOG() << error->ToString();
    RC_ASSERT(error->where.file == "fuzz.yaml");
    RC_ASSERT(!error->message.empty());
    RC_ASSERT(error->where.line >= 1);
    RC_ASSERT(error->where.line <= LineCount(text));
    RC_ASSERT(error->where.column >= 1);
    RC_ASSERT(static_cast<size_t>(error->where.column) <= text.size() + 1);
    return;
  }
  const Scenario& scenario = std::get<Scenario>(loaded);
  std::string written = WriteScenario(scenario);
  auto reloaded = LoadScenarioText(written, "fuzz.yaml");
  if (auto* error = std::get_if<LoadError>(&reloaded)) RC_FAIL(error->ToString() + "\n" + written);
  RC_ASSERT(std::get<Scenario>(reloaded) == scenario);
}

}  // namespace
}  // namespace snapsim::scenario
