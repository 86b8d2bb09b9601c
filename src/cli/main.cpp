// The podsmith executable: parses the command line with CLI11 and hands over to
// one command. The only place that turns errors into exit codes.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "podsmith/error.h"
#include "terminal.h"

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown command 'pubish', did you mean 'publish'?" as ninja does it.
bool reject_unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  const std::string word = argv[1];
  std::string best;
  size_t best_distance = 3;  // suggest only close matches
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == word) return false;
    const size_t d = edit_distance(word, sub->get_name());
    if (d < best_distance) best_distance = d, best = sub->get_name();
  }
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
  app.footer("Run 'podsmith COMMAND --help' for a command's options and examples.\n"
             "Exit codes: 0 ok, 1 failed, 2 usage error, 3 done with warnings.");
  int exit_code = podsmith::cli::kExitOk;
  podsmith::cli::setup_probe(app, &exit_code);

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
