#include "libs/provenance/sealed_record.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/core/json.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/keys.h"
#include "testing/status_matchers.h"

namespace twi::provenance {
namespace {

using ::twi::testing::HasReason;
using ::twi::testing::IsOkAndHolds;

constexpr char kEnvelope[] =
    R"({"payload":"e30","payloadType":"application/vnd.in-toto+json","signatures":[]})";

crypto::PrivateKey Key(crypto::KeyType type) {
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::Generate(type);
  EXPECT_OK(key);
  return *std::move(key);
}

class SealedRecordTest : public ::testing::Test {
 protected:
  const crypto::PrivateKey alice_ = Key(crypto::KeyType::kEcP256);
  const crypto::PrivateKey bob_ = Key(crypto::KeyType::kRsa);
  const crypto::PrivateKey carol_ = Key(crypto::KeyType::kEcP384);
  const Bytes digest_ = crypto::Sha256(AsBytes(kEnvelope));
};

TEST_F(SealedRecordTest, EachAuditorOpensTheLoggedRecord) {
  ASSERT_OK_AND_ASSIGN(const std::string sealed,
                       SealRecord(kEnvelope, {alice_.public_key(), bob_.public_key()}));
  EXPECT_TRUE(LooksSealed(sealed));
  EXPECT_FALSE(LooksSealed(kEnvelope));
  EXPECT_EQ(sealed.find("in-toto"), std::string::npos) << "the plaintext shows through";
  EXPECT_THAT(OpenSealedRecord(sealed, alice_, digest_), IsOkAndHolds(std::string(kEnvelope)));
  EXPECT_THAT(OpenSealedRecord(sealed, bob_, digest_), IsOkAndHolds(std::string(kEnvelope)));
  // Someone the record is not sealed for, and the right key with another log entry.
  EXPECT_THAT(OpenSealedRecord(sealed, carol_, digest_),
              HasReason(Reason::kProvenanceRecordSealed));
  EXPECT_THAT(OpenSealedRecord(sealed, alice_, crypto::Sha256(AsBytes("other"))),
              HasReason(Reason::kProvenanceRecordMismatch));
}

TEST_F(SealedRecordTest, TamperedOrMisplacedEntriesFail) {
  ASSERT_OK_AND_ASSIGN(const std::string sealed,
                       SealRecord(kEnvelope, {alice_.public_key(), bob_.public_key()}));
  ASSERT_OK_AND_ASSIGN(Json json, ParseJsonObject(sealed));
  // One ciphertext character changed.
  Json tampered = json;
  std::string jwe = tampered["recipients"][0]["jwe"];
  const size_t ciphertext = jwe.find('.', jwe.find('.', jwe.find('.') + 1) + 1) + 2;
  jwe[ciphertext] = jwe[ciphertext] == 'A' ? 'B' : 'A';
  tampered["recipients"][0]["jwe"] = jwe;
  EXPECT_THAT(OpenSealedRecord(DumpJson(tampered), alice_, digest_),
              HasReason(Reason::kDecryptionFailed));
  // Bob's ciphertext under Alice's kid: Alice's key does not open it.
  Json swapped = json;
  swapped["recipients"][0]["jwe"] = json["recipients"][1]["jwe"];
  EXPECT_FALSE(OpenSealedRecord(DumpJson(swapped), alice_, digest_).ok());
  for (const char* bad :
       {"[]", "{}", R"({"recipients":[]})", R"({"recipients":[{"kid":"x"}]})",
        R"({"recipients":[{"kid":1,"jwe":"a"}]})", R"({"recipients":[],"extra":1})", "not json"}) {
    EXPECT_THAT(OpenSealedRecord(bad, alice_, digest_),
                HasReason(Reason::kProvenanceDocumentInvalid))
        << bad;
  }
}

TEST_F(SealedRecordTest, RefusesUnusableAuditorLists) {
  EXPECT_THAT(SealRecord(kEnvelope, {}), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(SealRecord(kEnvelope, {alice_.public_key(), alice_.public_key()}),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(SealRecord(kEnvelope, {Key(crypto::KeyType::kEd25519).public_key()}),
              HasReason(Reason::kKeyInvalid));
  std::vector<crypto::PublicKey> many;
  for (size_t i = 0; i <= kMaxAuditors; ++i)
    many.push_back(Key(crypto::KeyType::kEcP256).public_key());
  EXPECT_THAT(SealRecord(kEnvelope, many), HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi::provenance
