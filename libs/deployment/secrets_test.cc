#include "libs/deployment/secrets.h"

#include <sys/stat.h>

#include "gtest/gtest.h"
#include "libs/core/files.h"
#include "libs/core/status.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace twi::deployment {
namespace {

using ::twi::testing::HasReason;

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(MakeDirs(layout_.keys(), 0700)); }

  ::twi::testing::TempDir dir_;
  const Layout layout_{dir_.File("d")};
};

TEST_F(SecretsTest, NewSecretIsPrivateRandomAndLoadsBack) {
  ASSERT_OK(NewSecret(layout_, "a"));
  ASSERT_OK(NewSecret(layout_, "b"));
  struct stat info;
  ASSERT_EQ(stat(layout_.secret("a").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_OK_AND_ASSIGN(const SecretBytes a, LoadSecret(layout_, "a"));
  ASSERT_OK_AND_ASSIGN(const SecretBytes b, LoadSecret(layout_, "b"));
  EXPECT_EQ(a.size(), kSecretSize);
  EXPECT_NE(Bytes(a.view().begin(), a.view().end()), Bytes(b.view().begin(), b.view().end()));
}

TEST_F(SecretsTest, MissingSecretNamesTheFile) {
  const auto loaded = LoadSecret(layout_, "absent");
  EXPECT_THAT(loaded, HasReason(Reason::kConfigInvalid));
  EXPECT_NE(loaded.status().message().find(layout_.secret("absent")), std::string::npos);
}

TEST_F(SecretsTest, MalformedOrShortSecretIsRefusedWithoutEchoingIt) {
  ASSERT_OK(WriteFileAtomic(layout_.secret("bad"), "not base64url!!\n", 0600));
  const auto bad = LoadSecret(layout_, "bad");
  EXPECT_THAT(bad, HasReason(Reason::kConfigInvalid));
  EXPECT_EQ(bad.status().message().find("not base64url!!"), std::string::npos);
  ASSERT_OK(WriteFileAtomic(layout_.secret("short"), Base64UrlEncode(Bytes(31, 7)) + "\n", 0600));
  EXPECT_THAT(LoadSecret(layout_, "short"), HasReason(Reason::kConfigInvalid));
}

TEST_F(SecretsTest, SecretLineIsTheFirstLineAsText) {
  const std::string path = layout_.keys() + "/pin";
  ASSERT_OK(NewSecretFile(path));
  ASSERT_OK_AND_ASSIGN(const SecretBytes generated, LoadSecretLine(path));
  EXPECT_EQ(generated.size(), 43u);  // 32 bytes as unpadded base64url
  ASSERT_OK(WriteFileAtomic(path, "1234 abcd\r\nignored\n", 0600));
  ASSERT_OK_AND_ASSIGN(const SecretBytes pin, LoadSecretLine(path));
  EXPECT_EQ(pin.as_string(), "1234 abcd");
}

TEST_F(SecretsTest, BadSecretLineIsRefusedWithoutEchoingIt) {
  const std::string path = layout_.keys() + "/pin";
  for (const std::string& content : {std::string("\n"), std::string(""), std::string(256, 'Q'),
                                     std::string("Xy\x01SecretValue\n")}) {
    ASSERT_OK(WriteFileAtomic(path, content, 0600));
    const auto loaded = LoadSecretLine(path);
    EXPECT_THAT(loaded, HasReason(Reason::kConfigInvalid));
    EXPECT_NE(loaded.status().message().find(path), std::string::npos);
    if (content.size() > 8) {
      EXPECT_EQ(loaded.status().message().find(content.substr(3, 8)), std::string::npos);
    }
  }
  EXPECT_THAT(LoadSecretLine(layout_.keys() + "/absent"), HasReason(Reason::kConfigInvalid));
}

}  // namespace
}  // namespace twi::deployment
