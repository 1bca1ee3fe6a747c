#include "libs/x509/der.h"

namespace twi::x509::der {

void AppendLength(size_t length, Bytes& out) {
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
    return;
  }
  uint8_t octets[sizeof(size_t)];
  size_t count = 0;
  for (size_t rest = length; rest != 0; rest >>= 8) octets[count++] = static_cast<uint8_t>(rest);
  out.push_back(static_cast<uint8_t>(0x80 | count));
  while (count > 0) out.push_back(octets[--count]);
}

Bytes Tlv(uint8_t tag, ByteView contents) {
  Bytes out;
  out.reserve(contents.size() + 1 + 1 + sizeof(size_t));
  out.push_back(tag);
  AppendLength(contents.size(), out);
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes Sequence(std::initializer_list<ByteView> elements) {
  Bytes contents;
  for (ByteView element : elements) contents.insert(contents.end(), element.begin(), element.end());
  return Tlv(kTagSequence, contents);
}

Bytes BitString(ByteView octets) {
  Bytes contents;
  contents.reserve(octets.size() + 1);
  contents.push_back(0x00);  // number of unused bits in the final octet
  contents.insert(contents.end(), octets.begin(), octets.end());
  return Tlv(kTagBitString, contents);
}

}  // namespace twi::x509::der
