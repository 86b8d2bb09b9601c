// `podsmith publish [--feed N] [--dry-run]`: upload what changed, the feed last.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "podsmith/publish/publish.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

struct PublishCommandOptions {
  std::string root = ".";
  PublishOptions publish;
  bool no_build = false;
  std::string limit_rate;
  bool json = false;
};

// "500K", "2M", "1G", "12345" (bytes per second) -> bytes; nullopt when malformed.
std::optional<int64_t> parse_rate(const std::string& text) {
  if (text.empty()) return 0;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = text.substr(used);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  const double scale = unit.empty() ? 1 : unit == "K" || unit == "k" ? 1e3 : unit == "M" || unit == "m" ? 1e6
                                     : unit == "G" || unit == "g"   ? 1e9
                                                                    : -1;
  if (scale < 0 || value <= 0) return std::nullopt;
  return static_cast<int64_t>(value * scale);
}

nlohmann::ordered_json to_json(const PublishReport& report, bool dry_run) {
  nlohmann::ordered_json j;
  j["ok"] = report.errors.empty();
  j["dry_run"] = dry_run;
  j["feeds"] = nlohmann::ordered_json::array();
  for (const FeedPublishReport& f : report.feeds) {
    nlohmann::ordered_json feed;
    feed["name"] = f.name;
    feed["target"] = f.target;
    feed["replace_method"] = f.replace_method;
    feed["uploads"] = nlohmann::ordered_json::array();
    for (const PlannedUpload& u : f.uploads) {
      feed["uploads"].push_back({{"path", u.path},
                                 {"size_bytes", u.size_bytes},
                                 {"reason", u.reason},
                                 {"feed", u.feed},
                                 {"uploaded", u.uploaded}});
    }
    feed["unchanged"] = f.unchanged;
    feed["pings"] = nlohmann::ordered_json::array();
    for (const Ping& p : f.planned_pings) {
      feed["pings"].push_back({{"service", p.service}, {"url", redact_url(p.request.url)}, {"sent", false}});
    }
    for (const PingResult& p : f.pings) {
      feed["pings"].push_back({{"service", p.service},
                               {"url", p.url},
                               {"sent", true},
                               {"ok", p.ok},
                               {"status", p.status},
                               {"message", p.message}});
    }
    j["feeds"].push_back(std::move(feed));
  }
  j["errors"] = nlohmann::ordered_json::array();
  for (const Error& e : report.errors) j["errors"].push_back(e.to_string());
  j["warnings"] = nlohmann::ordered_json::array();
  for (const Error& w : report.warnings) j["warnings"].push_back(w.to_string());
  return j;
}

// How a file replaces the one on the server, in the producer's words.
const char* replace_words(const std::string& method) {
  if (method == "rename") return "each under a temporary name, then renamed over the old one (RNFR/RNTO)";
  if (method == "move") return "each under a temporary name, then moved over the old one (WebDAV MOVE)";
  if (method == "remove-then-rename")
    return "each under a temporary name; the old one removed, the new one renamed at once after it";
  if (method == "put") return "each replacing the old one in a single request";
  return "";
}

void print_plan(const FeedPublishReport& f) {
  std::printf("%s -> %s\n", f.name.c_str(), f.target.c_str());
  if (!f.uploads.empty() && *replace_words(f.replace_method)) {
    std::printf("  files go up %s; the feed last\n", replace_words(f.replace_method));
  }
  for (const PlannedUpload& u : f.uploads) {
    std::printf("  would upload %s (%s, %s)%s\n", u.path.c_str(), u.reason.c_str(), format_bytes(u.size_bytes).c_str(),
                u.feed ? ", last" : "");
  }
  for (const Ping& p : f.planned_pings) {
    std::printf("  would tell %s: %s %s\n", p.service.c_str(), p.request.method.c_str(),
                redact_url(p.request.url).c_str());
  }
  std::printf("  %zu file%s unchanged\n", f.unchanged, f.unchanged == 1 ? "" : "s");
}

