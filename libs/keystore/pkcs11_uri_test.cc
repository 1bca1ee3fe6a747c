#include "libs/keystore/pkcs11_uri.h"

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"

namespace twi::keystore {
namespace {

using ::twi::testing::HasReason;

TEST(Pkcs11UriTest, ParsesTheAttributesTwiUses) {
  ASSERT_OK_AND_ASSIGN(const Pkcs11Uri uri,
                       ParsePkcs11Uri("pkcs11:token=twi;object=ca-issuing;id=%01%AB;type=private"));
  EXPECT_EQ(uri.token, "twi");
  EXPECT_EQ(uri.object, "ca-issuing");
  EXPECT_EQ(uri.id, (Bytes{0x01, 0xab}));
  EXPECT_EQ(uri.type, "private");
}

TEST(Pkcs11UriTest, FormatsCanonicallyAndRoundTrips) {
  const Pkcs11Uri uri{
      .token = "My Token", .object = "a;b=c/d%", .id = {0x00, 0x7f}, .type = "private"};
  const std::string text = FormatPkcs11Uri(uri);
  EXPECT_EQ(text, "pkcs11:token=My%20Token;object=a%3Bb%3Dc%2Fd%25;id=%00%7F;type=private");
  ASSERT_OK_AND_ASSIGN(const Pkcs11Uri parsed, ParsePkcs11Uri(text));
  EXPECT_EQ(parsed, uri);
  Pkcs11Uri object_only;
  object_only.object = "k";
  EXPECT_EQ(FormatPkcs11Uri(object_only), "pkcs11:object=k");
}

TEST(Pkcs11UriTest, RefusesWhatItDoesNotUnderstand) {
  for (const char* bad : {
           "pkcs12:object=k",                 // another scheme
           "object=k",                        // no scheme
           "pkcs11:object=k?pin-value=1234",  // a PIN in the URI
           "pkcs11:object=k#frag",            // fragment
           "pkcs11:object",                   // no value
           "pkcs11:object=a;object=b",        // repeated
           "pkcs11:object=k;type=secret",     // unknown type
           "pkcs11:object=k;slot-id=3",       // unsupported attribute
           "pkcs11:object=%4",                // truncated escape
           "pkcs11:object=%zz",               // bad escape
           "pkcs11:object=a/b",               // reserved character
       }) {
    EXPECT_THAT(ParsePkcs11Uri(bad), HasReason(Reason::kInvalidArgument)) << bad;
  }
}

TEST(Pkcs11UriTest, ErrorsDoNotEchoValues) {
  const auto parsed = ParsePkcs11Uri("pkcs11:object=k?pin-value=secret-pin");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().find("secret-pin"), std::string::npos);
}

}  // namespace
}  // namespace twi::keystore
