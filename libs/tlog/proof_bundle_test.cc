#include "libs/tlog/proof_bundle.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/crypto/keys.h"
#include "libs/crypto/signature.h"
#include "libs/tlog/testing/test_keys.h"
#include "testing/status_matchers.h"

namespace twi::tlog {
namespace {

using ::twi::testing::HasReason;
using ::twi::testing::IsOk;
using ::twi::tlog::testing::NewEd25519Signer;

constexpr char kOrigin[] = "twi.example/log";

Hash EntryLeaf(uint64_t i) { return LeafHash(AsBytes(absl::StrCat("entry ", i))); }

class ProofBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = NewEd25519Signer();
    auto verifier = NoteVerifier::FromPublicKey(kOrigin, signer_->public_key());
    ASSERT_TRUE(verifier.ok());
    verifier_ = std::make_unique<NoteVerifier>(*std::move(verifier));
    for (uint64_t i = 0; i < 40; ++i) tree_.Append(EntryLeaf(i));
  }

  std::string SignedCheckpoint(uint64_t size, const crypto::Signer& signer) {
    auto note = SignCheckpoint(
        {.origin = kOrigin, .size = size, .root = *tree_.Root(size), .extensions = {}}, signer);
    EXPECT_TRUE(note.ok()) << note.status();
    return *note;
  }

  ProofBundle Bundle(uint64_t index, uint64_t size) {
    return ProofBundle{.extra = ToBytes("build 42"),
                       .index = index,
                       .path = *tree_.InclusionProof(index, size),
                       .checkpoint = SignedCheckpoint(size, *signer_)};
  }

  std::unique_ptr<crypto::Signer> signer_;
  std::unique_ptr<NoteVerifier> verifier_;
  MemoryTree tree_;
};

TEST_F(ProofBundleTest, RoundTrip) {
  const ProofBundle bundle = Bundle(7, 20);
  const std::string text = EncodeProofBundle(bundle);
  EXPECT_THAT(text, ::testing::StartsWith("c2sp.org/tlog-proof@v1\nextra YnVpbGQgNDI=\nindex 7\n"));
  ASSERT_OK_AND_ASSIGN(ProofBundle parsed, ParseProofBundle(text));
  EXPECT_EQ(parsed.extra, bundle.extra);
  EXPECT_EQ(parsed.index, 7u);
  EXPECT_EQ(parsed.path, bundle.path);
  EXPECT_EQ(parsed.checkpoint, bundle.checkpoint);
  EXPECT_EQ(EncodeProofBundle(parsed), text);

  // Without extra data, and with an empty path (a one-entry tree).
  ProofBundle bare = Bundle(0, 1);
  bare.extra.reset();
  ASSERT_TRUE(bare.path.empty());
  ASSERT_OK_AND_ASSIGN(ProofBundle parsed_bare, ParseProofBundle(EncodeProofBundle(bare)));
  EXPECT_FALSE(parsed_bare.extra.has_value());
  EXPECT_TRUE(parsed_bare.path.empty());
  EXPECT_OK(VerifyProofBundle(parsed_bare, EntryLeaf(0), *verifier_));
}

TEST_F(ProofBundleTest, Verifies) {
  ASSERT_OK_AND_ASSIGN(ProofBundle parsed, ParseProofBundle(EncodeProofBundle(Bundle(7, 20))));
  ASSERT_OK_AND_ASSIGN(Checkpoint checkpoint, VerifyProofBundle(parsed, EntryLeaf(7), *verifier_));
  EXPECT_EQ(checkpoint.size, 20u);
  EXPECT_EQ(checkpoint.root, *tree_.Root(20));
  EXPECT_THAT(VerifyProofBundle(parsed, EntryLeaf(7), *verifier_, kOrigin), IsOk());
}

TEST_F(ProofBundleTest, TamperedPathWrongIndexWrongLeaf) {
  const ProofBundle bundle = Bundle(7, 20);
  ProofBundle tampered = bundle;
  tampered.path[1][5] ^= 0x10;
  EXPECT_THAT(VerifyProofBundle(tampered, EntryLeaf(7), *verifier_),
              HasReason(Reason::kInclusionProofInvalid));
  ProofBundle wrong_index = bundle;
  wrong_index.index = 6;
  EXPECT_THAT(VerifyProofBundle(wrong_index, EntryLeaf(7), *verifier_),
              HasReason(Reason::kInclusionProofInvalid));
  wrong_index.index = 20;
  EXPECT_THAT(VerifyProofBundle(wrong_index, EntryLeaf(7), *verifier_),
              HasReason(Reason::kInclusionProofInvalid));
  EXPECT_THAT(VerifyProofBundle(bundle, EntryLeaf(8), *verifier_),
              HasReason(Reason::kInclusionProofInvalid));
  ProofBundle shorter = bundle;
  shorter.path.pop_back();
  EXPECT_THAT(VerifyProofBundle(shorter, EntryLeaf(7), *verifier_),
              HasReason(Reason::kInclusionProofInvalid));
}