int run_publish(PublishCommandOptions opt) {
  const auto rate = parse_rate(opt.limit_rate);
  if (!rate) {
    print_error(Error{ErrorCode::kInvalidInput, "--limit-rate '" + opt.limit_rate + "' is not a rate like 500K or 2M",
                      "podsmith publish", 0, 0});
    return kExitUsage;
  }
  opt.publish.max_send_bytes_per_s = *rate;
  opt.publish.build = !opt.no_build;
  ByteProgress bar(!opt.json);
  opt.publish.progress = [&](const PublishProgress& p) {
    bar.update(p.path, p.file_sent, p.file_size, p.total_sent, p.total_size);
  };
  if (!opt.json) {
    opt.publish.log = [&](const std::string& line) {
      bar.finish();
      bar = ByteProgress(true);
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
  }
  const PublishReport report = publish_workspace(opt.root, opt.publish);
  bar.finish();

  // Errors and warnings; the infos are for `podsmith lint`.
  std::vector<Finding> findings;
  for (const Finding& f : report.lint) {
    if (f.severity != Severity::kInfo) findings.push_back(f);
  }
  if (!findings.empty()) std::fputs(format_findings_text(findings, colour_on_stderr()).c_str(), stderr);
  for (const Error& w : report.warnings) print_warning(w.file, w.message);
  for (const Error& e : report.errors) print_error(e);
  if (opt.json) {
    std::printf("%s\n", to_json(report, opt.publish.dry_run).dump(2).c_str());
  } else if (opt.publish.dry_run) {
    for (const FeedPublishReport& f : report.feeds) print_plan(f);
    std::printf("dry run: nothing was uploaded\n");
  } else {
    for (const FeedPublishReport& f : report.feeds) {
      size_t uploaded = 0;
      for (const PlannedUpload& u : f.uploads) uploaded += u.uploaded;
      std::printf("%s -> %s: %zu uploaded, %zu unchanged\n", f.name.c_str(), f.target.c_str(), uploaded,
                  f.unchanged);
    }
  }
  if (!report.errors.empty()) {
    if (!opt.json) std::fprintf(stderr, "publish failed; the public feed still names only files that are there\n");
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

void setup_publish(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<PublishCommandOptions>();
  CLI::App* sub = app.add_subcommand("publish", "Upload what changed (the feed last), verify it, notify directories");
  sub->footer(
      "For each feed with a [publish] table: builds and lints it, uploads the files that\n"
      "changed since the last publish (media, artwork, chapters and transcripts first,\n"
      "each under a temporary name and renamed into place), verifies them, uploads the\n"
      "feed last, then pings its WebSub hub, the Podcast Index and Podping as configured.\n"
      "Nothing goes up when the build or lint fails; the feed does not go up when\n"
      "anything before it failed, so it never names a missing file.\n\n"
      "Credentials come from the environment only: PODSMITH_USER, PODSMITH_PASSWORD\n"
      "(or a netrc entry), PODSMITH_SSH_KEY, PODSMITH_SSH_KEY_PASSPHRASE (the prefix is\n"
      "[publish] credentials), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,\n"
      "AWS_SESSION_TOKEN, PODPING_TOKEN.\n\n"
      "Examples:\n"
      "  podsmith publish --dry-run\n"
      "  PODSMITH_SSH_KEY=~/.ssh/id_ed25519 podsmith publish --feed channel8\n"
      "  podsmith publish --verify-remote --limit-rate 2M\n\n"
      "Exit codes: 0 published (a failed ping is a warning), 1 failed (see the errors;\n"
      "run again to finish), 2 usage.");
  sub->add_option("--feed", opt->publish.feed, "Publish only this feed")->type_name("NAME");
  sub->add_flag("-n,--dry-run", opt->publish.dry_run, "Print what would be uploaded and pinged; touch nothing");
  sub->add_flag("--no-build", opt->no_build, "Publish the feeds as they are built now");
  sub->add_flag("--verify-remote", opt->publish.verify_remote,
                "Also ask the server for every file's size and upload what is missing or differs");
  sub->add_flag("--force", opt->publish.force, "Upload every file, whatever the last publish recorded");
  sub->add_flag("--accept-new-host-key", opt->publish.accept_new_host_key,
                "SFTP: trust a server key not yet in known_hosts, and add it there");
  sub->add_option("--limit-rate", opt->limit_rate, "Upload at most this many bytes per second (500K, 2M)")
      ->type_name("RATE");
  sub->add_option("-j,--parallel", opt->publish.parallel, "Uploads at once over WebDAV and S3 (default 4)")
      ->check(CLI::Range(1, 32))
      ->type_name("N");
  sub->add_flag("--json", opt->json, "Print the report as JSON");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
  sub->callback([opt, exit_code] { *exit_code = run_publish(*opt); });
}

}  // namespace podsmith::cli
