// `podsmith import FEED|URL`: a workspace from another host's feed.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "podsmith/feed_source.h"
#include "podsmith/import.h"
#include "podsmith/rss_reader.h"
#include "terminal.h"

namespace podsmith::cli {
namespace {

struct ImportCommandOptions {
  std::string feed;
  std::string root = ".";
  ImportOptions import;
};

int run_import(const ImportCommandOptions& opt) {
  auto bytes = load_feed(opt.feed);
  if (!bytes) {
    print_error(bytes.error());
    return kExitFailed;
  }
  ReadOptions read;
  read.base_url = bytes->url;
  auto doc = read_feed(bytes->bytes, opt.feed, read);
  if (!doc) {
    print_error(doc.error());
    return kExitFailed;
  }
  for (const Error& p : doc->problems) print_warning(p.file.empty() ? opt.feed : p.to_string(), p.message);
  auto report = import_feed(opt.root, *doc, bytes->url.empty() ? opt.feed : bytes->url, opt.import);
  if (!report) {
    print_error(report.error());
    return kExitFailed;
  }
  for (const Error& w : report->warnings) print_warning(w.line > 0 ? w.file + ":" + std::to_string(w.line) : w.file, w.message);
  for (const std::string& path : report->written) std::printf("wrote %s\n", path.c_str());
  std::printf("imported %zu episode%s; next: podsmith build, compare, then move the feed (see README)\n",
              report->episodes, report->episodes == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace

void setup_import(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<ImportCommandOptions>();
  CLI::App* sub = app.add_subcommand("import", "Turn another host's feed into a workspace, keeping every guid and date");
  sub->footer(
      "Writes feeds/NAME.toml and one sidecar per item under media/. guids, dates and\n"
      "enclosures are kept exactly; the media stays at its URL. Never overwrites a file.\n\n"
      "Examples:\n"
      "  podsmith import https://feeds.example.com/my-show.xml --base-url https://my-site.example/\n"
      "  podsmith import old-feed.xml --name my-show");
  sub->add_option("feed", opt->feed, "A feed file or an http(s) URL")->required()->type_name("FEED|URL");
  sub->add_option("--name", opt->import.name, "The feed's name (default: from the title)");
  sub->add_option("--base-url", opt->import.base_url, "Where the new workspace will be published");
  sub->add_flag("--force", opt->import.force, "Import even when the feed says podcast:locked yes");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
  sub->callback([opt, exit_code] { *exit_code = run_import(*opt); });
}

}  // namespace podsmith::cli
