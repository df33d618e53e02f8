// libvirt's real test driver, in process: the adapter maps steps and observations.
#include "simulator/libvirt/libvirt_backend.h"

#include <gtest/gtest.h>

#include "simulator/observation.h"

namespace snapsim::simulator {
namespace {

scenario::Scenario Running() {
  scenario::Scenario s;
  s.name = "adapter-test";
  s.hypervisor = Profile::kTest;
  s.initial_state = PowerState::kRunning;
  s.disks = {{"vda", 64ull << 20}};
  return s;
}

TEST(LibvirtBackendTest, CreateRevertDeleteOnTheTestDriver) {
  LibvirtBackend backend("libvirt-test", "test:///default");
  backend.Begin(Running());
  ASSERT_TRUE(backend.Perform(scenario::Create{"A"}).ok());
  ASSERT_TRUE(backend.Perform(scenario::Pause{}).ok());
  ASSERT_TRUE(backend.Perform(scenario::Create{"B"}).ok());
  Observation seen = backend.Observe();
  EXPECT_EQ(FormatObservation(seen), "state: paused, current: B, tree: {A: {B: {}}}");

  ASSERT_TRUE(backend.Perform(scenario::Revert{"A"}).ok());
  seen = backend.Observe();
  EXPECT_EQ(FormatObservation(seen), "state: running, current: A, tree: {A: {B: {}}}");

  Status missing = backend.Perform(scenario::Delete{"nosuch"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error_class(), ErrorClass::kNoDomainSnapshot);

  Status duplicate = backend.Perform(scenario::Create{"A"});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error_class(), ErrorClass::kOperationFailed);

  scenario::Delete metadata_only{"B"};
  metadata_only.metadata_only = true;
  Status refused = backend.Perform(metadata_only);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_class(), ErrorClass::kInvalidArg);

  ASSERT_TRUE(backend.Perform(scenario::Delete{"A"}).ok());
  EXPECT_EQ(FormatObservation(backend.Observe()), "state: running, current: null, tree: {B: {}}");
  backend.End();
}

TEST(LibvirtBackendTest, SkipsProfilesItsDriverDoesNotImplement) {
  LibvirtBackend backend("libvirt-test", "test:///default");
  auto s = Running();
  s.hypervisor = Profile::kEsx;
  ASSERT_TRUE(backend.CannotRun(s).has_value());
  EXPECT_NE(backend.CannotRun(s)->find("implements the test profile"), std::string::npos);
}

TEST(LibvirtBackendTest, ProfilesFollowTheUriScheme) {
  EXPECT_EQ(ProfileForLibvirtUri("qemu:///embed?root=/tmp/x"), Profile::kQemu);
  EXPECT_EQ(ProfileForLibvirtUri("esx://127.0.0.1/?no_verify=1"), Profile::kEsx);
  EXPECT_EQ(ProfileForLibvirtUri("test:///default"), Profile::kTest);
  EXPECT_FALSE(ProfileForLibvirtUri("lxc:///").has_value());
}

}  // namespace
}  // namespace snapsim::simulator
