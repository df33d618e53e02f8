#pragma once
// Test helpers: a Model with one 1 MiB disk and short spellings for the actions.

#include <gtest/gtest.h>

#include <string>

#include "model/model.h"

namespace snapsim::model::testing {

inline constexpr uint64_t kDiskBytes = 1 << 20;

using scenario::Pause;
using scenario::Resume;
using scenario::Shutdown;
using scenario::Start;

inline scenario::Create Create(std::string name) { return scenario::Create{std::move(name)}; }
inline scenario::Delete Delete(std::string name) { return scenario::Delete{std::move(name)}; }
inline scenario::Revert Revert(std::string name) { return scenario::Revert{std::move(name)}; }
inline scenario::Write WriteFill(uint64_t offset, uint64_t length, uint8_t byte) {
  return scenario::Write{"vda", offset, length, scenario::Fill{byte}};
}

inline Model MakeModel(Profile profile, PowerState state = PowerState::kShutoff) {
  return Model(profile, state, {{"vda", kDiskBytes}});
}

// Applies `action` and expects success.
inline void Ok(Model& m, const scenario::Action& action) {
  Status s = m.Apply(action);
  ASSERT_TRUE(s.ok()) << scenario::ActionName(action) << ": " << s.ToString();
}

// Applies `action`, expects `error_class`, and that nothing changed.
inline void Fails(Model& m, const scenario::Action& action, ErrorClass error_class) {
  const std::string before = m.Canonical();
  Status s = m.Apply(action);
  ASSERT_FALSE(s.ok()) << scenario::ActionName(action) << " unexpectedly succeeded";
  EXPECT_EQ(ErrorClassName(s.error_class()), ErrorClassName(error_class)) << s.message();
  EXPECT_EQ(m.Canonical(), before)
      << "a failed " << scenario::ActionName(action) << " changed the state";
}

inline scenario::Tree Leaf() { return {}; }
inline scenario::Tree Node(std::vector<std::pair<std::string, scenario::Tree>> children) {
  return scenario::Tree{std::move(children)};
}

}  // namespace snapsim::model::testing
