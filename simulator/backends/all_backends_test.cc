#include "simulator/backends/all_backends.h"

#include <gtest/gtest.h>

#include "simulator/backend_registry.h"

namespace snapsim::simulator {
namespace {

TEST(AllBackendsTest, EveryBackendIsListedInItsFixedOrder) {
  RegisterAllBackends();
  RegisterAllBackends();  // once is enough; twice changes nothing
  std::vector<std::string> names;
  for (const BackendInfo& info : ListBackends()) names.push_back(info.name);
  EXPECT_EQ(names, (std::vector<std::string>{"model", "libvirt-test", "qemu-img", "qemu", "vcsim",
                                             "libvirt-esx", "libvirt-qemu", "libvirt:URI"}));
}

TEST(AllBackendsTest, UnknownNamesAreBadInputAndNameTheKnownOnes) {
  RegisterAllBackends();
  auto factory = BackendFactory::ForName("vmware");
  ASSERT_FALSE(factory.ok());
  EXPECT_EQ(factory.status().fault(), Fault::kBadInput);
  EXPECT_NE(factory.status().message().find("libvirt-test"), std::string::npos);
}

TEST(AllBackendsTest, OptionsGoOnlyToTheBackendsThatTakeThem) {
  RegisterAllBackends();
  BackendOptions options;
  options.disk_dir = "/tmp";
  auto factory = BackendFactory::ForName("model", options);
  ASSERT_FALSE(factory.ok());
  EXPECT_EQ(factory.status().fault(), Fault::kBadInput);
  EXPECT_FALSE(BackendTakesOptions("model"));
  auto clean = CleanBackend("model", {});
  ASSERT_FALSE(clean.ok());
  EXPECT_EQ(clean.status().fault(), Fault::kBadInput);
}

#ifdef SNAPSIM_WITH_LIBVIRT
TEST(AllBackendsTest, ProfileMayNotContradictTheUriScheme) {
  RegisterAllBackends();
  EXPECT_TRUE(BackendTakesOptions("libvirt:test:///default"));
  BackendOptions options;
  options.profile = Profile::kEsx;
  auto factory = BackendFactory::ForName("libvirt:test:///default", options);
  ASSERT_FALSE(factory.ok());
  EXPECT_EQ(factory.status().fault(), Fault::kBadInput);
  EXPECT_NE(factory.status().message().find("contradicts"), std::string::npos);
}
#endif

#ifndef SNAPSIM_WITH_LIBVIRT
TEST(AllBackendsTest, AFamilyLeftOutOfTheBuildIsUnavailableNamingItsOption) {
  RegisterAllBackends();
  auto factory = BackendFactory::ForName("libvirt-test");
  ASSERT_FALSE(factory.ok());
  EXPECT_EQ(factory.status().fault(), Fault::kBackendFailure);
  EXPECT_NE(factory.status().message().find("SNAPSIM_WITH_LIBVIRT=ON"), std::string::npos);
}
#endif

}  // namespace
}  // namespace snapsim::simulator
