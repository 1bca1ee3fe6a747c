#include "services/log_service.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/net/problem.h"

namespace twi::services {
namespace {

// A decimal query parameter; kRequestInvalid if absent or not a number.
absl::StatusOr<uint64_t> NumberParameter(const net::HttpRequest& http, std::string_view name) {
  const std::string text = net::QueryValue(http.query, name);
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Error(Reason::kRequestInvalid,
                 absl::StrCat("query parameter \"", std::string(name), "\" must be a number"));
  }
  return value;
}

Json HashesJson(const std::vector<tlog::Hash>& hashes) {
  Json list = Json::array();
  for (const tlog::Hash& hash : hashes) list.push_back(Base64Encode(hash));
  return list;
}

net::HttpResponse TextOr(const absl::StatusOr<std::string>& text, std::string content_type) {
  if (!text.ok()) return net::ProblemResponse(text.status());
  return net::HttpResponse::Text(200, std::move(content_type), *text);
}

// Immutable resources may be cached forever; the checkpoint only briefly (tlog-tiles).
net::HttpResponse Cached(net::HttpResponse response, bool immutable) {
  if (response.status == 200) {
    response.headers.emplace_back("Cache-Control",
                                  immutable ? "public, max-age=31536000, immutable" : "no-cache");
  }
  return response;
}

}  // namespace

void AddLogRoutes(net::Router& router, tlog::TransparencyLog& log,
                  storage::ProvenanceStore& records) {
  router.Handle("GET", "/log/checkpoint", [&log](const net::HttpRequest&) {
    return Cached(TextOr(log.LatestCheckpoint(), "text/plain; charset=utf-8"), false);
  });
  router.HandlePrefix("GET", "/log/tile/", [&log](const net::HttpRequest& http) {
    const std::string_view path =
        std::string_view(http.path).substr(std::string_view("/log/").size());
    // Partial tiles grow into full ones, so only full tiles are immutable.
    const bool full = path.find(".p/") == std::string_view::npos;
    return Cached(TextOr(log.ReadTile(path), "application/octet-stream"), full);
  });
  router.Handle("GET", kInclusionProofPath, [&log](const net::HttpRequest& http) {
    absl::StatusOr<uint64_t> index = NumberParameter(http, "index");
    absl::StatusOr<uint64_t> size = NumberParameter(http, "size");
    if (!index.ok()) return net::ProblemResponse(index.status());
    if (!size.ok()) return net::ProblemResponse(size.status());
    absl::StatusOr<std::vector<tlog::Hash>> proof = log.InclusionProof(*index, *size);
    if (!proof.ok()) return net::ProblemResponse(proof.status());
    return net::HttpResponse::Json(
        200, {{"index", *index}, {"tree_size", *size}, {"hashes", HashesJson(*proof)}});
  });
  router.Handle("GET", kConsistencyProofPath, [&log](const net::HttpRequest& http) {
    absl::StatusOr<uint64_t> old_size = NumberParameter(http, "old");
    absl::StatusOr<uint64_t> new_size = NumberParameter(http, "new");
    if (!old_size.ok()) return net::ProblemResponse(old_size.status());
    if (!new_size.ok()) return net::ProblemResponse(new_size.status());
    absl::StatusOr<std::vector<tlog::Hash>> proof = log.ConsistencyProof(*old_size, *new_size);
    if (!proof.ok()) return net::ProblemResponse(proof.status());
    return net::HttpResponse::Json(
        200, {{"old", *old_size}, {"new", *new_size}, {"hashes", HashesJson(*proof)}});
  });
  router.Handle("GET", kProofBundlePath, [&log](const net::HttpRequest& http) {
    absl::StatusOr<uint64_t> index = NumberParameter(http, "index");
    if (!index.ok()) return net::ProblemResponse(index.status());
    // An entry is integrated moments after its append returned: wait briefly for a checkpoint
    // that covers it rather than make every client poll.
    (void)log.WaitForCheckpoint(*index + 1, absl::Seconds(2));
    absl::StatusOr<tlog::ProofBundle> bundle = log.ProveEntry(*index);
    if (!bundle.ok()) return net::ProblemResponse(bundle.status());
    return net::HttpResponse::Text(200, "text/plain; charset=utf-8",
                                   tlog::EncodeProofBundle(*bundle));
  });
  router.Handle("GET", kCheckpointAtPath, [&log](const net::HttpRequest& http) {
    absl::StatusOr<uint64_t> size = NumberParameter(http, "size");
    if (!size.ok()) return net::ProblemResponse(size.status());
    return Cached(TextOr(log.CheckpointAt(*size), "text/plain; charset=utf-8"), true);
  });
  router.Handle("GET", kProvenanceRecordPath, [&records](const net::HttpRequest& http) {
    const std::string credential = net::QueryValue(http.query, "credential");
    const std::string digest = net::QueryValue(http.query, "digest");
    if (credential.empty() == digest.empty()) {
      return net::ProblemResponse(
          Error(Reason::kRequestInvalid, "name the record by \"credential\" or by \"digest\""));
    }
    absl::StatusOr<std::optional<storage::CredentialProvenanceRecord>> found =
        credential.empty() ? records.FindRecord(digest)
                           : records.FindRecordByCredential(credential);
    if (!found.ok()) return net::ProblemResponse(found.status());
    if (!found->has_value()) {
      return net::ProblemResponse(
          Error(Reason::kProvenanceRecordNotFound, "no provenance record for that credential"));
    }
    const storage::CredentialProvenanceRecord& record = **found;
    return net::HttpResponse::Json(200, {{"digest", record.digest},
                                         {"credential", record.credential_id},
                                         {"log_index", record.log_index},
                                         {"content_type", record.content_type},
                                         {"content", ToString(record.content)}});
  });
}

}  // namespace twi::services
