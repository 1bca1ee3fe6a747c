// JWE: round trips per recipient key type, the RFC 7518 Appendix C key derivation, a JWE
// assembled step by step from RFC 7516 §5.1, and negatives that change one thing at a time.
// Interop with jwcrypto is in jose_interop_test.cc.
#include "libs/jose/jwe.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/crypto/aes.h"
#include "libs/crypto/ecdh.h"
#include "libs/crypto/random.h"
#include "libs/jose/jwk.h"
#include "testing/status_matchers.h"

namespace twi::jose {
namespace {

using crypto::KeyType;
using crypto::PrivateKey;
using ::twi::testing::HasReason;

constexpr std::string_view kPlaintext = "{\"secret\":\"caf\xc3\xa9\",\"n\":42}";
constexpr size_t kHeader = 0, kEncryptedKey = 1, kIv = 2, kCiphertext = 3, kTag = 4;

// Keys made once per process and type (RSA key generation takes a good part of a second).
const PrivateKey& TestKey(KeyType type, int index = 0) {
  static auto* keys = new std::map<std::pair<KeyType, int>, PrivateKey>();
  auto it = keys->find({type, index});
  if (it == keys->end()) {
    absl::StatusOr<PrivateKey> key = PrivateKey::Generate(type);
    if (!key.ok()) abort();
    it = keys->emplace(std::make_pair(type, index), *std::move(key)).first;
  }
  return it->second;
}

std::vector<std::string> Parts(std::string_view compact) {
  std::vector<std::string> parts(1);
  for (char c : compact) {
    if (c == '.') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

// `compact` with part `index` replaced by `edit` of it.
std::string ChangePart(std::string_view compact, size_t index,
                       const std::function<void(std::string&)>& edit) {
  std::vector<std::string> parts = Parts(compact);
  edit(parts.at(index));
  return absl::StrJoin(parts, ".");
}

// One base64url character in the middle of a part changed: still canonical base64url (the
// last character, which may carry unused bits, is left alone), one to six bits different.
std::string FlipCharacter(std::string_view compact, size_t index) {
  return ChangePart(compact, index, [](std::string& part) {
    char& c = part[part.size() / 2];
    c = c == 'A' ? 'B' : 'A';
  });
}

Json DecodeHeader(std::string_view compact) {
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(Parts(compact).at(kHeader));
  EXPECT_TRUE(bytes.ok());
  return Json::parse(AsString(bytes.value_or(Bytes())));
}

// `compact` with its header decoded, edited and encoded again (so the AAD changes too).
std::string EditHeader(std::string_view compact, const std::function<void(Json&)>& edit) {
  Json header = DecodeHeader(compact);
  edit(header);
  return ChangePart(compact, kHeader, [&header](std::string& part) {
    part = Base64UrlEncode(AsBytes(DumpJson(header)));
  });
}

std::string MustEncrypt(KeyType type, const JweHeaderFields& fields = {}) {
  absl::StatusOr<std::string> jwe =
      JweEncrypt(AsBytes(kPlaintext), TestKey(type).public_key(), fields);
  EXPECT_OK(jwe);
  return jwe.value_or("");
}

class JweKeyTest : public ::testing::TestWithParam<KeyType> {
 protected:
  KeyType type() const { return GetParam(); }
  bool is_ec() const { return type() != KeyType::kRsa; }
  const PrivateKey& key() const { return TestKey(type()); }
};

TEST_P(JweKeyTest, RoundTrip) {
  const JweHeaderFields fields{.kid = "recipient-1", .cty = "JWT", .typ = "JOSE"};
  const std::string jwe = MustEncrypt(type(), fields);
  EXPECT_EQ(Parts(jwe).size(), 5u);
  ASSERT_OK_AND_ASSIGN(const JweDecrypted out, JweDecrypt(jwe, key()));
  EXPECT_EQ(out.plaintext.as_string(), kPlaintext);
  EXPECT_EQ(out.alg, is_ec() ? JweAlgorithm::kEcdhEsA256Kw : JweAlgorithm::kRsaOaep256);
  EXPECT_EQ(out.fields.kid, "recipient-1");
  EXPECT_EQ(out.fields.cty, "JWT");
  EXPECT_EQ(out.fields.typ, "JOSE");
  const Json& header = out.protected_header;
  EXPECT_EQ(header["alg"], JweAlgorithmName(out.alg));
  EXPECT_EQ(header["enc"], "A256GCM");
  EXPECT_FALSE(header.contains("zip"));
  if (is_ec()) {
    // RFC 7518 §4.6.1.1: the ephemeral public key, public members only, on the recipient's
    // curve; and a fresh one for each message.
    const Json& epk = header.at("epk");
    EXPECT_EQ(epk["kty"], "EC");
    EXPECT_EQ(epk["crv"], type() == KeyType::kEcP256 ? "P-256" : "P-384");
    EXPECT_FALSE(epk.contains("d"));
    EXPECT_NE(DecodeHeader(MustEncrypt(type()))["epk"], epk);
    EXPECT_EQ(Base64UrlDecode(Parts(jwe)[kEncryptedKey])->size(), 40u);  // RFC 3394 of 32 bytes
  } else {
    EXPECT_FALSE(header.contains("epk"));
    EXPECT_EQ(Base64UrlDecode(Parts(jwe)[kEncryptedKey])->size(), 256u);  // the modulus size
  }
  EXPECT_EQ(Base64UrlDecode(Parts(jwe)[kIv])->size(), 12u);
  EXPECT_EQ(Base64UrlDecode(Parts(jwe)[kTag])->size(), 16u);
  // Fresh CEK and IV each time: the same plaintext never encrypts the same way.
  const std::string again = MustEncrypt(type(), fields);
  EXPECT_NE(Parts(again)[kIv], Parts(jwe)[kIv]);
  EXPECT_NE(Parts(again)[kCiphertext], Parts(jwe)[kCiphertext]);
}

TEST_P(JweKeyTest, EmptyAndSecretPlaintexts) {
  ASSERT_OK_AND_ASSIGN(const std::string empty, JweEncrypt(ByteView(), key().public_key()));
  EXPECT_EQ(Parts(empty)[kCiphertext], "");
  ASSERT_OK_AND_ASSIGN(const JweDecrypted out, JweDecrypt(empty, key()));
  EXPECT_TRUE(out.plaintext.empty());
  EXPECT_FALSE(out.protected_header.contains("kid"));

  const SecretBytes secret(crypto::RandomBytes(1000));
  ASSERT_OK_AND_ASSIGN(const std::string jwe, JweEncrypt(secret, key().public_key()));
  ASSERT_OK_AND_ASSIGN(const JweDecrypted back, JweDecrypt(jwe, key()));
  EXPECT_EQ(HexEncode(back.plaintext.view()), HexEncode(secret.view()));
}

// Each of the five parts changed on its own: a changed header fails the tag (it is the AAD),
// every other change fails key unwrapping or the tag, all with one reason and one message.
TEST_P(JweKeyTest, EveryChangedPartFailsTheSameWay) {
  const std::string jwe =
      MustEncrypt(type(), {.kid = "k", .cty = std::nullopt, .typ = std::nullopt});
  std::vector<std::string> changed = {
      EditHeader(jwe, [](Json& h) { h["kid"] = "K"; }),
      // The same header, spelled with different whitespace: the AAD is the text as received.
      ChangePart(jwe, kHeader,
                 [&jwe](std::string& part) {
                   part = Base64UrlEncode(AsBytes(DecodeHeader(jwe).dump(1)));
                 }),
  };
  for (size_t part : {kEncryptedKey, kIv, kCiphertext, kTag}) {
    changed.push_back(FlipCharacter(jwe, part));
  }
  for (const std::string& c : changed) {
    SCOPED_TRACE(c);
    ASSERT_NE(c, jwe);
    const absl::StatusOr<JweDecrypted> out = JweDecrypt(c, key());
    EXPECT_THAT(out, HasReason(Reason::kDecryptionFailed));
    EXPECT_EQ(out.status().message(), "JWE: decryption failed");
  }
}

TEST_P(JweKeyTest, WrongRecipientKeyFailsDecryption) {
  const std::string jwe = MustEncrypt(type());
  const absl::StatusOr<JweDecrypted> out = JweDecrypt(jwe, TestKey(type(), /*index=*/1));
  EXPECT_THAT(out, HasReason(Reason::kDecryptionFailed));
  EXPECT_EQ(out.status().message(), "JWE: decryption failed");
}

TEST_P(JweKeyTest, RefusesOtherAlgorithmsAndFeatures) {
  const std::string jwe = MustEncrypt(type());
  for (const char* alg : {"dir", "ECDH-ES", "RSA1_5", "RSA-OAEP", "A128KW", "A256KW",
                          "ECDH-ES+A128KW", "PBES2-HS512+A256KW", "none", "rsa-oaep-256"}) {
    EXPECT_THAT(JweDecrypt(EditHeader(jwe, [alg](Json& h) { h["alg"] = alg; }), key()),
                HasReason(Reason::kJoseAlgorithmNotAllowed))
        << alg;
  }
  for (const char* enc : {"A128GCM", "A192GCM", "A256CBC-HS512", "A128CBC-HS256", "a256gcm"}) {
    EXPECT_THAT(JweDecrypt(EditHeader(jwe, [enc](Json& h) { h["enc"] = enc; }), key()),
                HasReason(Reason::kJoseAlgorithmNotAllowed))
        << enc;
  }
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h["zip"] = "DEF"; }), key()),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe,
                                    [](Json& h) {
                                      h["crit"] = Json::array({"exp"});
                                      h["exp"] = 1;
                                    }),
                         key()),
              HasReason(Reason::kJoseAlgorithmNotAllowed));
}

