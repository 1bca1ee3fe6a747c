#include "libs/tlog/merkle.h"

#include <algorithm>
#include <bit>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"

namespace twi::tlog {
namespace {

// RFC 9162 §2.1.1: domain separation between leaves and interior nodes, so that a leaf can never
// be passed off as an interior node (second-preimage attack).
constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

Hash ToHash(const Bytes& digest) {
  Hash hash;
  std::copy_n(digest.begin(), kHashSize, hash.begin());
  return hash;
}

// k of RFC 9162 §2.1.1: the largest power of two strictly below n, for n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// The perfect pieces of [begin, end), largest first. `begin` is a multiple of
// BIT_CEIL(end - begin), as for every range the RFC recursions visit, so each piece is a node.
void AppendRangeNodes(uint64_t begin, uint64_t end, std::vector<NodeId>& out) {
  uint64_t offset = begin;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if (((end - begin) & width) == 0) continue;
    out.push_back(NodeId{.level = static_cast<uint8_t>(level), .index = offset >> level});
    offset += width;
  }
}

// A proof in the RFC's order: one entry per proof hash, each the nodes whose fold is that hash.
using Plan = std::vector<std::vector<NodeId>>;

// PATH(index, D[size]) of RFC 9162 §2.1.3.1, walked from the root down (the RFC lists the
// deepest sibling first, hence the reversal).
Plan InclusionPlan(uint64_t index, uint64_t size) {
  Plan plan;
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    std::vector<NodeId> sibling;
    if (index < begin + k) {
      AppendRangeNodes(begin + k, end, sibling);
      end = begin + k;
    } else {
      AppendRangeNodes(begin, begin + k, sibling);
      begin += k;
    }
    plan.push_back(std::move(sibling));
  }
  std::reverse(plan.begin(), plan.end());
  return plan;
}

// PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true) of RFC 9162 §2.1.4.1, walked from
// the root down. 0 < size1 <= size2.
Plan ConsistencyPlan(uint64_t size1, uint64_t size2) {
  Plan plan;
  uint64_t begin = 0;
  uint64_t end = size2;
  uint64_t m = size1;  // leaves of the old tree inside [begin, end)
  bool known = true;   // the RFC's b: [begin, begin + m) is the old tree itself
  while (m != end - begin) {
    const uint64_t k = SplitPoint(end - begin);
    std::vector<NodeId> element;
    if (m <= k) {
      AppendRangeNodes(begin + k, end, element);
      end = begin + k;
    } else {
      AppendRangeNodes(begin, begin + k, element);
      begin += k;
      m -= k;
      known = false;
    }
    plan.push_back(std::move(element));
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}. Reached only after a left turn, so perfect.
  if (!known) {
    std::vector<NodeId> element;
    AppendRangeNodes(begin, end, element);
    plan.push_back(std::move(element));
  }
  std::reverse(plan.begin(), plan.end());
  return plan;
}

std::vector<NodeId> Flatten(const Plan& plan) {
  std::vector<NodeId> nodes;
  for (const auto& element : plan) nodes.insert(nodes.end(), element.begin(), element.end());
  return nodes;
}

// Folds each element's node hashes into one: MTH of a right-edge range is
// NodeHash(largest piece, MTH(rest)).
absl::StatusOr<std::vector<Hash>> Assemble(const Plan& plan, std::span<const Hash> hashes) {
  size_t needed = 0;
  for (const auto& element : plan) needed += element.size();
  if (hashes.size() != needed) {
    return Error(Reason::kInvalidArgument,
                 absl::StrCat("expected ", needed, " node hashes, got ", hashes.size()));
  }
  std::vector<Hash> proof;
  proof.reserve(plan.size());
  size_t pos = 0;
  for (const auto& element : plan) {
    Hash acc = hashes[pos + element.size() - 1];
    for (size_t j = element.size() - 1; j-- > 0;) acc = NodeHash(hashes[pos + j], acc);
    proof.push_back(acc);
    pos += element.size();
  }
  return proof;
}

absl::Status CheckInclusionSizes(uint64_t index, uint64_t size) {
  if (index >= size) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("leaf index ", index, " is not below tree size ", size));
  }
  return absl::OkStatus();
}

