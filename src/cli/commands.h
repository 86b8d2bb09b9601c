/// The commands of the `podsmith` executable. Each command file has an options
/// struct, a setup_<verb>() that declares its flags on the app, and a
/// run_<verb>() that calls the library and prints. main.cpp wires them up.
#pragma once

#include <CLI/CLI.hpp>

namespace podsmith::cli {

/// Exit codes, documented in the README and in `podsmith --help`.
enum ExitCode : int {
  kExitOk = 0,        // everything worked
  kExitFailed = 1,    // at least one input could not be processed
  kExitUsage = 2,     // bad command line
  kExitWarnings = 3,  // everything was processed, with warnings
};

/// Each declares its command on `app`; when it runs, its exit code goes to *exit_code.
void setup_probe(CLI::App& app, int* exit_code);
void setup_master(CLI::App& app, int* exit_code);
void setup_init(CLI::App& app, int* exit_code);
void setup_add(CLI::App& app, int* exit_code);
void setup_build(CLI::App& app, int* exit_code);
void setup_import(CLI::App& app, int* exit_code);
void setup_lint(CLI::App& app, int* exit_code);
void setup_publish(CLI::App& app, int* exit_code);
void setup_tag(CLI::App& app, int* exit_code);
void setup_serve(CLI::App& app, int* exit_code);

}  // namespace podsmith::cli
