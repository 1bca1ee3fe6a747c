// RFC 9162 §2.1 Merkle tree over SHA-256: hashing, proof generation from stored nodes, and
// inclusion / consistency / subtree proof verification.
//
// This is pure computation: no storage and no network. A log store keeps one hash per perfect
// subtree (NodeId) and serves proofs in two phases (which nodes, then assemble), so one query
// can fetch everything a proof needs. Verification agrees with the transparency-dev/merkle
// vectors (shared/vectors/merkle). All functions are thread-safe; MemoryTree is not safe to
// Append to while another thread reads it.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/core/bytes.h"

namespace twi::tlog {

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

inline ByteView HashBytes(const Hash& hash) { return ByteView(hash.data(), hash.size()); }

Hash LeafHash(ByteView entry);                       // SHA-256(0x00 || entry), RFC 9162 §2.1.1
Hash NodeHash(const Hash& left, const Hash& right);  // SHA-256(0x01 || left || right)
Hash EmptyRoot();                                    // SHA-256(""), the root of the empty tree
// kProofMalformed unless `bytes` is exactly 32 bytes.
absl::StatusOr<Hash> HashFromBytes(ByteView bytes);

// The perfect subtree of 2^level leaves starting at leaf index << level. A NodeId may only be
// requested for a perfect subtree fully inside the tree: (index + 1) << level <= size.
struct NodeId {
  uint8_t level;
  uint64_t index;
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// Two-phase proof generation: 1) ask which NodeIds are needed, 2) fetch their hashes, 3)
// assemble with the matching *FromNodes function, passing the hashes in the same order. Where
// the RFC proof holds the hash of a non-perfect subtree (always on the tree's right edge), the
// NodeIds list its perfect pieces left to right and the assembler folds them into one hash.

// The perfect subtrees that make up a tree of `size` leaves, left to right (one per set bit of
// `size`); empty for size 0.
std::vector<NodeId> RootNodes(uint64_t size);
// kTreeSizeInvalid if index >= size.
absl::StatusOr<std::vector<NodeId>> InclusionProofNodes(uint64_t index, uint64_t size);
// kTreeSizeInvalid if size1 == 0 or size1 > size2; empty when size1 == size2.
absl::StatusOr<std::vector<NodeId>> ConsistencyProofNodes(uint64_t size1, uint64_t size2);

// The assemblers fail with the same reasons as the *Nodes functions for bad sizes, and with
// kInvalidArgument if `hashes` does not have exactly one hash per requested NodeId.
absl::StatusOr<Hash> RootFromNodes(uint64_t size, std::span<const Hash> hashes);
absl::StatusOr<std::vector<Hash>> InclusionProofFromNodes(uint64_t index, uint64_t size,
                                                          std::span<const Hash> hashes);
absl::StatusOr<std::vector<Hash>> ConsistencyProofFromNodes(uint64_t size1, uint64_t size2,
                                                            std::span<const Hash> hashes);

// Verification. OK iff the proof is valid; every failure (bad sizes, wrong length, wrong hash)
// carries kInclusionProofInvalid or kConsistencyProofInvalid respectively.
//
// RFC 9162 §2.1.3.2. index < size is required.
absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             std::span<const Hash> proof, const Hash& root);
// RFC 9162 §2.1.4.2. size1 == 0 is always rejected (a proof from the empty tree proves nothing;
// the vectors' convention); size1 == size2 needs an empty proof and equal roots.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                               const Hash& root1, const Hash& root2);

// Subtrees [start, end) of draft-ietf-plants-merkle-tree-certs §4.1: start <= end and start is a
// multiple of BIT_CEIL(end - start).
bool IsValidSubtree(uint64_t start, uint64_t end);
// draft-ietf-plants-merkle-tree-certs §4.3: an ordinary inclusion proof of leaf index - start in
// the tree D[start:end], whose root is `subtree_root`. kInclusionProofInvalid.
absl::Status VerifySubtreeInclusion(uint64_t index, uint64_t start, uint64_t end,
                                    const Hash& leaf_hash, std::span<const Hash> proof,
                                    const Hash& subtree_root);
// draft-ietf-plants-merkle-tree-certs §4.4.3: the subtree [start, end) with hash `subtree_root`
// is part of the tree of `size` leaves with hash `root`. kConsistencyProofInvalid.
absl::Status VerifySubtreeConsistency(uint64_t start, uint64_t end, uint64_t size,
                                      std::span<const Hash> proof, const Hash& subtree_root,
                                      const Hash& root);

// A node-by-node in-memory tree for tests and small uses: keeps the hash of every perfect
// subtree, computes proofs by the recursive definitions of RFC 9162 §2.1.3.1 / §2.1.4.1 (an
// implementation independent of the NodeId functions above). Grows by 64 bytes per leaf.
class MemoryTree {
 public:
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  // The root of the first `size` leaves. kTreeSizeInvalid if size > this->size().
  absl::StatusOr<Hash> Root(uint64_t size) const;
  // kTreeSizeInvalid unless index < size <= this->size().
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size) const;
  // kTreeSizeInvalid unless 0 < size1 <= size2 <= this->size().
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2) const;
  // The hash of a complete perfect subtree; kTreeSizeInvalid if it is not complete yet.
  absl::StatusOr<Hash> Node(NodeId id) const;

 private:
  // MTH(D[begin:end]) for 0 <= begin < end <= size(), begin aligned as in every RFC recursion.
  Hash SubtreeHash(uint64_t begin, uint64_t end) const;
  // PATH(m, D[begin:end]) and SUBPROOF(m, D[begin:end], b), appended to `out`.
  void AppendPath(uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>& out) const;
  void AppendSubproof(uint64_t m, uint64_t begin, uint64_t end, bool b,
                      std::vector<Hash>& out) const;

  // levels_[l][i] is the hash of NodeId{l, i}.
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace twi::tlog
