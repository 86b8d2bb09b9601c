// The options of `podsmith serve`, shared by the podsmith executable (which
// declares them for --help and execs podsmith-serve) and podsmith-serve (which
// parses them again and runs the server): see serve_command.cpp for why two.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "podsmith/base/error.h"
#include "podsmith/serve/server.h"

namespace podsmith::cli {

struct ServeCommandOptions {
  std::string root = ".";
  ServeOptions serve;
  bool no_reload = false;
};

/// Declares --port, --host, --no-reload, --log-requests and -C on `sub`.
void add_serve_options(CLI::App* sub, ServeCommandOptions* opt);

/// A usage error in the options (a port out of range), or nothing.
std::optional<Error> check_serve_options(const ServeCommandOptions& opt);

}  // namespace podsmith::cli
