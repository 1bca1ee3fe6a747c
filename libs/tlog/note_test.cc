#include "libs/tlog/note.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/tlog/testing/spec_example.h"
#include "libs/tlog/testing/test_keys.h"
#include "testing/status_matchers.h"

namespace twi::tlog {
namespace {

using ::twi::testing::HasReason;
using ::twi::testing::IsOk;
using ::twi::tlog::testing::kSpecNote;
using ::twi::tlog::testing::kSpecVkey;
using ::twi::tlog::testing::NewEd25519Signer;
using ::twi::tlog::testing::VerifierOf;

// The signed-note spec example (as digested in shared/reference/provenance-log.md §2).
constexpr char kDash[] = "\xE2\x80\x94 ";

Note SignedNote(std::string text, std::string_view name, const crypto::Signer& signer) {
  auto signature = SignNote(text, name, signer);
  EXPECT_TRUE(signature.ok()) << signature.status();
  return Note{.text = std::move(text), .signatures = {*std::move(signature)}};
}

TEST(NoteTest, SpecExampleVerifies) {
  ASSERT_OK_AND_ASSIGN(NoteVerifier verifier, NoteVerifier::FromVerifierKey(kSpecVkey));
  EXPECT_EQ(verifier.name(), "example.com/foo");
  EXPECT_EQ(verifier.key_id(), 0x530d903au);
  EXPECT_EQ(verifier.VerifierKey(), kSpecVkey);
  ASSERT_OK_AND_ASSIGN(Note note, ParseNote(kSpecNote));
  EXPECT_EQ(note.text, "This is an example message.\n");
  ASSERT_EQ(note.signatures.size(), 1u);
  EXPECT_EQ(note.signatures[0].name, "example.com/foo");
  EXPECT_EQ(note.signatures[0].key_id, 0x530d903au);
  EXPECT_EQ(note.signatures[0].signature.size(), 64u);
  EXPECT_OK(VerifyNote(note, verifier));
  EXPECT_EQ(EncodeNote(note), kSpecNote);
  ASSERT_OK_AND_ASSIGN(Bytes raw, verifier.public_key().Ed25519Raw());
  EXPECT_EQ(NoteKeyId("example.com/foo", kNoteSignatureEd25519, raw), 0x530d903au);

  note.text = "This is an example message!\n";
  EXPECT_THAT(VerifyNote(note, verifier), HasReason(Reason::kNoteUntrusted));
}

TEST(NoteTest, OwnNoteRoundTrips) {
  const auto signer = NewEd25519Signer();
  const NoteVerifier verifier = VerifierOf(*signer, "twi.example/log");
  const Note note =
      SignedNote("line one\n\nline three after an empty line\n", "twi.example/log", *signer);
  const std::string encoded = EncodeNote(note);
  ASSERT_OK_AND_ASSIGN(Note parsed, ParseNote(encoded));
  EXPECT_EQ(parsed.text, note.text);
  ASSERT_EQ(parsed.signatures.size(), 1u);
  EXPECT_EQ(parsed.signatures[0].name, "twi.example/log");
  EXPECT_EQ(parsed.signatures[0].key_id, verifier.key_id());
  EXPECT_EQ(parsed.signatures[0].signature, note.signatures[0].signature);
  EXPECT_OK(VerifyNote(parsed, verifier));

  // The vkey text carries the same key.
  ASSERT_OK_AND_ASSIGN(NoteVerifier from_text,
                       NoteVerifier::FromVerifierKey(verifier.VerifierKey()));
  EXPECT_EQ(from_text.name(), verifier.name());
  EXPECT_EQ(from_text.key_id(), verifier.key_id());
  EXPECT_TRUE(from_text.public_key().Equals(verifier.public_key()));
  EXPECT_OK(VerifyNote(parsed, from_text));
}

TEST(NoteTest, TamperedTextFails) {
  const auto signer = NewEd25519Signer();
  Note note = SignedNote("checkpoint\n", "log", *signer);
  note.text = "checkpoinT\n";
  EXPECT_THAT(VerifyNote(note, VerifierOf(*signer, "log")), HasReason(Reason::kNoteUntrusted));
}

TEST(NoteTest, AnotherKeyWithTheSameNameIsUntrusted) {
  const auto signer = NewEd25519Signer();
  const auto impostor = NewEd25519Signer();
  const Note note = SignedNote("text\n", "log", *impostor);
  EXPECT_THAT(VerifyNote(note, VerifierOf(*signer, "log")), HasReason(Reason::kNoteUntrusted));
  // The same key under another name is another key too.
  EXPECT_THAT(VerifyNote(SignedNote("text\n", "other", *signer), VerifierOf(*signer, "log")),
              HasReason(Reason::kNoteUntrusted));
}

TEST(NoteTest, UnknownSignaturesAreIgnoredKnownOnesMustVerify) {
  const auto signer = NewEd25519Signer();
  const auto witness = NewEd25519Signer();
  const NoteVerifier verifier = VerifierOf(*signer, "log");
  Note note = SignedNote("text\n", "log", *signer);
  // A witness cosignature, a signature of another type under the same name (other id), and the
  // same id under another name: all ignored.
  note.signatures.insert(note.signatures.begin(), *SignNote("text\n", "witness", *witness));
  note.signatures.push_back(
      {.name = "log", .key_id = verifier.key_id() ^ 1, .signature = Bytes(64, 1)});
  note.signatures.push_back({.name = "log2", .key_id = verifier.key_id(), .signature = Bytes(5)});
  ASSERT_OK_AND_ASSIGN(Note parsed, ParseNote(EncodeNote(note)));
  EXPECT_OK(VerifyNote(parsed, verifier));
  // A second signature claiming the known key that does not verify rejects the whole note.
  parsed.signatures.push_back(
      {.name = "log", .key_id = verifier.key_id(), .signature = Bytes(64, 7)});
  EXPECT_THAT(VerifyNote(parsed, verifier), HasReason(Reason::kNoteUntrusted));
  // Only unknown signatures: untrusted.
  EXPECT_THAT(VerifyNote(Note{.text = "text\n", .signatures = {note.signatures[0]}}, verifier),
              HasReason(Reason::kNoteUntrusted));
}

TEST(NoteTest, SixteenAndAHundredSignaturesAreAccepted) {
  const auto signer = NewEd25519Signer();
  const NoteVerifier verifier = VerifierOf(*signer, "log");
  Note note = SignedNote("text\n", "log", *signer);
  while (note.signatures.size() < 16) {
    note.signatures.push_back({.name = absl::StrCat("w", note.signatures.size()),
                               .key_id = 1,
                               .signature = Bytes(64, 2)});
  }
  ASSERT_OK_AND_ASSIGN(Note sixteen, ParseNote(EncodeNote(note)));
  EXPECT_OK(VerifyNote(sixteen, verifier));
  while (note.signatures.size() < kMaxNoteSignatures) note.signatures.push_back(note.signatures[1]);
  EXPECT_THAT(ParseNote(EncodeNote(note)), IsOk());
  note.signatures.push_back(note.signatures[1]);
  EXPECT_THAT(ParseNote(EncodeNote(note)), HasReason(Reason::kNoteMalformed));
}

TEST(NoteTest, MalformedNotes) {
  const std::string sig = "AAAAAQE=";  // key id 1 and one signature byte
  const std::string good = absl::StrCat("text\n\n", kDash, "name ", sig, "\n");
  ASSERT_THAT(ParseNote(good), IsOk());
  const std::string kBad[] = {
      "",
      "text\n",                                                     // no signatures
      absl::StrCat("text\n", kDash, "name ", sig, "\n"),            // missing blank line
      absl::StrCat("text\n\n", kDash, "name ", sig),                // no final newline
      absl::StrCat("text\n\n"),                                     // blank line, no signatures
      absl::StrCat("text\n\n", kDash, "name ", sig, "\n\n"),        // trailing empty line
      absl::StrCat("text\n\n", "- name ", sig, "\n"),               // ASCII dash
      absl::StrCat("text\n\n", "\xE2\x80\x94name ", sig, "\n"),     // no space after the dash
      absl::StrCat("text\n\n", kDash, "name", sig, "\n"),           // no space before the signature
      absl::StrCat("text\n\n", kDash, " ", sig, "\n"),              // empty name
      absl::StrCat("text\n\n", kDash, "na+me ", sig, "\n"),         // plus in the name
      absl::StrCat("text\n\n", kDash, "na\xC2\xA0me ", sig, "\n"),  // NBSP in the name
      absl::StrCat("text\n\n", kDash, "name ", sig, " \n"),         // trailing space
      absl::StrCat("text\n\n", kDash, "name AAAAAQE\n"),            // unpadded base64
      absl::StrCat("text\n\n", kDash, "name AAAAAQ==\n"),           // key id only
      absl::StrCat("text\n\n", kDash, "name !!!!\n"),               // not base64
      absl::StrCat("te\txt\n\n", kDash, "name ", sig, "\n"),        // tab
      absl::StrCat("text\r\n\n", kDash, "name ", sig, "\n"),        // carriage return
      absl::StrCat("te", std::string(1, '\0'), "xt\n\n", kDash, "name ", sig, "\n"),  // NUL
      absl::StrCat("te\xFFxt\n\n", kDash, "name ", sig, "\n"),          // invalid UTF-8
      absl::StrCat("te\xC0\xAFxt\n\n", kDash, "name ", sig, "\n"),      // overlong '/'
      absl::StrCat("te\xED\xA0\x80xt\n\n", kDash, "name ", sig, "\n"),  // surrogate
      absl::StrCat("te\xE2\x80xt\n\n", kDash, "name ", sig, "\n"),      // truncated sequence
      absl::StrCat(std::string(kMaxNoteSize, 'a'), "\n\n", kDash, "name ", sig, "\n"),  // size
  };
  for (const std::string& bad : kBad) {
    EXPECT_THAT(ParseNote(bad), HasReason(Reason::kNoteMalformed)) << bad.substr(0, 60);
  }
  // Unicode beyond ASCII is fine in the text and in names.
  EXPECT_THAT(ParseNote(absl::StrCat("\xC3\xA8 subito sera \xF0\x9F\x8C\x85\n\n", kDash,
                                     "n\xC3\xA8me ", sig, "\n")),
              IsOk());
}

TEST(NoteVerifierTest, MalformedVerifierKeys) {
  const std::string kBad[] = {
      "",
      "example.com/foo",
      "example.com/foo+530d903a",
      "example.com/foo+530d903a+",
      "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",                  // empty name
      "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",   // wrong id
      "example.com/fo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",    // other name
      "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",   // upper case
      "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",    // 7 hex digits
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",    // bad base64
      "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3Q==",   // short key
      "exa mple.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  // space
  };
  for (const std::string& vkey : kBad) {
    EXPECT_THAT(NoteVerifier::FromVerifierKey(vkey), HasReason(Reason::kNoteMalformed)) << vkey;
  }
  // A well-formed key of another signature type (0x02 instead of 0x01).
  EXPECT_THAT(NoteVerifier::FromVerifierKey(
                  "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"),
              HasReason(Reason::kUnsupportedAlgorithm));
}

TEST(NoteSignTest, RefusesOtherAlgorithmsAndBadInput) {
  ASSERT_OK_AND_ASSIGN(auto ec_key, crypto::PrivateKey::Generate(crypto::KeyType::kEcP256));
  ASSERT_OK_AND_ASSIGN(auto ec_signer, crypto::NewSoftwareSigner(
                                           ec_key, crypto::SignatureAlgorithm::kEcdsaP256Sha256));
  EXPECT_THAT(SignNote("text\n", "log", *ec_signer), HasReason(Reason::kUnsupportedAlgorithm));
  EXPECT_THAT(NoteVerifier::FromPublicKey("log", ec_key.public_key()),
              HasReason(Reason::kUnsupportedAlgorithm));
  const auto signer = NewEd25519Signer();
  EXPECT_THAT(SignNote("text", "log", *signer), HasReason(Reason::kNoteMalformed));
  EXPECT_THAT(SignNote("te\rxt\n", "log", *signer), HasReason(Reason::kNoteMalformed));
  EXPECT_THAT(SignNote("text\n", "a log", *signer), HasReason(Reason::kNoteMalformed));
  EXPECT_THAT(SignNote("text\n", "", *signer), HasReason(Reason::kNoteMalformed));
  EXPECT_THAT(NoteVerifier::FromPublicKey("a+b", signer->public_key()),
              HasReason(Reason::kNoteMalformed));
}

}  // namespace
}  // namespace twi::tlog
