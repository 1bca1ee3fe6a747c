// Time is an input: components take a Clock so tests can move time without sleeping.
#pragma once

#include "absl/time/time.h"

namespace twi {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The process-wide wall clock. Thread-safe.
const Clock& SystemClock();

}  // namespace twi
