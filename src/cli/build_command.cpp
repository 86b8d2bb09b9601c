// `podsmith build [--feed N] [--dry-run] [--lint [--format text|json|github]]`: write
// the feeds, then optionally lint them.
#include <cstdio>
#include <memory>
#include <thread>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include <algorithm>
#include <filesystem>

#include "podsmith/workspace/build.h"
#include "podsmith/base/file_io.h"
#include "podsmith/lint/lint.h"
#include "podsmith/workspace/media_loudness.h"
#include "podsmith/feed/rss_reader.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

struct BuildCommandOptions {
  std::string root = ".";
  BuildOptions build;
  bool no_cache = false;
  bool json = false;
  bool lint = false;
  std::string format = "text";  // of the lint findings (and, for github, of build errors)
};

struct LintResult {
  std::vector<Finding> findings;
  std::vector<Error> unreadable;  // a written feed that could not be read back
  bool failed() const {
    return !unreadable.empty() || std::any_of(findings.begin(), findings.end(),
                                              [](const Finding& f) { return f.severity == Severity::kError; });
  }
};

// `build --lint`: the rules `podsmith lint` runs, on each feed just written.
LintResult lint_built(const BuildCommandOptions& opt, const BuildReport& report) {
  LintResult result;
  for (const Show& show : report.shows) {
    const std::string path = (std::filesystem::path(opt.root) / ("feeds/" + show.name + ".xml")).string();
    auto bytes = read_file(path);
    if (!bytes) continue;  // a dry run wrote nothing
    auto doc = read_feed(*bytes, path);
    if (!doc) {
      result.unreadable.push_back(doc.error());
      continue;
    }
    LintOptions options;
    options.file = "feeds/" + show.name + ".xml";
    std::vector<Finding> findings = lint_feed(*doc, options);
    result.findings.insert(result.findings.end(), findings.begin(), findings.end());
    // The loudness rules, on the workspace's own media (measured once, cached).
    FeedMediaLoudness media = measure_feed_media(opt.root, show);
    for (const Error& e : media.errors) result.unreadable.push_back(e);
    std::vector<Finding> loud = lint_loudness(*doc, options, LoudnessLimits{media.target_lufs, media.true_peak_dbtp},
                                              [&](const std::string& url) -> std::optional<MediaInfo> {
                                                auto it = media.by_url.find(url);
                                                if (it == media.by_url.end()) return std::nullopt;
                                                return it->second;
                                              });
    result.findings.insert(result.findings.end(), loud.begin(), loud.end());
  }
  return result;
}

// An error of the build or of reading a feed back, as an annotation GitHub shows on
// the file (`podsmith lint --format github` does the same for an unreadable feed).
Finding as_finding(const Error& e, const char* rule) {
  return Finding{rule, Severity::kError, e.file, e.line, e.column, e.message, ""};
}

