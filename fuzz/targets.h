// Fuzz targets: one per parser of untrusted input (house style 11). Each takes arbitrary bytes,
// runs the parser (and, where the input gets that far, the verification behind it) and returns
// whether the input was accepted. Whatever the bytes, a target must not crash, hang, leak or
// trip a sanitizer; that is what libFuzzer (`fuzz` preset) and the bounded smoke test in
// fuzz_smoke_test.cc check.
#pragma once

#include <string>
#include <vector>

#include "libs/core/bytes.h"

namespace twi::fuzz {

struct Target {
  std::string name;
  bool (*run)(ByteView data);
  // Valid inputs: libFuzzer's starting corpus, and what the smoke test mutates.
  std::vector<Bytes> (*seeds)();
};

// Every target, in a fixed order.
const std::vector<Target>& Targets();

}  // namespace twi::fuzz
