// `podsmith lint FEED|URL... [--rules SETS] [--format text|json|github] [--online]
// [--strict]`: check feeds against directory rules.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "cli/commands.h"
#include "podsmith/feed/feed_source.h"
#include "podsmith/lint/lint.h"
#include "podsmith/feed/rss_reader.h"
#include "podsmith/base/text.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

struct LintCommandOptions {
  std::vector<std::string> feeds;
  std::string rules;  // comma-separated set names; empty: all
  std::string format = "text";
  bool online = false;
  bool strict = false;
  int jobs = 8;
  bool list_rules = false;
};

// "apple, psp1" -> {"apple", "psp1"}; an unknown name is a usage error with a suggestion.
std::optional<std::vector<std::string>> parse_sets(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string name(trim(std::string_view(list).substr(start, comma - start)));
    start = comma + 1;
    if (name.empty()) continue;
    const auto& known = lint_rule_sets();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      const std::string near = closest_match(name, known, 3);
      print_error(Error{ErrorCode::kInvalidInput,
                        "unknown rule set '" + name + "'" +
                            (near.empty() ? "; the sets are rss, apple, psp1, podcastindex, spotify"
                                          : ", did you mean '" + near + "'?"),
                        "podsmith lint", 0, 0});
      return std::nullopt;
    }
    out.push_back(name);
  }
  return out;
}

void print_rules() {
  std::string out;
  for (const RuleInfo& r : lint_rules()) {
    std::string sets;
    for (const std::string& s : r.sets) sets += (sets.empty() ? "" : ",") + s;
    char line[512];
    std::snprintf(line, sizeof line, "%-36s %-7s %-35s %s%s\n", r.id.c_str(), severity_name(r.severity), sets.c_str(),
                  r.summary.c_str(), r.online ? " (--online)" : "");
    out += line;
  }
  std::fputs(out.c_str(), stdout);
}

int run_lint(const LintCommandOptions& opt) {
  if (opt.list_rules) {
    print_rules();
    return kExitOk;
  }
  if (opt.feeds.empty()) {
    print_error(Error{ErrorCode::kInvalidInput, "no feed given; see 'podsmith lint --help'", "podsmith lint", 0, 0});
    return kExitUsage;
  }
  const auto sets = parse_sets(opt.rules);
  if (!sets) return kExitUsage;

  LintOptions base;
  base.rule_sets = *sets;
  base.now = Timestamp{
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(), 0};
  std::vector<Finding> findings;
  std::vector<Error> unreadable;
  for (const std::string& feed : opt.feeds) {
    std::string url;
    Result<FeedDocument> parsed = [&]() -> Result<FeedDocument> {
      auto bytes = load_feed(feed);
      if (!bytes) return bytes.error();
      url = bytes->url;
      ReadOptions read;
      read.base_url = bytes->url;
      read.model = false;  // the rules read the elements only
      return read_feed(std::move(bytes->bytes), feed, read);
    }();
    if (!parsed) {
      unreadable.push_back(parsed.error());
      continue;
    }
    const FeedDocument& doc = *parsed;
    LintOptions options = base;
    options.file = feed;
    options.fetched_from = url;
    std::vector<Finding> found = lint_feed(doc, options);
    if (opt.online) {
      std::unique_ptr<Progress> progress;
      OnlineLintOptions online;
      online.parallel = opt.jobs;
      online.progress = [&](size_t done, size_t total) {
        if (!progress) progress = std::make_unique<Progress>("checking " + feed, total, true);
        progress->update(done);
      };
      std::vector<Finding> more = lint_online(doc, options, online);
      if (progress) progress->finish();
      // The loudness rules download every enclosure whole: only when asked by name.
      if (std::find(options.rule_sets.begin(), options.rule_sets.end(), "loudness") != options.rule_sets.end()) {
        std::vector<Finding> loud = lint_loudness_online(doc, options, LoudnessLimits{}, online);
        more.insert(more.end(), loud.begin(), loud.end());
      }
      found.insert(found.end(), more.begin(), more.end());
      std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.line, a.column, a.rule) < std::tie(b.line, b.column, b.rule);
      });
    }
    findings.insert(findings.end(), found.begin(), found.end());
  }

  size_t errors = 0, warnings = 0, infos = 0;
  for (const Finding& f : findings) {
    errors += f.severity == Severity::kError;
    warnings += f.severity == Severity::kWarning;
    infos += f.severity == Severity::kInfo;
  }
  std::string out;
  if (opt.format == "json") {
    out = format_findings_json(findings, unreadable);
  } else if (opt.format == "github") {
    std::vector<Finding> all = findings;
    for (const Error& e : unreadable)
      all.push_back(Finding{"podsmith/unreadable", Severity::kError, e.file, e.line, e.column, e.message, ""});
    out = format_findings_github(all);
  } else {
    for (const Error& e : unreadable) print_error(e);
    out = format_findings_text(findings, colour_on_stdout());
    const size_t feeds = opt.feeds.size() - unreadable.size();
    auto count = [](size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
    out += count(errors, "error") + ", " + count(warnings, "warning") + ", " + count(infos, "info") + " in " +
           count(feeds, "feed") + (unreadable.empty() ? "" : " (" + count(unreadable.size(), "feed") + " unreadable)") +
           "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (!unreadable.empty()) return kExitUsage;
  return errors > 0 || (opt.strict && warnings > 0) ? kExitFailed : kExitOk;
}

}  // namespace

void setup_lint(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<LintCommandOptions>();
  CLI::App* sub = app.add_subcommand("lint", "Check feeds against Apple, Spotify, PSP-1 and Podcast Index rules");
  sub->footer(
      "Reads each feed (a file, or an http(s) URL, fetched with timeouts and a size limit)\n"
      "and reports every problem found as FILE:LINE:COLUMN: SEVERITY[RULE]: MESSAGE, with a\n"
      "hint on how to fix it. --online also fetches what the feed points to: each enclosure\n"
      "(HEAD and a Range request), the artwork, chapters, transcripts and the feed itself.\n"
      "See every rule with --list-rules.\n\n"
      "Examples:\n"
      "  podsmith lint feeds/channel8.xml\n"
      "  podsmith lint https://example.org/feed.xml --rules apple,spotify --online\n"
      "  podsmith lint feeds/*.xml --format github --strict      # in CI\n"
      "  podsmith lint feeds/show.xml --format json | jq '.findings[].rule'\n\n"
      "Exit codes: 0 no errors (warnings allowed unless --strict), 1 errors found,\n"
      "2 a feed could not be read, or usage error.");
  sub->add_option("feeds", opt->feeds, "Feed files or http(s) URLs")->type_name("FEED|URL");
  sub->add_option("--rules", opt->rules, "Rule sets to apply: rss,apple,psp1,podcastindex,spotify (default: all)")
      ->type_name("SETS");
  sub->add_option("--format", opt->format, "Output: text (default), json or github")
      ->check(CLI::IsMember({"text", "json", "github"}))
      ->type_name("FORMAT");
  sub->add_flag("--online", opt->online, "Also fetch enclosures, artwork, chapters, transcripts and the feed");
  sub->add_flag("--strict", opt->strict, "Fail (exit 1) on warnings too");
  sub->add_option("-j,--jobs", opt->jobs, "Requests in flight at once with --online (default: 8)")
      ->check(CLI::Range(1, 64))
      ->type_name("N");
  sub->add_flag("--list-rules", opt->list_rules, "List every rule: id, severity, rule sets, what it checks");
  sub->callback([opt, exit_code] { *exit_code = run_lint(*opt); });
}

}  // namespace podsmith::cli
