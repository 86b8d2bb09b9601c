// `podsmith tag [SIDECAR...] [--dry-run] [--json]`: write each episode's metadata
// into its media file.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/terminal.h"
#include "podsmith/workspace/tagging.h"

namespace podsmith::cli {
namespace {

struct TagCommandOptions {
  std::string root = ".";
  std::vector<std::string> sidecars;  // as given: relative to here, or to the root
  bool dry_run = false;
  bool json = false;
};

// A sidecar as the user named it, as a workspace-relative path: a path that
// exists from here and lies inside the root is made relative to the root; any
// other is taken as workspace-relative already.
std::string workspace_relative(const std::string& root, const std::string& given) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(given, ec)) {
    const fs::path canonical_root = fs::weakly_canonical(root, ec);
    const fs::path file = fs::weakly_canonical(given, ec);
    const fs::path relative = file.lexically_relative(canonical_root);
    if (!ec && !relative.empty() && *relative.begin() != "..") return relative.generic_string();
  }
  return fs::path(given).lexically_normal().generic_string();
}

int run_tag(const TagCommandOptions& opt) {
  TagOptions options;
  options.dry_run = opt.dry_run;
  for (const std::string& s : opt.sidecars) options.sidecars.push_back(workspace_relative(opt.root, s));
  const TagReport report = tag_workspace(opt.root, options);
  for (const Error& w : report.warnings) print_warning(w.file, w.message);
  for (const Error& e : report.errors) print_error(e);
  size_t changed = 0;
  for (const TaggedMedia& f : report.files) changed += f.status != WriteStatus::kUnchanged;
  if (opt.json) {
    nlohmann::ordered_json j;
    j["ok"] = report.errors.empty();
    j["dry_run"] = opt.dry_run;
    j["files"] = nlohmann::ordered_json::array();
    for (const TaggedMedia& f : report.files)
      j["files"].push_back({{"sidecar", f.sidecar},
                            {"media", f.media},
                            {"format", f.format},
                            {"status", status_name(f.status)},
                            {"notes", f.notes}});
    j["errors"] = nlohmann::ordered_json::array();
    for (const Error& e : report.errors) j["errors"].push_back(e.to_string());
    j["warnings"] = nlohmann::ordered_json::array();
    for (const Error& w : report.warnings) j["warnings"].push_back(w.to_string());
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    for (const TaggedMedia& f : report.files) {
      if (f.status != WriteStatus::kUnchanged)
        std::printf("%s%s %s (%s)\n", opt.dry_run ? "would have " : "", status_name(f.status), f.media.c_str(),
                    f.format.c_str());
      for (const std::string& note : f.notes) std::printf("  %s: %s\n", f.media.c_str(), note.c_str());
    }
    std::printf("%s %zu media file%s: %zu %s, %zu unchanged%s\n", opt.dry_run ? "dry run:" : "tagged",
                report.files.size(), report.files.size() == 1 ? "" : "s", changed,
                opt.dry_run ? "would change" : "written", report.files.size() - changed,
                report.errors.empty() ? "" : "; some failed (see above)");
  }
  std::fflush(stdout);
  return report.errors.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void setup_tag(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<TagCommandOptions>();
  CLI::App* sub = app.add_subcommand("tag", "Write each episode's title, artwork, chapters and podcast tags into its media");
  sub->footer(
      "Writes the sidecar's metadata into the local media file without re-encoding it:\n"
      "title, author, the show as album, date, the notes as text, genre Podcast, episode\n"
      "number, artwork (scaled to 1400 px and 300 KB when larger), chapters, the feed URL,\n"
      "the podcast flag and the guid. MP3 gets ID3v2.3 with CHAP/CTOC chapters; M4A iTunes\n"
      "atoms and Nero chapters; Ogg and FLAC Vorbis comments. The audio bytes stay as they\n"
      "were; a file whose tags already match is not rewritten. The media's size changes,\n"
      "so run 'podsmith build' afterwards to update the feed's enclosure length.\n\n"
      "Examples:\n"
      "  podsmith tag                        # every episode of every feed\n"
      "  podsmith tag media/ep1.md --dry-run\n"
      "  podsmith tag --json -C my-show\n\n"
      "Exit codes: 0 tagged, 1 errors (each on stderr as FILE: error: ...; the other files\n"
      "were still tagged), 2 usage.");
  sub->add_option("sidecars", opt->sidecars, "Sidecars to tag (default: every episode of every feed)")
      ->type_name("SIDECAR");
  sub->add_flag("-n,--dry-run", opt->dry_run, "Report what would change; write nothing");
  sub->add_flag("--json", opt->json, "Print the report as JSON");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
  sub->callback([opt, exit_code] { *exit_code = run_tag(*opt); });
}

}  // namespace podsmith::cli
