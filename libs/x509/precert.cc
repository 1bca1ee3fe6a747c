#include "libs/x509/precert.h"

#include <vector>

#include "libs/core/status.h"
#include "libs/x509/der.h"
#include "libs/x509/der_reader.h"

namespace twi::x509 {
namespace {

constexpr uint8_t kTagExtensions = 0xa3;  // [3] EXPLICIT, RFC 5280 §4.1
constexpr uint8_t kTagBoolean = 0x01;
constexpr uint8_t kTagOctetString = 0x04;
constexpr Reason kBad = Reason::kCertificateInvalid;

// The TBSCertificate's fields and, if present, the extensions inside its [3] field.
struct TbsParts {
  std::vector<ByteView> before;  // encodings of the fields before [3]
  std::vector<der::Element> extensions;
  std::vector<ByteView> after;  // fields after [3] (none in v3, kept for strictness)
  bool has_extensions = false;
};

absl::StatusOr<TbsParts> SplitTbs(ByteView certificate_der) {
  ByteView in = certificate_der;
  TWI_ASSIGN_OR_RETURN(der::Element certificate, der::Expect(in, der::kTagSequence, kBad));
  if (!in.empty()) return Error(kBad, "trailing bytes after the certificate");
  ByteView fields = certificate.contents;
  TWI_ASSIGN_OR_RETURN(der::Element tbs, der::Expect(fields, der::kTagSequence, kBad));
  TbsParts parts;
  ByteView tbs_fields = tbs.contents;
  while (!tbs_fields.empty()) {
    TWI_ASSIGN_OR_RETURN(der::Element field, der::Read(tbs_fields, kBad));
    if (field.tag != kTagExtensions) {
      (parts.has_extensions ? parts.after : parts.before).push_back(field.encoding);
      continue;
    }
    if (parts.has_extensions) return Error(kBad, "two extensions fields");
    parts.has_extensions = true;
    ByteView list_outer = field.contents;
    TWI_ASSIGN_OR_RETURN(der::Element list, der::Expect(list_outer, der::kTagSequence, kBad));
    if (!list_outer.empty()) return Error(kBad, "trailing bytes after the extensions");
    ByteView items = list.contents;
    while (!items.empty()) {
      TWI_ASSIGN_OR_RETURN(der::Element extension, der::Expect(items, der::kTagSequence, kBad));
      parts.extensions.push_back(extension);
    }
  }
  return parts;
}

// The extnID of an Extension element, as its full DER encoding.
absl::StatusOr<ByteView> ExtensionOid(const der::Element& extension) {
  ByteView fields = extension.contents;
  TWI_ASSIGN_OR_RETURN(der::Element oid, der::Expect(fields, der::kTagObjectIdentifier, kBad));
  return oid.encoding;
}

}  // namespace

absl::StatusOr<Bytes> TbsWithoutExtension(ByteView certificate_der, ByteView oid_der) {
  TWI_ASSIGN_OR_RETURN(const TbsParts parts, SplitTbs(certificate_der));
  Bytes contents;
  for (ByteView field : parts.before) contents.insert(contents.end(), field.begin(), field.end());
  Bytes kept;
  for (const der::Element& extension : parts.extensions) {
    TWI_ASSIGN_OR_RETURN(const ByteView oid, ExtensionOid(extension));
    if (oid == oid_der) continue;
    kept.insert(kept.end(), extension.encoding.begin(), extension.encoding.end());
  }
  if (!kept.empty()) {
    const Bytes field = der::Tlv(kTagExtensions, der::Tlv(der::kTagSequence, kept));
    contents.insert(contents.end(), field.begin(), field.end());
  }
  for (ByteView field : parts.after) contents.insert(contents.end(), field.begin(), field.end());
  return der::Tlv(der::kTagSequence, contents);
}

absl::StatusOr<std::optional<RawExtension>> FindExtension(ByteView certificate_der,
                                                          ByteView oid_der) {
  TWI_ASSIGN_OR_RETURN(const TbsParts parts, SplitTbs(certificate_der));
  std::optional<RawExtension> found;
  for (const der::Element& extension : parts.extensions) {
    ByteView fields = extension.contents;
    TWI_ASSIGN_OR_RETURN(der::Element oid, der::Expect(fields, der::kTagObjectIdentifier, kBad));
    if (oid.encoding != oid_der) continue;
    if (found.has_value()) return Error(kBad, "an extension appears twice");
    RawExtension raw;
    TWI_ASSIGN_OR_RETURN(der::Element next, der::Read(fields, kBad));
    if (next.tag == kTagBoolean) {
      // DER: critical is omitted when FALSE (X.690 §11.5), so only TRUE (0xff) may appear.
      if (next.contents.size() != 1 || next.contents[0] != 0xff) {
        return Error(kBad, "a critical flag that is not DER TRUE");
      }
      raw.critical = true;
      TWI_ASSIGN_OR_RETURN(next, der::Read(fields, kBad));
    }
    if (next.tag != kTagOctetString || !fields.empty()) {
      return Error(kBad, "an extension whose extnValue is not one OCTET STRING");
    }
    raw.value.assign(next.contents.begin(), next.contents.end());
    found = std::move(raw);
  }
  return found;
}

}  // namespace twi::x509
