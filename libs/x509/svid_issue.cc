#include "libs/x509/svid_issue.h"

#include <openssl/x509.h>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/x509/der.h"
#include "libs/x509/der_reader.h"
#include "libs/x509/issue.h"
#include "libs/x509/issue_internal.h"
#include "libs/x509/signing.h"

namespace twi::x509 {
namespace {

using crypto::SignatureAlgorithm;

// DER of fixed parts (RFC 5280 §4.1, X509-SVID §4).
constexpr uint8_t kVersion3[] = {0xa0, 0x03, 0x02, 0x01, 0x02};
constexpr uint8_t kEcdsaSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                    0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kEcdsaSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                    0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
// Name: O=twi as UTF8String, what X509_NAME_add_entry_by_txt(MBSTRING_UTF8) writes.
constexpr uint8_t kSubjectOTwi[] = {0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03,
                                    0x55, 0x04, 0x0a, 0x0c, 0x03, 't',  'w',  'i'};
// basicConstraints, critical, cA FALSE (DEFAULT, so the SEQUENCE is empty).
constexpr uint8_t kBasicConstraints[] = {0x30, 0x0c, 0x06, 0x03, 0x55, 0x1d, 0x13,
                                         0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00};
// keyUsage, critical, digitalSignature only.
constexpr uint8_t kKeyUsage[] = {0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01,
                                 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x07, 0x80};
// extKeyUsage serverAuth, clientAuth.
constexpr uint8_t kExtKeyUsage[] = {
    0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x25, 0x04, 0x16, 0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01,
    0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
constexpr uint8_t kOidBasicConstraints[] = {0x06, 0x03, 0x55, 0x1d, 0x13};
constexpr uint8_t kOidKeyUsage[] = {0x06, 0x03, 0x55, 0x1d, 0x0f};
constexpr uint8_t kOidExtKeyUsage[] = {0x06, 0x03, 0x55, 0x1d, 0x25};
constexpr uint8_t kOidSubjectAltName[] = {0x06, 0x03, 0x55, 0x1d, 0x11};
constexpr uint8_t kOidSubjectKeyId[] = {0x06, 0x03, 0x55, 0x1d, 0x0e};
constexpr uint8_t kOidAuthorityKeyId[] = {0x06, 0x03, 0x55, 0x1d, 0x23};
constexpr uint8_t kTagOctetString = 0x04;
constexpr uint8_t kTagUtcTime = 0x17;
constexpr uint8_t kTagGeneralizedTime = 0x18;
constexpr uint8_t kTagUri = 0x86;            // [6] IMPLICIT IA5String, GeneralName
constexpr uint8_t kTagKeyIdentifier = 0x80;  // [0] IMPLICIT, AuthorityKeyIdentifier
constexpr uint8_t kTagExtensions = 0xa3;     // [3] EXPLICIT

absl::StatusOr<ByteView> AlgorithmOf(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEcdsaP256Sha256:
      return ByteView(kEcdsaSha256);
    case SignatureAlgorithm::kEcdsaP384Sha384:
      return ByteView(kEcdsaSha384);
    case SignatureAlgorithm::kEd25519:
      return ByteView(kEd25519);
    default:
      return Error(Reason::kUnsupportedAlgorithm, "twi does not sign certificates with RSA");
  }
}

// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Z.
Bytes Time(absl::Time t) {
  // One civil breakdown, formatted by hand: FormatTime would break the time down again.
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  const bool utc = c.year() >= 1950 && c.year() < 2050;
  const std::string text =
      utc ? absl::StrFormat("%02d%02d%02d%02d%02d%02dZ", c.year() % 100, c.month(), c.day(),
                            c.hour(), c.minute(), c.second())
          : absl::StrFormat("%04d%02d%02d%02d%02d%02dZ", c.year(), c.month(), c.day(), c.hour(),
                            c.minute(), c.second());
  return der::Tlv(utc ? kTagUtcTime : kTagGeneralizedTime, AsBytes(text));
}

Bytes ExtensionDer(ByteView oid, ByteView value) {
  return der::Sequence({oid, der::Tlv(kTagOctetString, value)});
}

absl::StatusOr<Bytes> NameDer(X509_NAME* name) {
  unsigned char* der = nullptr;
  const int len = i2d_X509_NAME(name, &der);
  if (len <= 0) return Error(Reason::kCryptoFailure, "cannot encode the issuer name");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// The subjectPublicKey BIT STRING value inside a DER SubjectPublicKeyInfo (RFC 5280 §4.1).
absl::StatusOr<ByteView> SubjectPublicKeyBits(ByteView spki) {
  TWI_ASSIGN_OR_RETURN(der::Element outer,
                       der::Expect(spki, der::kTagSequence, Reason::kKeyInvalid));
  ByteView fields = outer.contents;
  TWI_RETURN_IF_ERROR(der::Expect(fields, der::kTagSequence, Reason::kKeyInvalid).status());
  TWI_ASSIGN_OR_RETURN(der::Element bits,
                       der::Expect(fields, der::kTagBitString, Reason::kKeyInvalid));
  if (bits.contents.empty() || bits.contents[0] != 0) {
    return Error(Reason::kKeyInvalid, "subjectPublicKey with unused bits");
  }
  return bits.contents.subspan(1);
}

// The Extension element for an extension appended by a PrecertHook (RFC 5280 §4.1).
absl::StatusOr<Bytes> HookExtensionDer(const Extension& extension) {
  if (extension.critical) {
    return Error(Reason::kInvalidArgument, "an added extension must not be critical");
  }
  ASN1_OBJECT* object = OBJ_txt2obj(extension.oid.c_str(), /*no_name=*/1);
  if (object == nullptr) {
    return Error(Reason::kInvalidArgument, "the added extension's OID is not dotted-decimal");
  }
  unsigned char* encoded = nullptr;
  const int size = i2d_ASN1_OBJECT(object, &encoded);
  ASN1_OBJECT_free(object);
  if (size <= 0) return Error(Reason::kCryptoFailure, "cannot encode an OID");
  const Bytes oid(encoded, encoded + size);
  OPENSSL_free(encoded);
  for (ByteView own :
       {ByteView(kOidBasicConstraints), ByteView(kOidKeyUsage), ByteView(kOidExtKeyUsage),
        ByteView(kOidSubjectAltName), ByteView(kOidSubjectKeyId), ByteView(kOidAuthorityKeyId)}) {
    if (ByteView(oid) == own) {
      return Error(Reason::kInvalidArgument, "the added extension repeats one the SVID has");
    }
  }
  ByteView value = extension.der_value;
  TWI_RETURN_IF_ERROR(der::Read(value, Reason::kInvalidArgument).status());
  if (!value.empty()) {
    return Error(Reason::kInvalidArgument, "the added extension's value is not one element");
  }
  return ExtensionDer(oid, extension.der_value);
}

std::string SerialHex(const Bytes& serial) {
  size_t first = 0;
  while (first + 1 < serial.size() && serial[first] == 0) ++first;
  return HexEncode(ByteView(serial).subspan(first));
}

}  // namespace

absl::StatusOr<IssuedCertificate> IssueX509Svid(const spiffe::SpiffeId& id,
                                                const crypto::PublicKey& key, absl::Time now,
                                                absl::Duration ttl, absl::Duration backdate,
                                                const Certificate& issuer,
                                                const crypto::Signer& signer, Bytes serial,
                                                const PrecertHook& hook) {
  // The same validation as the template path, so both refuse the same inputs.
  TWI_ASSIGN_OR_RETURN(CertificateTemplate tmpl, X509SvidTemplate(id, key, now, ttl, backdate));
  TWI_RETURN_IF_ERROR(internal::CheckIssuer(key, &issuer, signer));
  TWI_ASSIGN_OR_RETURN(ByteView algorithm, AlgorithmOf(signer.algorithm()));
  if (key.type() == crypto::KeyType::kRsa) {
    return Error(Reason::kUnsupportedAlgorithm, "X509-SVID keys are EC or Ed25519");
  }
  if (serial.empty()) serial = internal::RandomSerial();
  if (serial[0] & 0x80 || (serial.size() > 1 && serial[0] == 0 && !(serial[1] & 0x80)) ||
      serial.size() > 20) {
    return Error(Reason::kInvalidArgument, "the serial must be a minimal positive INTEGER");
  }
  const absl::Time not_before = absl::FromUnixSeconds(absl::ToUnixSeconds(tmpl.not_before));
  const absl::Time not_after = absl::FromUnixSeconds(absl::ToUnixSeconds(tmpl.not_after));

  TWI_ASSIGN_OR_RETURN(Bytes issuer_name, NameDer(X509_get_subject_name(issuer.native())));
  const Bytes spki = key.ToSpkiDer();
  TWI_ASSIGN_OR_RETURN(ByteView key_bits, SubjectPublicKeyBits(spki));
  Bytes ski = crypto::Sha256(key_bits);  // RFC 7093 §2 method 1
  ski.resize(20);
  const Bytes aki = internal::AuthorityKeyIdentifier(issuer.native());

  const Bytes san = der::Sequence({der::Tlv(kTagUri, AsBytes(tmpl.uri_sans[0]))});
  const Bytes san_extension = ExtensionDer(kOidSubjectAltName, san);
  const Bytes ski_extension = ExtensionDer(kOidSubjectKeyId, der::Tlv(kTagOctetString, ski));
  const Bytes aki_extension =
      ExtensionDer(kOidAuthorityKeyId, der::Sequence({der::Tlv(kTagKeyIdentifier, aki)}));
  const auto make_tbs = [&](ByteView extra) {
    Bytes list = der::Sequence(
        {kBasicConstraints, kKeyUsage, kExtKeyUsage, san_extension, ski_extension, aki_extension});
    if (!extra.empty()) {
      list = der::Sequence({kBasicConstraints, kKeyUsage, kExtKeyUsage, san_extension,
                            ski_extension, aki_extension, extra});
    }
    return der::Sequence({kVersion3, der::Tlv(der::kTagInteger, serial), algorithm, issuer_name,
                          der::Sequence({Time(not_before), Time(not_after)}), kSubjectOTwi, spki,
                          der::Tlv(kTagExtensions, list)});
  };
  Bytes tbs = make_tbs({});
  if (hook) {
    TWI_ASSIGN_OR_RETURN(
        const Extension extension,
        hook(Precertificate{.tbs = tbs,
                            .serial_hex = SerialHex(serial),
                            .issuer_name_sha256 = HexEncode(crypto::Sha256(issuer_name)),
                            .not_before = not_before,
                            .not_after = not_after}));
    TWI_ASSIGN_OR_RETURN(const Bytes extra, HookExtensionDer(extension));
    tbs = make_tbs(extra);
  }

  TWI_ASSIGN_OR_RETURN(Bytes raw_signature, signer.Sign(tbs));
  // A faulty signer (a token glitch, a fault attack) must never release a bad signature.
  if (!crypto::VerifySignature(signer.public_key(), signer.algorithm(), tbs, raw_signature).ok()) {
    return Error(Reason::kCryptoFailure, "the signer produced a signature that does not verify");
  }
  Bytes signature = raw_signature;
  if (signer.algorithm() != SignatureAlgorithm::kEd25519) {
    TWI_ASSIGN_OR_RETURN(signature, crypto::EcdsaRawToDer(raw_signature));
  }
  IssuedCertificate out;
  out.der = der::Sequence({tbs, algorithm, der::BitString(signature)});
  out.serial_hex = SerialHex(serial);
  out.not_before = not_before;
  out.not_after = not_after;
  return out;
}

}  // namespace twi::x509
