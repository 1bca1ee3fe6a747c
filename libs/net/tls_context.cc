#include "libs/net/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <exception>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/crypto/openssl_util.h"

namespace twi::net::internal {
namespace {

using crypto::internal::ClearOpenSslErrors;
using crypto::internal::MemoryBio;
using crypto::internal::OpenSslError;
using crypto::internal::UniqueBio;
using crypto::internal::UniqueEvpPkey;
using crypto::internal::UniqueGeneralNames;
using crypto::internal::UniqueX509;

constexpr char kExporterLabel[] = "EXPORTER-Channel-Binding";  // RFC 9266 §2
constexpr size_t kExporterLength = 32;                         // RFC 9266 §2

// One PEM block as decoded by OpenSSL; the payload is wiped on release since it may be a key.
struct PemBlock {
  struct Free {
    void operator()(char* p) const { OPENSSL_free(p); }
  };
  std::unique_ptr<char, Free> name;
  std::unique_ptr<char, Free> header;
  unsigned char* data = nullptr;
  long length = 0;
  PemBlock() = default;
  PemBlock(const PemBlock&) = delete;
  PemBlock& operator=(const PemBlock&) = delete;
  ~PemBlock() { OPENSSL_clear_free(data, static_cast<size_t>(length)); }
};

// Reads the next PEM block; false at the end of input (or on error, which `status` reports).
bool ReadPemBlock(BIO* bio, PemBlock& block, absl::Status& status, std::string_view what) {
  char* name = nullptr;
  char* header = nullptr;
  if (PEM_read_bio(bio, &name, &header, &block.data, &block.length) != 1) {
    const unsigned long err = ERR_peek_last_error();
    if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
      ClearOpenSslErrors();
    } else {
      status = OpenSslError(Reason::kConfigInvalid, absl::StrFormat("%s: bad PEM", what));
    }
    return false;
  }
  block.name.reset(name);
  block.header.reset(header);
  return true;
}

// Strict: every block must be labelled CERTIFICATE and hold exactly one DER certificate.
absl::StatusOr<std::vector<UniqueX509>> ParseCertificates(std::string_view pem,
                                                          std::string_view what) {
  if (pem.empty()) return Error(Reason::kConfigInvalid, absl::StrFormat("%s: missing", what));
  UniqueBio bio = MemoryBio(AsBytes(pem));
  if (bio == nullptr) return OpenSslError(Reason::kInternal, "BIO_new_mem_buf");
  std::vector<UniqueX509> certificates;
  absl::Status status;
  for (;;) {
    PemBlock block;
    if (!ReadPemBlock(bio.get(), block, status, what)) break;
    if (std::strcmp(block.name.get(), PEM_STRING_X509) != 0) {
      return Error(Reason::kConfigInvalid,
                   absl::StrFormat("%s: unexpected PEM block '%s'", what, block.name.get()));
    }
    const unsigned char* p = block.data;
    UniqueX509 certificate(d2i_X509(nullptr, &p, block.length));
    if (certificate == nullptr || p != block.data + block.length) {
      return OpenSslError(Reason::kConfigInvalid,
                          absl::StrFormat("%s: malformed certificate", what));
    }
    certificates.push_back(std::move(certificate));
  }
  TWI_RETURN_IF_ERROR(status);
  if (certificates.empty()) {
    return Error(Reason::kConfigInvalid, absl::StrFormat("%s: no certificate", what));
  }
  return certificates;
}

// Strict: exactly a PKCS#8 "PRIVATE KEY" block.
absl::StatusOr<UniqueEvpPkey> ParsePrivateKey(const SecretBytes& pem, std::string_view what) {
  if (pem.empty()) return Error(Reason::kConfigInvalid, absl::StrFormat("%s: missing", what));
  UniqueBio bio = MemoryBio(pem.view());
  if (bio == nullptr) return OpenSslError(Reason::kInternal, "BIO_new_mem_buf");
  PemBlock block;
  absl::Status status;
  if (!ReadPemBlock(bio.get(), block, status, what)) {
    TWI_RETURN_IF_ERROR(status);
    return Error(Reason::kConfigInvalid, absl::StrFormat("%s: no private key", what));
  }
  if (std::strcmp(block.name.get(), PEM_STRING_PKCS8INF) != 0) {
    return Error(Reason::kConfigInvalid,
                 absl::StrFormat("%s: expected a PKCS#8 PRIVATE KEY block", what));
  }
  const unsigned char* p = block.data;
  std::unique_ptr<PKCS8_PRIV_KEY_INFO,
                  crypto::internal::Deleter<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>>
      info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, block.length));
  if (info == nullptr || p != block.data + block.length) {
    return OpenSslError(Reason::kConfigInvalid, absl::StrFormat("%s: malformed PKCS#8", what));
  }
  UniqueEvpPkey key(EVP_PKCS82PKEY(info.get()));
  if (key == nullptr) {
    return OpenSslError(Reason::kConfigInvalid, absl::StrFormat("%s: unusable key", what));
  }
  return key;
}

absl::Status UseCertificateAndKey(SSL_CTX* ctx, std::string_view chain_pem,
                                  const SecretBytes& key_pem) {
  TWI_ASSIGN_OR_RETURN(std::vector<UniqueX509> chain,
                       ParseCertificates(chain_pem, "certificate chain"));
  TWI_ASSIGN_OR_RETURN(UniqueEvpPkey key, ParsePrivateKey(key_pem, "private key"));
  if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1) {
    return OpenSslError(Reason::kConfigInvalid, "certificate rejected");
  }
  for (size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx, chain[i].get()) != 1) {
      return OpenSslError(Reason::kConfigInvalid, "intermediate certificate rejected");
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    return OpenSslError(Reason::kConfigInvalid, "private key rejected");
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return OpenSslError(Reason::kConfigInvalid, "private key does not match the certificate");
  }
  return absl::OkStatus();
}

