// Known-answer tests of AES key wrap (RFC 3394, RFC 5649), AES-256-GCM (the GCM specification's
// test case 16), ECDH and the Concat KDF (RFC 7518 Appendix C), plus RSA-OAEP-256 round trips,
// and negatives that change one input at a time.
#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/crypto/aes.h"
#include "libs/crypto/ecdh.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/random.h"
#include "libs/crypto/rsa_oaep.h"
#include "testing/status_matchers.h"

namespace twi::crypto {
namespace {

using ::twi::testing::HasReason;

Bytes Hex(std::string_view hex) {
  absl::StatusOr<Bytes> bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.value_or(Bytes());
}

SecretBytes SecretHex(std::string_view hex) { return SecretBytes(Hex(hex)); }

Bytes B64u(std::string_view text) {
  absl::StatusOr<Bytes> bytes = Base64UrlDecode(text);
  EXPECT_TRUE(bytes.ok()) << text;
  return bytes.value_or(Bytes());
}

// Every single-bit change of `wrapped` (one bit of each byte) fails the integrity check.
void ExpectEveryByteChangeRefused(absl::StatusOr<SecretBytes> (*unwrap)(const SecretBytes&,
                                                                        ByteView),
                                  const SecretBytes& kek, const Bytes& wrapped) {
  for (size_t i = 0; i < wrapped.size(); ++i) {
    Bytes changed = wrapped;
    changed[i] ^= 0x01;
    EXPECT_THAT(unwrap(kek, changed), HasReason(Reason::kDecryptionFailed)) << i;
  }
}

// RFC 3394 §4.1: 128 bits of key data with a 128-bit KEK.
TEST(AesKeyWrapTest, Rfc3394Section41) {
  const SecretBytes kek = SecretHex("000102030405060708090a0b0c0d0e0f");
  const SecretBytes key = SecretHex("00112233445566778899aabbccddeeff");
  ASSERT_OK_AND_ASSIGN(const Bytes wrapped, AesKeyWrap(kek, key));
  EXPECT_EQ(HexEncode(wrapped), "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5");
  ASSERT_OK_AND_ASSIGN(const SecretBytes unwrapped, AesKeyUnwrap(kek, wrapped));
  EXPECT_EQ(HexEncode(unwrapped.view()), HexEncode(key.view()));
}

// RFC 3394 §4.6: 256 bits of key data with a 256-bit KEK (JWE's A256KW).
TEST(AesKeyWrapTest, Rfc3394Section46) {
  const SecretBytes kek =
      SecretHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const SecretBytes key =
      SecretHex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
  ASSERT_OK_AND_ASSIGN(const Bytes wrapped, AesKeyWrap(kek, key));
  EXPECT_EQ(HexEncode(wrapped),
            "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21");
  ASSERT_OK_AND_ASSIGN(const SecretBytes unwrapped, AesKeyUnwrap(kek, wrapped));
  EXPECT_EQ(HexEncode(unwrapped.view()), HexEncode(key.view()));
}

TEST(AesKeyWrapTest, UnwrapRefusesEveryChangeWithOneReason) {
  const SecretBytes kek(RandomBytes(32));
  const SecretBytes key(RandomBytes(32));
  ASSERT_OK_AND_ASSIGN(const Bytes wrapped, AesKeyWrap(kek, key));
  ExpectEveryByteChangeRefused(AesKeyUnwrap, kek, wrapped);
  EXPECT_THAT(AesKeyUnwrap(SecretBytes(RandomBytes(32)), wrapped),
              HasReason(Reason::kDecryptionFailed));
  // Lengths that cannot be a wrapped key: not whole blocks, or fewer than three.
  EXPECT_THAT(AesKeyUnwrap(kek, ByteView(wrapped).first(39)), HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesKeyUnwrap(kek, ByteView(wrapped).first(16)), HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesKeyUnwrap(kek, {}), HasReason(Reason::kDecryptionFailed));
  // The same failure, the same words: the message tells nothing about which check failed.
  Bytes changed = wrapped;
  changed[0] ^= 0x80;
  EXPECT_EQ(AesKeyUnwrap(kek, changed).status().message(),
            AesKeyUnwrap(kek, ByteView(wrapped).first(39)).status().message());
}

TEST(AesKeyWrapTest, RefusesBadSizes) {
  const SecretBytes key(RandomBytes(32));
  for (size_t kek_size : {0, 8, 15, 17, 31, 33, 64}) {
    const SecretBytes kek(RandomBytes(kek_size));
    EXPECT_THAT(AesKeyWrap(kek, key), HasReason(Reason::kInvalidArgument)) << kek_size;
    EXPECT_THAT(AesKeyUnwrap(kek, Bytes(40)), HasReason(Reason::kInvalidArgument)) << kek_size;
    EXPECT_THAT(AesKeyWrapPad(kek, key), HasReason(Reason::kInvalidArgument)) << kek_size;
    EXPECT_THAT(AesKeyUnwrapPad(kek, Bytes(40)), HasReason(Reason::kInvalidArgument)) << kek_size;
  }
  const SecretBytes kek(RandomBytes(32));
  // RFC 3394 §2: at least two 64-bit blocks, whole blocks only.
  for (size_t key_size : {0, 8, 15, 20, 33}) {
    EXPECT_THAT(AesKeyWrap(kek, SecretBytes(RandomBytes(key_size))),
                HasReason(Reason::kInvalidArgument))
        << key_size;
  }
  EXPECT_THAT(AesKeyWrapPad(kek, SecretBytes()), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(AesKeyWrapPad(kek, SecretBytes(RandomBytes(kMaxWrappedKeySize + 1))),
              HasReason(Reason::kInvalidArgument));
}

// RFC 5649 §6: the two examples, with a 192-bit KEK.
TEST(AesKeyWrapPadTest, Rfc5649Section6) {
  const SecretBytes kek = SecretHex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
  struct Case {
    std::string_view key;
    std::string_view wrapped;
  };
  const Case cases[] = {
      {"c37b7e6492584340bed12207808941155068f738",
       "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
      {"466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    ASSERT_OK_AND_ASSIGN(const Bytes wrapped, AesKeyWrapPad(kek, SecretHex(c.key)));
    EXPECT_EQ(HexEncode(wrapped), c.wrapped);
    ASSERT_OK_AND_ASSIGN(const SecretBytes unwrapped, AesKeyUnwrapPad(kek, Hex(c.wrapped)));
    EXPECT_EQ(HexEncode(unwrapped.view()), c.key);
  }
}

TEST(AesKeyWrapPadTest, RoundTripsEveryLengthAroundTheBlockSize) {
  const SecretBytes kek(RandomBytes(32));
  for (size_t size = 1; size <= 41; ++size) {
    const SecretBytes key(RandomBytes(size));
    ASSERT_OK_AND_ASSIGN(const Bytes wrapped, AesKeyWrapPad(kek, key));
    EXPECT_EQ(wrapped.size(), (size + 7) / 8 * 8 + 8) << size;
    ASSERT_OK_AND_ASSIGN(const SecretBytes unwrapped, AesKeyUnwrapPad(kek, wrapped));
    EXPECT_EQ(HexEncode(unwrapped.view()), HexEncode(key.view())) << size;
  }
}

TEST(AesKeyWrapPadTest, UnwrapRefusesChangesAndTheOtherScheme) {
  const SecretBytes kek(RandomBytes(32));
  const SecretBytes key(RandomBytes(20));
  ASSERT_OK_AND_ASSIGN(const Bytes wrapped, AesKeyWrapPad(kek, key));
  ExpectEveryByteChangeRefused(AesKeyUnwrapPad, kek, wrapped);
  EXPECT_THAT(AesKeyUnwrapPad(kek, ByteView(wrapped).first(8)),
              HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesKeyUnwrapPad(kek, ByteView(wrapped).first(31)),
              HasReason(Reason::kDecryptionFailed));
  // RFC 5649 §3 uses another initial value than RFC 3394 §2.2.3, so neither unwraps the other
  // scheme's output, even for a key of whole blocks.
  const SecretBytes whole_blocks(RandomBytes(32));
  ASSERT_OK_AND_ASSIGN(const Bytes padded, AesKeyWrapPad(kek, whole_blocks));
  ASSERT_OK_AND_ASSIGN(const Bytes plain, AesKeyWrap(kek, whole_blocks));
  EXPECT_THAT(AesKeyUnwrap(kek, padded), HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesKeyUnwrapPad(kek, plain), HasReason(Reason::kDecryptionFailed));
}

// "The Galois/Counter Mode of Operation (GCM)" (McGrew, Viega), test case 16: AES-256, 96-bit
// IV, 60 bytes of plaintext, 20 bytes of additional data.
constexpr std::string_view kGcmKey =
    "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr std::string_view kGcmIv = "cafebabefacedbaddecaf888";
constexpr std::string_view kGcmAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr std::string_view kGcmPlaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
    "49a6b525b16aedf5aa0de657ba637b39";
constexpr std::string_view kGcmCiphertext =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
    "56828838c5f61e6393ba7a0abcc9f662";
constexpr std::string_view kGcmTag = "76fc6ece0f4e1768cddf8853bb2d551b";

TEST(AesGcmTest, GcmSpecTestCase16) {
  const SecretBytes key = SecretHex(kGcmKey);
  ASSERT_OK_AND_ASSIGN(const AesGcmSealed sealed,
                       AesGcmSeal(key, Hex(kGcmIv), Hex(kGcmAad), Hex(kGcmPlaintext)));
  EXPECT_EQ(HexEncode(sealed.ciphertext), kGcmCiphertext);
  EXPECT_EQ(HexEncode(sealed.tag), kGcmTag);
  ASSERT_OK_AND_ASSIGN(const SecretBytes plaintext, AesGcmOpen(key, Hex(kGcmIv), Hex(kGcmAad),
                                                               Hex(kGcmCiphertext), Hex(kGcmTag)));
  EXPECT_EQ(HexEncode(plaintext.view()), kGcmPlaintext);
}

TEST(AesGcmTest, OpenRefusesEveryChangeWithOneReason) {
  const SecretBytes key = SecretHex(kGcmKey);
  const Bytes iv = Hex(kGcmIv);
  const Bytes aad = Hex(kGcmAad);
  const Bytes ciphertext = Hex(kGcmCiphertext);
  const Bytes tag = Hex(kGcmTag);
  auto flip = [](Bytes b, size_t i) {
    b[i] ^= 0x01;
    return b;
  };
  EXPECT_THAT(AesGcmOpen(SecretBytes(RandomBytes(32)), iv, aad, ciphertext, tag),
              HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesGcmOpen(key, flip(iv, 11), aad, ciphertext, tag),
              HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesGcmOpen(key, iv, flip(aad, 0), ciphertext, tag),
              HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesGcmOpen(key, iv, {}, ciphertext, tag), HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesGcmOpen(key, iv, aad, flip(ciphertext, 30), tag),
              HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesGcmOpen(key, iv, aad, ByteView(ciphertext).first(59), tag),
              HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(AesGcmOpen(key, iv, aad, ciphertext, flip(tag, 15)),
              HasReason(Reason::kDecryptionFailed));
}

TEST(AesGcmTest, EmptyPlaintextAndAadRoundTrip) {
  const SecretBytes key(RandomBytes(32));
  const Bytes iv = RandomBytes(kAesGcmIvSize);
  ASSERT_OK_AND_ASSIGN(const AesGcmSealed sealed, AesGcmSeal(key, iv, {}, {}));
  EXPECT_TRUE(sealed.ciphertext.empty());
  EXPECT_EQ(sealed.tag.size(), kAesGcmTagSize);
  ASSERT_OK_AND_ASSIGN(const SecretBytes plaintext, AesGcmOpen(key, iv, {}, {}, sealed.tag));
  EXPECT_TRUE(plaintext.empty());
  Bytes tag = sealed.tag;
  tag[0] ^= 0x01;
  EXPECT_THAT(AesGcmOpen(key, iv, {}, {}, tag), HasReason(Reason::kDecryptionFailed));
}

TEST(AesGcmTest, RefusesBadSizes) {
  const SecretBytes key(RandomBytes(32));
  const Bytes iv = RandomBytes(kAesGcmIvSize);
  const Bytes tag(kAesGcmTagSize);
  EXPECT_THAT(AesGcmSeal(SecretBytes(RandomBytes(16)), iv, {}, {}),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(AesGcmSeal(key, RandomBytes(16), {}, {}), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(AesGcmSeal(key, RandomBytes(8), {}, {}), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(AesGcmOpen(SecretBytes(RandomBytes(24)), iv, {}, {}, tag),
              HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(AesGcmOpen(key, RandomBytes(16), {}, {}, tag), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(AesGcmOpen(key, iv, {}, {}, ByteView(tag).first(12)),
              HasReason(Reason::kInvalidArgument));
}

// A P-256 private key from its scalar: PKCS#8 (RFC 5208) around an RFC 5915 ECPrivateKey without
// the optional public key, which OpenSSL then computes from the scalar.
absl::StatusOr<PrivateKey> P256FromScalar(ByteView d) {
  Bytes der = Hex("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420");
  der.insert(der.end(), d.begin(), d.end());
  return PrivateKey::FromPkcs8Der(der);
}

// RFC 7518 Appendix C: Alice's ephemeral key and Bob's static key agree on the Z printed there.
TEST(EcdhTest, Rfc7518AppendixCSharedSecret) {
  ASSERT_OK_AND_ASSIGN(const PrivateKey alice,
                       P256FromScalar(B64u("0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo")));
  ASSERT_OK_AND_ASSIGN(PublicKey::EcPoint alice_point, alice.public_key().EcCoordinates());
  EXPECT_EQ(Base64UrlEncode(alice_point.x), "gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0");
  EXPECT_EQ(Base64UrlEncode(alice_point.y), "SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps");
  ASSERT_OK_AND_ASSIGN(const PublicKey bob,
                       PublicKey::FromEcCoordinates(
                           KeyType::kEcP256, B64u("weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ"),
                           B64u("e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck")));
  ASSERT_OK_AND_ASSIGN(const SecretBytes z, EcdhSharedSecret(alice, bob));
  EXPECT_EQ(HexEncode(z.view()),
            "9e56d91d817135d372834283bf84269cfb316ea3da806a48f6daa7798cfe90c4");
}

class EcdhCurveTest : public ::testing::TestWithParam<KeyType> {};

TEST_P(EcdhCurveTest, GeneratedKeysAgreeBothWays) {
  ASSERT_OK_AND_ASSIGN(const PrivateKey a, PrivateKey::Generate(GetParam()));
  ASSERT_OK_AND_ASSIGN(const PrivateKey b, PrivateKey::Generate(GetParam()));
  ASSERT_OK_AND_ASSIGN(const SecretBytes ab, EcdhSharedSecret(a, b.public_key()));
  ASSERT_OK_AND_ASSIGN(const SecretBytes ba, EcdhSharedSecret(b, a.public_key()));
  EXPECT_EQ(ab.size(), EcCoordinateSize(GetParam()));
  EXPECT_TRUE(ConstantTimeEquals(ab.view(), ba.view()));
  ASSERT_OK_AND_ASSIGN(const PrivateKey c, PrivateKey::Generate(GetParam()));
  ASSERT_OK_AND_ASSIGN(const SecretBytes ac, EcdhSharedSecret(a, c.public_key()));
  EXPECT_FALSE(ConstantTimeEquals(ab.view(), ac.view()));
}

INSTANTIATE_TEST_SUITE_P(Curves, EcdhCurveTest,
                         ::testing::Values(KeyType::kEcP256, KeyType::kEcP384));

TEST(EcdhTest, RefusesMixedCurvesAndOtherKeyTypes) {
  ASSERT_OK_AND_ASSIGN(const PrivateKey p256, PrivateKey::Generate(KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(const PrivateKey p384, PrivateKey::Generate(KeyType::kEcP384));
  ASSERT_OK_AND_ASSIGN(const PrivateKey ed25519, PrivateKey::Generate(KeyType::kEd25519));
  EXPECT_THAT(EcdhSharedSecret(p256, p384.public_key()), HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(EcdhSharedSecret(p384, p256.public_key()), HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(EcdhSharedSecret(p256, ed25519.public_key()), HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(EcdhSharedSecret(ed25519, ed25519.public_key()), HasReason(Reason::kKeyInvalid));
}

// RFC 7518 Appendix C: Concat KDF of that Z for "A128GCM" with apu "Alice", apv "Bob" and a
// 128-bit key; OtherInfo as printed there (each field a 32-bit big-endian length, then data).
TEST(ConcatKdfTest, Rfc7518AppendixC) {
  const SecretBytes z =
      SecretHex("9e56d91d817135d372834283bf84269cfb316ea3da806a48f6daa7798cfe90c4");
  const Bytes other_info =
      Hex("00000007"
          "4131323847434d"  // AlgorithmID: length 7, "A128GCM"
          "00000005"
          "416c696365"  // PartyUInfo: length 5, "Alice"
          "00000003"
          "426f62"      // PartyVInfo: length 3, "Bob"
          "00000080");  // SuppPubInfo: keydatalen 128
  ASSERT_OK_AND_ASSIGN(const SecretBytes key, ConcatKdfSha256(z, other_info, 16));
  EXPECT_EQ(Base64UrlEncode(key.view()), "VqqN6vgjbSBcIijNcacQGg");
}

TEST(ConcatKdfTest, LongerOutputsExtendShorterOnes) {
  const SecretBytes z(RandomBytes(48));
  const Bytes other_info = ToBytes("info");
  ASSERT_OK_AND_ASSIGN(const SecretBytes k32, ConcatKdfSha256(z, other_info, 32));
  ASSERT_OK_AND_ASSIGN(const SecretBytes k80, ConcatKdfSha256(z, other_info, 80));
  EXPECT_EQ(HexEncode(k80.view().first(32)), HexEncode(k32.view()));
  ASSERT_OK_AND_ASSIGN(const SecretBytes other, ConcatKdfSha256(z, ToBytes("infO"), 32));
  EXPECT_NE(HexEncode(other.view()), HexEncode(k32.view()));
}

TEST(ConcatKdfTest, RefusesBadSizes) {
  EXPECT_THAT(ConcatKdfSha256(SecretBytes(), {}, 32), HasReason(Reason::kInvalidArgument));
  const SecretBytes z(RandomBytes(32));
  EXPECT_THAT(ConcatKdfSha256(z, {}, 0), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(ConcatKdfSha256(z, {}, kMaxConcatKdfOutputSize + 1),
              HasReason(Reason::kInvalidArgument));
}

TEST(RsaOaepTest, RoundTripAndOneReasonForEveryFailure) {
  ASSERT_OK_AND_ASSIGN(const PrivateKey key, PrivateKey::Generate(KeyType::kRsa));
  const SecretBytes message(RandomBytes(32));
  ASSERT_OK_AND_ASSIGN(const Bytes ciphertext, RsaOaepSha256Encrypt(key.public_key(), message));
  EXPECT_EQ(ciphertext.size(), 256u);
  ASSERT_OK_AND_ASSIGN(const SecretBytes decrypted, RsaOaepSha256Decrypt(key, ciphertext));
  EXPECT_EQ(HexEncode(decrypted.view()), HexEncode(message.view()));
  // OAEP is randomized: the same message never encrypts the same way twice.
  ASSERT_OK_AND_ASSIGN(const Bytes again, RsaOaepSha256Encrypt(key.public_key(), message));
  EXPECT_NE(again, ciphertext);

  Bytes changed = ciphertext;
  changed[100] ^= 0x01;
  const absl::StatusOr<SecretBytes> tampered = RsaOaepSha256Decrypt(key, changed);
  EXPECT_THAT(tampered, HasReason(Reason::kDecryptionFailed));
  ASSERT_OK_AND_ASSIGN(const PrivateKey other, PrivateKey::Generate(KeyType::kRsa));
  const absl::StatusOr<SecretBytes> wrong_key = RsaOaepSha256Decrypt(other, ciphertext);
  EXPECT_THAT(wrong_key, HasReason(Reason::kDecryptionFailed));
  const absl::StatusOr<SecretBytes> short_input =
      RsaOaepSha256Decrypt(key, ByteView(ciphertext).first(255));
  EXPECT_THAT(short_input, HasReason(Reason::kDecryptionFailed));
  EXPECT_THAT(RsaOaepSha256Decrypt(key, Bytes(256, 0xff)), HasReason(Reason::kDecryptionFailed));
  EXPECT_EQ(tampered.status().message(), wrong_key.status().message());
  EXPECT_EQ(tampered.status().message(), short_input.status().message());
}

TEST(RsaOaepTest, RefusesOtherKeysAndLongMessages) {
  ASSERT_OK_AND_ASSIGN(const PrivateKey ec, PrivateKey::Generate(KeyType::kEcP256));
  const SecretBytes message(RandomBytes(32));
  EXPECT_THAT(RsaOaepSha256Encrypt(ec.public_key(), message), HasReason(Reason::kKeyInvalid));
  EXPECT_THAT(RsaOaepSha256Decrypt(ec, Bytes(256)), HasReason(Reason::kKeyInvalid));
  ASSERT_OK_AND_ASSIGN(const PrivateKey rsa, PrivateKey::Generate(KeyType::kRsa));
  // RFC 8017 §7.1.1: at most 256 - 2 * 32 - 2 = 190 bytes for a 2048-bit key.
  EXPECT_OK(RsaOaepSha256Encrypt(rsa.public_key(), SecretBytes(RandomBytes(190))));
  EXPECT_THAT(RsaOaepSha256Encrypt(rsa.public_key(), SecretBytes(RandomBytes(191))),
              HasReason(Reason::kInvalidArgument));
}

}  // namespace
}  // namespace twi::crypto
