#include "libs/tlog/tiles.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace twi::tlog {
namespace {

using ::testing::ElementsAre;
using ::twi::testing::HasReason;
using ::twi::testing::IsOk;

TEST(TilePathTest, Encoding) {
  // The tlog-tiles example.
  EXPECT_EQ(TilePath({.level = 0, .index = 1234067, .width = 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({.level = 0, .index = 0, .width = 256}), "tile/0/000");
  EXPECT_EQ(TilePath({.level = 1, .index = 5, .width = 17}), "tile/1/005.p/17");
  EXPECT_EQ(TilePath({.level = 63, .index = 1000, .width = 1}), "tile/63/x001/000.p/1");
  EXPECT_EQ(TilePath({.level = 2, .index = 999, .width = 255}), "tile/2/999.p/255");
  EXPECT_EQ(TilePath({.level = 0, .index = ~uint64_t{0}, .width = 256}),
            "tile/0/x018/x446/x744/x073/x709/x551/615");
  EXPECT_EQ(EntryBundlePath(1234067, 256), "tile/entries/x001/x234/067");
  EXPECT_EQ(EntryBundlePath(273, 112), "tile/entries/273.p/112");
}

TEST(TilePathTest, ParseRoundTrips) {
  const TileId tiles[] = {
      {.level = 0, .index = 0, .width = 256},
      {.level = 0, .index = 1234067, .width = 256},
      {.level = 7, .index = 1000, .width = 1},
      {.level = 63, .index = 999999, .width = 255},
      {.level = 0, .index = ~uint64_t{0}, .width = 256},
  };
  for (const TileId& tile : tiles) {
    SCOPED_TRACE(TilePath(tile));
    ASSERT_OK_AND_ASSIGN(ParsedTilePath parsed, ParseTilePath(TilePath(tile)));
    EXPECT_FALSE(parsed.entries);
    EXPECT_EQ(parsed.tile, tile);
    ASSERT_OK_AND_ASSIGN(ParsedTilePath bundle,
                         ParseTilePath(EntryBundlePath(tile.index, tile.width)));
    EXPECT_TRUE(bundle.entries);
    EXPECT_EQ(bundle.tile, (TileId{.level = 0, .index = tile.index, .width = tile.width}));
  }
}

TEST(TilePathTest, ParseRejectsEveryOtherSpelling) {
  const char* const kBad[] = {
      "",
      "tile",
      "tile/",
      "tile/0",
      "tile/0/",
      "/tile/0/000",
      "tiles/0/000",
      "tile/00/000",                                    // leading zero level
      "tile/01/000",                                    // leading zero level
      "tile/64/000",                                    // level out of range
      "tile/-1/000",                                    // sign
      "tile/+1/000",                                    // sign
      "tile/a/000",                                     // not a level
      "tile/0/0",                                       // group not 3 digits
      "tile/0/0000",                                    // group not 3 digits
      "tile/0/00a",                                     // not digits
      "tile/0/x000/001",                                // leading zero group
      "tile/0/x001",                                    // no last group
      "tile/0/x001/",                                   // empty last group
      "tile/0/001/002",                                 // last group not last
      "tile/0/x01/002",                                 // x group not 3 digits
      "tile/0/X001/002",                                // capital X
      "tile/0/000.p",                                   // no width
      "tile/0/000.p/",                                  // empty width
      "tile/0/000.p/0",                                 // width 0
      "tile/0/000.p/256",                               // a full tile has no .p
      "tile/0/000.p/010",                               // leading zero width
      "tile/0/000.p/5/",                                // trailing slash
      "tile/0/000.p/5/6",                               // trailing element
      "tile/0/000.q/5",                                 // not .p
      "tile/0/000/",                                    // trailing slash
      "tile/0/x018/x446/x744/x073/x709/x551/616",       // 2^64
      "tile/0/x001/x000/x000/x000/x000/x000/x000/000",  // far beyond 2^64
      "tile/entries/",
      "tile/entries/0",
      "tile/entry/000",
  };
  for (const char* path : kBad) {
    EXPECT_THAT(ParseTilePath(path), HasReason(Reason::kRequestInvalid)) << path;
  }
}

TEST(TilesForSizeTest, TheSpecExamples) {
  // tlog-tiles "Partial Tiles": 70,000 = 273 full level-0 tiles, a partial one of width 112,
  // one full level-1 tile, a partial one of width 17 and a partial level-2 tile of width 1.
  const std::vector<TileId> tiles = TilesForSize(70000);
  ASSERT_EQ(tiles.size(), 273u + 1 + 1 + 1 + 1);
  for (uint64_t n = 0; n < 273; ++n) {
    EXPECT_EQ(tiles[n], (TileId{.level = 0, .index = n, .width = 256}));
  }
  EXPECT_EQ(tiles[273], (TileId{.level = 0, .index = 273, .width = 112}));
  EXPECT_EQ(tiles[274], (TileId{.level = 1, .index = 0, .width = 256}));
  EXPECT_EQ(tiles[275], (TileId{.level = 1, .index = 1, .width = 17}));
  EXPECT_EQ(tiles[276], (TileId{.level = 2, .index = 0, .width = 1}));
  EXPECT_EQ(TilePath(tiles[273]), "tile/0/273.p/112");
  // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of
  // width 1".
  EXPECT_THAT(TilesForSize(256), ElementsAre(TileId{.level = 0, .index = 0, .width = 256},
                                             TileId{.level = 1, .index = 0, .width = 1}));
  EXPECT_TRUE(TilesForSize(0).empty());
  EXPECT_THAT(TilesForSize(1), ElementsAre(TileId{.level = 0, .index = 0, .width = 1}));
}

// The tiles of a tree hold exactly the perfect subtrees at levels 0, 8, 16...: each node a tile
// names exists in the tree, and the level-1 hash is the root of the full level-0 tile below it.
TEST(TilesForSizeTest, TileNodesAreCompleteSubtrees) {
  constexpr uint64_t kSize = 70000;
  MemoryTree tree;
  for (uint64_t i = 0; i < kSize; ++i) tree.Append(LeafHash(AsBytes(std::to_string(i))));
  size_t nodes = 0;
  for (const TileId& tile : TilesForSize(kSize)) {
    const std::vector<NodeId> ids = TileNodes(tile);
    ASSERT_EQ(ids.size(), tile.width);
    for (const NodeId& id : ids) {
      ASSERT_THAT(tree.Node(id), IsOk()) << TilePath(tile);
      ++nodes;
    }
  }
  EXPECT_EQ(nodes, kSize + kSize / 256 + kSize / 65536);
  ASSERT_OK_AND_ASSIGN(Hash level1, tree.Node({.level = 8, .index = 3}));
  std::vector<Hash> tile_hashes;
  for (const NodeId& id : TileNodes({.level = 0, .index = 3, .width = 256})) {
    tile_hashes.push_back(*tree.Node(id));
  }
  MemoryTree subtree;
  for (const Hash& h : tile_hashes) subtree.Append(h);
  EXPECT_EQ(*subtree.Root(256), level1);
  EXPECT_TRUE(TileNodes({.level = 8, .index = 0, .width = 256}).empty());
}

TEST(TileEncodingTest, RoundTripAndWrongSizes) {
  std::vector<Hash> hashes;
  for (int i = 0; i < 3; ++i) hashes.push_back(LeafHash(AsBytes(std::to_string(i))));
  const std::string data = EncodeTile(hashes);
  EXPECT_EQ(data.size(), 96u);
  ASSERT_OK_AND_ASSIGN(auto decoded, DecodeTile(AsBytes(data), 3));
  EXPECT_EQ(decoded, hashes);
  EXPECT_THAT(DecodeTile(AsBytes(data), 2), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeTile(AsBytes(data).subspan(1), 3), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeTile(ByteView(), 0), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeTile(Bytes(257 * 32), 257), HasReason(Reason::kEncodingInvalid));
}

TEST(EntryBundleTest, RoundTrip) {
  const std::vector<Bytes> entries = {ToBytes("first"), Bytes(), Bytes(kMaxEntrySize, 0xab),
                                      ToBytes("last")};
  const std::string bundle = EncodeEntryBundle(entries);
  EXPECT_EQ(bundle.substr(0, 7), std::string("\x00\x05"
                                             "first",
                                             7));
  EXPECT_EQ(bundle.size(), 2 + 5 + 2 + 0 + 2 + kMaxEntrySize + 2 + 4);
  ASSERT_OK_AND_ASSIGN(auto decoded, DecodeEntryBundle(AsBytes(bundle)));
  EXPECT_EQ(decoded, entries);

  const std::vector<Bytes> full(256, ToBytes("x"));
  ASSERT_OK_AND_ASSIGN(auto decoded_full, DecodeEntryBundle(AsBytes(EncodeEntryBundle(full))));
  EXPECT_EQ(decoded_full.size(), 256u);
}

TEST(EntryBundleTest, MalformedBundles) {
  EXPECT_THAT(DecodeEntryBundle(ByteView()), HasReason(Reason::kEncodingInvalid));
  // A length prefix cut in half, an entry shorter than its length, trailing garbage.
  EXPECT_THAT(DecodeEntryBundle(Bytes{0x00}), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeEntryBundle(Bytes{0x00, 0x03, 'a', 'b'}), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeEntryBundle(Bytes{0x00, 0x01, 'a', 0x00}), HasReason(Reason::kEncodingInvalid));
  EXPECT_THAT(DecodeEntryBundle(Bytes{0xff, 0xff}), HasReason(Reason::kEncodingInvalid));
  // 257 entries.
  const std::string too_many =
      EncodeEntryBundle(std::vector<Bytes>(256, Bytes{1})) + std::string(2, '\0');
  EXPECT_THAT(DecodeEntryBundle(AsBytes(too_many)), HasReason(Reason::kEncodingInvalid));
}

TEST(EntryBundleDeathTest, OversizedEntryIsAProgrammerError) {
  const std::vector<Bytes> entries = {Bytes(kMaxEntrySize + 1)};
  EXPECT_DEATH(EncodeEntryBundle(entries), "log entry of 65536 bytes");
}

}  // namespace
}  // namespace twi::tlog
