#include "tools/twi/cli.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/strip.h"
#include "libs/core/files.h"
#include "libs/core/log.h"
#include "libs/core/status.h"

namespace twi::cli {

void Register(CLI::App* command, Context& context, Action run) {
  command->add_flag("--json", context.json, "Print the result as one JSON document");
  command->callback([&context, run = std::move(run)] { context.action = run; });
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  TWI_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 64 * 1024));
  return std::string(absl::StripAsciiWhitespace(text));
}

namespace {

absl::Status ApplyLogLevel(std::string level) {
  if (level.empty()) {
    const char* env = std::getenv("TWI_LOG_LEVEL");
    level = env != nullptr ? env : "info";
  }
  if (level == "debug") {
    SetLogLevel(LogLevel::kDebug);
  } else if (level == "info") {
    SetLogLevel(LogLevel::kInfo);
  } else if (level == "warning") {
    SetLogLevel(LogLevel::kWarning);
  } else if (level == "error") {
    SetLogLevel(LogLevel::kError);
  } else {
    return Error(Reason::kInvalidArgument, "log level must be debug, info, warning or error");
  }
  return absl::OkStatus();
}

}  // namespace

int Run(Context& context) {
  if (!context.action) return 2;
  if (absl::Status s = ApplyLogLevel(context.log_level); !s.ok()) {
    std::cerr << "twi: error: " << ReasonName(GetReason(s)) << ": " << s.message() << "\n";
    return 2;
  }
  absl::StatusOr<Output> result = context.action();
  if (!result.ok()) {
    const std::string reason(ReasonName(GetReason(result.status())));
    const std::string message(result.status().message());
    if (context.json) {
      std::cout << Json{{"error", {{"reason", reason}, {"message", message}}}}.dump(2) << "\n";
    }
    std::cerr << "twi: error: " << reason << ": " << message << "\n";
    return 1;
  }
  if (context.json) {
    std::cout << result->json.dump(2) << "\n";
  } else {
    std::cout << result->text;
  }
  std::cout.flush();
  return 0;
}

}  // namespace twi::cli
