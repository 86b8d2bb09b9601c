// `podsmith import FEED|URL [--download]`: a workspace from another host's feed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "podsmith/feed/feed_source.h"
#include "podsmith/workspace/import.h"
#include "podsmith/feed/rss_reader.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

struct ImportCommandOptions {
  std::string feed;
  std::string root = ".";
  ImportOptions import;
};

// "12.3 MB": SI units, as download tools and podcast hosts count.
std::string megabytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

// The downloads' progress: a bar over the bytes on a terminal (redrawn when the
// total grows as servers say how large their files are), else one plain line per
// finished file, for logs.
class DownloadDisplay {
 public:
  void operator()(const DownloadProgress& p) {
    if (stderr_is_terminal()) {
      const size_t total_kb = static_cast<size_t>((p.bytes_total + 999) / 1000);
      if (!bar_ || total_kb != total_kb_) {
        total_kb_ = total_kb;
        bar_ = std::make_unique<Progress>("downloading " + std::to_string(p.files) + " file" +
                                              (p.files == 1 ? "" : "s") + ", kB",
                                          total_kb, true);
      }
      bar_->update(std::min(static_cast<size_t>(p.bytes_done / 1000), total_kb));
      return;
    }
    if (p.files_done == files_done_) return;
    files_done_ = p.files_done;
    std::fprintf(stderr, "downloads finished: %zu/%zu (%s)\n", p.files_done, p.files, megabytes(p.bytes_done).c_str());
  }
  void finish() {
    if (bar_) bar_->finish();
  }

 private:
  std::unique_ptr<Progress> bar_;
  size_t total_kb_ = 0;
  size_t files_done_ = 0;
};

int run_import(const ImportCommandOptions& opt) {
  auto bytes = load_feed(opt.feed);
  if (!bytes) {
    print_error(bytes.error());
    return kExitFailed;
  }
  ReadOptions read;
  read.base_url = bytes->url;
  auto doc = read_feed(std::move(bytes->bytes), opt.feed, read);
  if (!doc) {
    print_error(doc.error());
    return kExitFailed;
  }
  for (const Error& p : doc->problems) print_warning(p.file.empty() ? opt.feed : p.to_string(), p.message);
  ImportOptions import = opt.import;
  auto display = std::make_shared<DownloadDisplay>();
  if (import.download) import.progress = [display](const DownloadProgress& p) { (*display)(p); };
  auto report = import_feed(opt.root, *doc, bytes->url.empty() ? opt.feed : bytes->url, import);
  display->finish();
  if (!report) {
    print_error(report.error());
    return kExitFailed;
  }
  for (const Error& w : report->warnings) print_warning(w.line > 0 ? w.file + ":" + std::to_string(w.line) : w.file, w.message);
  for (const std::string& path : report->written) std::printf("wrote %s\n", path.c_str());
  if (import.download) {
    std::printf("downloaded %zu media file%s (%s", report->downloaded, report->downloaded == 1 ? "" : "s",
                megabytes(report->downloaded_bytes).c_str());
    if (report->resumed_bytes > 0) std::printf(", %s of it by an earlier run", megabytes(report->resumed_bytes).c_str());
    std::printf(")\n");
  }
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
      "enclosures are kept exactly; the media stays at its URL unless --download fetches\n"
      "it into media/ (resumable: downloads wait in .podsmith/downloads/ until all are\n"
      "complete, and a failed or interrupted import, run again, resumes them). Never\n"
      "overwrites a file; on any error, feeds/ and media/ stay as they were.\n\n"
      "Examples:\n"
      "  podsmith import https://feeds.example.com/my-show.xml --base-url https://my-site.example/\n"
      "  podsmith import old-feed.xml --name my-show\n"
      "  podsmith import https://feeds.example.com/my-show.xml --download -j 2");
  sub->add_option("feed", opt->feed, "A feed file or an http(s) URL")->required()->type_name("FEED|URL");
  sub->add_option("--name", opt->import.name, "The feed's name (default: from the title)");
  sub->add_option("--base-url", opt->import.base_url, "Where the new workspace will be published");
  sub->add_flag("--force", opt->import.force, "Import even when the feed says podcast:locked yes");
  sub->add_flag("--download", opt->import.download,
                "Fetch every enclosure into media/ (checked against its length; build then probes it)");
  sub->add_option("-j,--jobs", opt->import.download_jobs, "Downloads at once (default 4)")
      ->check(CLI::Range(1, 32))
      ->type_name("N");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
  sub->callback([opt, exit_code] { *exit_code = run_import(*opt); });
}

}  // namespace podsmith::cli
