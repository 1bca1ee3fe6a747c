// A bounded, deterministic fuzz run of every target for `make test`: each seed must be
// accepted (so the mutations start deep inside the parser), then a fixed number of mutations of
// it are fed in. A crash, hang or sanitizer report fails the run; the asan preset makes this a
// memory-safety check. Longer runs: the `fuzz` preset builds libFuzzer binaries of the same
// targets (fuzz/README.md).
#include <random>

#include "fuzz/targets.h"
#include "gtest/gtest.h"

namespace twi::fuzz {
namespace {

constexpr int kMutationsPerSeed = 10000;

// One random edit, as libFuzzer's simplest mutators do.
void Mutate(Bytes& data, std::mt19937& rng) {
  auto pick = [&](size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  switch (pick(6)) {
    case 0:  // flip a bit
      if (!data.empty()) data[pick(data.size())] ^= static_cast<uint8_t>(1u << pick(8));
      break;
    case 1:  // set a byte to an interesting value
      if (!data.empty()) {
        const uint8_t values[] = {0x00, 0xff, 0x7f, 0x80, 0x30, 0x22, 0x7b, 0x5c};
        data[pick(data.size())] = values[pick(sizeof(values))];
      }
      break;
    case 2:  // delete a range
      if (!data.empty()) {
        const size_t at = pick(data.size());
        data.erase(data.begin() + at,
                   data.begin() + at + std::min<size_t>(pick(16) + 1, data.size() - at));
      }
      break;
    case 3:  // duplicate a range
      if (!data.empty()) {
        const size_t at = pick(data.size());
        const size_t len = std::min<size_t>(pick(32) + 1, data.size() - at);
        const Bytes copy(data.begin() + at, data.begin() + at + len);
        data.insert(data.begin() + pick(data.size()), copy.begin(), copy.end());
      }
      break;
    case 4:  // truncate
      data.resize(pick(data.size() + 1));
      break;
    default:  // insert random bytes
      for (size_t i = pick(8) + 1; i > 0; --i) {
        data.insert(data.begin() + pick(data.size() + 1), static_cast<uint8_t>(pick(256)));
      }
  }
}

class FuzzSmokeTest : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzSmokeTest, SeedsAreAcceptedAndMutationsAreSurvived) {
  const Target& target = GetParam();
  const std::vector<Bytes> seeds = target.seeds();
  ASSERT_FALSE(seeds.empty());
  std::mt19937 rng(20261202);
  int accepted = 0;
  for (const Bytes& seed : seeds) {
    ASSERT_TRUE(target.run(seed)) << target.name << ": a seed must be accepted";
    Bytes data = seed;
    for (int i = 0; i < kMutationsPerSeed; ++i) {
      // Mostly small edits of the seed, sometimes a pile-up of edits.
      if (i % 8 == 0) data = seed;
      Mutate(data, rng);
      accepted += target.run(data) ? 1 : 0;
    }
  }
  // Most mutations must be refused: a parser that accepts nearly everything checks nothing.
  EXPECT_LT(accepted, kMutationsPerSeed * static_cast<int>(seeds.size()) / 2) << target.name;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzSmokeTest, ::testing::ValuesIn(Targets()),
                         [](const ::testing::TestParamInfo<Target>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace twi::fuzz