TEST_P(JweKeyTest, RefusesMalformedHeaders) {
  const std::string jwe = MustEncrypt(type());
  const std::function<void(Json&)> edits[] = {
      [](Json& h) { h.erase("alg"); },
      [](Json& h) { h.erase("enc"); },
      [](Json& h) { h["alg"] = 1; },
      [](Json& h) { h["enc"] = Json::array({"A256GCM"}); },
      [](Json& h) { h["kid"] = 7; },
      [](Json& h) { h["cty"] = nullptr; },
      [](Json& h) { h["typ"] = Json::object(); },
      [](Json& h) { h = Json::array({h}); },
  };
  for (const auto& edit : edits) {
    const std::string changed = EditHeader(jwe, edit);
    EXPECT_THAT(JweDecrypt(changed, key()), HasReason(Reason::kJoseMalformed))
        << DecodeHeader(changed);
  }
  // RFC 7515 §4 (by RFC 7516 §4): a repeated member name is refused, not resolved.
  const Json header = DecodeHeader(jwe);
  std::string text = DumpJson(header);
  text.insert(1, "\"alg\":\"dir\",");
  const std::string duplicate = ChangePart(
      jwe, kHeader, [&text](std::string& part) { part = Base64UrlEncode(AsBytes(text)); });
  EXPECT_THAT(JweDecrypt(duplicate, key()), HasReason(Reason::kJoseMalformed));
  const std::string not_json = ChangePart(
      jwe, kHeader, [](std::string& part) { part = Base64UrlEncode(AsBytes("{\"alg\":")); });
  EXPECT_THAT(JweDecrypt(not_json, key()), HasReason(Reason::kJoseMalformed));
}

