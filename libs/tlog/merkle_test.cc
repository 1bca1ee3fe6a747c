#include "libs/tlog/merkle.h"

#include <chrono>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/bytes.h"
#include "testing/status_matchers.h"

namespace twi::tlog {
namespace {

using ::twi::testing::HasReason;
using ::twi::testing::IsOk;

Hash HashFromHex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.ok());
  auto hash = HashFromBytes(*bytes);
  EXPECT_TRUE(hash.ok());
  return *hash;
}

Hash TestLeaf(uint64_t i) { return LeafHash(AsBytes("leaf " + std::to_string(i))); }

// The naive reference: RFC 9162 §2.1.1 MTH, §2.1.3.1 PATH and §2.1.4.1 PROOF written as the
// recursive definitions over the leaf hashes, plus SUBTREE_PROOF of
// draft-ietf-plants-merkle-tree-certs §4.4.1. Quadratic; only for small trees.
using Leaves = std::span<const Hash>;

Hash Mth(Leaves d) {
  if (d.empty()) return EmptyRoot();
  if (d.size() == 1) return d[0];
  size_t k = 1;
  while (k * 2 < d.size()) k *= 2;
  return NodeHash(Mth(d.subspan(0, k)), Mth(d.subspan(k)));
}

size_t Split(size_t n) {
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::vector<Hash> Path(size_t m, Leaves d) {
  if (d.size() <= 1) return {};
  const size_t k = Split(d.size());
  std::vector<Hash> out;
  if (m < k) {
    out = Path(m, d.subspan(0, k));
    out.push_back(Mth(d.subspan(k)));
  } else {
    out = Path(m - k, d.subspan(k));
    out.push_back(Mth(d.subspan(0, k)));
  }
  return out;
}

std::vector<Hash> Subproof(size_t m, Leaves d, bool b) {
  if (m == d.size()) {
    if (b) return {};
    return {Mth(d)};
  }
  const size_t k = Split(d.size());
  std::vector<Hash> out;
  if (m <= k) {
    out = Subproof(m, d.subspan(0, k), b);
    out.push_back(Mth(d.subspan(k)));
  } else {
    out = Subproof(m - k, d.subspan(k), false);
    out.push_back(Mth(d.subspan(0, k)));
  }
  return out;
}

std::vector<Hash> SubtreeSubproof(size_t start, size_t end, Leaves d, bool b) {
  if (start == 0 && end == d.size()) {
    if (b) return {};
    return {Mth(d)};
  }
  const size_t k = Split(d.size());
  std::vector<Hash> out;
  if (end <= k) {
    out = SubtreeSubproof(start, end, d.subspan(0, k), b);
    out.push_back(Mth(d.subspan(k)));
  } else if (k <= start) {
    out = SubtreeSubproof(start - k, end - k, d.subspan(k), b);
    out.push_back(Mth(d.subspan(0, k)));
  } else {
    out = SubtreeSubproof(0, end - k, d.subspan(k), false);
    out.push_back(Mth(d.subspan(0, k)));
  }
  return out;
}

std::vector<Hash> SubtreeProof(size_t start, size_t end, Leaves d) {
  if (start == end) return {};
  return SubtreeSubproof(start, end, d, true);
}

// Fetches the requested nodes from `tree`, checking each is a complete perfect subtree.
std::vector<Hash> Fetch(const MemoryTree& tree, uint64_t size, const std::vector<NodeId>& ids) {
  std::vector<Hash> hashes;
  for (const NodeId& id : ids) {
    EXPECT_LE((id.index + 1) << id.level, size)
        << "node (" << int{id.level} << ", " << id.index << ") outside size " << size;
    auto hash = tree.Node(id);
    EXPECT_THAT(hash, IsOk());
    hashes.push_back(hash.ok() ? *hash : Hash{});
  }
  return hashes;
}

absl::StatusOr<Hash> TwoPhaseRoot(const MemoryTree& tree, uint64_t size) {
  return RootFromNodes(size, Fetch(tree, size, RootNodes(size)));
}

absl::StatusOr<std::vector<Hash>> TwoPhaseInclusion(const MemoryTree& tree, uint64_t index,
                                                    uint64_t size) {
  TWI_ASSIGN_OR_RETURN(auto ids, InclusionProofNodes(index, size));
  return InclusionProofFromNodes(index, size, Fetch(tree, size, ids));
}

absl::StatusOr<std::vector<Hash>> TwoPhaseConsistency(const MemoryTree& tree, uint64_t size1,
                                                      uint64_t size2) {
  TWI_ASSIGN_OR_RETURN(auto ids, ConsistencyProofNodes(size1, size2));
  return ConsistencyProofFromNodes(size1, size2, Fetch(tree, size2, ids));
}

Hash FlipBit(Hash hash, size_t bit) {
  hash[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return hash;
}

TEST(MerkleHashTest, KnownAnswers) {
  EXPECT_EQ(EmptyRoot(),
            HashFromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  // Leaf "" of the CT test tree; its hash is the root of the 1-leaf tree below.
  EXPECT_EQ(LeafHash(ByteView()),
            HashFromHex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
  // Domain separation: a node is not the leaf hash of the same bytes.
  const Hash a = LeafHash(AsBytes("a"));
  const Hash b = LeafHash(AsBytes("b"));
  Bytes concatenated(a.begin(), a.end());
  concatenated.insert(concatenated.end(), b.begin(), b.end());
  EXPECT_NE(NodeHash(a, b), LeafHash(concatenated));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
}

TEST(MerkleHashTest, HashFromBytesNeedsExactly32Bytes) {
  EXPECT_THAT(HashFromBytes(Bytes(32, 7)), IsOk());
  EXPECT_THAT(HashFromBytes(Bytes(31, 7)), HasReason(Reason::kProofMalformed));
  EXPECT_THAT(HashFromBytes(Bytes(33, 7)), HasReason(Reason::kProofMalformed));
  EXPECT_THAT(HashFromBytes(Bytes()), HasReason(Reason::kProofMalformed));
}

// The eight classic CT test leaves and the roots of their prefixes
// (shared/vectors/merkle/README.md).
TEST(MerkleTreeTest, KnownRootsOfTheCtTestTree) {
  const char* const kLeaves[] = {"",
                                 "00",
                                 "10",
                                 "2021",
                                 "3031",
                                 "40414243",
                                 "5051525354555657",
                                 "606162636465666768696a6b6c6d6e6f"};
  const char* const kRoots[] = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  MemoryTree tree;
  for (const char* leaf : kLeaves) {
    ASSERT_OK_AND_ASSIGN(Bytes entry, HexDecode(leaf));
    tree.Append(LeafHash(entry));
  }
  ASSERT_EQ(tree.size(), 8u);
  EXPECT_EQ(*tree.Root(0), EmptyRoot());
  EXPECT_EQ(*TwoPhaseRoot(tree, 0), EmptyRoot());
  for (uint64_t n = 1; n <= 8; ++n) {
    SCOPED_TRACE(n);
    const Hash want = HashFromHex(kRoots[n - 1]);
    EXPECT_EQ(*tree.Root(n), want);
    ASSERT_OK_AND_ASSIGN(Hash two_phase, TwoPhaseRoot(tree, n));
    EXPECT_EQ(two_phase, want);
  }
  EXPECT_THAT(tree.Root(9), HasReason(Reason::kTreeSizeInvalid));
}

TEST(MerkleNodesTest, RootNodesAreThePerfectSubtreesLeftToRight) {
  EXPECT_TRUE(RootNodes(0).empty());
  EXPECT_EQ(RootNodes(1), (std::vector<NodeId>{{0, 0}}));
  EXPECT_EQ(RootNodes(6), (std::vector<NodeId>{{2, 0}, {1, 2}}));
  EXPECT_EQ(RootNodes(7), (std::vector<NodeId>{{2, 0}, {1, 2}, {0, 6}}));
  EXPECT_EQ(RootNodes(8), (std::vector<NodeId>{{3, 0}}));
  const uint64_t max = ~uint64_t{0};
  const std::vector<NodeId> all = RootNodes(max);
  ASSERT_EQ(all.size(), 64u);
  EXPECT_EQ(all.front(), (NodeId{63, 0}));
  EXPECT_EQ(all.back(), (NodeId{0, max - 1}));
}

TEST(MerkleNodesTest, ProofNodesOfTheRfcExamples) {
  // RFC 9162 §2.1.5: the inclusion proof for d0 in the 7-leaf tree is [b, h, l] = leaf 1,
  // node (1, 1), and the right edge [4, 7), which is nodes (1, 2) and (0, 6) folded.
  ASSERT_OK_AND_ASSIGN(auto inclusion, InclusionProofNodes(0, 7));
  EXPECT_EQ(inclusion, (std::vector<NodeId>{{0, 1}, {1, 1}, {1, 2}, {0, 6}}));
  // Consistency 3 -> 7 is [c, d, g, l]: leaf 2, leaf 3, node (1, 0), then [4, 7) folded.
  ASSERT_OK_AND_ASSIGN(auto consistency, ConsistencyProofNodes(3, 7));
  EXPECT_EQ(consistency, (std::vector<NodeId>{{0, 2}, {0, 3}, {1, 0}, {1, 2}, {0, 6}}));
  // 4 -> 7 is [l]; 6 -> 7 is [i, j, k] = node (1, 2), leaf 6, node (2, 0).
  ASSERT_OK_AND_ASSIGN(auto four, ConsistencyProofNodes(4, 7));
  EXPECT_EQ(four, (std::vector<NodeId>{{1, 2}, {0, 6}}));
  ASSERT_OK_AND_ASSIGN(auto six, ConsistencyProofNodes(6, 7));
  EXPECT_EQ(six, (std::vector<NodeId>{{1, 2}, {0, 6}, {2, 0}}));
  ASSERT_OK_AND_ASSIGN(auto same, ConsistencyProofNodes(5, 5));
  EXPECT_TRUE(same.empty());
}

TEST(MerkleNodesTest, BadSizesAreRefused) {
  EXPECT_THAT(InclusionProofNodes(0, 0), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(InclusionProofNodes(5, 5), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(ConsistencyProofNodes(0, 5), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(ConsistencyProofNodes(6, 5), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(InclusionProofFromNodes(3, 2, {}), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(ConsistencyProofFromNodes(0, 2, {}), HasReason(Reason::kTreeSizeInvalid));
  // Wrong number of fetched hashes.
  const std::vector<Hash> one(1);
  const std::vector<Hash> three(3);
  EXPECT_THAT(RootFromNodes(6, one), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(RootFromNodes(0, one), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(InclusionProofFromNodes(0, 7, three), HasReason(Reason::kInvalidArgument));
  EXPECT_THAT(ConsistencyProofFromNodes(3, 7, three), HasReason(Reason::kInvalidArgument));
}

TEST(MemoryTreeTest, NodesExistOnlyForCompleteSubtrees) {
  MemoryTree tree;
  for (uint64_t i = 0; i < 6; ++i) tree.Append(TestLeaf(i));
  // A tree of 6 leaves has nodes (0, 0..5), (1, 0..2) and (2, 0).
  for (uint64_t i = 0; i < 6; ++i) EXPECT_THAT(tree.Node({0, i}), IsOk());
  for (uint64_t i = 0; i < 3; ++i) EXPECT_THAT(tree.Node({1, i}), IsOk());
  EXPECT_THAT(tree.Node({2, 0}), IsOk());
  EXPECT_THAT(tree.Node({0, 6}), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(tree.Node({1, 3}), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(tree.Node({2, 1}), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(tree.Node({3, 0}), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_EQ(*tree.Node({1, 2}), NodeHash(TestLeaf(4), TestLeaf(5)));
  EXPECT_THAT(tree.InclusionProof(0, 7), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(tree.ConsistencyProof(2, 7), HasReason(Reason::kTreeSizeInvalid));
  EXPECT_THAT(tree.ConsistencyProof(0, 6), HasReason(Reason::kTreeSizeInvalid));
}

// Every (index, size) and (size1, size2) up to 70: the two-phase proofs equal MemoryTree's and
// the naive recursive reference, and they verify.
TEST(MerkleDifferentialTest, AllProofsUpTo70Leaves) {
  constexpr uint64_t kMax = 70;
  std::vector<Hash> leaves;
  MemoryTree tree;
  for (uint64_t i = 0; i < kMax; ++i) {
    leaves.push_back(TestLeaf(i));
    tree.Append(leaves.back());
  }
  int inclusion_cases = 0;
  int consistency_cases = 0;
  for (uint64_t size = 1; size <= kMax; ++size) {
    const Leaves d = Leaves(leaves).subspan(0, size);
    const Hash root = Mth(d);
    ASSERT_EQ(*tree.Root(size), root) << size;
    ASSERT_EQ(*TwoPhaseRoot(tree, size), root) << size;
    for (uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE(::testing::Message() << "inclusion " << index << " in " << size);
      ASSERT_OK_AND_ASSIGN(auto proof, TwoPhaseInclusion(tree, index, size));
      EXPECT_EQ(proof, *tree.InclusionProof(index, size));
      EXPECT_EQ(proof, Path(index, d));
      EXPECT_OK(VerifyInclusion(index, size, leaves[index], proof, root));
      ++inclusion_cases;
    }
    for (uint64_t size1 = 1; size1 <= size; ++size1) {
      SCOPED_TRACE(::testing::Message() << "consistency " << size1 << " -> " << size);
      ASSERT_OK_AND_ASSIGN(auto proof, TwoPhaseConsistency(tree, size1, size));
      EXPECT_EQ(proof, *tree.ConsistencyProof(size1, size));
      EXPECT_EQ(proof, Subproof(size1, d, true));
      EXPECT_OK(VerifyConsistency(size1, size, proof, Mth(d.subspan(0, size1)), root));
      ++consistency_cases;
    }
  }
  EXPECT_EQ(inclusion_cases, 70 * 71 / 2);
  EXPECT_EQ(consistency_cases, 70 * 71 / 2);
}

// Subtree proofs (draft-ietf-plants-merkle-tree-certs §4): every valid subtree of every tree up
// to 40 leaves, against the draft's recursive SUBTREE_PROOF.
TEST(MerkleDifferentialTest, AllSubtreeProofsUpTo40Leaves) {
  constexpr uint64_t kMax = 40;
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < kMax; ++i) leaves.push_back(TestLeaf(i));
  int subtrees = 0;
  for (uint64_t size = 0; size <= kMax; ++size) {
    const Leaves d = Leaves(leaves).subspan(0, size);
    const Hash root = Mth(d);
    for (uint64_t start = 0; start <= size; ++start) {
      for (uint64_t end = start; end <= size; ++end) {
        if (!IsValidSubtree(start, end)) {
          EXPECT_THAT(
              VerifySubtreeConsistency(start, end, size, {}, Mth(d.subspan(start, 0)), root),
              HasReason(Reason::kConsistencyProofInvalid));
          continue;
        }
        SCOPED_TRACE(::testing::Message() << "[" << start << ", " << end << ") of " << size);
        const Leaves sub = d.subspan(start, end - start);
        const Hash subtree_root = Mth(sub);
        const std::vector<Hash> proof = SubtreeProof(start, end, d);
        EXPECT_OK(VerifySubtreeConsistency(start, end, size, proof, subtree_root, root));
        if (!proof.empty()) {
          std::vector<Hash> bad = proof;
          bad.back() = FlipBit(bad.back(), 3);
          EXPECT_THAT(VerifySubtreeConsistency(start, end, size, bad, subtree_root, root),
                      HasReason(Reason::kConsistencyProofInvalid));
        }
        if (start < end) {
          EXPECT_THAT(
              VerifySubtreeConsistency(start, end, size, proof, FlipBit(subtree_root, 0), root),
              HasReason(Reason::kConsistencyProofInvalid));
        }
        for (uint64_t index = start; index < end; ++index) {
          EXPECT_OK(VerifySubtreeInclusion(index, start, end, leaves[index],
                                           Path(index - start, sub), subtree_root));
        }
        ++subtrees;
      }
    }
  }
  EXPECT_GT(subtrees, 500);
}

TEST(MerkleVerifyTest, SubtreeValidity) {
  EXPECT_TRUE(IsValidSubtree(0, 0));
  EXPECT_TRUE(IsValidSubtree(5, 5));
  EXPECT_TRUE(IsValidSubtree(5, 6));
  EXPECT_TRUE(IsValidSubtree(8, 13));
  EXPECT_TRUE(IsValidSubtree(0, ~uint64_t{0}));
  EXPECT_FALSE(IsValidSubtree(4, 9));
  EXPECT_FALSE(IsValidSubtree(2, 1));
  EXPECT_FALSE(IsValidSubtree(1, (uint64_t{1} << 63) + 2));
}

TEST(MerkleVerifyTest, WrongIndexAndSizeFail) {
  MemoryTree tree;
  for (uint64_t i = 0; i < 13; ++i) tree.Append(TestLeaf(i));
  const Hash root = *tree.Root(13);
  const auto proof = *tree.InclusionProof(5, 13);
  EXPECT_OK(VerifyInclusion(5, 13, TestLeaf(5), proof, root));
  EXPECT_THAT(VerifyInclusion(4, 13, TestLeaf(5), proof, root),
              HasReason(Reason::kInclusionProofInvalid));
  // The size only shapes the path: 12 leaves give the same shape as 13 (RFC 9162 binds the size
  // through the signed tree head), 8 leaves do not.
  EXPECT_OK(VerifyInclusion(5, 12, TestLeaf(5), proof, root));
  EXPECT_THAT(VerifyInclusion(5, 8, TestLeaf(5), proof, root),
              HasReason(Reason::kInclusionProofInvalid));
  EXPECT_THAT(VerifyInclusion(13, 13, TestLeaf(5), proof, root),
              HasReason(Reason::kInclusionProofInvalid));
  std::vector<Hash> longer = proof;
  longer.push_back(root);
  EXPECT_THAT(VerifyInclusion(5, 13, TestLeaf(5), longer, root),
              HasReason(Reason::kInclusionProofInvalid));
  EXPECT_THAT(VerifyInclusion(5, 13, TestLeaf(5), std::span(proof).first(proof.size() - 1), root),
              HasReason(Reason::kInclusionProofInvalid));

  const Hash root7 = *tree.Root(7);
  const auto consistency = *tree.ConsistencyProof(7, 13);
  EXPECT_OK(VerifyConsistency(7, 13, consistency, root7, root));
  EXPECT_THAT(VerifyConsistency(6, 13, consistency, root7, root),
              HasReason(Reason::kConsistencyProofInvalid));
  EXPECT_THAT(VerifyConsistency(7, 8, consistency, root7, root),
              HasReason(Reason::kConsistencyProofInvalid));
  EXPECT_THAT(VerifyConsistency(7, 17, consistency, root7, root),
              HasReason(Reason::kConsistencyProofInvalid));
  EXPECT_THAT(VerifyConsistency(7, 13, consistency, root, root7),
              HasReason(Reason::kConsistencyProofInvalid));
  EXPECT_THAT(VerifyConsistency(0, 0, {}, EmptyRoot(), EmptyRoot()),
              HasReason(Reason::kConsistencyProofInvalid));
  EXPECT_OK(VerifyConsistency(13, 13, {}, root, root));
  EXPECT_THAT(VerifyConsistency(13, 13, {}, root, root7),
              HasReason(Reason::kConsistencyProofInvalid));
}

// Random trees up to ~100k leaves (seeded, a few hundred cases): two-phase proofs equal
// MemoryTree's, verify, and fail after any one-bit flip of a proof hash, the leaf or a root.
TEST(MerklePropertyTest, RandomLargeTrees) {
  constexpr uint64_t kLeaves = 100'000;
  constexpr int kCases = 300;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  MemoryTree tree;
  for (uint64_t i = 0; i < kLeaves; ++i) tree.Append(TestLeaf(i));
  std::mt19937_64 rng(20260807);
  auto uniform = [&](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  int cases = 0;
  for (; cases < kCases && std::chrono::steady_clock::now() < deadline; ++cases) {
    const uint64_t size = uniform(1, kLeaves);
    const uint64_t index = uniform(0, size - 1);
    const uint64_t size1 = uniform(1, size);
    SCOPED_TRACE(::testing::Message()
                 << "index " << index << " size1 " << size1 << " size " << size);
    const Hash root = *tree.Root(size);
    const Hash root1 = *tree.Root(size1);
    ASSERT_EQ(*TwoPhaseRoot(tree, size), root);

    ASSERT_OK_AND_ASSIGN(auto inclusion, TwoPhaseInclusion(tree, index, size));
    ASSERT_EQ(inclusion, *tree.InclusionProof(index, size));
    const Hash leaf = TestLeaf(index);
    ASSERT_OK(VerifyInclusion(index, size, leaf, inclusion, root));
    const size_t bit = uniform(0, 255);
    EXPECT_THAT(VerifyInclusion(index, size, FlipBit(leaf, bit), inclusion, root),
                HasReason(Reason::kInclusionProofInvalid));
    EXPECT_THAT(VerifyInclusion(index, size, leaf, inclusion, FlipBit(root, bit)),
                HasReason(Reason::kInclusionProofInvalid));
    if (!inclusion.empty()) {
      auto bad = inclusion;
      const size_t at = uniform(0, bad.size() - 1);
      bad[at] = FlipBit(bad[at], bit);
      EXPECT_THAT(VerifyInclusion(index, size, leaf, bad, root),
                  HasReason(Reason::kInclusionProofInvalid));
    }

    ASSERT_OK_AND_ASSIGN(auto consistency, TwoPhaseConsistency(tree, size1, size));
    ASSERT_EQ(consistency, *tree.ConsistencyProof(size1, size));
    ASSERT_OK(VerifyConsistency(size1, size, consistency, root1, root));
    EXPECT_THAT(VerifyConsistency(size1, size, consistency, FlipBit(root1, bit), root),
                HasReason(Reason::kConsistencyProofInvalid));
    EXPECT_THAT(VerifyConsistency(size1, size, consistency, root1, FlipBit(root, bit)),
                HasReason(Reason::kConsistencyProofInvalid));
    if (!consistency.empty()) {
      auto bad = consistency;
      const size_t at = uniform(0, bad.size() - 1);
      bad[at] = FlipBit(bad[at], bit);
      EXPECT_THAT(VerifyConsistency(size1, size, bad, root1, root),
                  HasReason(Reason::kConsistencyProofInvalid));
    }
  }
  EXPECT_EQ(cases, kCases) << "ran out of time";
}

}  // namespace
}  // namespace twi::tlog
