// Test-only: the C2SP signed-note spec's example verifier key and note (as digested in
// shared/reference/provenance-log.md §2), shared by the note tests and the fuzz seeds.
#pragma once

namespace twi::tlog::testing {

inline constexpr char kSpecVkey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
inline constexpr char kSpecNote[] =
    "This is an example message.\n"
    "\n"
    "\xE2\x80\x94 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
    "\n";

}  // namespace twi::tlog::testing
