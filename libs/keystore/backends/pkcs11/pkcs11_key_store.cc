#include "libs/keystore/backends/pkcs11/pkcs11_key_store.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/core/log.h"
#include "libs/core/status.h"
#include "libs/crypto/digest.h"
#include "libs/crypto/random.h"
#include "libs/keystore/backends/pkcs11/pkcs11_module.h"
#include "libs/keystore/pkcs11_uri.h"

namespace twi::keystore {
namespace {

constexpr std::string_view kComponent = "keystore";
constexpr size_t kTokenLabelSize = 32;  // CK_TOKEN_INFO.label, blank-padded
// Room for the wrap of any EC private key as PKCS#8 (a P-384 key wraps to about 200 bytes).
constexpr size_t kMaxWrappedSize = 4096;

// DER OBJECT IDENTIFIERs of the curves, as CKA_EC_PARAMS holds them (RFC 5480 namedCurve).
constexpr uint8_t kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
constexpr uint8_t kP384Params[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
// id-Ed25519 (RFC 8410), the form of CKA_EC_PARAMS PKCS#11 3.0 §2.3.5 gives for Edwards curves.
constexpr uint8_t kEd25519Params[] = {0x06, 0x03, 0x2b, 0x65, 0x70};

ByteView CurveParams(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kEcP256:
      return kP256Params;
    case crypto::KeyType::kEcP384:
      return kP384Params;
    default:
      return kEd25519Params;
  }
}

std::string PaddedLabel(std::string_view label) {
  std::string padded(label.substr(0, kTokenLabelSize));
  padded.resize(kTokenLabelSize, ' ');
  return padded;
}

std::string Unpadded(const CK_UTF8CHAR* text, size_t size) {
  std::string out(reinterpret_cast<const char*>(text), size);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

CK_ATTRIBUTE Attribute(CK_ATTRIBUTE_TYPE type, const void* value, size_t size) {
  return CK_ATTRIBUTE{type, const_cast<void*>(value), static_cast<CK_ULONG>(size)};
}

absl::StatusOr<CK_SLOT_ID> FindSlot(CK_FUNCTION_LIST* fn, std::string_view label, bool want_free) {
  CK_ULONG count = 0;
  TWI_RETURN_IF_ERROR(Pkcs11Status(fn->C_GetSlotList(CK_TRUE, nullptr, &count), "C_GetSlotList"));
  std::vector<CK_SLOT_ID> slots(count);
  TWI_RETURN_IF_ERROR(
      Pkcs11Status(fn->C_GetSlotList(CK_TRUE, slots.data(), &count), "C_GetSlotList"));
  slots.resize(count);
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info;
    if (fn->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    const bool initialised = (info.flags & CKF_TOKEN_INITIALIZED) != 0;
    if (want_free ? !initialised
                  : initialised && Unpadded(info.label, sizeof(info.label)) == label) {
      return slot;
    }
  }
  return Error(Reason::kKeyStoreUnavailable,
               want_free ? std::string("no PKCS#11 slot without a token is left")
                         : absl::StrFormat("no PKCS#11 token labelled \"%s\"", label));
}

// CKA_EC_POINT is a DER OCTET STRING around the uncompressed point (PKCS#11 §2.3.3); some
// tokens return the bare point. Both are accepted.
absl::StatusOr<crypto::PublicKey> EcPublicKey(crypto::KeyType type, ByteView ec_point) {
  const size_t n = crypto::EcCoordinateSize(type);
  ByteView point = ec_point;
  if (point.size() == 2 * n + 3 && point[0] == 0x04 && point[1] == 2 * n + 1)
    point.remove_prefix(2);
  if (point.size() != 2 * n + 1 || point[0] != 0x04) {
    return Error(Reason::kKeyInvalid, "the token returned a malformed EC point");
  }
  return crypto::PublicKey::FromEcCoordinates(type, point.subspan(1, n), point.subspan(1 + n, n));
}

// For Edwards keys CKA_EC_POINT is the DER OCTET STRING around the 32-byte encoding (PKCS#11 3.0
// §2.3.6); the bare encoding is accepted too.
absl::StatusOr<crypto::PublicKey> Ed25519PublicKey(ByteView ec_point) {
  ByteView raw = ec_point;
  if (raw.size() == 34 && raw[0] == 0x04 && raw[1] == 32) raw.remove_prefix(2);
  if (raw.size() != 32)
    return Error(Reason::kKeyInvalid, "the token returned a malformed Ed25519 key");
  return crypto::PublicKey::FromEd25519(raw);
}

}  // namespace

// The token shared by the store and its Signers: the module, the slot, the PIN and the pool.
struct Pkcs11KeyStore::Token {
  std::shared_ptr<Pkcs11Module> module;
  CK_SLOT_ID slot = 0;
  std::string label;
  SecretBytes pin;
  size_t max_idle = 4;
  std::mutex mu;
  std::vector<CK_SESSION_HANDLE> idle;  // guarded by mu
  // Private key handles by label, for WrapKeyFor: a search by label costs SoftHSM2 a scan of
  // its object files on every call. Guarded by mu; dropped when the token says a handle is
  // stale or the key is destroyed.
  std::map<std::string, CK_OBJECT_HANDLE, std::less<>> private_handles;

