#include "libs/tlog/tiles.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace twi::tlog {
namespace {

constexpr std::string_view kTilePrefix = "tile/";
constexpr std::string_view kEntriesLevel = "entries";
constexpr std::string_view kPartialSuffix = ".p";
constexpr size_t kMaxPathInMessage = 80;

// Debian's abseil has its own string_view; StrCat takes only that one.
absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// tlog-tiles "Merkle Tree": N as zero-padded 3-digit elements, all but the last prefixed with x.
std::string EncodeIndex(uint64_t index) {
  std::vector<int> groups;
  do {
    groups.push_back(static_cast<int>(index % 1000));
    index /= 1000;
  } while (index > 0);
  std::string out;
  for (size_t i = groups.size(); i-- > 1;) absl::StrAppendFormat(&out, "x%03d/", groups[i]);
  absl::StrAppendFormat(&out, "%03d", groups[0]);
  return out;
}

std::string WidthSuffix(uint16_t width) {
  assert(width >= 1 && width <= kTileWidth);
  if (width >= kTileWidth) return "";
  return absl::StrCat(Absl(kPartialSuffix), "/", width);
}

absl::Status PathError(std::string_view path, absl::string_view why) {
  return Error(Reason::kRequestInvalid,
               absl::StrCat("tile path \"", Absl(path.substr(0, kMaxPathInMessage)), "\": ", why));
}

// A decimal without leading zeros ("0" itself is fine) of at most `max`; -1 if not one.
int SmallDecimal(std::string_view text, int max) {
  if (text.empty() || text.size() > 3) return -1;
  if (text.size() > 1 && text[0] == '0') return -1;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value <= max ? value : -1;
}

// Exactly three digits; -1 otherwise.
int Group(std::string_view text) {
  if (text.size() != 3) return -1;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool AppendGroup(uint64_t& index, int group) {
  if (index > (std::numeric_limits<uint64_t>::max() - group) / 1000) return false;
  index = index * 1000 + group;
  return true;
}

}  // namespace

std::string TilePath(const TileId& tile) {
  assert(tile.level <= kMaxTileLevel);
  return absl::StrCat(Absl(kTilePrefix), static_cast<int>(tile.level), "/", EncodeIndex(tile.index),
                      WidthSuffix(tile.width));
}

std::string EntryBundlePath(uint64_t index, uint16_t width) {
  return absl::StrCat(Absl(kTilePrefix), Absl(kEntriesLevel), "/", EncodeIndex(index),
                      WidthSuffix(width));
}

absl::StatusOr<ParsedTilePath> ParseTilePath(std::string_view path) {
  if (path.substr(0, kTilePrefix.size()) != kTilePrefix) {
    return PathError(path, "does not start with tile/");
  }
  std::string_view rest = path.substr(kTilePrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return PathError(path, "no tile index");
  ParsedTilePath parsed{.entries = false, .tile = {.level = 0, .index = 0, .width = kTileWidth}};
  const std::string_view level = rest.substr(0, slash);
  if (level == kEntriesLevel) {
    parsed.entries = true;
  } else {
    // tlog-tiles: L is 0..63 "with no additional leading zeroes".
    const int value = SmallDecimal(level, kMaxTileLevel);
    if (value < 0) return PathError(path, "level is not 0..63 without leading zeros");
    parsed.tile.level = static_cast<uint8_t>(value);
  }
  rest = rest.substr(slash + 1);
  // N: "x"-prefixed groups, then the last group, optionally with ".p/<W>".
  uint64_t index = 0;
  bool first = true;
  while (true) {
    slash = rest.find('/');
    const std::string_view element = rest.substr(0, slash);
    if (!element.empty() && element[0] == 'x') {
      const int group = Group(element.substr(1));
      if (group < 0) return PathError(path, "index groups are x and 3 digits");
      if (slash == std::string_view::npos) return PathError(path, "no last index group");
      // One index, one path: a leading x000 group would be a second spelling.
      if (first && group == 0) return PathError(path, "leading zero index group");
      if (!AppendGroup(index, group)) return PathError(path, "index does not fit 64 bits");
      first = false;
      rest = rest.substr(slash + 1);
      continue;
    }
    const bool partial =
        element.size() == 3 + kPartialSuffix.size() && element.substr(3) == kPartialSuffix;
    const int group = Group(partial ? element.substr(0, 3) : element);
    if (group < 0) return PathError(path, "the last index group is 3 digits");
    if (!AppendGroup(index, group)) return PathError(path, "index does not fit 64 bits");
    if (!partial) {
      if (slash != std::string_view::npos) return PathError(path, "trailing elements");
      break;
    }
    if (slash == std::string_view::npos) return PathError(path, "no width after .p");
    // tlog-tiles: W is 1..255 "with no additional leading zeroes".
    const int width = SmallDecimal(rest.substr(slash + 1), kTileWidth - 1);
    if (width < 1) return PathError(path, "width is not 1..255 without leading zeros");
    parsed.tile.width = static_cast<uint16_t>(width);
    break;
  }
  parsed.tile.index = index;
  return parsed;
}

std::vector<NodeId> TileNodes(const TileId& tile) {
  std::vector<NodeId> nodes;
  const int tree_level = kTileHeight * tile.level;
  if (tree_level >= 64) return nodes;
  // Node indexes at this tree level stay below 2^(64 - tree_level).
  if (tile.index > (std::numeric_limits<uint64_t>::max() >> tree_level) / kTileWidth) return nodes;
  nodes.reserve(tile.width);
  for (uint64_t i = 0; i < tile.width; ++i) {
    nodes.push_back(
        NodeId{.level = static_cast<uint8_t>(tree_level), .index = tile.index * kTileWidth + i});
  }
  return nodes;
}

std::vector<TileId> TilesForSize(uint64_t size) {
  std::vector<TileId> tiles;
  for (int level = 0; kTileHeight * level < 64; ++level) {
    // Nodes at tree level 8 * level: one per complete block of 256^level leaves.
    const uint64_t nodes = size >> (kTileHeight * level);
    if (nodes == 0) break;
    const uint64_t full = nodes / kTileWidth;
    for (uint64_t n = 0; n < full; ++n) {
      tiles.push_back({.level = static_cast<uint8_t>(level), .index = n, .width = kTileWidth});
    }
    // tlog-tiles "Partial Tiles": floor(s / 256^l) mod 256 entries.
    if (const uint64_t width = nodes % kTileWidth; width != 0) {
      tiles.push_back({.level = static_cast<uint8_t>(level),
                       .index = full,
                       .width = static_cast<uint16_t>(width)});
    }
  }
  return tiles;
}

std::string EncodeTile(std::span<const Hash> hashes) {
  std::string out;
  out.reserve(hashes.size() * kHashSize);
  for (const Hash& hash : hashes) out.append(AsString(HashBytes(hash)));
  return out;
}

absl::StatusOr<std::vector<Hash>> DecodeTile(ByteView data, uint16_t width) {
  if (width < 1 || width > kTileWidth) {
    return Error(Reason::kEncodingInvalid, absl::StrCat("tile width ", width, " is not 1..256"));
  }
  if (data.size() != size_t{width} * kHashSize) {
    return Error(Reason::kEncodingInvalid,
                 absl::StrCat("tile of width ", width, " has ", data.size(), " bytes, not ",
                              size_t{width} * kHashSize));
  }
  std::vector<Hash> hashes(width);
  for (size_t i = 0; i < width; ++i) {
    std::copy_n(data.begin() + i * kHashSize, kHashSize, hashes[i].begin());
  }
  return hashes;
}

std::string EncodeEntryBundle(std::span<const Bytes> entries) {
  if (entries.empty() || entries.size() > kTileWidth) {
    LogError("tlog", absl::StrCat("entry bundle of ", entries.size(), " entries"));
    abort();
  }
  std::string out;
  for (const Bytes& entry : entries) {
    if (entry.size() > kMaxEntrySize) {
      LogError("tlog", absl::StrCat("log entry of ", entry.size(), " bytes in an entry bundle"));
      abort();
    }
    out.push_back(static_cast<char>(entry.size() >> 8));
    out.push_back(static_cast<char>(entry.size() & 0xff));
    out.append(AsString(entry));
  }
  return out;
}

absl::StatusOr<std::vector<Bytes>> DecodeEntryBundle(ByteView bundle) {
  if (bundle.empty()) return Error(Reason::kEncodingInvalid, "empty entry bundle");
  std::vector<Bytes> entries;
  size_t pos = 0;
  while (pos < bundle.size()) {
    if (entries.size() == kTileWidth) {
      return Error(Reason::kEncodingInvalid, "entry bundle holds more than 256 entries");
    }
    if (bundle.size() - pos < 2) {
      return Error(Reason::kEncodingInvalid, "entry bundle: truncated length prefix");
    }
    const size_t length = size_t{bundle[pos]} << 8 | bundle[pos + 1];
    pos += 2;
    if (bundle.size() - pos < length) {
      return Error(Reason::kEncodingInvalid, absl::StrCat("entry bundle: entry ", entries.size(),
                                                          " of ", length, " bytes is truncated"));
    }
    entries.emplace_back(bundle.begin() + pos, bundle.begin() + pos + length);
    pos += length;
  }
  return entries;
}

}  // namespace twi::tlog
