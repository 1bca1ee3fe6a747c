#include "libs/storage/log_store.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace twi::storage {

absl::Status ValidateLogEntries(std::span<const Bytes> entries) {
  if (entries.empty()) return Error(Reason::kInvalidArgument, "log: empty batch");
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].empty() || entries[i].size() > kMaxLogEntryBytes) {
      return Error(Reason::kInvalidArgument,
                   absl::StrCat("log: entry ", i, " of the batch must be 1 to ", kMaxLogEntryBytes,
                                " bytes"));
    }
  }
  return absl::OkStatus();
}

std::vector<LogNodeId> NewLogNodes(uint64_t from_size, uint64_t to_size) {
  std::vector<LogNodeId> ids;
  // A subtree of 2^level leaves at `index` is complete once size >= (index + 1) << level, so the
  // complete ones at a level are the first size >> level.
  for (int level = 0; level <= kMaxLogLevel && (to_size >> level) > 0; ++level) {
    for (uint64_t index = from_size >> level; index < (to_size >> level); ++index) {
      ids.push_back({.level = static_cast<uint8_t>(level), .index = index});
    }
  }
  return ids;
}

absl::Status ValidateLogNodes(uint64_t from_size, uint64_t to_size,
                              std::span<const LogNode> nodes) {
  if (from_size >= to_size) {
    return Error(Reason::kInvalidArgument, "log: integration must grow the tree");
  }
  const std::vector<LogNodeId> expected = NewLogNodes(from_size, to_size);
  if (nodes.size() != expected.size()) {
    return Error(Reason::kInvalidArgument,
                 absl::StrCat("log: integrating ", from_size, " -> ", to_size, " needs ",
                              expected.size(), " nodes, got ", nodes.size()));
  }
  std::vector<LogNodeId> given;
  given.reserve(nodes.size());
  for (const LogNode& node : nodes) given.push_back({.level = node.level, .index = node.index});
  const auto order = [](const LogNodeId& a, const LogNodeId& b) {
    return std::tie(a.level, a.index) < std::tie(b.level, b.index);
  };
  std::sort(given.begin(), given.end(), order);
  for (size_t i = 0; i < given.size(); ++i) {
    if (given[i].level != expected[i].level || given[i].index != expected[i].index) {
      return Error(Reason::kInvalidArgument,
                   absl::StrCat("log: unexpected node (", given[i].level, ", ", given[i].index,
                                ") for integrating ", from_size, " -> ", to_size));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLogNodeIds(uint64_t size, std::span<const LogNodeId> ids) {
  if (ids.size() > kMaxLogReadCount) {
    return Error(Reason::kInvalidArgument, "log: too many nodes in one read");
  }
  for (const LogNodeId& id : ids) {
    if (id.level > kMaxLogLevel) return Error(Reason::kInvalidArgument, "log: level over 63");
    if (id.index >= (size >> id.level)) {
      return Error(Reason::kLogEntryNotFound,
                   absl::StrCat("log: node (", id.level, ", ", id.index,
                                ") is not complete in a tree of ", size));
    }
  }
  return absl::OkStatus();
}

}  // namespace twi::storage
