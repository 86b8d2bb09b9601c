// podsmith-serve: the server behind `podsmith serve`, which execs it with the
// options it parsed (serve_command.cpp says why it is an executable of its own).
// Runs until Ctrl-C, SIGTERM or SIGHUP.
#include <signal.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/serve_command.h"
#include "cli/terminal.h"
#include "podsmith/serve/server.h"

namespace {

int run_server(podsmith::cli::ServeCommandOptions opt) {
  using namespace podsmith;
  using namespace podsmith::cli;
  if (const auto problem = check_serve_options(opt)) {
    print_error(*problem);
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

int main(int argc, char** argv) {
  CLI::App app{"podsmith-serve: the server behind 'podsmith serve' (run that instead)"};
  podsmith::cli::ServeCommandOptions opt;
  podsmith::cli::add_serve_options(&app, &opt);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? podsmith::cli::kExitOk : podsmith::cli::kExitUsage;
  }
  return run_server(opt);
}
