#include "libs/tlog/checkpoint.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/tlog/testing/test_keys.h"
#include "testing/status_matchers.h"

namespace twi::tlog {
namespace {

using ::testing::ElementsAre;
using ::twi::testing::HasReason;
using ::twi::testing::IsOk;
using ::twi::tlog::testing::NewEd25519Signer;
using ::twi::tlog::testing::VerifierOf;

Checkpoint TestCheckpoint(std::string origin = "twi.example/log") {
  return Checkpoint{.origin = std::move(origin),
                    .size = 12345,
                    .root = LeafHash(AsBytes("root")),
                    .extensions = {}};
}

const std::string kRoot = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";  // EmptyRoot()

TEST(CheckpointTest, TextRoundTrip) {
  Checkpoint checkpoint = TestCheckpoint();
  EXPECT_EQ(
      CheckpointText(checkpoint),
      absl::StrCat("twi.example/log\n12345\n", Base64Encode(HashBytes(checkpoint.root)), "\n"));
  checkpoint.extensions = {"ext one", "ext two"};
  ASSERT_OK_AND_ASSIGN(Checkpoint parsed, ParseCheckpointText(CheckpointText(checkpoint)));
  EXPECT_EQ(parsed.origin, checkpoint.origin);
  EXPECT_EQ(parsed.size, checkpoint.size);
  EXPECT_EQ(parsed.root, checkpoint.root);
  EXPECT_THAT(parsed.extensions, ElementsAre("ext one", "ext two"));
}

TEST(CheckpointTest, SpecExampleParses) {
  // tlog-checkpoint's example.
  ASSERT_OK_AND_ASSIGN(
      Note note,
      ParseNote(
          "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
          "\n\xE2\x80\x94 example.com/behind-the-sofa "
          "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+"
          "zyWE+xeMcTOAYQ8=\n"));
  ASSERT_OK_AND_ASSIGN(Checkpoint checkpoint, ParseCheckpointText(note.text));
  EXPECT_EQ(checkpoint.origin, "example.com/behind-the-sofa");
  EXPECT_EQ(checkpoint.size, 20852163u);
  EXPECT_TRUE(checkpoint.extensions.empty());
}

TEST(CheckpointTest, SizesAreCanonicalDecimals) {
  EXPECT_THAT(ParseCheckpointText(absl::StrCat("o\n0\n", kRoot, "\n")), IsOk());
  ASSERT_OK_AND_ASSIGN(Checkpoint max,
                       ParseCheckpointText(absl::StrCat("o\n18446744073709551615\n", kRoot, "\n")));
  EXPECT_EQ(max.size, ~uint64_t{0});
  for (const char* size : {"012", "00", "+1", "-1", " 1", "1 ", "1e3", "0x10", "", "١",
                           "18446744073709551616", "99999999999999999999"}) {
    EXPECT_THAT(ParseCheckpointText(absl::StrCat("o\n", size, "\n", kRoot, "\n")),
                HasReason(Reason::kCheckpointMalformed))
        << size;
  }
}

TEST(CheckpointTest, MalformedTexts) {
  const std::string kBad[] = {
      "",
      absl::StrCat("o\n1\n", kRoot),                           // no final newline
      "o\n1\n",                                                // two lines
      absl::StrCat("\n1\n", kRoot, "\n"),                      // empty origin
      absl::StrCat("o\n1\n", kRoot, "\n\n"),                   // empty extension line
      absl::StrCat("o\n1\n", kRoot, "\next\n\n"),              // empty extension line
      "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n",   // unpadded
      "o\n1\n47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=\n",  // base64url
      "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==\n",  // 31 bytes
      "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFVV\n",  // 33 bytes
      "o\n1\n\n",                                              // empty root
  };
  for (const std::string& text : kBad) {
    EXPECT_THAT(ParseCheckpointText(text), HasReason(Reason::kCheckpointMalformed)) << text;
  }
}

TEST(OpenCheckpointTest, SignedCheckpointOpens) {
  const auto signer = NewEd25519Signer();
  const NoteVerifier verifier = VerifierOf(*signer, "twi.example/log");
  Checkpoint checkpoint = TestCheckpoint();
  checkpoint.extensions = {"an extension"};
  ASSERT_OK_AND_ASSIGN(std::string signed_note, SignCheckpoint(checkpoint, *signer));
  ASSERT_OK_AND_ASSIGN(Checkpoint opened, OpenCheckpoint(signed_note, verifier));
  EXPECT_EQ(opened.origin, checkpoint.origin);
  EXPECT_EQ(opened.size, checkpoint.size);
  EXPECT_EQ(opened.root, checkpoint.root);
  EXPECT_EQ(opened.extensions, checkpoint.extensions);
  EXPECT_THAT(OpenCheckpoint(signed_note, verifier, "twi.example/log"), IsOk());
}

TEST(OpenCheckpointTest, OriginMismatch) {
  const auto signer = NewEd25519Signer();
  // Signed by the right key, but for another log.
  ASSERT_OK_AND_ASSIGN(std::string other_log, SignCheckpoint(TestCheckpoint("twi.example/other"),
                                                             *signer, "twi.example/log"));
  EXPECT_THAT(OpenCheckpoint(other_log, VerifierOf(*signer, "twi.example/log")),
              HasReason(Reason::kLogOriginMismatch));
  // The caller names the origin: the key name no longer decides.
  EXPECT_THAT(
      OpenCheckpoint(other_log, VerifierOf(*signer, "twi.example/log"), "twi.example/other"),
      IsOk());
  ASSERT_OK_AND_ASSIGN(std::string own, SignCheckpoint(TestCheckpoint(), *signer));
  EXPECT_THAT(OpenCheckpoint(own, VerifierOf(*signer, "twi.example/log"), "twi.example/logx"),
              HasReason(Reason::kLogOriginMismatch));
}

TEST(OpenCheckpointTest, AnotherKeyIsUntrusted) {
  const auto signer = NewEd25519Signer();
  const auto impostor = NewEd25519Signer();
  ASSERT_OK_AND_ASSIGN(std::string signed_note, SignCheckpoint(TestCheckpoint(), *impostor));
  EXPECT_THAT(OpenCheckpoint(signed_note, VerifierOf(*signer, "twi.example/log")),
              HasReason(Reason::kNoteUntrusted));
}

TEST(OpenCheckpointTest, ParseThenVerifyThenCheck) {
  const auto signer = NewEd25519Signer();
  const auto impostor = NewEd25519Signer();
  const NoteVerifier verifier = VerifierOf(*signer, "twi.example/log");
  EXPECT_THAT(OpenCheckpoint("not a note", verifier), HasReason(Reason::kNoteMalformed));
  // A malformed body is only looked at once the signature verified.
  ASSERT_OK_AND_ASSIGN(NoteSignature by_impostor,
                       SignNote("garbage\n", "twi.example/log", *impostor));
  EXPECT_THAT(
      OpenCheckpoint(EncodeNote({.text = "garbage\n", .signatures = {by_impostor}}), verifier),
      HasReason(Reason::kNoteUntrusted));
  ASSERT_OK_AND_ASSIGN(NoteSignature by_log, SignNote("garbage\n", "twi.example/log", *signer));
  EXPECT_THAT(OpenCheckpoint(EncodeNote({.text = "garbage\n", .signatures = {by_log}}), verifier),
              HasReason(Reason::kCheckpointMalformed));
}

TEST(SignCheckpointTest, RefusesCheckpointsThatWouldNotParseBack) {
  const auto signer = NewEd25519Signer();
  EXPECT_THAT(SignCheckpoint(TestCheckpoint("a\nb"), *signer, "log"),
              HasReason(Reason::kCheckpointMalformed));
  EXPECT_THAT(SignCheckpoint(TestCheckpoint(""), *signer, "log"),
              HasReason(Reason::kCheckpointMalformed));
  Checkpoint with_bad_extension = TestCheckpoint();
  with_bad_extension.extensions = {"one\ntwo"};
  EXPECT_THAT(SignCheckpoint(with_bad_extension, *signer), HasReason(Reason::kCheckpointMalformed));
  with_bad_extension.extensions = {""};
  EXPECT_THAT(SignCheckpoint(with_bad_extension, *signer), HasReason(Reason::kCheckpointMalformed));
  // An origin that cannot be a key name needs an explicit key name.
  EXPECT_THAT(SignCheckpoint(TestCheckpoint("has space"), *signer),
              HasReason(Reason::kNoteMalformed));
  EXPECT_THAT(SignCheckpoint(TestCheckpoint("has space"), *signer, "log"), IsOk());
}

}  // namespace
}  // namespace twi::tlog
