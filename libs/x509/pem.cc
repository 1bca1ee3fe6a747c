#include "libs/x509/pem.h"

#include "absl/strings/str_format.h"

namespace twi::x509::internal {
namespace {

constexpr size_t kLineLength = 64;  // RFC 7468 §2

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

size_t SkipWhitespace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsWhitespace(text[pos])) ++pos;
  return pos;
}

// Returns the position after a LF or CRLF at `pos`, or npos.
size_t SkipLineBreak(std::string_view text, size_t pos) {
  if (text.substr(pos, 1) == "\n") return pos + 1;
  if (text.substr(pos, 2) == "\r\n") return pos + 2;
  return std::string_view::npos;
}

// The label of a "-----BEGIN <label>-----" line at `pos`, for error messages.
std::string LabelAt(std::string_view text, size_t pos) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  if (text.substr(pos, kBegin.size()) != kBegin) return "";
  const size_t start = pos + kBegin.size();
  const size_t end = text.find("-----", start);
  if (end == std::string_view::npos || end - start > 64) return "";
  return std::string(text.substr(start, end - start));
}

}  // namespace

absl::StatusOr<std::vector<Bytes>> DecodePemBlocks(std::string_view pem, std::string_view label,
                                                   size_t max_blocks, Reason reason) {
  const std::string begin = absl::StrFormat("-----BEGIN %s-----", label);
  const std::string end = absl::StrFormat("-----END %s-----", label);
  std::vector<Bytes> blocks;
  size_t pos = SkipWhitespace(pem, 0);
  if (pos == pem.size()) return Error(reason, absl::StrFormat("no PEM block \"%s\"", label));
  while (pos < pem.size()) {
    if (blocks.size() == max_blocks) {
      if (LabelAt(pem, pos).empty()) return Error(reason, "trailing data after the PEM block");
      return Error(reason, absl::StrFormat("more than %d PEM blocks", max_blocks));
    }
    if (pem.substr(pos, begin.size()) != begin) {
      const std::string found = LabelAt(pem, pos);
      if (!found.empty()) {
        return Error(reason,
                     absl::StrFormat("PEM block labelled \"%s\", expected \"%s\"", found, label));
      }
      return Error(reason, absl::StrFormat("expected a PEM block \"%s\"", label));
    }
    const size_t body_start = SkipLineBreak(pem, pos + begin.size());
    if (body_start == std::string_view::npos) return Error(reason, "malformed PEM BEGIN line");
    const size_t body_end = pem.find(end, body_start);
    if (body_end == std::string_view::npos) return Error(reason, "PEM block without END line");
    const std::string_view body = pem.substr(body_start, body_end - body_start);
    if (body.empty() || body.back() != '\n') return Error(reason, "malformed PEM body");
    // Only line breaks are removed; anything else that is not base64 (encapsulated headers,
    // spaces) makes the strict decoder fail.
    std::string base64;
    base64.reserve(body.size());
    for (char c : body) {
      if (c != '\r' && c != '\n') base64.push_back(c);
    }
    auto der = Base64Decode(base64);
    if (!der.ok() || der->empty()) return Error(reason, "malformed base64 in PEM block");
    blocks.push_back(std::move(der).value());
    pos = SkipWhitespace(pem, body_end + end.size());
  }
  return blocks;
}

absl::StatusOr<Bytes> DecodePemBlock(std::string_view pem, std::string_view label, Reason reason) {
  TWI_ASSIGN_OR_RETURN(std::vector<Bytes> blocks, DecodePemBlocks(pem, label, 1, reason));
  return std::move(blocks.front());
}

std::string EncodePem(std::string_view label, ByteView der) {
  const std::string base64 = Base64Encode(der);
  std::string out = absl::StrFormat("-----BEGIN %s-----\n", label);
  for (size_t i = 0; i < base64.size(); i += kLineLength) {
    out.append(base64, i, kLineLength);
    out.push_back('\n');
  }
  out += absl::StrFormat("-----END %s-----\n", label);
  return out;
}

}  // namespace twi::x509::internal
