// `twi`: the single command-line interface of every role (architecture §8). Thin over libs/
// and services/: parse flags, call, print.
#include "CLI/CLI.hpp"
#include "tools/twi/cli.h"

int main(int argc, char** argv) {
  CLI::App app{"twi: Trustworthy Workload Identity — attested workload credentials"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "twi 0.1.0");
  twi::cli::Context context;
  app.fallthrough();
  app.add_option("--log-level", context.log_level,
                 "debug, info, warning or error (default: $TWI_LOG_LEVEL, else info)");
  twi::cli::AddServerCommands(app, context);
  twi::cli::AddAgentCommands(app, context);
  twi::cli::AddVerifyCommands(app, context);
  twi::cli::AddOwnerCommands(app, context);
  twi::cli::AddLogCommands(app, context);
  twi::cli::AddQuickstartCommand(app, context);
  CLI11_PARSE(app, argc, argv);
  return twi::cli::Run(context);
}
