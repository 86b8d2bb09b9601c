// `podsmith serve [--port N] [--host ADDR] [--no-reload]`: preview the workspace
// as it will be published, rebuilding on change.
#include <signal.h>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/terminal.h"
#include "podsmith/serve/server.h"

namespace podsmith::cli {
namespace {

struct ServeCommandOptions {
  std::string root = ".";
  ServeOptions serve;
  bool no_reload = false;
};

int run_serve(ServeCommandOptions opt) {
  if (opt.serve.port < 0 || opt.serve.port > 65535) {
    print_error(Error{ErrorCode::kInvalidInput, "--port " + std::to_string(opt.serve.port) + " is not a port (0 to 65535)",
                      "podsmith serve", 0, 0});
    return kExitUsage;
  }
  opt.serve.reload = !opt.no_reload;
  opt.serve.log = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  // Ctrl-C and SIGTERM are taken by this thread with sigwait, never by a handler in
  // another thread: blocked here, before the server starts its threads (which
  // inherit the mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a browser that goes away mid-response is not our end

  auto server = Server::start(opt.root, opt.serve);
  if (!server) {
    print_error(server.error());
    return kExitFailed;
  }
  std::printf("serving %s at %s (Ctrl-C to stop)\n", opt.root.c_str(), (*server)->url().c_str());
  if (opt.serve.host != "127.0.0.1" && opt.serve.host != "::1" && opt.serve.host != "localhost") {
    std::printf("note: listening on %s, not only on loopback: other machines may see the workspace's published tree\n",
                opt.serve.host.c_str());
  }
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*server)->stop();
  std::printf("stopped\n");
  return kExitOk;
}

}  // namespace

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
  sub->add_option("-p,--port", opt->serve.port, "Port to listen on; 0: any free one (default 8000)")->type_name("N");
  sub->add_option("--host", opt->serve.host, "Address to listen on (default 127.0.0.1: this machine only)")
      ->type_name("ADDR");
  sub->add_flag("--no-reload", opt->no_reload, "Serve pages byte for byte: no reload script, no event stream");
  sub->add_flag("--log-requests", opt->serve.log_requests, "Print a line per request (method, path, status, range)");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
  sub->callback([opt, exit_code] { *exit_code = run_serve(*opt); });
}

}  // namespace podsmith::cli
