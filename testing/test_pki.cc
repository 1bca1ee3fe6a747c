#include "testing/test_pki.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace twi::testing {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Names = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

constexpr long kBackdateSeconds = 3600;
constexpr long kLifetimeSeconds = 24 * 3600;

void Check(bool ok, const char* what) {
  if (ok) return;
  char detail[256] = "";
  ERR_error_string_n(ERR_get_error(), detail, sizeof(detail));
  ERR_clear_error();
  throw std::runtime_error(std::string("test PKI: ") + what + ": " + detail);
}

Key NewKey() {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Check(key != nullptr, "EC P-256 keygen");
  return key;
}

std::string ToPem(int (*write)(BIO*, void*), void* object) {
  Bio bio(BIO_new(BIO_s_mem()));
  Check(bio != nullptr && write(bio.get(), object) == 1, "PEM encode");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string CertificatePem(X509* cert) {
  return ToPem([](BIO* bio, void* x) { return PEM_write_bio_X509(bio, static_cast<X509*>(x)); },
               cert);
}

std::string KeyPem(EVP_PKEY* key) {
  // PKCS#8 "PRIVATE KEY", unencrypted.
  return ToPem(
      [](BIO* bio, void* k) {
        return PEM_write_bio_PKCS8PrivateKey(bio, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0,
                                             nullptr, nullptr);
      },
      key);
}

Cert ParseCertificate(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  Check(cert != nullptr, "parse CA certificate");
  return cert;
}

Key ParseKey(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  Check(key != nullptr, "parse CA key");
  return key;
}

// Version 3, random positive serial, subject CN, validity now-1h .. now+1d, public key.
Cert NewCertificate(const std::string& common_name, EVP_PKEY* key) {
  Cert cert(X509_new());
  Check(cert != nullptr && X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_new");
  unsigned char serial[16];
  Check(RAND_bytes(serial, sizeof(serial)) == 1, "serial");
  serial[0] &= 0x7f;
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  Check(bn != nullptr && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr,
        "serial");
  X509_NAME* name = X509_get_subject_name(cert.get());
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) == 1,
        "subject");
  Check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), kLifetimeSeconds) != nullptr,
        "validity");
  Check(X509_set_pubkey(cert.get(), key) == 1, "public key");
  return cert;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, value);
  const int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  Check(added == 1, "add extension");
}

void AddName(GENERAL_NAMES* names, int type, const std::string& value) {
  GENERAL_NAME* name = nullptr;
  if (type == GEN_IPADD) {
    name = GENERAL_NAME_new();
    Check(name != nullptr, "GENERAL_NAME_new");
    name->type = GEN_IPADD;
    name->d.iPAddress = a2i_IPADDRESS(value.c_str());
    Check(name->d.iPAddress != nullptr, "IP SAN");
  } else {
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    Check(text != nullptr && ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())),
          "SAN text");
    name = GENERAL_NAME_new();
    Check(name != nullptr, "GENERAL_NAME_new");
    GENERAL_NAME_set0_value(name, type, text);
  }
  Check(sk_GENERAL_NAME_push(names, name) > 0, "SAN push");
}

void Sign(X509* cert, EVP_PKEY* key) { Check(X509_sign(cert, key, EVP_sha256()) > 0, "sign"); }

}  // namespace

TestCertificate MakeTestCa(std::string common_name) {
  Key key = NewKey();
  Cert cert = NewCertificate(common_name, key.get());
  Check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) == 1, "issuer");
  AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always");
  Sign(cert.get(), key.get());
  return TestCertificate{CertificatePem(cert.get()), KeyPem(key.get())};
}

TestCertificate MakeTestLeaf(const TestCertificate& ca, std::string common_name,
                             std::vector<std::string> dns_sans, std::vector<std::string> ip_sans,
                             std::vector<std::string> uri_sans) {
  Cert ca_cert = ParseCertificate(ca.certificate_pem);
  Key ca_key = ParseKey(ca.private_key_pem);
  Key key = NewKey();
  Cert cert = NewCertificate(common_name, key.get());
  Check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) == 1, "issuer");
  AddExtension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  AddExtension(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  Names names(sk_GENERAL_NAME_new_null());
  Check(names != nullptr, "SAN list");
  for (const std::string& dns : dns_sans) AddName(names.get(), GEN_DNS, dns);
  for (const std::string& ip : ip_sans) AddName(names.get(), GEN_IPADD, ip);
  for (const std::string& uri : uri_sans) AddName(names.get(), GEN_URI, uri);
  if (sk_GENERAL_NAME_num(names.get()) > 0) {
    Check(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) ==
              1,
          "SAN extension");
  }
  Sign(cert.get(), ca_key.get());
  return TestCertificate{CertificatePem(cert.get()), KeyPem(key.get())};
}

}  // namespace twi::testing
