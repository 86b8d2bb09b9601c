/// Checks a parsed podcast feed against what Apple Podcasts, Spotify, PSP-1 (the
/// Podcast Standards Project's RSS spec), the Podcast Index's namespace and RSS 2.0
/// require, and formats the findings for people (compiler-style text), programs
/// (JSON) and GitHub Actions (annotations). Findings are data: a feed with a hundred
/// problems gives a hundred findings, never a first failure. lint_feed() does no
/// I/O and never reads the clock; lint_online() is the one function here that
/// touches the network (through http_client.h). Nothing here prints.
///
/// To lint a feed podsmith built, read the XML it wrote back with read_feed() (the
/// rules need the elements' positions) and call lint_feed() on the FeedDocument.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"
#include "podsmith/base/model.h"
#include "podsmith/feed/rss_reader.h"

namespace podsmith {

enum class Severity {
  kError,    // a directory rejects the feed or the episode, or apps misbehave
  kWarning,  // accepted, but something is lost, wrong or deprecated
  kInfo,     // advice; never fails a lint, not even with --strict
};

/// "error", "warning", "info".
const char* severity_name(Severity severity);

/// One problem at one place in one feed.
struct Finding {
  std::string rule;  // "apple/explicit-value": rule set, '/', name
  Severity severity = Severity::kError;
  std::string file;     // LintOptions::file
  int line = 0;         // 1-based; 0 when the finding is about the whole feed
  int column = 0;       // 1-based; 0 when unknown
  std::string message;  // what is wrong, naming the value
  std::string hint;     // how to fix it; may be empty
};

/// A rule as listed by `podsmith lint --list-rules`.
struct RuleInfo {
  std::string id;
  Severity severity = Severity::kError;
  std::vector<std::string> sets;  // the rule sets it belongs to ("apple", "psp1", ...)
  std::string summary;            // one line
  bool online = false;            // run only by lint_online()
};

/// Every rule, offline ones first, each family in the order it runs.
const std::vector<RuleInfo>& lint_rules();

/// The rule set names: "rss", "apple", "psp1", "podcastindex", "spotify", "loudness".
const std::vector<std::string>& lint_rule_sets();

struct LintOptions {
  /// Run the rules of these sets (any of lint_rule_sets()); a rule that belongs to
  /// several sets runs once. Empty (the default): every set. Unknown names are
  /// ignored; the CLI rejects them before calling.
  std::vector<std::string> rule_sets;
  /// The name findings carry (a path or URL). Default empty.
  std::string file;
  /// The URL the feed was fetched from (after redirects), for the rules about the
  /// self link and podcast:guid. Empty (the default) for a file: those rules then
  /// use the feed's own self link, or are skipped.
  std::string fetched_from;
  /// "Now", for the rule that dates are not in the future. nullopt (the default):
  /// that rule is skipped. The rules never read the clock themselves.
  std::optional<Timestamp> now;
};

/// Runs the offline rules on `doc` and returns their findings sorted by line, column
/// and rule id (findings about the whole feed, at line 0, first). A document that is
/// not RSS gives one finding, rss/not-a-feed. Never fails.
std::vector<Finding> lint_feed(const FeedDocument& doc, const LintOptions& options);

struct OnlineLintOptions {
  /// Requests in flight at once. Default 8.
  int parallel = 8;
  /// Timeout of one request (connecting included). Default 30 s.
  int timeout_s = 30;
  /// PEM file of certificate authorities to trust instead of the system's (tests).
  std::string ca_file;
  /// Called on the calling thread with (requests done, requests in all).
  std::function<void(size_t done, size_t total)> progress;
};

/// Fetches what `doc` points to and checks it: every enclosure (a HEAD for its
/// size and type, then a Range request, which must be answered 206), the artwork
/// (the first 64 KB only: JPEG or PNG, RGB, square, 1400 to 3000 px), JSON
/// chapters (valid), transcripts (reachable, of their declared type) and the feed
/// itself at LintOptions::fetched_from, else its self link (an ETag or a
/// Last-Modified, and a 304 to a conditional GET). Each URL is fetched once. A URL
/// that cannot be fetched is a finding, not a failure. Findings sorted as
/// lint_feed's; only the rules of options.rule_sets run.
std::vector<Finding> lint_online(const FeedDocument& doc, const LintOptions& options,
                                 const OnlineLintOptions& online = {});

/// The `loudness` rule set's target and ceiling (a feed's [loudness] or [encode]).
struct LoudnessLimits {
  double target_lufs = -16;    // integrated loudness; findings beyond ±1 LU
  double true_peak_dbtp = -1;  // ceiling
};

/// Runs the `loudness` rule set (integrated loudness, true peak, sample rate, MP3
/// bitrate, mono speech) on the audio of `doc`'s enclosures. `media(url)` gives the
/// enclosure's MediaInfo, with its loudness measured (MediaInfo::loudness; without it
/// only the format rules run), or nullopt to skip that enclosure. Nothing when
/// options.rule_sets leaves out "loudness". Findings sorted as lint_feed's, at the
/// <enclosure>.
std::vector<Finding> lint_loudness(const FeedDocument& doc, const LintOptions& options, const LoudnessLimits& limits,
                                   const std::function<std::optional<MediaInfo>(const std::string& url)>& media);

/// lint_loudness() on the feed's enclosures as published: each http(s) enclosure is
/// downloaded whole into a temporary directory (removed after), decoded and
/// measured on every core. Slow for a long feed, so `podsmith lint --online` runs it
/// only when `--rules` names "loudness". An enclosure that cannot be fetched or
/// decoded is skipped (the online rules report the first).
std::vector<Finding> lint_loudness_online(const FeedDocument& doc, const LintOptions& options,
                                          const LoudnessLimits& limits, const OnlineLintOptions& online = {});

/// Compiler-style text, one finding per line and its hint on the next:
///   feed.xml:12:5: error[apple/explicit-value]: itunes:explicit is "maybe"
///     hint: write true or false
/// With `colour`, the severity is in ANSI colour (red, yellow, cyan).
std::string format_findings_text(const std::vector<Finding>& findings, bool colour = false);

/// One JSON object: {"findings": [{"rule", "severity", "file", "line", "column",
/// "message", "hint"}...], "summary": {"errors", "warnings", "infos"}, "unreadable":
/// [{"file", "line", "column", "message"}...]}, ending in a newline.
std::string format_findings_json(const std::vector<Finding>& findings, const std::vector<Error>& unreadable = {});

/// GitHub Actions workflow commands, one line each:
///   ::error file=feed.xml,line=12,col=5,title=apple/explicit-value::message%0Ahint: ...
/// (warning for warnings, notice for infos), escaped as GitHub requires.
std::string format_findings_github(const std::vector<Finding>& findings);

}  // namespace podsmith
