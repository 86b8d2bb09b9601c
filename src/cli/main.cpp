// The podsmith executable: parses the command line with CLI11 and hands over to
// one command. The only place that turns errors into exit codes.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "podsmith/base/error.h"
#include "podsmith/base/text.h"
#include "cli/terminal.h"

namespace {

// "unknown command 'pubish', did you mean 'publish'?" as ninja does it.
bool reject_unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  const std::string word = argv[1];
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == word) return false;
    names.push_back(sub->get_name());
  }
  const std::string best = podsmith::closest_match(word, names, 2);
  std::string message = "unknown command '" + word + "'";
  message += best.empty() ? "; see 'podsmith --help'" : ", did you mean '" + best + "'?";
  podsmith::cli::print_error(podsmith::Error{podsmith::ErrorCode::kInvalidInput, message, "podsmith", 0, 0});
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"podsmith: podcast feeds from audio files and Markdown show notes"};
  app.set_version_flag("--version", "podsmith " PODSMITH_VERSION);
  app.require_subcommand(1);
  // The examples are also podsmith(1)'s (docs/man/podsmith.1.scd); the man_examples test
  // keeps the two the same.
  app.footer("Examples:\n"
             "  podsmith init my-show --title \"My Show\" --base-url https://example.org/my-show/\n"
             "  podsmith add ~/Recordings/ep1.mp3 --notes ep1-notes.md -C my-show\n"
             "  podsmith build --lint -C my-show\n"
             "  podsmith publish --dry-run -C my-show\n\n"
             "Run 'podsmith COMMAND --help' for a command's options and examples.\n"
             "Exit codes: 0 ok, 1 failed, 2 usage error, 3 done with warnings.");
  int exit_code = podsmith::cli::kExitOk;
  podsmith::cli::setup_init(app, &exit_code);
  podsmith::cli::setup_add(app, &exit_code);
  podsmith::cli::setup_build(app, &exit_code);
  podsmith::cli::setup_import(app, &exit_code);
  podsmith::cli::setup_lint(app, &exit_code);
  podsmith::cli::setup_publish(app, &exit_code);
  podsmith::cli::setup_serve(app, &exit_code);
  podsmith::cli::setup_probe(app, &exit_code);
  podsmith::cli::setup_master(app, &exit_code);
  podsmith::cli::setup_tag(app, &exit_code);

  if (reject_unknown_command(app, argc, argv)) return podsmith::cli::kExitUsage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? podsmith::cli::kExitOk : podsmith::cli::kExitUsage;
  } catch (const std::exception& e) {
    podsmith::cli::print_error(podsmith::Error{podsmith::ErrorCode::kInvalidInput, e.what(), "podsmith", 0, 0});
    return podsmith::cli::kExitFailed;
  }
  return exit_code;
}