TEST_P(JweKeyTest, RefusesBadStructureAndEncoding) {
  const std::string jwe = MustEncrypt(type());
  const std::vector<std::string> parts = Parts(jwe);
  const std::vector<std::string> bad = {
      absl::StrJoin(std::vector<std::string>(parts.begin(), parts.begin() + 4), "."),  // 4 parts
      jwe + ".",                                                                       // 6 parts
      jwe + "." + parts[kTag],
      "",
      "....",
      ChangePart(jwe, kHeader, [](std::string& part) { part.clear(); }),
      ChangePart(jwe, kIv, [](std::string& part) { part += "=="; }),  // padding
      ChangePart(jwe, kTag, [](std::string& part) { part.insert(3, " "); }),
      ChangePart(jwe, kEncryptedKey, [](std::string& part) { part[4] = '+'; }),  // base64, not url
      ChangePart(jwe, kIv, [](std::string& part) { part += "A"; }),  // no whole number of bytes
      // 16 bytes in 22 characters leave 4 unused bits, which must be zero ('B' sets one).
      ChangePart(jwe, kTag, [](std::string& part) { part.back() = 'B'; }),
      // RFC 7518 §5.3: a 96-bit IV and a 128-bit tag, nothing else.
      ChangePart(jwe, kIv,
                 [](std::string& part) { part = Base64UrlEncode(crypto::RandomBytes(16)); }),
      ChangePart(jwe, kTag,
                 [](std::string& part) { part = Base64UrlEncode(crypto::RandomBytes(12)); }),
      ChangePart(jwe, kTag, [](std::string& part) { part.clear(); }),
  };
  for (const std::string& b : bad) {
    EXPECT_THAT(JweDecrypt(b, key()), HasReason(Reason::kJoseMalformed)) << b;
  }
}

