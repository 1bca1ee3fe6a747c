// Shared plumbing of the `twi` subcommands: how a command reports its result (human text by
// default, one JSON document with --json) and its failure (the stable reason code first, on
// stderr, exit status 1). Usage errors exit 2 (CLI11's own handling).
#pragma once

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "libs/core/json.h"

namespace twi::cli {

struct Output {
  Json json = Json::object();  // printed with --json
  std::string text;            // printed otherwise
};

// What a parsed subcommand runs.
using Action = std::function<absl::StatusOr<Output>()>;

struct Context {
  bool json = false;
  std::string log_level;  // --log-level, else $TWI_LOG_LEVEL, else info
  Action action;          // set by the subcommand that was chosen
};

// Adds --json to `command` and makes `run` the action when it is chosen.
void Register(CLI::App* command, Context& context, Action run);

// Runs the chosen action and prints; returns the process exit status.
int Run(Context& context);

// A token file (JWT, compact JWS) without surrounding whitespace. kIoError.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// Subcommand families (one file each).
void AddServerCommands(CLI::App& app, Context& context);
void AddAgentCommands(CLI::App& app, Context& context);
void AddVerifyCommands(CLI::App& app, Context& context);
void AddOwnerCommands(CLI::App& app, Context& context);
void AddLogCommands(CLI::App& app, Context& context);
void AddQuickstartCommand(CLI::App& app, Context& context);

}  // namespace twi::cli
