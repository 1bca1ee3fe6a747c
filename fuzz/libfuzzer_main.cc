// libFuzzer entry point for the target named by TWI_FUZZ_TARGET (one binary per target; see
// fuzz/CMakeLists.txt). Only built with the `fuzz` preset (clang, -fsanitize=fuzzer).
#include <cstdint>
#include <cstring>

#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const twi::fuzz::Target* target = [] {
    for (const twi::fuzz::Target& t : twi::fuzz::Targets()) {
      if (t.name == TWI_FUZZ_TARGET) return &t;
    }
    __builtin_trap();  // a build naming no target is a programmer error
  }();
  target->run(twi::ByteView(data, size));
  return 0;
}