// Trust anchors go into the context's own store, so the system store is never consulted.
absl::Status AddTrustAnchors(SSL_CTX* ctx, std::string_view pem, bool advertise_to_clients) {
  TWI_ASSIGN_OR_RETURN(std::vector<UniqueX509> anchors, ParseCertificates(pem, "trust anchors"));
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  for (const UniqueX509& anchor : anchors) {
    if (X509_STORE_add_cert(store, anchor.get()) != 1) {
      return OpenSslError(Reason::kConfigInvalid, "trust anchor rejected");
    }
    // certificate_authorities in CertificateRequest (RFC 8446 §4.2.4) lets clients pick a cert.
    if (advertise_to_clients && SSL_CTX_add_client_CA(ctx, anchor.get()) != 1) {
      return OpenSslError(Reason::kConfigInvalid, "client CA name rejected");
    }
  }
  return absl::OkStatus();
}

// Every twi connection is TLS 1.3; older versions are refused in the handshake.
absl::Status RequireTls13(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return OpenSslError(Reason::kInternal, "cannot require TLS 1.3");
  }
  return absl::OkStatus();
}

absl::StatusOr<asio::ssl::context> NewContext(asio::ssl::context::method method) {
  try {
    asio::ssl::context context(method);
    TWI_RETURN_IF_ERROR(RequireTls13(context.native_handle()));
    return context;
  } catch (const std::exception& e) {
    ClearOpenSslErrors();
    return Error(Reason::kInternal, absl::StrFormat("cannot create TLS context: %s", e.what()));
  }
}

}  // namespace

absl::StatusOr<asio::ssl::context> MakeServerContext(const TlsServerConfig& config) {
  TWI_ASSIGN_OR_RETURN(asio::ssl::context context, NewContext(asio::ssl::context::tls_server));
  SSL_CTX* ctx = context.native_handle();
  // twi clients do not resume sessions; tickets would only cost a write per connection.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
  TWI_RETURN_IF_ERROR(
      UseCertificateAndKey(ctx, config.certificate_chain_pem, config.private_key_pem));
  if (config.client_auth == ClientAuth::kNone) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return context;
  }
  if (config.client_ca_pem.empty()) {
    return Error(Reason::kConfigInvalid, "client authentication needs client_ca_pem");
  }
  TWI_RETURN_IF_ERROR(AddTrustAnchors(ctx, config.client_ca_pem, /*advertise_to_clients=*/true));
  int mode = SSL_VERIFY_PEER;
  if (config.client_auth == ClientAuth::kRequired) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  return context;
}

absl::StatusOr<asio::ssl::context> MakeClientContext(const TlsClientConfig& config) {
  if (config.ca_pem.empty()) {
    return Error(Reason::kConfigInvalid, "TLS client needs ca_pem trust anchors");
  }
  TWI_ASSIGN_OR_RETURN(asio::ssl::context context, NewContext(asio::ssl::context::tls_client));
  SSL_CTX* ctx = context.native_handle();
  TWI_RETURN_IF_ERROR(AddTrustAnchors(ctx, config.ca_pem, /*advertise_to_clients=*/false));
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!config.certificate_chain_pem.empty() || !config.private_key_pem.empty()) {
    TWI_RETURN_IF_ERROR(
        UseCertificateAndKey(ctx, config.certificate_chain_pem, config.private_key_pem));
  }
  return context;
}

absl::Status SetExpectedServerName(SSL* ssl, const std::string& server_name) {
  if (server_name.empty()) return Error(Reason::kConfigInvalid, "empty TLS server name");
  ErrorCode ec;
  asio::ip::make_address(server_name, ec);
  if (!ec) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name.c_str()) != 1) {
      return OpenSslError(Reason::kConfigInvalid, "bad server IP address");
    }
    return absl::OkStatus();
  }
  // SNI carries DNS names only (RFC 6066 §3).
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set_tlsext_host_name(ssl, server_name.c_str()) != 1 ||
      SSL_set1_host(ssl, server_name.c_str()) != 1) {
    return OpenSslError(Reason::kConfigInvalid, "bad server name");
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> ChannelBindingExporter(SSL* ssl) {
  Bytes exporter(kExporterLength);
  // RFC 9266 §2: no context value (use_context = 0).
  if (SSL_export_keying_material(ssl, exporter.data(), exporter.size(), kExporterLabel,
                                 sizeof(kExporterLabel) - 1, nullptr, 0, 0) != 1) {
    return OpenSslError(Reason::kTransportError, "TLS exporter unavailable");
  }
  return exporter;
}

PeerIdentity VerifiedPeer(SSL* ssl) {
  PeerIdentity peer;
  X509* certificate = SSL_get0_peer_certificate(ssl);
  if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return peer;
  peer.certificate_verified = true;
  UniqueGeneralNames names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    peer.uri_sans.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                               static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (bio != nullptr &&
      X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253) >= 0) {
    peer.subject = crypto::internal::BioContents(bio.get());
  }
  ClearOpenSslErrors();
  return peer;
}

std::string HandshakeFailureDetail(SSL* ssl, const ErrorCode& ec) {
  std::string detail = ec.message();
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    detail += absl::StrFormat(" (certificate: %s)", X509_verify_cert_error_string(verify));
  }
  ClearOpenSslErrors();
  return detail;
}

}  // namespace twi::net::internal