TEST_P(JweKeyTest, AlgorithmMustFitTheKeyType) {
  const std::string jwe = MustEncrypt(type());
  // RSA <-> EC, and P-256 <-> P-384 (the "epk" is on the sender's curve, not the recipient's).
  for (KeyType other : {KeyType::kEcP256, KeyType::kEcP384, KeyType::kRsa, KeyType::kEd25519}) {
    if (other == type()) continue;
    EXPECT_THAT(JweDecrypt(jwe, TestKey(other)), HasReason(Reason::kKeyInvalid))
        << crypto::KeyTypeName(other);
  }
  const std::string other_alg =
      EditHeader(jwe, [this](Json& h) { h["alg"] = is_ec() ? "RSA-OAEP-256" : "ECDH-ES+A256KW"; });
  EXPECT_THAT(JweDecrypt(other_alg, key()), HasReason(Reason::kKeyInvalid));
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, JweKeyTest,
                         ::testing::Values(KeyType::kEcP256, KeyType::kEcP384, KeyType::kRsa),
                         [](const ::testing::TestParamInfo<KeyType>& info) {
                           switch (info.param) {
                             case KeyType::kEcP256:
                               return std::string("P256");
                             case KeyType::kEcP384:
                               return std::string("P384");
                             default:
                               return std::string("Rsa2048");
                           }
                         });

TEST(JweEpkTest, RefusesBadEphemeralKeys) {
  const std::string jwe = MustEncrypt(KeyType::kEcP256);
  const PrivateKey& key = TestKey(KeyType::kEcP256);
  const Json p384 = Jwk::FromPublicKey(TestKey(KeyType::kEcP384).public_key()).ToJson();
  const Json rsa = Jwk::FromPublicKey(TestKey(KeyType::kRsa).public_key()).ToJson();
  Json off_curve = DecodeHeader(jwe)["epk"];
  Bytes y = *Base64UrlDecode(off_curve["y"].get<std::string>());
  y.back() ^= 0x01;
  off_curve["y"] = Base64UrlEncode(y);

  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [&](Json& h) { h["epk"] = p384; }), key),
              HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [&](Json& h) { h["epk"] = rsa; }), key),
              HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [&](Json& h) { h["epk"] = off_curve; }), key),
              HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h["epk"]["crv"] = "P-521"; }), key),
              HasReason(Reason::kKeyInvalid));

  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h.erase("epk"); }), key),
              HasReason(Reason::kJoseMalformed));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h["epk"] = "key"; }), key),
              HasReason(Reason::kJoseMalformed));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h["epk"].erase("y"); }), key),
              HasReason(Reason::kJoseMalformed));
  // A private member in "epk" means the sender published its ephemeral secret.
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h["epk"]["d"] = "AAAA"; }), key),
              HasReason(Reason::kJoseMalformed));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h["apu"] = "not base64url!"; }), key),
              HasReason(Reason::kJoseMalformed));
  EXPECT_THAT(JweDecrypt(EditHeader(jwe, [](Json& h) { h["apv"] = 5; }), key),
              HasReason(Reason::kJoseMalformed));
}

