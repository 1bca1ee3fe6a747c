// C2SP tlog-tiles: tile and entry-bundle paths, which tiles a tree size implies, tile and
// entry-bundle encodings. Pure functions, thread-safe; serving and fetching live elsewhere.
//
// A tile (L, N, W) holds the hashes of the tree nodes NodeId{8 * L, N * 256 + i} for i < W
// (tlog-tiles "Merkle Tree"): level-0 tiles hold leaf hashes, level-L tiles the roots of full
// level-(L-1) tiles. Partial tiles (W < 256) are the rightmost tile of a level.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/core/bytes.h"
#include "libs/tlog/merkle.h"

namespace twi::tlog {

inline constexpr int kTileHeight = 8;
inline constexpr int kTileWidth = 256;
inline constexpr int kMaxTileLevel = 63;
// Entries are uint16 length-prefixed in bundles (tlog-tiles "Log entries").
inline constexpr size_t kMaxEntrySize = 65535;

struct TileId {
  uint8_t level;
  uint64_t index;
  uint16_t width;  // 1..256; 256 = full
  friend bool operator==(const TileId&, const TileId&) = default;
};

// "tile/<L>/<N>[.p/<W>]", N in 3-digit groups, all but the last prefixed with x (1234067 ->
// x001/x234/067). Relative to the log's prefix. Requires level <= 63 and width 1..256.
std::string TilePath(const TileId& tile);
// "tile/entries/<N>[.p/<W>]". Requires width 1..256.
std::string EntryBundlePath(uint64_t index, uint16_t width);

struct ParsedTilePath {
  bool entries;  // an entry bundle; tile.level is then 0
  TileId tile;
};
// Inverse of TilePath / EntryBundlePath, strict so that each resource has exactly one path:
// levels 0..63 without leading zeros, exactly 3 digits per group, no leading x000 group, widths
// 1..255 without leading zeros after ".p/". kRequestInvalid for anything else (a server answers
// 404 / 400).
absl::StatusOr<ParsedTilePath> ParseTilePath(std::string_view path);

// The nodes a tile holds, in order; empty above level 7 (such nodes would span 2^64 leaves).
std::vector<NodeId> TileNodes(const TileId& tile);
// Every tile a tree of `size` leaves implies, level by level, left to right: the full tiles and,
// per level, the partial tile of width floor(size / 256^L) mod 256 when that is not zero.
std::vector<TileId> TilesForSize(uint64_t size);

// A tile's bytes: its hashes concatenated.
std::string EncodeTile(std::span<const Hash> hashes);
// kEncodingInvalid unless `data` is exactly `width` hashes (width 1..256).
absl::StatusOr<std::vector<Hash>> DecodeTile(ByteView data, uint16_t width);

// An entry bundle: each entry as a big-endian uint16 length and its bytes. Requires 1..256
// entries of at most kMaxEntrySize bytes each (callers check entries when accepting them; a
// violation here is a programmer error and aborts rather than emit a corrupt bundle).
std::string EncodeEntryBundle(std::span<const Bytes> entries);
// kEncodingInvalid for a truncated length or entry, an empty bundle or more than 256 entries.
absl::StatusOr<std::vector<Bytes>> DecodeEntryBundle(ByteView bundle);

}  // namespace twi::tlog