  CK_FUNCTION_LIST* fn() const { return module->fn(); }

  ~Token() {
    for (CK_SESSION_HANDLE session : idle) fn()->C_CloseSession(session);
  }

  // A logged-in session: an idle one, or a new one.
  absl::StatusOr<CK_SESSION_HANDLE> Borrow() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        const CK_SESSION_HANDLE session = idle.back();
        idle.pop_back();
        return session;
      }
    }
    CK_SESSION_HANDLE session = 0;
    TWI_RETURN_IF_ERROR(Pkcs11Status(
        fn()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session),
        "C_OpenSession"));
    const CK_RV rv = fn()->C_Login(session, CKU_USER, const_cast<uint8_t*>(pin.view().data()),
                                   static_cast<CK_ULONG>(pin.size()));
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
      fn()->C_CloseSession(session);
      return Pkcs11Status(rv, "C_Login");
    }
    return session;
  }

  void Return(CK_SESSION_HANDLE session) {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() < max_idle) {
      idle.push_back(session);
    } else {
      fn()->C_CloseSession(session);
    }
  }

  // Runs `body` on a pooled session. If the token says the session or login is gone, every
  // pooled session is dropped and `body` runs once more on a fresh, logged-in one.
  template <typename Body>
  absl::Status Run(std::string_view operation, Body body) {
    for (int attempt = 0;; ++attempt) {
      TWI_ASSIGN_OR_RETURN(const CK_SESSION_HANDLE session, Borrow());
      const CK_RV rv = body(session);
      if (rv == CKR_OK) {
        Return(session);
        return absl::OkStatus();
      }
      if (!Pkcs11SessionLost(rv) || attempt > 0) {
        if (Pkcs11SessionLost(rv)) {
          fn()->C_CloseSession(session);
        } else {
          Return(session);
        }
        return Pkcs11Status(rv, operation);
      }
      LogWarning(kComponent, absl::StrFormat("token \"%s\": %s during %s; opening a new session",
                                             label, Pkcs11RvName(rv), operation));
      fn()->C_CloseSession(session);
      std::lock_guard<std::mutex> lock(mu);
      for (CK_SESSION_HANDLE stale : idle) fn()->C_CloseSession(stale);
      idle.clear();
    }
  }

  // The one object of `object_class` labelled `label`; kKeyStoreKeyNotFound if there is none.
  absl::StatusOr<CK_OBJECT_HANDLE> Find(CK_OBJECT_CLASS object_class, std::string_view label) {
    CK_OBJECT_HANDLE found[2] = {0, 0};
    CK_ULONG count = 0;
    TWI_RETURN_IF_ERROR(Run("C_FindObjects", [&](CK_SESSION_HANDLE session) -> CK_RV {
      CK_ATTRIBUTE query[] = {Attribute(CKA_CLASS, &object_class, sizeof(object_class)),
                              Attribute(CKA_LABEL, label.data(), label.size())};
      CK_RV rv = fn()->C_FindObjectsInit(session, query, 2);
      if (rv != CKR_OK) return rv;
      rv = fn()->C_FindObjects(session, found, 2, &count);
      const CK_RV final_rv = fn()->C_FindObjectsFinal(session);
      return rv != CKR_OK ? rv : final_rv;
    }));
    if (count == 0) {
      return Error(
          Reason::kKeyStoreKeyNotFound,
          absl::StrFormat("token \"%s\" holds no key labelled \"%s\"", this->label, label));
    }
    if (count > 1) {
      return Error(
          Reason::kInvalidArgument,
          absl::StrFormat("token \"%s\" holds several keys labelled \"%s\"", this->label, label));
    }
    return found[0];
  }

  // The private key labelled `label`, from private_handles or found (and then remembered).
  absl::StatusOr<CK_OBJECT_HANDLE> FindPrivateCached(std::string_view label) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (auto it = private_handles.find(label); it != private_handles.end()) return it->second;
    }
    TWI_ASSIGN_OR_RETURN(const CK_OBJECT_HANDLE found, Find(CKO_PRIVATE_KEY, label));
    std::lock_guard<std::mutex> lock(mu);
    private_handles[std::string(label)] = found;
    return found;
  }

  void ForgetPrivate(std::string_view label) {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = private_handles.find(label); it != private_handles.end()) {
      private_handles.erase(it);
    }
  }

  // The key type and public key of the key pair labelled `label`.
  absl::StatusOr<std::pair<crypto::KeyType, crypto::PublicKey>> PublicKeyOf(
      std::string_view label) {
    TWI_ASSIGN_OR_RETURN(const CK_OBJECT_HANDLE handle, Find(CKO_PUBLIC_KEY, label));
    uint8_t params[16];
    uint8_t point[160];
    CK_ATTRIBUTE attributes[] = {Attribute(CKA_EC_PARAMS, params, sizeof(params)),
                                 Attribute(CKA_EC_POINT, point, sizeof(point))};
    TWI_RETURN_IF_ERROR(Run("C_GetAttributeValue", [&](CK_SESSION_HANDLE session) {
      return fn()->C_GetAttributeValue(session, handle, attributes, 2);
    }));
    const ByteView ec_params(params, attributes[0].ulValueLen);
    crypto::KeyType type;
    if (ec_params == ByteView(kP256Params)) {
      type = crypto::KeyType::kEcP256;
    } else if (ec_params == ByteView(kP384Params)) {
      type = crypto::KeyType::kEcP384;
    } else if (ec_params == ByteView(kEd25519Params)) {
      TWI_ASSIGN_OR_RETURN(crypto::PublicKey key,
                           Ed25519PublicKey(ByteView(point, attributes[1].ulValueLen)));
      return std::make_pair(crypto::KeyType::kEd25519, std::move(key));
    } else {
      return Error(Reason::kUnsupportedAlgorithm,
                   absl::StrFormat("key \"%s\" is on a curve twi does not sign with", label));
    }
    TWI_ASSIGN_OR_RETURN(crypto::PublicKey key,
                         EcPublicKey(type, ByteView(point, attributes[1].ulValueLen)));
    return std::make_pair(type, std::move(key));
  }
};