TEST(JweSizeTest, RefusesOversizedInputAndOutput) {
  const PrivateKey& key = TestKey(KeyType::kEcP256);
  EXPECT_THAT(JweDecrypt(std::string(kMaxCompactJweSize + 1, 'A'), key),
              HasReason(Reason::kJoseMalformed));
  // A JWE just over the limit, otherwise well formed.
  const std::string jwe = MustEncrypt(KeyType::kEcP256);
  const std::string padded = ChangePart(jwe, kCiphertext, [&jwe](std::string& part) {
    part = std::string(kMaxCompactJweSize - jwe.size() + part.size() + 1, 'A');
  });
  ASSERT_EQ(padded.size(), kMaxCompactJweSize + 1);
  EXPECT_THAT(JweDecrypt(padded, key), HasReason(Reason::kJoseMalformed));

  const Bytes large(kMaxCompactJweSize / 4 * 3, 0x61);
  EXPECT_THAT(JweEncrypt(large, key.public_key()), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(JweEncrypt(Bytes(kMaxCompactJweSize, 0x61), key.public_key()),
              HasReason(Reason::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(const std::string big,
                       JweEncrypt(Bytes(kMaxCompactJweSize / 2, 0x61), key.public_key()));
  ASSERT_OK_AND_ASSIGN(const JweDecrypted out, JweDecrypt(big, key));
  EXPECT_EQ(out.plaintext.size(), kMaxCompactJweSize / 2);
}

TEST(JweEncryptTest, RefusesKeysWithoutAJweAlgorithm) {
  EXPECT_THAT(JweEncrypt(AsBytes(kPlaintext), TestKey(KeyType::kEd25519).public_key()),
              HasReason(Reason::kKeyInvalid));
}

// RFC 7518 Appendix C: OtherInfo and derived key for "A128GCM", apu "Alice", apv "Bob".
TEST(JweKdfTest, Rfc7518AppendixC) {
  const Bytes other_info =
      internal::ConcatKdfOtherInfo("A128GCM", AsBytes("Alice"), AsBytes("Bob"), 128);
  EXPECT_EQ(HexEncode(other_info),
            "000000074131323847434d00000005416c69636500000003426f6200000080");
  const SecretBytes z(
      *HexDecode("9e56d91d817135d372834283bf84269cfb316ea3da806a48f6daa7798cfe90c4"));
  ASSERT_OK_AND_ASSIGN(const SecretBytes key, crypto::ConcatKdfSha256(z, other_info, 16));
  EXPECT_EQ(Base64UrlEncode(key.view()), "VqqN6vgjbSBcIijNcacQGg");
}

// An ECDH-ES+A256KW JWE built by hand from RFC 7516 §5.1 and RFC 7518 §4.6 with "apu" and
// "apv" set, which JweEncrypt never sets: decrypting it shows both reach the KDF.
std::string AssembleEcdhJwe(const crypto::PublicKey& recipient, ByteView apu, ByteView apv,
                            ByteView kdf_apu, ByteView plaintext) {
  absl::StatusOr<PrivateKey> ephemeral = PrivateKey::Generate(recipient.type());
  EXPECT_OK(ephemeral);
  const Json header = {{"alg", "ECDH-ES+A256KW"},
                       {"enc", "A256GCM"},
                       {"apu", Base64UrlEncode(apu)},
                       {"apv", Base64UrlEncode(apv)},
                       {"epk", Jwk::FromPublicKey(ephemeral->public_key()).ToJson()}};
  absl::StatusOr<SecretBytes> z = crypto::EcdhSharedSecret(*ephemeral, recipient);
  EXPECT_OK(z);
  absl::StatusOr<SecretBytes> kek = crypto::ConcatKdfSha256(
      *z, internal::ConcatKdfOtherInfo("ECDH-ES+A256KW", kdf_apu, apv, 256), 32);
  EXPECT_OK(kek);
  const SecretBytes cek(crypto::RandomBytes(32));
  absl::StatusOr<Bytes> wrapped = crypto::AesKeyWrap(*kek, cek);
  EXPECT_OK(wrapped);
  const std::string encoded_header = Base64UrlEncode(AsBytes(DumpJson(header)));
  const Bytes iv = crypto::RandomBytes(12);
  absl::StatusOr<crypto::AesGcmSealed> sealed =
      crypto::AesGcmSeal(cek, iv, AsBytes(encoded_header), plaintext);
  EXPECT_OK(sealed);
  return absl::StrJoin({encoded_header, Base64UrlEncode(*wrapped), Base64UrlEncode(iv),
                        Base64UrlEncode(sealed->ciphertext), Base64UrlEncode(sealed->tag)},
                       ".");
}

TEST(JweAssembledTest, PartyInfoReachesTheKdf) {
  const PrivateKey& key = TestKey(KeyType::kEcP384);
  const std::string good = AssembleEcdhJwe(key.public_key(), AsBytes("Alice"), AsBytes("Bob"),
                                           AsBytes("Alice"), AsBytes(kPlaintext));
  ASSERT_OK_AND_ASSIGN(const JweDecrypted out, JweDecrypt(good, key));
  EXPECT_EQ(out.plaintext.as_string(), kPlaintext);
  // The KEK derived with another apu than the header's: the unwrap fails.
  const std::string bad = AssembleEcdhJwe(key.public_key(), AsBytes("Alice"), AsBytes("Bob"),
                                          AsBytes("Mallory"), AsBytes(kPlaintext));
  EXPECT_THAT(JweDecrypt(bad, key), HasReason(Reason::kDecryptionFailed));
}

}  // namespace
}  // namespace twi::jose
