#include "libs/x509/der_reader.h"

#include "absl/strings/str_format.h"

namespace twi::x509::der {

absl::StatusOr<Element> Read(ByteView& in, Reason reason) {
  if (in.size() < 2) return Error(reason, "DER: truncated element");
  const uint8_t tag = in[0];
  if ((tag & 0x1f) == 0x1f) return Error(reason, "DER: high tag numbers are not used here");
  size_t length = in[1];
  size_t header = 2;
  if (length & 0x80) {
    const size_t octets = length & 0x7f;
    // X.690 §8.1.3.6: 0x80 is the indefinite form, which DER forbids (§10.1).
    if (octets == 0 || octets > 4) return Error(reason, "DER: unsupported length form");
    if (in.size() < 2 + octets) return Error(reason, "DER: truncated length");
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = (length << 8) | in[2 + i];
    // §10.1: the minimum number of octets, and the short form below 128.
    if (in[2] == 0 || length < 0x80) return Error(reason, "DER: non-minimal length");
    header += octets;
  }
  if (in.size() - header < length) return Error(reason, "DER: element longer than its input");
  Element element{tag, in.subspan(header, length), in.subspan(0, header + length)};
  in.remove_prefix(header + length);
  return element;
}

absl::StatusOr<Element> Expect(ByteView& in, uint8_t tag, Reason reason) {
  TWI_ASSIGN_OR_RETURN(Element element, Read(in, reason));
  if (element.tag != tag) {
    return Error(reason,
                 absl::StrFormat("DER: expected tag 0x%02x, found 0x%02x", tag, element.tag));
  }
  return element;
}

}  // namespace twi::x509::der
