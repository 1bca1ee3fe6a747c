// PolicyHolder: the PolicySet a running service appraises with, replaced as a whole when the
// Workload Owner changes a policy (libs/owner). Readers take a snapshot and use it for one whole
// request, so no request sees half of an update.
#pragma once

#include <memory>
#include <mutex>

#include "libs/policy/policy_set.h"

namespace twi::policy {

class PolicyHolder {
 public:
  explicit PolicyHolder(PolicySet initial)
      : current_(std::make_shared<const PolicySet>(std::move(initial))) {}

  // The set in force now; stays valid however long the caller holds it. Thread-safe.
  std::shared_ptr<const PolicySet> Current() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }

  // Puts `next` in force for every later Current(). Thread-safe.
  void Replace(PolicySet next) {
    auto replacement = std::make_shared<const PolicySet>(std::move(next));
    std::lock_guard<std::mutex> lock(mu_);
    current_.swap(replacement);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const PolicySet> current_;  // guarded by mu_
};

}  // namespace twi::policy