namespace {

// A Signer whose private key stays in the token: for ECDSA, SHA-2 here and CKM_ECDSA in the
// token; for Ed25519, CKM_EDDSA over the whole message (pure Ed25519 hashes internally).
class Pkcs11Signer final : public crypto::Signer {
 public:
  Pkcs11Signer(std::shared_ptr<Pkcs11KeyStore::Token> token, std::string label,
               CK_OBJECT_HANDLE key, crypto::SignatureAlgorithm algorithm,
               crypto::PublicKey public_key)
      : token_(std::move(token)),
        label_(std::move(label)),
        key_(key),
        algorithm_(algorithm),
        public_key_(std::move(public_key)) {}

  absl::StatusOr<Bytes> Sign(ByteView data) const override {
    const bool eddsa = algorithm_ == crypto::SignatureAlgorithm::kEd25519;
    const bool p256 = algorithm_ == crypto::SignatureAlgorithm::kEcdsaP256Sha256;
    const Bytes digest = eddsa ? Bytes(data.begin(), data.end())
                               : crypto::Digest(p256 ? crypto::DigestAlgorithm::kSha256
                                                     : crypto::DigestAlgorithm::kSha384,
                                                data);
    Bytes signature(p256 || eddsa ? 64 : 96);
    CK_ULONG size = 0;
    for (int attempt = 0;; ++attempt) {
      const CK_OBJECT_HANDLE key = key_.load();
      CK_RV rv = CKR_OK;
      absl::Status status = token_->Run("C_Sign", [&](CK_SESSION_HANDLE session) {
        CK_MECHANISM mechanism{eddsa ? CKM_EDDSA : CKM_ECDSA, nullptr, 0};
        rv = token_->fn()->C_SignInit(session, &mechanism, key);
        if (rv != CKR_OK) return rv;
        size = static_cast<CK_ULONG>(signature.size());
        rv = token_->fn()->C_Sign(session, const_cast<uint8_t*>(digest.data()),
                                  static_cast<CK_ULONG>(digest.size()), signature.data(), &size);
        return rv;
      });
      // Object handles may change when the token logs the application out (a restart, a
      // reinsertion): find the key by its label once more.
      const bool stale = rv == CKR_KEY_HANDLE_INVALID || rv == CKR_OBJECT_HANDLE_INVALID;
      if (!stale || attempt > 0) {
        TWI_RETURN_IF_ERROR(status);
        break;
      }
      TWI_ASSIGN_OR_RETURN(const CK_OBJECT_HANDLE found, token_->Find(CKO_PRIVATE_KEY, label_));
      key_.store(found);
    }
    if (size != signature.size()) {
      return Error(
          Reason::kCryptoFailure,
          absl::StrFormat("key \"%s\": the token returned a signature of %d bytes", label_, size));
    }
    return signature;
  }