int run_build(BuildCommandOptions opt) {
  const bool github = opt.format == "github";
  if (opt.format == "json") opt.json = true;
  if (opt.json && github) {
    print_error(Error{ErrorCode::kInvalidInput, "--json and --format github cannot be combined", "podsmith build", 0, 0});
    return kExitUsage;
  }
  opt.build.use_cache = !opt.no_cache;
  opt.build.skip_unchanged = !opt.lint;  // lint needs the feeds loaded
  BuildReport report = build_workspace(opt.root, opt.build);
  for (const Error& w : report.warnings) print_warning(w.file, w.message);
  if (github) {
    std::vector<Finding> errors;
    for (const Error& e : report.errors) errors.push_back(as_finding(e, "podsmith/build"));
    std::fputs(format_findings_github(errors).c_str(), stdout);
  } else {
    for (const Error& e : report.errors) print_error(e);
  }
  const LintResult lint = report.errors.empty() && opt.lint ? lint_built(opt, report) : LintResult{};
  size_t changed = 0;
  for (const BuildOutput& o : report.outputs) changed += o.status != WriteStatus::kUnchanged;
  if (opt.json) {
    nlohmann::ordered_json j;
    j["ok"] = report.errors.empty();
    j["dry_run"] = opt.build.dry_run;
    j["feeds"] = nlohmann::ordered_json::array();
    for (const Show& s : report.shows)
      j["feeds"].push_back({{"name", s.name}, {"file", "feeds/" + s.name + ".xml"}, {"episodes", s.episodes.size()}});
    j["outputs"] = nlohmann::ordered_json::array();
    for (const BuildOutput& o : report.outputs) j["outputs"].push_back({{"path", o.path}, {"status", status_name(o.status)}});
    j["errors"] = nlohmann::ordered_json::array();
    for (const Error& e : report.errors) j["errors"].push_back(e.to_string());
    j["warnings"] = nlohmann::ordered_json::array();
    for (const Error& w : report.warnings) j["warnings"].push_back(w.to_string());
    j["probed"] = report.probed;
    j["up_to_date"] = report.up_to_date;
    // `--format json`: the findings as `podsmith lint --format json` prints them.
    if (opt.lint && opt.format == "json")
      j["lint"] = nlohmann::ordered_json::parse(format_findings_json(lint.findings, lint.unreadable));
    std::printf("%s\n", j.dump(2).c_str());
  } else if (report.up_to_date) {
    std::printf("up to date: no file under feeds/, media/, site/ or theme/ changed since the last build\n");
  } else if (report.errors.empty()) {
    for (const BuildOutput& o : report.outputs)
      if (o.status != WriteStatus::kUnchanged)
        std::printf("%s%s %s\n", opt.build.dry_run ? "would have " : "", status_name(o.status), o.path.c_str());
    size_t episodes = 0;
    for (const Show& s : report.shows) episodes += s.episodes.size();
    std::printf("%s %zu feed%s, %zu episode%s: %zu file%s %s, %zu unchanged (%zu media probed)\n",
                opt.build.dry_run ? "dry run:" : "built", report.shows.size(), report.shows.size() == 1 ? "" : "s",
                episodes, episodes == 1 ? "" : "s", changed, changed == 1 ? "" : "s",
                opt.build.dry_run ? "would change" : "written", report.outputs.size() - changed, report.probed);
  } else {
    std::fprintf(stderr, "build failed: %zu error%s; nothing was written\n", report.errors.size(),
                 report.errors.size() == 1 ? "" : "s");
  }
  if (opt.format == "text") {
    for (const Error& e : lint.unreadable) print_error(e);
    std::fputs(format_findings_text(lint.findings, false).c_str(), stderr);
  } else if (github) {
    std::vector<Finding> all = lint.findings;
    for (const Error& e : lint.unreadable) all.push_back(as_finding(e, "podsmith/unreadable"));
    std::fputs(format_findings_github(all).c_str(), stdout);
  }
  std::fflush(stdout);
  const int code = report.errors.empty() && !lint.failed() ? kExitOk : kExitFailed;
  // Freeing a thousand episodes one by one takes a millisecond or two; the
  // process ends meanwhile, and the system takes the memory back in one piece.
  std::thread([gone = std::move(report)] {}).detach();
  return code;
}

}  // namespace

void setup_build(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<BuildCommandOptions>();
  CLI::App* sub = app.add_subcommand("build", "Write feeds/NAME.xml and its chapters, artwork and transcripts");
  sub->footer(
      "Reads feeds/*.toml and the sidecars under media/, probes the media (cached in\n"
      ".podsmith/), and writes each feed. Nothing is written when anything is wrong; files\n"
      "whose bytes would not change are left alone. The output depends only on the\n"
      "committed files: no clock, no mtimes, no machine paths.\n\n"
      "Examples:\n"
      "  podsmith build\n"
      "  podsmith build --feed channel8 --dry-run\n"
      "  podsmith build --lint --format github      # in CI\n\n"
      "Exit codes: 0 built, 1 errors (each on stderr as FILE:LINE:COLUMN: error: ...), 2 usage.");
  sub->add_option("--feed", opt->build.feed, "Build only this feed")->type_name("NAME");
  sub->add_flag("-n,--dry-run", opt->build.dry_run, "Report what would change; write nothing");
  sub->add_flag("--no-cache", opt->no_cache, "Probe every media file again");
  sub->add_flag("--json", opt->json, "Print the report as JSON");
  CLI::Option* lint =
      sub->add_flag("--lint", opt->lint, "Then lint each feed with every rule set (exit 1 on an error finding)");
  sub->add_option("--format", opt->format,
                  "With --lint: text (findings on stderr; default), json (the --json report with a \"lint\" key) or github (annotations)")
      ->check(CLI::IsMember({"text", "json", "github"}))
      ->needs(lint)
      ->type_name("FORMAT");
  sub->add_option("-j,--jobs", opt->build.jobs, "Media probed at once (default: one per core)");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
  sub->callback([opt, exit_code] { *exit_code = run_build(*opt); });
}

}  // namespace podsmith::cli
