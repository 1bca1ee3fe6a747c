// Names of the credential formats that policies grant and limit. Shared by the workload and
// issuance policy documents so that both spell a format the same way.
#pragma once

#include <string_view>

namespace twi::policy {

inline constexpr std::string_view kFormatX509Svid = "x509-svid";  // SPIFFE X509-SVID / WIMSE WIC
inline constexpr std::string_view kFormatWit = "wit";             // WIMSE Workload Identity Token

inline bool IsKnownFormat(std::string_view format) {
  return format == kFormatX509Svid || format == kFormatWit;
}

}  // namespace twi::policy
