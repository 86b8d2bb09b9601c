// `podsmith init [DIR] --title T --base-url U`: a new workspace.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "podsmith/workspace/scaffold.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

struct InitCommandOptions {
  std::string dir = ".";
  InitOptions init;
};

int run_init(const InitCommandOptions& opt) {
  auto created = init_workspace(opt.dir, opt.init);
  if (!created) {
    print_error(created.error());
    return kExitFailed;
  }
  for (const std::string& path : *created) std::printf("created %s\n", path.c_str());
  std::printf("next: podsmith add EPISODE.mp3 --notes NOTES.md, then podsmith build\n");
  return kExitOk;
}

}  // namespace

void setup_init(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<InitCommandOptions>();
  CLI::App* sub = app.add_subcommand("init", "Create a workspace: feeds/NAME.toml and media/");
  sub->footer(
      "Refuses to overwrite an existing feed file.\n\n"
      "Example:\n"
      "  podsmith init my-show --title \"My Show\" --base-url https://example.org/my-show/");
  sub->add_option("dir", opt->dir, "Where to create it (default: here)")->type_name("DIR");
  sub->add_option("--title", opt->init.title, "The show's title")->required();
  sub->add_option("--base-url", opt->init.base_url, "Where the workspace will be published")->required();
  sub->add_option("--name", opt->init.name, "The feed's name (default: from the title)");
  sub->add_option("--author", opt->init.author, "The show's author and owner name");
  sub->add_option("--email", opt->init.email, "The owner's email (Apple writes to it)");
  sub->add_option("--language", opt->init.language, "Language code (default: en)");
  sub->callback([opt, exit_code] { *exit_code = run_init(*opt); });
}

}  // namespace podsmith::cli
