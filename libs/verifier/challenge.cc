#include "libs/verifier/challenge.h"

#include <algorithm>
#include <string_view>

#include "libs/core/status.h"
#include "libs/crypto/random.h"

namespace twi::verifier {
namespace {

constexpr uint8_t kVersion = 0x01;
constexpr size_t kBodySize = 1 + 8 + 16;
static_assert(kBodySize + crypto::kHmacSha256Size == kChallengeNonceSize);
// Domain separation: the key may one day protect other tokens of the Verifier.
constexpr char kLabel[] = "twi verifier challenge v1";

Bytes MacInput(ByteView body) {
  const ByteView label = AsBytes(std::string_view(kLabel, sizeof(kLabel)));  // NUL separates
  Bytes input(label.size() + body.size());
  std::copy(label.begin(), label.end(), input.begin());
  std::copy(body.begin(), body.end(), input.begin() + label.size());
  return input;
}

}  // namespace

absl::StatusOr<ChallengeCodec> ChallengeCodec::Create(const SecretBytes& key) {
  TWI_ASSIGN_OR_RETURN(crypto::HmacSha256 mac, crypto::HmacSha256::Create(key));
  return ChallengeCodec(std::move(mac));
}

Bytes ChallengeCodec::Mint(absl::Time expires_at) const {
  Bytes nonce(kBodySize);
  nonce[0] = kVersion;
  const uint64_t micros = static_cast<uint64_t>(absl::ToUnixMicros(expires_at));
  for (int i = 0; i < 8; ++i) nonce[1 + i] = static_cast<uint8_t>(micros >> (8 * (7 - i)));
  crypto::FillRandom(nonce.data() + 9, 16);
  const Bytes tag = mac_.Compute(MacInput(nonce));
  nonce.insert(nonce.end(), tag.begin(), tag.end());
  return nonce;
}

std::optional<absl::Time> ChallengeCodec::Open(ByteView nonce) const {
  if (nonce.size() != kChallengeNonceSize || nonce[0] != kVersion) return std::nullopt;
  const ByteView body = nonce.subspan(0, kBodySize);
  if (!mac_.Verify(MacInput(body), nonce.subspan(kBodySize))) return std::nullopt;
  uint64_t micros = 0;
  for (int i = 0; i < 8; ++i) micros = (micros << 8) | nonce[1 + i];
  return absl::FromUnixMicros(static_cast<int64_t>(micros));
}

}  // namespace twi::verifier
