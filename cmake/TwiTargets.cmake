# One place that decides how every twi target is compiled, so that warnings, sanitizers and
# hardening are uniform (house-style habit 1).

set(TWI_SANITIZE "" CACHE STRING "Sanitizers for twi targets: '', 'address', 'thread', 'fuzzer'")
option(TWI_HARDEN "Hardening flags (FORTIFY, stack protector, RELRO/BIND_NOW)" OFF)
set(TWI_MALLOC "jemalloc" CACHE STRING "Allocator of the twi executables: 'jemalloc' or 'system'")

function(twi_target_options target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 at -O3 reports impossible memcpy overlaps inside std::string (GCC PR 105329);
    # the warning fires in libstdc++ code, not ours, and would fail -Werror.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(TWI_SANITIZE STREQUAL "address")
    target_compile_options(${target} PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer
                                            -fno-sanitize-recover=undefined)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  elseif(TWI_SANITIZE STREQUAL "thread")
    target_compile_options(${target} PUBLIC -fsanitize=thread)
    target_link_options(${target} PUBLIC -fsanitize=thread)
  elseif(TWI_SANITIZE STREQUAL "fuzzer")
    target_compile_options(${target} PUBLIC -fsanitize=fuzzer-no-link,address,undefined)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
  if(TWI_HARDEN)
    target_compile_definitions(${target} PRIVATE _FORTIFY_SOURCE=2)
    target_compile_options(${target} PRIVATE -fstack-protector-strong -fstack-clash-protection)
    target_link_options(${target} PRIVATE -Wl,-z,relro,-z,now)
  endif()
endfunction()

# The server's allocator. glibc malloc costs several per cent of the server's CPU per issuance
# (docs/performance.md); jemalloc's thread caches avoid most of it. Sanitizers bring their own
# allocator, so those builds keep the system one.
function(twi_server_allocator target)
  if(TWI_MALLOC STREQUAL "jemalloc" AND TWI_SANITIZE STREQUAL "")
    find_library(TWI_JEMALLOC_LIBRARY jemalloc REQUIRED)
    # Linked although no symbol names it (Debian's linker keeps it: no --as-needed by default;
    # the TwiExecutableUsesJemalloc test checks): it takes over malloc and free.
    target_link_libraries(${target} PRIVATE ${TWI_JEMALLOC_LIBRARY})
  elseif(NOT TWI_MALLOC STREQUAL "system" AND NOT TWI_MALLOC STREQUAL "jemalloc")
    message(FATAL_ERROR "TWI_MALLOC must be 'jemalloc' or 'system', not '${TWI_MALLOC}'")
  endif()
endfunction()

# twi_library(<name> SRCS ... [DEPS ...]) -> static library twi_<name>, alias twi::<name>.
# Headers are included by their path from the repository root: "libs/core/status.h".
function(twi_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(twi_${name} STATIC ${ARG_SRCS})
  add_library(twi::${name} ALIAS twi_${name})
  target_include_directories(twi_${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/gen)
  target_link_libraries(twi_${name} PUBLIC ${ARG_DEPS})
  twi_target_options(twi_${name})
endfunction()

# twi_test(<name> SRCS ... [DEPS ...] [LABELS unit|integration|e2e|interop|perf])
# Each GoogleTest case becomes its own CTest test so `ctest -j` spreads them over the cores.
function(twi_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  twi_target_options(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                       PROPERTIES LABELS "${ARG_LABELS}"
                       ENVIRONMENT "TWI_BIN_DIR=${PROJECT_BINARY_DIR}/bin")
endfunction()
