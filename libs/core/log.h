// Minimal structured logging to stderr. One line per event, safe from several threads.
//
// Never log secrets: keys, PINs, tokens' signatures, nonces before use. Log identifiers and
// digests instead.
#pragma once

#include <string_view>

namespace twi {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void SetLogLevel(LogLevel level);
// When true, each line is a JSON object {"ts","level","component","msg"}.
void SetLogJson(bool json);

void Log(LogLevel level, std::string_view component, std::string_view message);

// Whether a message at `level` would be written. Hot paths check it before formatting.
bool LogEnabled(LogLevel level);

inline void LogDebug(std::string_view component, std::string_view message) {
  Log(LogLevel::kDebug, component, message);
}
inline void LogInfo(std::string_view component, std::string_view message) {
  Log(LogLevel::kInfo, component, message);
}
inline void LogWarning(std::string_view component, std::string_view message) {
  Log(LogLevel::kWarning, component, message);
}
inline void LogError(std::string_view component, std::string_view message) {
  Log(LogLevel::kError, component, message);
}

}  // namespace twi
