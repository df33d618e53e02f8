// The names libvirt:URI gives its domains, and what counts as stale, on the test driver.
#include "simulator/libvirt/owned_domains.h"

#include <libvirt/libvirt.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "simulator/libvirt/libvirt_backend.h"

namespace snapsim::simulator {
namespace {

TEST(OwnedDomainsTest, NamesCarryThePidAndReadBack) {
  EXPECT_EQ(OwnedDomainName(1234, "revert: running/paused"), "snapsim-1234-revert--running-paused");
  EXPECT_EQ(OwnerOfDomain("snapsim-1234-revert"), 1234);
  EXPECT_EQ(OwnerOfDomain("snapsim-99999999-x"), 99999999);
}

TEST(OwnedDomainsTest, OtherNamesHaveNoOwner) {
  for (const char* name : {"foreign-1", "snapsim-", "snapsim-x-1", "snapsim--1", "snapsim-12",
                           "snapsim-0-x", "snapsim-1234567890-x", "Snapsim-1-x"}) {
    EXPECT_FALSE(OwnerOfDomain(name).has_value()) << name;
  }
}

TEST(OwnedDomainsTest, OnlyDeadOwnersAreStale) {
  QuietLibvirt();
  virConnectPtr connection = virConnectOpen("test:///default");
  ASSERT_NE(connection, nullptr);
  auto define = [&](const std::string& name) {
    const std::string xml = "<domain type='test'><name>" + name +
                            "</name><memory>65536</memory><os><type>hvm</type></os></domain>";
    virDomainPtr domain = virDomainDefineXML(connection, xml.c_str());
    ASSERT_NE(domain, nullptr) << name;
    virDomainFree(domain);
  };
  define("snapsim-99999999-gone");               // no such pid
  define(OwnedDomainName(getppid(), "parent"));  // a live process
  define(OwnedDomainName(getpid(), "mine"));     // this process's own
  define("foreign-99999999");                    // not snapsim's
  auto stale = StaleDomains(connection);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_EQ(*stale, std::vector<std::string>{"snapsim-99999999-gone"});
  EXPECT_TRUE(StaleDomains(connection, /*owner=*/99999998)->empty());  // a guard's filter
  auto refusal = StaleDomainsRefusal(connection, "test:///default");
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("snapsim clean --backend libvirt:test:///default"), std::string::npos);

  virDomainPtr gone = virDomainLookupByName(connection, "snapsim-99999999-gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_TRUE(RemoveOwnedDomain(gone).ok());  // no disks: no folder
  virDomainFree(gone);
  EXPECT_TRUE(StaleDomains(connection)->empty());
  EXPECT_FALSE(StaleDomainsRefusal(connection, "test:///default").has_value());
  virConnectClose(connection);
}

TEST(OwnedDomainsTest, BackendOptionsNameTheProfileForAnUnknownScheme) {
  BackendOptions options;
  options.profile = Profile::kQemu;
  LibvirtBackend with_profile("libvirt:bhyve:///system", "bhyve:///system", options);
  EXPECT_TRUE(with_profile.Implements(Profile::kQemu));
  LibvirtBackend without("libvirt:bhyve:///system", "bhyve:///system");
  EXPECT_FALSE(without.Implements(Profile::kQemu));
}

}  // namespace
}  // namespace snapsim::simulator
