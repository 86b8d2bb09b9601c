// `podsmith serve [--port N] [--host ADDR] [--no-reload]`: preview the workspace
// as it will be published, rebuilding on change.
//
// The server itself runs in a second executable, podsmith-serve, which this command
// execs with the parsed options: cpp-httplib is a shared library linked with
// OpenSSL, zlib and brotli, and linking it into podsmith would load them at every
// start of every command (what src/base/lazy_library.h avoids for libcurl; the
// startup test checks it). podsmith-serve sits beside podsmith in a build tree and
// in lib/podsmith/ once installed.
#include "cli/serve_command.h"

#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

// Where podsmith-serve is: beside this executable (a build tree), else in
// ../lib/podsmith/ (an installation: /usr/bin/podsmith, /usr/lib/podsmith/podsmith-serve).
std::string serve_helper_path() {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "podsmith-serve";
  const std::string exe(self, static_cast<size_t>(n));
  const std::string dir = exe.substr(0, exe.rfind('/') + 1);
  for (const std::string& candidate : {dir + "podsmith-serve", dir + "../lib/podsmith/podsmith-serve"})
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  return dir + "../lib/podsmith/podsmith-serve";
}

int exec_serve_helper(const ServeCommandOptions& opt) {
  if (const auto problem = check_serve_options(opt)) {
    print_error(*problem);
    return kExitUsage;
  }
  const std::string helper = serve_helper_path();
  std::vector<std::string> args = {helper, "--root", opt.root, "--port", std::to_string(opt.serve.port), "--host",
                                   opt.serve.host};
  if (opt.no_reload) args.push_back("--no-reload");
  if (opt.serve.log_requests) args.push_back("--log-requests");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  ::execv(helper.c_str(), argv.data());
  print_error(Error{ErrorCode::kNotFound, std::string("cannot start the server (podsmith-serve): ") + std::strerror(errno), helper, 0, 0});
  return kExitFailed;
}

}  // namespace

std::optional<Error> check_serve_options(const ServeCommandOptions& opt) {
  if (opt.serve.port < 0 || opt.serve.port > 65535)
    return Error{ErrorCode::kInvalidInput, "--port " + std::to_string(opt.serve.port) + " is not a port (0 to 65535)",
                 "podsmith serve", 0, 0};
  return std::nullopt;
}

void add_serve_options(CLI::App* sub, ServeCommandOptions* opt) {
  sub->add_option("-p,--port", opt->serve.port, "Port to listen on; 0: any free one (default 8000)")->type_name("N");
  sub->add_option("--host", opt->serve.host, "Address to listen on (default 127.0.0.1: this machine only)")
      ->type_name("ADDR");
  sub->add_flag("--no-reload", opt->no_reload, "Serve pages byte for byte: no reload script, no event stream");
  sub->add_flag("--log-requests", opt->serve.log_requests, "Print a line per request (method, path, status, range)");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
}

void setup_serve(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<ServeCommandOptions>();
  CLI::App* sub = app.add_subcommand("serve", "Preview the workspace as it will be published, rebuilding on change");
  sub->footer(
      "Builds the workspace, then serves what 'podsmith publish' would upload, at the\n"
      "URLs it would have under base_url: the site at /, media/ and feeds/ beside it\n"
      "(never .podsmith/, a feed's .toml, a sidecar, a dotfile or a link out of the\n"
      "workspace). Ranges, ETag and 304 work as on a real host, so players seek. A\n"
      "change under feeds/, media/ or theme/ rebuilds the workspace and reloads the open\n"
      "pages; build errors are printed and the last good build stays served.\n\n"
      "Examples:\n"
      "  podsmith serve\n"
      "  podsmith serve --port 0 -C my-show              # any free port; the URL is printed\n"
      "  podsmith serve --host 0.0.0.0 --port 8080       # a phone on the same network\n\n"
      "Exit codes: 0 stopped by Ctrl-C, 1 could not start (no workspace, port in use), 2 usage.");
  add_serve_options(sub, opt.get());
  sub->callback([opt, exit_code] { *exit_code = exec_serve_helper(*opt); });
}

}  // namespace podsmith::cli
