#include "libs/crypto/openssl_util.h"

#include <openssl/err.h>

#include "absl/strings/str_format.h"

namespace twi::crypto::internal {

absl::Status OpenSslError(Reason reason, std::string_view what) {
  std::string detail;
  unsigned long err;
  while ((err = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    if (!detail.empty()) detail += "; ";
    detail += buf;
  }
  if (detail.empty()) return Error(reason, what);
  return Error(reason, absl::StrFormat("%s (%s)", what, detail));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

UniqueBio MemoryBio(ByteView data) {
  return UniqueBio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

}  // namespace twi::crypto::internal
