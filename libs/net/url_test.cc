#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/net/client.h"
#include "testing/status_matchers.h"

namespace twi::net {
namespace {

using ::twi::testing::HasReason;

TEST(ParseHttpsUrlTest, HostAndPort) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, ParseHttpsUrl("https://ca.example.org:8443"));
  EXPECT_EQ(endpoint.host, "ca.example.org");
  EXPECT_EQ(endpoint.port, 8443);
}

TEST(ParseHttpsUrlTest, DefaultPortAndTrailingSlash) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, ParseHttpsUrl("HTTPS://verifier/"));
  EXPECT_EQ(endpoint.host, "verifier");
  EXPECT_EQ(endpoint.port, 443);
}

TEST(ParseHttpsUrlTest, Ipv6Literal) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, ParseHttpsUrl("https://[::1]:8443"));
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.port, 8443);
  ASSERT_OK_AND_ASSIGN(Endpoint no_port, ParseHttpsUrl("https://[2001:db8::2]"));
  EXPECT_EQ(no_port.host, "2001:db8::2");
  EXPECT_EQ(no_port.port, 443);
}

TEST(ParseHttpsUrlTest, RejectsBadUrls) {
  for (const char* url : {"http://host:80",
                          "host:443",
                          "",
                          "https://",
                          "https://:443",
                          "https://host:",
                          "https://host:0",
                          "https://host:65536",
                          "https://host:12a",
                          "https://host:123456",
                          "https://host/path",
                          "https://host:443/v1",
                          "https://host?x=1",
                          "https://host#f",
                          "https://user@host",
                          "https://[::1",
                          "https://[::1]x",
                          "https://::1:8443",
                          "https://[]:1",
                          "https://[host]:1",
                          "https://ho st",
                          "ftp://host"}) {
    EXPECT_THAT(ParseHttpsUrl(url), HasReason(Reason::kConfigInvalid)) << url;
  }
}

}  // namespace
}  // namespace twi::net