TEST_F(ProofBundleTest, ProofForAnotherTreeSize) {
  // The path is for the tree of 20 entries; the checkpoint is the (valid) one of 33.
  ProofBundle bundle = Bundle(7, 20);
  bundle.checkpoint = SignedCheckpoint(33, *signer_);
  EXPECT_THAT(VerifyProofBundle(bundle, EntryLeaf(7), *verifier_),
              HasReason(Reason::kInclusionProofInvalid));
  // ... and the checkpoint of 16 (a shorter path shape).
  bundle.checkpoint = SignedCheckpoint(16, *signer_);
  EXPECT_THAT(VerifyProofBundle(bundle, EntryLeaf(7), *verifier_),
              HasReason(Reason::kInclusionProofInvalid));
}

TEST_F(ProofBundleTest, CheckpointOfAnotherKeyOrLog) {
  const auto impostor = NewEd25519Signer();
  ProofBundle bundle = Bundle(7, 20);
  bundle.checkpoint = SignedCheckpoint(20, *impostor);
  EXPECT_THAT(VerifyProofBundle(bundle, EntryLeaf(7), *verifier_),
              HasReason(Reason::kNoteUntrusted));
  bundle = Bundle(7, 20);
  EXPECT_THAT(VerifyProofBundle(bundle, EntryLeaf(7), *verifier_, "twi.example/other"),
              HasReason(Reason::kLogOriginMismatch));
  bundle.checkpoint = "garbage";
  EXPECT_THAT(VerifyProofBundle(bundle, EntryLeaf(7), *verifier_),
              HasReason(Reason::kNoteMalformed));
}

TEST_F(ProofBundleTest, GarbageLines) {
  const std::string checkpoint = SignedCheckpoint(20, *signer_);
  const std::string hash = Base64Encode(HashBytes(EntryLeaf(1)));
  const std::string kBad[] = {
      "",
      absl::StrCat("c2sp.org/tlog-proof@v2\nindex 7\n", hash, "\n\n", checkpoint),
      absl::StrCat("c2sp.org/tlog-proof@v1 \nindex 7\n", hash, "\n\n", checkpoint),
      absl::StrCat("c2sp.org/tlog-proof@v1\nextra !!!!\nindex 7\n", hash, "\n\n", checkpoint),
      absl::StrCat("c2sp.org/tlog-proof@v1\nextra\nindex 7\n", hash, "\n\n", checkpoint),
      absl::StrCat("c2sp.org/tlog-proof@v1\n", hash, "\n\n", checkpoint),            // no index
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex 07\n", hash, "\n\n", checkpoint),  // leading 0
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex -7\n", hash, "\n\n", checkpoint),
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex  7\n", hash, "\n\n", checkpoint),
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex 7\nhello\n\n", checkpoint),  // not base64
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex 7\n", hash.substr(4), "\n\n", checkpoint),
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex 7\n", hash, "\n", checkpoint),  // no blank
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex 7\n", hash, "\n\n"),            // no checkpoint
      absl::StrCat("c2sp.org/tlog-proof@v1\nindex 7"),                            // truncated
      absl::StrCat("c2sp.org/tlog-proof@v1\nextra AAAA\nextra AAAA\nindex 7\n\n", checkpoint),
  };
  for (const std::string& text : kBad) {
    EXPECT_THAT(ParseProofBundle(text), HasReason(Reason::kProofMalformed)) << text.substr(0, 80);
  }
  // 63 path lines are fine, 64 are not; over 1 MiB is refused before anything else.
  std::string lines;
  for (int i = 0; i < 63; ++i) absl::StrAppend(&lines, hash, "\n");
  const std::string prefix = "c2sp.org/tlog-proof@v1\nindex 7\n";
  EXPECT_THAT(ParseProofBundle(absl::StrCat(prefix, lines, "\n", checkpoint)), IsOk());
  EXPECT_THAT(ParseProofBundle(absl::StrCat(prefix, lines, hash, "\n\n", checkpoint)),
              HasReason(Reason::kProofMalformed));
  EXPECT_THAT(ParseProofBundle(
                  absl::StrCat(prefix, "\n", checkpoint, std::string(kMaxProofBundleSize, 'x'))),
              HasReason(Reason::kProofMalformed));
}

TEST(ProofBundleSpecTest, SpecExampleParses) {
  // The tlog-proof example; its signature lines are elided with "[...]", so the checkpoint only
  // fails once it is opened.
  const std::string example =
      "c2sp.org/tlog-proof@v1\n"
      "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
      "index 73894\n"
      "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
      "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
      "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
      "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
      "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
      "\n"
      "example.com/fancylog\n"
      "109482\n"
      "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
      "\n"
      "\xE2\x80\x94 example.com/fancylog hI2DJw[...]1roloI=\n";
  ASSERT_OK_AND_ASSIGN(ProofBundle bundle, ParseProofBundle(example));
  EXPECT_TRUE(bundle.extra.has_value());
  EXPECT_EQ(bundle.index, 73894u);
  EXPECT_EQ(bundle.path.size(), 5u);
  EXPECT_EQ(bundle.checkpoint.substr(0, 21), "example.com/fancylog\n");
  EXPECT_EQ(EncodeProofBundle(bundle), example);
  const auto signer = NewEd25519Signer();
  ASSERT_OK_AND_ASSIGN(NoteVerifier verifier,
                       NoteVerifier::FromPublicKey("example.com/fancylog", signer->public_key()));
  EXPECT_THAT(VerifyProofBundle(bundle, EmptyRoot(), verifier), HasReason(Reason::kNoteMalformed));
}

}  // namespace
}  // namespace twi::tlog
