// Every file in testdata/malformed breaks the format one way. Its first line says where
// and how: `# expect: LINE:COLUMN: MESSAGE-SUBSTRING`; a second line `# hint: SUBSTRING`
// says what the hint must contain.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "scenario/loader.h"

namespace snapsim::scenario {
namespace {

const std::string kMalformed = std::string(SNAPSIM_SCENARIO_TESTDATA) + "/malformed";

std::vector<std::string> MalformedFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kMalformed)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class MalformedFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedFileTest, IsRejectedAtTheExpectedPlace) {
  const std::string path = kMalformed + "/" + GetParam();
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  std::smatch match;
  static const std::regex kExpect(R"(^# expect: (\d+):(\d+): (.+)$)");
  ASSERT_TRUE(std::regex_match(first_line, match, kExpect))
      << path << ": first line must be '# expect: LINE:COLUMN: MESSAGE'";

  std::string second_line;
  std::getline(in, second_line);
  static const std::regex kHint(R"(^# hint: (.+)$)");
  std::smatch hint;
  const bool has_hint = std::regex_match(second_line, hint, kHint);

  auto loaded = LoadScenarioFile(path);
  ASSERT_TRUE(std::holds_alternative<LoadError>(loaded)) << path << " loaded without error";
  const LoadError& error = std::get<LoadError>(loaded);
  EXPECT_EQ(error.where.file, path);
  EXPECT_EQ(error.where.line, std::stoi(match[1])) << error.ToString();
  EXPECT_EQ(error.where.column, std::stoi(match[2])) << error.ToString();
  EXPECT_NE(error.message.find(match[3].str()), std::string::npos)
      << "expected the message to contain '" << match[3] << "', got: " << error.ToString();
  if (has_hint) {
    EXPECT_NE(error.hint.find(hint[1].str()), std::string::npos)
        << "expected the hint to contain '" << hint[1] << "', got: " << error.ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedFileTest, ::testing::ValuesIn(MalformedFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(MalformedCorpus, HasAtLeastThirtyFiles) { EXPECT_GE(MalformedFiles().size(), 30u); }

}  // namespace
}  // namespace snapsim::scenario
