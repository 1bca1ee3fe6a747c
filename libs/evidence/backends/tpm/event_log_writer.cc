#include "libs/evidence/backends/tpm/event_log_writer.h"

#include <cstring>

#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/evidence/wire_reader.h"

namespace twi::evidence::tpm {
namespace {

void PutLe(Bytes& out, uint64_t value, size_t size) {
  for (size_t i = 0; i < size; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void PutSized32(Bytes& out, ByteView data) {
  PutLe(out, data.size(), 4);
  out.insert(out.end(), data.begin(), data.end());
}

}  // namespace

Bytes EncodeLogHeader(const std::vector<uint16_t>& hash_algs) {
  Bytes spec_id;
  const char signature[16] = "Spec ID Event03";
  spec_id.insert(spec_id.end(), signature, signature + 16);
  PutLe(spec_id, 0, 4);  // platformClass: client
  spec_id.push_back(0);  // specVersionMinor
  spec_id.push_back(2);  // specVersionMajor
  spec_id.push_back(0);  // specErrata
  spec_id.push_back(2);  // uintnSize: UINT64
  PutLe(spec_id, hash_algs.size(), 4);
  for (const uint16_t alg : hash_algs) {
    PutLe(spec_id, alg, 2);
    PutLe(spec_id, crypto::DigestSize(*DigestFor(alg)), 2);
  }
  spec_id.push_back(0);  // vendorInfoSize

  Bytes out;
  PutLe(out, 0, 4);  // PCR 0
  PutLe(out, kEvNoAction, 4);
  out.insert(out.end(), 20, 0);  // SHA-1-sized zero digest
  PutSized32(out, spec_id);
  return out;
}

Bytes EncodeLogEvent(const LogEvent& event) {
  Bytes out;
  PutLe(out, event.pcr, 4);
  PutLe(out, event.type, 4);
  PutLe(out, event.digests.size(), 4);
  for (const auto& [alg, digest] : event.digests) {
    PutLe(out, alg, 2);
    out.insert(out.end(), digest.begin(), digest.end());
  }
  PutSized32(out, event.data);
  return out;
}

Bytes EncodeTaggedEvent(uint32_t tag, ByteView data) {
  Bytes out;
  PutLe(out, tag, 4);
  PutSized32(out, data);
  return out;
}

absl::StatusOr<TaggedEvent> ParseTaggedEvent(ByteView data) {
  WireReader r(data, Endian::kLittle, "TCG_PCClientTaggedEvent");
  TaggedEvent event;
  TWI_ASSIGN_OR_RETURN(event.tag, r.U32("taggedEventID"));
  TWI_ASSIGN_OR_RETURN(const ByteView payload, r.Sized32(kMaxEventDataSize, "taggedEventData"));
  event.data.assign(payload.begin(), payload.end());
  TWI_RETURN_IF_ERROR(r.ExpectEnd());
  return event;
}

}  // namespace twi::evidence::tpm