absl::Status CheckConsistencySizes(uint64_t size1, uint64_t size2) {
  if (size1 == 0) {
    return Error(Reason::kTreeSizeInvalid, "consistency proof from the empty tree");
  }
  if (size1 > size2) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("tree size ", size1, " is larger than tree size ", size2));
  }
  return absl::OkStatus();
}

absl::Status InclusionError(absl::string_view why) {
  return Error(Reason::kInclusionProofInvalid, absl::StrCat("inclusion proof: ", why));
}

absl::Status ConsistencyError(absl::string_view why) {
  return Error(Reason::kConsistencyProofInvalid, absl::StrCat("consistency proof: ", why));
}

// RFC 9162 §2.1.3.2 up to the final comparison: the root the proof leads to.
absl::StatusOr<Hash> EvaluateInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                       std::span<const Hash> proof) {
  if (index >= size) {
    return InclusionError(absl::StrCat("leaf index ", index, " is not below tree size ", size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return InclusionError("too many hashes");
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InclusionError("too few hashes");
  return r;
}

}  // namespace

Hash LeafHash(ByteView entry) {
  crypto::Hasher hasher(crypto::DigestAlgorithm::kSha256);
  hasher.Update(ByteView(&kLeafPrefix, 1)).Update(entry);
  return ToHash(hasher.Finish());
}

Hash NodeHash(const Hash& left, const Hash& right) {
  std::array<uint8_t, 1 + 2 * kHashSize> buffer;
  buffer[0] = kNodePrefix;
  std::copy(left.begin(), left.end(), buffer.begin() + 1);
  std::copy(right.begin(), right.end(), buffer.begin() + 1 + kHashSize);
  return ToHash(crypto::Sha256(ByteView(buffer.data(), buffer.size())));
}

Hash EmptyRoot() {
  static const Hash empty = ToHash(crypto::Sha256(ByteView()));
  return empty;
}

absl::StatusOr<Hash> HashFromBytes(ByteView bytes) {
  if (bytes.size() != kHashSize) {
    return Error(Reason::kProofMalformed,
                 absl::StrCat("a hash must be 32 bytes, not ", bytes.size()));
  }
  Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

std::vector<NodeId> RootNodes(uint64_t size) {
  std::vector<NodeId> nodes;
  AppendRangeNodes(0, size, nodes);
  return nodes;
}

absl::StatusOr<std::vector<NodeId>> InclusionProofNodes(uint64_t index, uint64_t size) {
  TWI_RETURN_IF_ERROR(CheckInclusionSizes(index, size));
  return Flatten(InclusionPlan(index, size));
}

absl::StatusOr<std::vector<NodeId>> ConsistencyProofNodes(uint64_t size1, uint64_t size2) {
  TWI_RETURN_IF_ERROR(CheckConsistencySizes(size1, size2));
  return Flatten(ConsistencyPlan(size1, size2));
}

absl::StatusOr<Hash> RootFromNodes(uint64_t size, std::span<const Hash> hashes) {
  if (size == 0) {
    if (!hashes.empty()) return Error(Reason::kInvalidArgument, "the empty tree has no nodes");
    return EmptyRoot();
  }
  TWI_ASSIGN_OR_RETURN(std::vector<Hash> root, Assemble(Plan{RootNodes(size)}, hashes));
  return root[0];
}

absl::StatusOr<std::vector<Hash>> InclusionProofFromNodes(uint64_t index, uint64_t size,
                                                          std::span<const Hash> hashes) {
  TWI_RETURN_IF_ERROR(CheckInclusionSizes(index, size));
  return Assemble(InclusionPlan(index, size), hashes);
}

absl::StatusOr<std::vector<Hash>> ConsistencyProofFromNodes(uint64_t size1, uint64_t size2,
                                                            std::span<const Hash> hashes) {
  TWI_RETURN_IF_ERROR(CheckConsistencySizes(size1, size2));
  return Assemble(ConsistencyPlan(size1, size2), hashes);
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             std::span<const Hash> proof, const Hash& root) {
  TWI_ASSIGN_OR_RETURN(const Hash computed, EvaluateInclusion(index, size, leaf_hash, proof));
  if (computed != root) return InclusionError("does not lead to the root");
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                               const Hash& root1, const Hash& root2) {
  // A proof from the empty tree would accept any root2: refused outright (vectors' convention).
  if (size1 == 0) return ConsistencyError("the old tree is empty");
  if (size1 > size2) {
    return ConsistencyError(absl::StrCat("old size ", size1, " exceeds new size ", size2));
  }
  if (size1 == size2) {
    if (!proof.empty()) return ConsistencyError("must be empty for equal tree sizes");
    if (root1 != root2) return ConsistencyError("equal tree sizes with different roots");
    return absl::OkStatus();
  }
  // RFC 9162 §2.1.4.2 step 1.
  if (proof.empty()) return ConsistencyError("empty for different tree sizes");
  // Step 2: when size1 is a power of two the old root is a node of the new tree and the proof
  // omits it; it seeds the computation instead.
  Hash seed = root1;
  std::span<const Hash> rest = proof;
  if (!std::has_single_bit(size1)) {
    seed = proof[0];
    rest = proof.subspan(1);
  }
  // Steps 3 and 4.
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Steps 5 and 6.
  Hash fr = seed;
  Hash sr = seed;
  for (const Hash& c : rest) {
    if (sn == 0) return ConsistencyError("too many hashes");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return ConsistencyError("too few hashes");
  if (fr != root1) return ConsistencyError("does not lead to the old root");
  if (sr != root2) return ConsistencyError("does not lead to the new root");
  return absl::OkStatus();
}

bool IsValidSubtree(uint64_t start, uint64_t end) {
  if (start > end) return false;
  const uint64_t width = end - start;
  if (width <= 1) return true;  // BIT_CEIL(0) = BIT_CEIL(1) = 1
  // BIT_CEIL(width) = 2^64 does not fit; only start 0 is a multiple of it.
  if (width > (uint64_t{1} << 63)) return start == 0;
  return start % std::bit_ceil(width) == 0;
}

absl::Status VerifySubtreeInclusion(uint64_t index, uint64_t start, uint64_t end,
                                    const Hash& leaf_hash, std::span<const Hash> proof,
                                    const Hash& subtree_root) {
  // draft-ietf-plants-merkle-tree-certs §4.3.2 step 1.
  if (!IsValidSubtree(start, end)) {
    return InclusionError(absl::StrCat("[", start, ", ", end, ") is not a valid subtree"));
  }
  if (index < start || index >= end) {
    return InclusionError(
        absl::StrCat("leaf index ", index, " is outside [", start, ", ", end, ")"));
  }
  // The remaining steps are RFC 9162 §2.1.3.2 on the tree D[start:end].
  TWI_ASSIGN_OR_RETURN(const Hash computed,
                       EvaluateInclusion(index - start, end - start, leaf_hash, proof));
  if (computed != subtree_root) return InclusionError("does not lead to the subtree root");
  return absl::OkStatus();
}

absl::Status VerifySubtreeConsistency(uint64_t start, uint64_t end, uint64_t size,
                                      std::span<const Hash> proof, const Hash& subtree_root,
                                      const Hash& root) {
  // draft-ietf-plants-merkle-tree-certs §4.4.3 step 1.
  if (!IsValidSubtree(start, end)) {
    return ConsistencyError(absl::StrCat("[", start, ", ", end, ") is not a valid subtree"));
  }
  if (end > size) {
    return ConsistencyError(absl::StrCat("subtree end ", end, " exceeds tree size ", size));
  }
  // Step 2: the empty subtree.
  if (start == end) {
    if (!proof.empty()) return ConsistencyError("must be empty for an empty subtree");
    if (subtree_root != EmptyRoot()) return ConsistencyError("empty subtree with a non-empty hash");
    return absl::OkStatus();
  }
  // Steps 3 to 5: climb to the lowest node the subtree and the tree share.
  uint64_t fn = start;
  uint64_t sn = end - 1;
  uint64_t tn = size - 1;
  auto shift = [&] {
    fn >>= 1;
    sn >>= 1;
    tn >>= 1;
  };
  if (sn == tn) {
    while (fn != sn) shift();
  } else {
    while (fn != sn && (sn & 1) == 1) shift();
  }
  // Steps 6 and 7.
  std::span<const Hash> rest = proof;
  Hash fr = subtree_root;
  if (fn != sn) {
    if (rest.empty()) return ConsistencyError("too few hashes");
    fr = rest[0];
    rest = rest.subspan(1);
  }
  Hash sr = fr;
  // Step 8.
  for (const Hash& c : rest) {
    if (tn == 0) return ConsistencyError("too many hashes");
    if ((sn & 1) == 1 || sn == tn) {
      if (fn < sn) fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((sn & 1) == 0 && sn != 0) shift();
    } else {
      sr = NodeHash(sr, c);
    }
    shift();
  }
  // Step 9.
  if (tn != 0) return ConsistencyError("too few hashes");
  if (fr != subtree_root) return ConsistencyError("does not lead to the subtree root");
  if (sr != root) return ConsistencyError("does not lead to the tree root");
  return absl::OkStatus();
}

void MemoryTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // Each completed pair of siblings completes their parent.
  for (size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size()) levels_.emplace_back();
    const std::vector<Hash>& row = levels_[level];
    levels_[level + 1].push_back(NodeHash(row[row.size() - 2], row.back()));
  }
}

Hash MemoryTree::SubtreeHash(uint64_t begin, uint64_t end) const {
  const uint64_t width = end - begin;
  if (std::has_single_bit(width)) {
    const int level = std::countr_zero(width);
    return levels_[level][begin >> level];
  }
  const uint64_t k = SplitPoint(width);
  return NodeHash(SubtreeHash(begin, begin + k), SubtreeHash(begin + k, end));
}

void MemoryTree::AppendPath(uint64_t m, uint64_t begin, uint64_t end,
                            std::vector<Hash>& out) const {
  if (end - begin <= 1) return;
  const uint64_t k = SplitPoint(end - begin);
  if (m < k) {
    AppendPath(m, begin, begin + k, out);
    out.push_back(SubtreeHash(begin + k, end));
  } else {
    AppendPath(m - k, begin + k, end, out);
    out.push_back(SubtreeHash(begin, begin + k));
  }
}

void MemoryTree::AppendSubproof(uint64_t m, uint64_t begin, uint64_t end, bool b,
                                std::vector<Hash>& out) const {
  if (m == end - begin) {
    if (!b) out.push_back(SubtreeHash(begin, end));
    return;
  }
  const uint64_t k = SplitPoint(end - begin);
  if (m <= k) {
    AppendSubproof(m, begin, begin + k, b, out);
    out.push_back(SubtreeHash(begin + k, end));
  } else {
    AppendSubproof(m - k, begin + k, end, false, out);
    out.push_back(SubtreeHash(begin, begin + k));
  }
}

absl::StatusOr<Hash> MemoryTree::Root(uint64_t size) const {
  if (size > this->size()) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("tree size ", size, " exceeds ", this->size()));
  }
  if (size == 0) return EmptyRoot();
  return SubtreeHash(0, size);
}