  crypto::SignatureAlgorithm algorithm() const override { return algorithm_; }
  const crypto::PublicKey& public_key() const override { return public_key_; }

 private:
  const std::shared_ptr<Pkcs11KeyStore::Token> token_;
  const std::string label_;
  mutable std::atomic<CK_OBJECT_HANDLE> key_;
  const crypto::SignatureAlgorithm algorithm_;
  const crypto::PublicKey public_key_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Pkcs11KeyStore>> Pkcs11KeyStore::Open(Pkcs11Options options) {
  if (options.pin.empty()) return Error(Reason::kInvalidArgument, "the token PIN is empty");
  auto token = std::make_shared<Token>();
  TWI_ASSIGN_OR_RETURN(token->module, Pkcs11Module::Load(options.module_path));
  TWI_ASSIGN_OR_RETURN(token->slot, FindSlot(token->fn(), options.token_label, false));
  token->label = options.token_label;
  token->pin = std::move(options.pin);
  token->max_idle = std::max<size_t>(options.max_idle_sessions, 1);
  // Logs in now, so that a wrong PIN or a missing token fails at start, not at first use.
  TWI_ASSIGN_OR_RETURN(const CK_SESSION_HANDLE session, token->Borrow());
  token->Return(session);
  return std::unique_ptr<Pkcs11KeyStore>(new Pkcs11KeyStore(std::move(token)));
}

Pkcs11KeyStore::~Pkcs11KeyStore() = default;

absl::StatusOr<std::string> Pkcs11KeyStore::GenerateSigningKey(std::string_view label,
                                                               crypto::KeyType type) {
  return GenerateKeyPair(label, type, /*credential=*/false);
}

absl::StatusOr<std::string> Pkcs11KeyStore::GenerateCredentialKey(std::string_view label,
                                                                  crypto::KeyType type) {
  return GenerateKeyPair(label, type, /*credential=*/true);
}

absl::StatusOr<std::string> Pkcs11KeyStore::GenerateKeyPair(std::string_view label,
                                                            crypto::KeyType type, bool credential) {
  const bool edwards = type == crypto::KeyType::kEd25519;
  if (type != crypto::KeyType::kEcP256 && type != crypto::KeyType::kEcP384 &&
      (!edwards || credential)) {
    return Error(Reason::kInvalidArgument,
                 credential ? "the Key Store generates EC P-256 and P-384 credential keys"
                            : "the Key Store generates EC P-256, P-384 and Ed25519 signing keys");
  }
  if (label.empty()) return Error(Reason::kInvalidArgument, "a key needs a label");
  if (auto existing = token_->Find(CKO_PRIVATE_KEY, label); existing.ok()) {
    return Error(
        Reason::kInvalidArgument,
        absl::StrFormat("token \"%s\" already holds a key labelled \"%s\"", token_->label, label));
  } else if (GetReason(existing.status()) != Reason::kKeyStoreKeyNotFound) {
    return existing.status();
  }
  const ByteView params = CurveParams(type);
  const Bytes id = crypto::RandomBytes(16);
  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  CK_BBOOL extractable = credential ? CK_TRUE : CK_FALSE;
  CK_ATTRIBUTE public_template[] = {
      Attribute(CKA_TOKEN, &yes, sizeof(yes)),
      Attribute(CKA_PRIVATE, &no, sizeof(no)),
      Attribute(CKA_VERIFY, &yes, sizeof(yes)),
      Attribute(CKA_EC_PARAMS, params.data(), params.size()),
      Attribute(CKA_LABEL, label.data(), label.size()),
      Attribute(CKA_ID, id.data(), id.size()),
  };
  // Always sensitive: the token never returns the value in clear. Signing keys are never
  // extractable; a credential key is, but only through C_WrapKey, which needs a wrapping key
  // (WrapKeyFor derives a fresh one for each attested recipient).
  CK_ATTRIBUTE private_template[] = {
      Attribute(CKA_TOKEN, &yes, sizeof(yes)),
      Attribute(CKA_PRIVATE, &yes, sizeof(yes)),
      Attribute(CKA_SENSITIVE, &yes, sizeof(yes)),
      Attribute(CKA_EXTRACTABLE, &extractable, sizeof(extractable)),
      Attribute(CKA_SIGN, &yes, sizeof(yes)),
      Attribute(CKA_DECRYPT, &no, sizeof(no)),
      Attribute(CKA_UNWRAP, &no, sizeof(no)),
      Attribute(CKA_DERIVE, &no, sizeof(no)),
      Attribute(CKA_LABEL, label.data(), label.size()),
      Attribute(CKA_ID, id.data(), id.size()),
  };
  TWI_RETURN_IF_ERROR(token_->Run("C_GenerateKeyPair", [&](CK_SESSION_HANDLE session) {
    CK_MECHANISM mechanism{edwards ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE public_key = 0, private_key = 0;
    return token_->fn()->C_GenerateKeyPair(session, &mechanism, public_template,
                                           std::size(public_template), private_template,
                                           std::size(private_template), &public_key, &private_key);
  }));
  LogInfo(kComponent,
          absl::StrFormat("token \"%s\": generated %s %s key \"%s\"", token_->label,
                          crypto::KeyTypeName(type), credential ? "credential" : "signing", label));
  Pkcs11Uri uri;
  uri.token = token_->label;
  uri.object = std::string(label);
  uri.type = "private";
  return FormatPkcs11Uri(uri);
}

namespace {

// The label of the private key `uri` names in the token labelled `token_label`.
absl::StatusOr<std::string> PrivateKeyLabel(std::string_view uri, std::string_view token_label) {
  TWI_ASSIGN_OR_RETURN(const Pkcs11Uri parsed, ParsePkcs11Uri(uri));
  if (parsed.object.empty() || (!parsed.type.empty() && parsed.type != "private")) {
    return Error(Reason::kInvalidArgument, "a key URI names a private key by \"object\"");
  }
  if (!parsed.token.empty() && parsed.token != token_label) {
    return Error(Reason::kInvalidArgument,
                 absl::StrFormat("the URI names token \"%s\", this store is \"%s\"", parsed.token,
                                 token_label));
  }
  return parsed.object;
}

}  // namespace

absl::StatusOr<std::unique_ptr<crypto::Signer>> Pkcs11KeyStore::OpenSigner(std::string_view uri) {
  TWI_ASSIGN_OR_RETURN(const std::string label, PrivateKeyLabel(uri, token_->label));
  TWI_ASSIGN_OR_RETURN(const CK_OBJECT_HANDLE key, token_->Find(CKO_PRIVATE_KEY, label));
  TWI_ASSIGN_OR_RETURN(auto public_key, token_->PublicKeyOf(label));
  TWI_ASSIGN_OR_RETURN(const crypto::SignatureAlgorithm algorithm,
                       crypto::DefaultSignatureAlgorithm(public_key.first));
  return std::make_unique<Pkcs11Signer>(token_, label, key, algorithm,
                                        std::move(public_key.second));
}

absl::StatusOr<Pkcs11KeyProtection> Pkcs11KeyStore::Protection(std::string_view uri) {
  TWI_ASSIGN_OR_RETURN(const std::string label, PrivateKeyLabel(uri, token_->label));
  TWI_ASSIGN_OR_RETURN(const CK_OBJECT_HANDLE key, token_->Find(CKO_PRIVATE_KEY, label));
  CK_BBOOL values[5] = {CK_FALSE, CK_FALSE, CK_TRUE, CK_FALSE, CK_FALSE};
  CK_ATTRIBUTE attributes[] = {
      Attribute(CKA_TOKEN, &values[0], 1),
      Attribute(CKA_SENSITIVE, &values[1], 1),
      Attribute(CKA_EXTRACTABLE, &values[2], 1),
      Attribute(CKA_ALWAYS_SENSITIVE, &values[3], 1),
      Attribute(CKA_NEVER_EXTRACTABLE, &values[4], 1),
  };
  TWI_RETURN_IF_ERROR(token_->Run("C_GetAttributeValue", [&](CK_SESSION_HANDLE session) {
    return token_->fn()->C_GetAttributeValue(session, key, attributes, std::size(attributes));
  }));
  return Pkcs11KeyProtection{.token = values[0] == CK_TRUE,
                             .sensitive = values[1] == CK_TRUE,
                             .extractable = values[2] == CK_TRUE,
                             .always_sensitive = values[3] == CK_TRUE,
                             .never_extractable = values[4] == CK_TRUE};
}

namespace {

CK_BBOOL kYes = CK_TRUE;
CK_BBOOL kNo = CK_FALSE;

// What one wrap in the token yields (wrapped_key.h).
struct TokenWrap {
  uint8_t point[160];  // EC: the one-time public point (CKA_EC_POINT)
  CK_ULONG point_size = 0;
  Bytes encrypted_kek;  // RSA: the one-time AES key, OAEP-encrypted
  Bytes wrapped = Bytes(kMaxWrappedSize);
  CK_ULONG wrapped_size = 0;
};

// A one-time AES-256 key: a session object, sensitive, usable only to wrap; `extractable` so
// that an RSA recipient's key can wrap it in turn.
std::vector<CK_ATTRIBUTE> KekTemplate(CK_OBJECT_CLASS* secret, CK_KEY_TYPE* aes, CK_ULONG* size,
                                      bool extractable) {
  return {Attribute(CKA_CLASS, secret, sizeof(*secret)),
          Attribute(CKA_KEY_TYPE, aes, sizeof(*aes)),
          Attribute(CKA_VALUE_LEN, size, sizeof(*size)),
          Attribute(CKA_TOKEN, &kNo, sizeof(kNo)),
          Attribute(CKA_SENSITIVE, &kYes, sizeof(kYes)),
          Attribute(CKA_EXTRACTABLE, extractable ? &kYes : &kNo, sizeof(kYes)),
          Attribute(CKA_WRAP, &kYes, sizeof(kYes)),
          Attribute(CKA_ENCRYPT, &kNo, sizeof(kNo)),
          Attribute(CKA_DECRYPT, &kNo, sizeof(kNo))};
}

CK_RV WrapWithAes(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE kek,
                  CK_OBJECT_HANDLE key, TokenWrap& out) {
  CK_MECHANISM wrap{CKM_AES_KEY_WRAP_PAD, nullptr, 0};
  out.wrapped_size = static_cast<CK_ULONG>(out.wrapped.size());
  return fn->C_WrapKey(session, &wrap, kek, key, out.wrapped.data(), &out.wrapped_size);
}

// EC recipients: a one-time key pair on the recipient's curve, ECDH with the recipient's point
// into an AES key (kdf CKD_NULL), the wrap. Every object is a session object destroyed here.
CK_RV WrapWithEcdh(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key,
                   crypto::KeyType type, Bytes& peer_point, TokenWrap& out) {
  const ByteView params = CurveParams(type);
  CK_ATTRIBUTE public_template[] = {Attribute(CKA_TOKEN, &kNo, sizeof(kNo)),
                                    Attribute(CKA_EC_PARAMS, params.data(), params.size())};
  CK_ATTRIBUTE private_template[] = {
      Attribute(CKA_TOKEN, &kNo, sizeof(kNo)), Attribute(CKA_SENSITIVE, &kYes, sizeof(kYes)),
      Attribute(CKA_EXTRACTABLE, &kNo, sizeof(kNo)), Attribute(CKA_DERIVE, &kYes, sizeof(kYes))};
  CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
  CK_KEY_TYPE aes = CKK_AES;
  CK_ULONG size = kWrappingKeySize;
  std::vector<CK_ATTRIBUTE> kek_template = KekTemplate(&secret, &aes, &size, false);
  CK_OBJECT_HANDLE ephemeral_public = 0, ephemeral_private = 0, kek = 0;
  CK_MECHANISM generate{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_RV rv = fn->C_GenerateKeyPair(session, &generate, public_template, std::size(public_template),
                                   private_template, std::size(private_template), &ephemeral_public,
                                   &ephemeral_private);
  if (rv != CKR_OK) return rv;
  CK_ATTRIBUTE point_attribute = Attribute(CKA_EC_POINT, out.point, sizeof(out.point));
  rv = fn->C_GetAttributeValue(session, ephemeral_public, &point_attribute, 1);
  out.point_size = point_attribute.ulValueLen;
  if (rv == CKR_OK) {
    CK_ECDH1_DERIVE_PARAMS ecdh{CKD_NULL, 0, nullptr, static_cast<CK_ULONG>(peer_point.size()),
                                peer_point.data()};
    CK_MECHANISM derive{CKM_ECDH1_DERIVE, &ecdh, sizeof(ecdh)};
    rv = fn->C_DeriveKey(session, &derive, ephemeral_private, kek_template.data(),
                         static_cast<CK_ULONG>(kek_template.size()), &kek);
  }
  if (rv == CKR_OK) rv = WrapWithAes(fn, session, kek, key, out);
  if (kek != 0) fn->C_DestroyObject(session, kek);
  fn->C_DestroyObject(session, ephemeral_private);
  fn->C_DestroyObject(session, ephemeral_public);
  return rv;
}

// RSA recipients: a one-time AES key generated in the token wraps the key, and the recipient's
// public key (imported as a session object) wraps the AES key with RSAES-OAEP; SoftHSM2 does
// OAEP with SHA-1 and MGF1-SHA-1 only, so those are asked for explicitly.
CK_RV WrapWithRsa(CK_FUNCTION_LIST* fn, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key,
                  crypto::PublicKey::RsaParams& rsa, TokenWrap& out) {
  CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
  CK_KEY_TYPE aes = CKK_AES;
  CK_ULONG size = kWrappingKeySize;
  std::vector<CK_ATTRIBUTE> kek_template = KekTemplate(&secret, &aes, &size, true);
  CK_OBJECT_CLASS public_class = CKO_PUBLIC_KEY;
  CK_KEY_TYPE rsa_type = CKK_RSA;
  CK_ATTRIBUTE recipient_template[] = {Attribute(CKA_CLASS, &public_class, sizeof(public_class)),
                                       Attribute(CKA_KEY_TYPE, &rsa_type, sizeof(rsa_type)),
                                       Attribute(CKA_TOKEN, &kNo, sizeof(kNo)),
                                       Attribute(CKA_WRAP, &kYes, sizeof(kYes)),
                                       Attribute(CKA_MODULUS, rsa.n.data(), rsa.n.size()),
                                       Attribute(CKA_PUBLIC_EXPONENT, rsa.e.data(), rsa.e.size())};
  CK_OBJECT_HANDLE kek = 0, recipient = 0;
  CK_MECHANISM generate{CKM_AES_KEY_GEN, nullptr, 0};
  CK_RV rv = fn->C_GenerateKey(session, &generate, kek_template.data(),
                               static_cast<CK_ULONG>(kek_template.size()), &kek);
  if (rv != CKR_OK) return rv;
  rv = WrapWithAes(fn, session, kek, key, out);
  if (rv == CKR_OK) {
    rv = fn->C_CreateObject(session, recipient_template, std::size(recipient_template), &recipient);
  }
  if (rv == CKR_OK) {
    CK_RSA_PKCS_OAEP_PARAMS oaep{CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, nullptr, 0};
    CK_MECHANISM wrap{CKM_RSA_PKCS_OAEP, &oaep, sizeof(oaep)};
    out.encrypted_kek.resize(rsa.n.size() + 1);
    CK_ULONG encrypted_size = static_cast<CK_ULONG>(out.encrypted_kek.size());
    rv = fn->C_WrapKey(session, &wrap, recipient, kek, out.encrypted_kek.data(), &encrypted_size);
    out.encrypted_kek.resize(rv == CKR_OK ? encrypted_size : 0);
  }
  if (recipient != 0) fn->C_DestroyObject(session, recipient);
  fn->C_DestroyObject(session, kek);
  return rv;
}

}  // namespace

absl::StatusOr<WrappedKey> Pkcs11KeyStore::WrapKeyFor(std::string_view uri,
                                                      const crypto::PublicKey& recipient) {
  const crypto::KeyType type = recipient.type();
  const bool ec = type == crypto::KeyType::kEcP256 || type == crypto::KeyType::kEcP384;
  if (!ec && type != crypto::KeyType::kRsa) {
    return Error(Reason::kInvalidArgument,
                 "keys are wrapped for EC P-256, P-384 and RSA recipients");
  }
  TWI_ASSIGN_OR_RETURN(const std::string label, PrivateKeyLabel(uri, token_->label));
  Bytes peer_point;
  crypto::PublicKey::RsaParams rsa;
  if (ec) {
    TWI_ASSIGN_OR_RETURN(const crypto::PublicKey::EcPoint peer, recipient.EcCoordinates());
    peer_point = {0x04};
    peer_point.insert(peer_point.end(), peer.x.begin(), peer.x.end());
    peer_point.insert(peer_point.end(), peer.y.begin(), peer.y.end());
  } else {
    TWI_ASSIGN_OR_RETURN(rsa, recipient.Rsa());
  }
  TokenWrap out;
  CK_RV wrap_rv = CKR_OK;
  for (int attempt = 0;; ++attempt) {
    TWI_ASSIGN_OR_RETURN(const CK_OBJECT_HANDLE key, token_->FindPrivateCached(label));
    const absl::Status status = token_->Run("C_WrapKey", [&](CK_SESSION_HANDLE session) {
      wrap_rv = ec ? WrapWithEcdh(token_->fn(), session, key, type, peer_point, out)
                   : WrapWithRsa(token_->fn(), session, key, rsa, out);
      return wrap_rv;
    });
    // A handle from before a token restart (or of a key destroyed elsewhere): look it up anew.
    const bool stale = wrap_rv == CKR_KEY_HANDLE_INVALID || wrap_rv == CKR_OBJECT_HANDLE_INVALID;
    if (stale) token_->ForgetPrivate(label);
    if (!stale || attempt > 0) {
      TWI_RETURN_IF_ERROR(status);
      break;
    }
  }
  out.wrapped.resize(out.wrapped_size);
  WrappedKey result{.ephemeral = std::nullopt,
                    .encrypted_kek = std::move(out.encrypted_kek),
                    .wrapped = std::move(out.wrapped)};
  if (ec) {
    TWI_ASSIGN_OR_RETURN(result.ephemeral, EcPublicKey(type, ByteView(out.point, out.point_size)));
  }
  LogInfo(kComponent, absl::StrFormat("token \"%s\": wrapped key \"%s\" for a %s recipient",
                                      token_->label, label, crypto::KeyTypeName(type)));
  return result;
}

absl::Status Pkcs11KeyStore::DestroyKey(std::string_view uri) {
  TWI_ASSIGN_OR_RETURN(const std::string label, PrivateKeyLabel(uri, token_->label));
  TWI_ASSIGN_OR_RETURN(const CK_OBJECT_HANDLE private_key, token_->Find(CKO_PRIVATE_KEY, label));
  // The public half first: a pair without its private key is harmless, the reverse is not.
  if (auto public_key = token_->Find(CKO_PUBLIC_KEY, label); public_key.ok()) {
    TWI_RETURN_IF_ERROR(token_->Run("C_DestroyObject", [&](CK_SESSION_HANDLE session) {
      return token_->fn()->C_DestroyObject(session, *public_key);
    }));
  }
  token_->ForgetPrivate(label);
  TWI_RETURN_IF_ERROR(token_->Run("C_DestroyObject", [&](CK_SESSION_HANDLE session) {
    return token_->fn()->C_DestroyObject(session, private_key);
  }));
  LogInfo(kComponent, absl::StrFormat("token \"%s\": destroyed key \"%s\"", token_->label, label));
  return absl::OkStatus();
}

absl::Status InitPkcs11Token(const std::string& module_path, std::string_view label,
                             const SecretBytes& so_pin, const SecretBytes& user_pin) {
  if (label.empty() || label.size() > kTokenLabelSize) {
    return Error(Reason::kInvalidArgument, "a token label has 1 to 32 characters");
  }
  if (so_pin.empty() || user_pin.empty()) {
    return Error(Reason::kInvalidArgument, "token PINs must not be empty");
  }
  TWI_ASSIGN_OR_RETURN(std::shared_ptr<Pkcs11Module> module, Pkcs11Module::Load(module_path));
  CK_FUNCTION_LIST* fn = module->fn();
  TWI_ASSIGN_OR_RETURN(const CK_SLOT_ID slot, FindSlot(fn, label, true));
  std::string padded = PaddedLabel(label);
  TWI_RETURN_IF_ERROR(Pkcs11Status(fn->C_InitToken(slot, const_cast<uint8_t*>(so_pin.view().data()),
                                                   static_cast<CK_ULONG>(so_pin.size()),
                                                   reinterpret_cast<CK_UTF8CHAR*>(padded.data())),
                                   "C_InitToken"));
  // The token moves to a new slot in some modules (SoftHSM2 among them): find it by label.
  TWI_ASSIGN_OR_RETURN(const CK_SLOT_ID initialised, FindSlot(fn, label, false));
  CK_SESSION_HANDLE session = 0;
  TWI_RETURN_IF_ERROR(
      Pkcs11Status(fn->C_OpenSession(initialised, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                     nullptr, &session),
                   "C_OpenSession"));
  CK_RV rv = fn->C_Login(session, CKU_SO, const_cast<uint8_t*>(so_pin.view().data()),
                         static_cast<CK_ULONG>(so_pin.size()));
  if (rv == CKR_OK) {
    rv = fn->C_InitPIN(session, const_cast<uint8_t*>(user_pin.view().data()),
                       static_cast<CK_ULONG>(user_pin.size()));
    fn->C_Logout(session);
  }
  fn->C_CloseSession(session);
  return Pkcs11Status(rv, "C_InitPIN");
}

}  // namespace twi::keystore
