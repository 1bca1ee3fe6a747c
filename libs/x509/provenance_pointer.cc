#include "libs/x509/provenance_pointer.h"

#include "libs/core/status.h"
#include "libs/x509/der.h"
#include "libs/x509/der_reader.h"

namespace twi::x509 {
namespace {

constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagUtf8String = 0x0c;
constexpr Reason kBad = Reason::kCertificateInvalid;
// X.690 §8.19 encoding of kProvenancePointerOid (first octet 2*40+25 = 105).
constexpr uint8_t kOidDer[] = {0x06, 0x15, 0x69, 0x81, 0x89, 0x89, 0x80, 0xe7,
                               0xf0, 0xe1, 0x82, 0xa7, 0x89, 0xad, 0xfe, 0xea,
                               0xc9, 0xf4, 0xab, 0xe1, 0xb2, 0x3f, 0x01};

// A non-negative INTEGER in minimal DER form (X.690 §8.3).
Bytes Unsigned(uint64_t value) {
  Bytes octets;
  do {
    octets.insert(octets.begin(), static_cast<uint8_t>(value));
    value >>= 8;
  } while (value != 0);
  if (octets.front() & 0x80) octets.insert(octets.begin(), 0x00);
  return der::Tlv(der::kTagInteger, octets);
}

absl::StatusOr<uint64_t> ReadUnsigned(ByteView& in) {
  TWI_ASSIGN_OR_RETURN(const der::Element element, der::Expect(in, der::kTagInteger, kBad));
  ByteView octets = element.contents;
  if (octets.empty() || (octets[0] & 0x80) != 0) {
    return Error(kBad, "provenance pointer: a negative or empty INTEGER");
  }
  if (octets.size() > 1 && octets[0] == 0 && (octets[1] & 0x80) == 0) {
    return Error(kBad, "provenance pointer: an INTEGER not in minimal form");
  }
  if (octets[0] == 0) octets.remove_prefix(1);
  if (octets.size() > 8) return Error(kBad, "provenance pointer: an INTEGER over 64 bits");
  uint64_t value = 0;
  for (uint8_t octet : octets) value = (value << 8) | octet;
  return value;
}

}  // namespace

ByteView ProvenancePointerOidDer() { return kOidDer; }

absl::StatusOr<Bytes> EncodeProvenancePointer(const ProvenancePointer& pointer) {
  if (pointer.record_digest.size() != 32 || pointer.log_origin.empty()) {
    return Error(Reason::kInvalidArgument,
                 "provenance pointer: a 32-byte record digest and a log origin are required");
  }
  return der::Sequence({Unsigned(1), der::Tlv(kTagOctetString, pointer.record_digest),
                        der::Tlv(kTagUtf8String, AsBytes(pointer.log_origin)),
                        Unsigned(pointer.log_index)});
}

absl::StatusOr<ProvenancePointer> ParseProvenancePointer(ByteView der_value) {
  ByteView in = der_value;
  TWI_ASSIGN_OR_RETURN(const der::Element outer, der::Expect(in, der::kTagSequence, kBad));
  if (!in.empty()) return Error(kBad, "provenance pointer: trailing bytes");
  ByteView fields = outer.contents;
  TWI_ASSIGN_OR_RETURN(const uint64_t version, ReadUnsigned(fields));
  if (version != 1) return Error(kBad, "provenance pointer: unknown version");
  ProvenancePointer pointer;
  TWI_ASSIGN_OR_RETURN(const der::Element digest, der::Expect(fields, kTagOctetString, kBad));
  if (digest.contents.size() != 32) return Error(kBad, "provenance pointer: digest not 32 bytes");
  pointer.record_digest.assign(digest.contents.begin(), digest.contents.end());
  TWI_ASSIGN_OR_RETURN(const der::Element origin, der::Expect(fields, kTagUtf8String, kBad));
  if (origin.contents.empty()) return Error(kBad, "provenance pointer: empty log origin");
  pointer.log_origin = ToString(origin.contents);
  TWI_ASSIGN_OR_RETURN(pointer.log_index, ReadUnsigned(fields));
  if (!fields.empty()) return Error(kBad, "provenance pointer: trailing fields");
  return pointer;
}

}  // namespace twi::x509
