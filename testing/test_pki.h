// Test-only X.509 material: a throwaway CA and leaf certificates for TLS and mTLS tests.
//
// EC P-256 keys, SHA-256 signatures, PEM output (certificates as "CERTIFICATE", keys as PKCS#8
// "PRIVATE KEY"). Throws std::runtime_error if OpenSSL fails. Not for production
// use: no revocation, no policy, validity relative to the real clock.
#pragma once

#include <string>
#include <vector>

namespace twi::testing {

struct TestCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

// A self-signed CA (EC P-256, basicConstraints cA=true, keyUsage keyCertSign+cRLSign), valid from
// now-1h to now+1d.
TestCertificate MakeTestCa(std::string common_name);

// A leaf signed by `ca` (EC P-256, cA=false, keyUsage digitalSignature, EKU serverAuth+clientAuth)
// with the given DNS, IP and URI SANs, valid from now-1h to now+1d.
TestCertificate MakeTestLeaf(const TestCertificate& ca, std::string common_name,
                             std::vector<std::string> dns_sans, std::vector<std::string> ip_sans,
                             std::vector<std::string> uri_sans);

}  // namespace twi::testing