absl::StatusOr<std::vector<Hash>> MemoryTree::InclusionProof(uint64_t index, uint64_t size) const {
  TWI_RETURN_IF_ERROR(CheckInclusionSizes(index, size));
  if (size > this->size()) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("tree size ", size, " exceeds ", this->size()));
  }
  std::vector<Hash> proof;
  AppendPath(index, 0, size, proof);
  return proof;
}

absl::StatusOr<std::vector<Hash>> MemoryTree::ConsistencyProof(uint64_t size1,
                                                               uint64_t size2) const {
  TWI_RETURN_IF_ERROR(CheckConsistencySizes(size1, size2));
  if (size2 > size()) {
    return Error(Reason::kTreeSizeInvalid, absl::StrCat("tree size ", size2, " exceeds ", size()));
  }
  std::vector<Hash> proof;
  AppendSubproof(size1, 0, size2, true, proof);
  return proof;
}

absl::StatusOr<Hash> MemoryTree::Node(NodeId id) const {
  if (id.level >= levels_.size() || id.index >= levels_[id.level].size()) {
    return Error(Reason::kTreeSizeInvalid,
                 absl::StrCat("node (", static_cast<int>(id.level), ", ", id.index,
                              ") is not complete in a tree of ", size(), " leaves"));
  }
  return levels_[id.level][id.index];
}

}  // namespace twi::tlog
