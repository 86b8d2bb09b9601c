#include "podsmith/publish/publish.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "podsmith/workspace/build.h"
#include "podsmith/base/file_io.h"
#include "podsmith/base/http_client.h"
#include "podsmith/publish/publish_manifest.h"
#include "podsmith/publish/remote.h"
#include "podsmith/feed/rss_reader.h"
#include "podsmith/feed/rss_writer.h"
#include "podsmith/base/text.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {
namespace fs = std::filesystem;
namespace {

// The manifest is saved at most this often while files go up (and always at the
// end): a publish killed in between uploads at most these seconds' files again.
constexpr auto kManifestSaveInterval = std::chrono::seconds(2);

std::string env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

// What a server should say a file is, where the protocol carries a type: the
// feed's own word for enclosures and transcripts, else by extension.
std::string type_by_extension(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {"mp3", "audio/mpeg"},  {"m4a", "audio/x-m4a"},  {"m4b", "audio/x-m4a"},     {"mp4", "video/mp4"},
      {"m4v", "video/x-m4v"}, {"mov", "video/quicktime"}, {"ogg", "audio/ogg"},    {"oga", "audio/ogg"},
      {"opus", "audio/opus"}, {"flac", "audio/flac"},  {"wav", "audio/wav"},       {"aiff", "audio/aiff"},
      {"aif", "audio/aiff"},  {"jpg", "image/jpeg"},   {"jpeg", "image/jpeg"},     {"png", "image/png"},
      {"webp", "image/webp"}, {"json", "application/json"}, {"vtt", "text/vtt"},   {"srt", "application/x-subrip"},
      {"txt", "text/plain"},  {"html", "text/html"},   {"xml", "application/rss+xml"},
      {"css", "text/css"},    {"js", "text/javascript"}, {"svg", "image/svg+xml"},  {"gif", "image/gif"}};
  std::string ext = fs::path(path).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

struct LocalFile {
  std::string path;          // workspace-relative
  std::string content_type;
  int64_t size_bytes = 0;
  int64_t mtime_ns = 0;
  std::string hash;          // content_hash_file's; empty until taken
  std::string sha256_hex;    // only where the remote needs it (S3)
  bool feed = false;
  bool enclosure = false;    // checked through the public URL after upload
  // The site's files: `path` is where they go (site/index.html goes up as
  // index.html, at base_url's root) and `local` where they are in the workspace.
  bool site = false;
  std::string local;
};

// One feed's publish, planned before anything goes up.
struct FeedPlan {
  FeedSource source;
  PublishSettings settings;
  std::string feed_path;      // "feeds/channel8.xml"
  std::string manifest_path;  // absolute or relative to the cwd, like root
  PublishManifest manifest;
  std::vector<LocalFile> files;  // the feed's files, the feed itself last
  std::vector<size_t> changed;   // indexes into files, in upload order (the feed last)
  FeedPublishReport report;
};

// Hashes files in order on a thread of its own; get(k) waits for the k-th. A
// path left empty is skipped.
class BackgroundHasher {
 public:
  explicit BackgroundHasher(std::vector<std::string> paths) : paths_(std::move(paths)), results_(paths_.size()) {
    for (auto& r : results_) futures_.push_back(r.get_future().share());
    if (std::any_of(paths_.begin(), paths_.end(), [](const std::string& p) { return !p.empty(); })) {
      worker_ = std::thread([this] {
        for (size_t k = 0; k < paths_.size(); ++k) {
          results_[k].set_value(paths_[k].empty() || stop_ ? Result<std::string>(std::string())
                                                          : content_hash_file(paths_[k]));
        }
      });
    }
  }
  BackgroundHasher(const BackgroundHasher&) = delete;
  BackgroundHasher& operator=(const BackgroundHasher&) = delete;
  ~BackgroundHasher() {
    stop_ = true;  // what is left is not needed any more
    if (worker_.joinable()) worker_.join();
  }
  Result<std::string> get(size_t k) const { return futures_[k].get(); }

 private:
  std::vector<std::string> paths_;
  std::vector<std::promise<Result<std::string>>> results_;
  std::vector<std::shared_future<Result<std::string>>> futures_;
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

class Publisher {
 public:
  Publisher(std::string root, const PublishOptions& options) : root_(std::move(root)), options_(options) {}

  PublishReport run() {
    if (options_.build && !options_.dry_run) {
      BuildOptions build;
      build.feed = options_.feed;
      BuildReport built = build_workspace(root_, build);
      report_.warnings = std::move(built.warnings);
      if (!built.errors.empty()) {
        report_.errors = std::move(built.errors);
        return std::move(report_);
      }
    }
    std::vector<FeedPlan> plans = plan_feeds();
    if (!report_.errors.empty()) return std::move(report_);
    for (FeedPlan& plan : plans) {
      if (options_.dry_run) {
        complete_dry_run(plan);
      } else {
        execute(plan);
      }
      report_.feeds.push_back(std::move(plan.report));
    }
    return std::move(report_);
  }

 private:
  std::string at_root(const std::string& relative) const { return (fs::path(root_) / relative).string(); }
  void log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }
  void fail(std::string message, std::string file = {}) {
    report_.errors.push_back(Error{ErrorCode::kInvalidInput, std::move(message), std::move(file), 0, 0});
  }

  // Every feed to publish, planned. Problems are in report_.errors.
  std::vector<FeedPlan> plan_feeds() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(at_root("feeds"), ec)) {
      if (entry.path().extension() == ".toml" && entry.is_regular_file()) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    std::vector<FeedPlan> plans;
    for (const std::string& name : names) {
      const std::string file = "feeds/" + name;
      if (!options_.feed.empty() && fs::path(name).stem().string() != options_.feed) continue;
      auto text = read_file(at_root(file));
      if (!text) {
        report_.errors.push_back(text.error());
        continue;
      }
      auto feed = parse_feed(*text, file);
      if (!feed) {
        report_.errors.push_back(feed.error());
        continue;
      }
      if (!feed->publish) {
        if (!options_.feed.empty()) {
          fail("the feed has no [publish] table: add one with target = \"sftp://...\" (see the README)", file);
        }
        continue;
      }
      FeedPlan plan;
      plan.settings = *feed->publish;
      plan.source = std::move(*feed);
      plan.feed_path = "feeds/" + plan.source.show.name + ".xml";
      if (plan_feed(plan)) plans.push_back(std::move(plan));
    }
    if (!options_.feed.empty() && names.end() == std::find(names.begin(), names.end(), options_.feed + ".toml")) {
      fail("there is no feed '" + options_.feed + "' (feeds/" + options_.feed + ".toml)");
    } else if (plans.empty() && report_.errors.empty()) {
      fail("no feed has a [publish] table: add one to feeds/NAME.toml, like\n  [publish]\n  target = "
           "\"sftp://example.org/var/www/podcast\"");
    }
    return plans;
  }

  bool plan_feed(FeedPlan& plan) {
    const size_t errors_before = report_.errors.size();
    plan.report.name = plan.source.show.name;
    plan.report.target = redact_url(plan.settings.target);
    auto bytes = read_file(at_root(plan.feed_path));
    if (!bytes) {
      fail("the feed has not been built: run podsmith build first (or publish without --no-build)", plan.feed_path);
      return false;
    }
    auto doc = read_feed(std::move(*bytes), plan.feed_path);
    if (!doc) {
      report_.errors.push_back(doc.error());
      return false;
    }
    LintOptions lint;
    lint.file = plan.feed_path;
    size_t lint_errors = 0;
    for (Finding& f : lint_feed(*doc, lint)) {
      lint_errors += f.severity == Severity::kError;
      report_.lint.push_back(std::move(f));
    }
    if (lint_errors > 0) {
      fail("lint found " + std::to_string(lint_errors) + " error" + (lint_errors == 1 ? "" : "s") +
               " in the feed; nothing is uploaded until they are fixed (podsmith lint " + plan.feed_path + ")",
           plan.feed_path);
    }
    collect_files(plan, doc->show);
    if (report_.errors.size() > errors_before) return false;

    plan.manifest_path = at_root(".podsmith/publish/" + plan.source.show.name + ".json");
    auto manifest = load_manifest(plan.manifest_path);
    if (!manifest) {
      report_.errors.push_back(manifest.error());
      return false;
    }
    plan.manifest = std::move(*manifest);
    if (plan.manifest.target != plan.settings.target) {
      // Another target holds none of these files.
      plan.manifest = PublishManifest{};
      plan.manifest.target = plan.settings.target;
    }
    identify_files(plan);
    if (report_.errors.size() > errors_before) return false;
    return find_changes(plan);
  }

  // The files the feed names under base_url, every file under feeds/<name>/,
  // and the feed itself (last).
  void collect_files(FeedPlan& plan, const Show& show) {
    const std::string& base = plan.source.show.base_url;
    std::map<std::string, LocalFile> by_path;
    auto add_url = [&](const std::string& url, const std::string& type, bool enclosure) {
      if (url.empty() || url.rfind(base, 0) != 0) return;  // served from elsewhere
      std::string rest = url.substr(base.size());
      rest = rest.substr(0, rest.find_first_of("?#"));
      const auto decoded = percent_decode(rest);
      const std::string path = decoded ? fs::path(*decoded).lexically_normal().generic_string() : "";
      if (path.empty() || path.rfind("..", 0) == 0 || path[0] == '/' || path.back() == '/') {
        fail("the feed names " + url + ", which is not a file of the workspace", plan.feed_path);
        return;
      }
      LocalFile& f = by_path[path];
      f.path = path;
      if (!type.empty()) f.content_type = type;
      f.enclosure = f.enclosure || enclosure;
    };
    add_url(show.image, "", false);
    for (const Person& p : show.persons) add_url(p.img, "", false);
    for (const Episode& e : show.episodes) {
      add_url(e.enclosure.url, e.enclosure.type, true);
      add_url(e.image, "", false);
      add_url(e.chapters_url, "", false);
      for (const Transcript& t : e.transcripts) add_url(t.url, t.type, false);
      for (const Person& p : e.persons) add_url(p.img, "", false);
    }
    std::error_code ec;
    const fs::path generated = at_root("feeds/" + plan.source.show.name);
    for (auto it = fs::recursive_directory_iterator(generated, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string path = fs::relative(it->path(), root_).generic_string();
      if (fs::path(path).filename().string().rfind('.', 0) == 0) continue;  // a temporary file of a build
      by_path[path].path = path;
    }
    for (auto& [path, f] : by_path) {
      if (path == plan.feed_path) continue;
      if (f.content_type.empty()) f.content_type = type_by_extension(path);
      plan.files.push_back(std::move(f));
    }
    collect_site(plan);
    LocalFile feed;
    feed.path = plan.feed_path;
    feed.content_type = "application/rss+xml";
    feed.feed = true;
    plan.files.push_back(std::move(feed));
  }

  // The site (site/, when this feed's [site] is on) after the files above and
  // before the feed: site/X goes up as X, beside media/ and feeds/.
  void collect_site(FeedPlan& plan) {
    if (!plan.source.site || !plan.source.site->enabled) return;
    std::vector<std::string> paths;
    std::error_code ec;
    const fs::path dir = at_root("site");
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      const std::string path = fs::relative(it->path(), dir).generic_string();
      if (fs::path(path).filename().string().rfind('.', 0) == 0) continue;  // a temporary file of a build
      if (path.rfind("media/", 0) == 0 || path.rfind("feeds/", 0) == 0) {
        fail("site/media/ and site/feeds/ would go up over the workspace's media/ and feeds/: move it",
             "site/" + path);
        continue;
      }
      paths.push_back(path);
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
      LocalFile f;
      f.path = path;
      f.local = "site/" + path;
      f.site = true;
      // XML in the site is the sitemap, not a feed.
      f.content_type = fs::path(path).extension() == ".xml" ? "application/xml" : type_by_extension(path);
      plan.files.push_back(std::move(f));
    }
  }

  std::string local_path(const LocalFile& f) const { return at_root(f.local.empty() ? f.path : f.local); }

  // Size and mtime of each file, and its SHA-256 where it decides whether the file
  // changed: a file the manifest knows at another size or mtime (after a fresh
  // clone every mtime is new, the bytes mostly not). The manifest's hash serves
  // when size and mtime are those it was taken at; a file it does not know is
  // new whatever its hash, which is taken while it goes up (see upload).
  void identify_files(FeedPlan& plan) {
    for (LocalFile& f : plan.files) {
      struct stat st {};
      if (::stat(local_path(f).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        fail("the feed names this file, but it is not in the workspace: publishing would point the feed at a "
             "missing file",
             f.path);
        continue;
      }
      f.size_bytes = st.st_size;
      f.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
      const auto known = plan.manifest.files.find(f.path);
      if (known == plan.manifest.files.end() || options_.force) continue;
      if (known->second.size_bytes == f.size_bytes && known->second.mtime_ns == f.mtime_ns) {
        f.hash = known->second.hash;
        continue;
      }
      auto hash = content_hash_file(local_path(f));
      if (!hash) {
        report_.errors.push_back(hash.error());
        continue;
      }
      f.hash = std::move(*hash);
    }
  }

  bool find_changes(FeedPlan& plan) {
    std::vector<std::string> reasons(plan.files.size());
    for (size_t i = 0; i < plan.files.size(); ++i) {
      const LocalFile& f = plan.files[i];
      const auto known = plan.manifest.files.find(f.path);
      if (options_.force) {
        reasons[i] = "forced";
      } else if (known == plan.manifest.files.end()) {
        reasons[i] = "new";
      } else if (known->second.hash != f.hash) {
        reasons[i] = "changed";
      }
    }
    if (options_.verify_remote) {
      auto remote = open(plan);
      if (!remote) return false;
      std::vector<std::string> paths;
      for (const LocalFile& f : plan.files) paths.push_back(f.path);
      const auto held = remote->stat(paths);
      for (size_t i = 0; i < held.size(); ++i) {
        if (!held[i]) {
          report_.errors.push_back(held[i].error());
          return false;
        }
        if (!reasons[i].empty()) continue;
        if (!held[i]->exists) {
          reasons[i] = "missing on the server";
        } else if (held[i]->size_bytes >= 0 && held[i]->size_bytes != plan.files[i].size_bytes) {
          reasons[i] = "size differs on the server";
        }
      }
    }
    for (size_t i = 0; i < plan.files.size(); ++i) {
      if (reasons[i].empty()) {
        ++plan.report.unchanged;
        continue;
      }
      plan.changed.push_back(i);
      const LocalFile& f = plan.files[i];
      plan.report.uploads.push_back(PlannedUpload{f.path, f.size_bytes, reasons[i], f.feed, false});
    }
    return true;
  }

  std::unique_ptr<Remote> open(FeedPlan& plan) {
    const PublishSettings& s = plan.settings;
    RemoteAccess access;
    if (s.target.rfind("s3://", 0) == 0) {
      access.user = env("AWS_ACCESS_KEY_ID");
      access.password = env("AWS_SECRET_ACCESS_KEY");
      access.session_token = env("AWS_SESSION_TOKEN");
    } else {
      access.user = env(s.credentials + "_USER");
      access.password = env(s.credentials + "_PASSWORD");
      access.ssh_key = env(s.credentials + "_SSH_KEY");
      access.ssh_key_passphrase = env(s.credentials + "_SSH_KEY_PASSPHRASE");
    }
    access.accept_new_host_key = options_.accept_new_host_key;
    access.max_send_bytes_per_s = options_.max_send_bytes_per_s;
    access.parallel = options_.parallel;
    auto remote = open_remote(s, access, root_);
    if (!remote) {
      report_.errors.push_back(remote.error());
      return nullptr;
    }
    plan.report.replace_method = (*remote)->replace_method();
    return std::move(*remote);
  }

  // A dry run: what would go up, how it would replace what is there, and whom it
  // would tell. Opening the target checks the credentials are there; it does not
  // connect.
  void complete_dry_run(FeedPlan& plan) {
    if (plan.report.uploads.empty()) return;
    if (plan.report.replace_method.empty()) {
      const size_t errors = report_.errors.size();
      if (!open(plan)) {
        // Not a failure of the dry run, but the real run would fail: say so.
        report_.warnings.push_back(report_.errors.back());
        report_.errors.resize(errors);
      }
    }
    if (!plan.report.uploads.back().feed) return;
    bool missing_token = false;
    plan.report.planned_pings = make_pings(plan.source.show.feed_url, hubs(plan), plan.settings,
                                           env("PODPING_TOKEN"), plan.source.show.medium, &missing_token);
    if (missing_token) warn_missing_token(plan);
  }

  std::vector<std::string> hubs(const FeedPlan& plan) const {
    if (plan.source.show.websub_hub.empty()) return {};
    return {plan.source.show.websub_hub};
  }

  void warn_missing_token(const FeedPlan& plan) {
    report_.warnings.push_back(Error{ErrorCode::kInvalidInput,
                                     "podping = true, but PODPING_TOKEN is not set in the environment: Podping "
                                     "was not told",
                                     plan.source.file, 0, 0});
  }

  void save(FeedPlan& plan) {
    if (auto e = save_manifest(plan.manifest_path, plan.manifest)) report_.errors.push_back(*e);
  }

  // Uploads `indexes` of plan.files; true when every one arrived. The manifest
  // learns of each file as it is confirmed.
  bool upload(FeedPlan& plan, Remote& remote, const std::vector<size_t>& indexes) {
    if (remote.needs_sha256()) {
      for (size_t i : indexes) {
        if (!plan.files[i].sha256_hex.empty()) continue;
        auto sha = sha256_file(local_path(plan.files[i]));
        if (!sha) {
          report_.errors.push_back(sha.error());
          return false;
        }
        plan.files[i].sha256_hex = std::move(*sha);
      }
    }
    // The hashes still missing are taken on another thread while the files go up
    // (they are read from the page cache twice, but the upload does not wait).
    std::vector<std::string> to_hash(indexes.size());
    for (size_t k = 0; k < indexes.size(); ++k) {
      if (plan.files[indexes[k]].hash.empty()) to_hash[k] = local_path(plan.files[indexes[k]]);
    }
    BackgroundHasher hasher(std::move(to_hash));

    std::vector<Upload> uploads;
    int64_t total = 0;
    for (size_t i : indexes) {
      const LocalFile& f = plan.files[i];
      Upload u;
      u.local_path = local_path(f);
      u.remote_path = f.path;
      u.content_type = f.content_type;
      u.size_bytes = f.size_bytes;
      u.sha256_hex = f.sha256_hex;
      // Only an earlier upload of this same file (size and mtime) may be continued.
      const std::string identity = std::to_string(f.size_bytes) + ":" + std::to_string(f.mtime_ns);
      const auto partial = plan.manifest.partial.find(f.path);
      u.resume = partial != plan.manifest.partial.end() && partial->second == identity;
      plan.manifest.partial[f.path] = identity;
      total += f.size_bytes;
      uploads.push_back(std::move(u));
    }
    save(plan);
    std::vector<int64_t> sent(uploads.size(), 0);
    int64_t sent_total = 0;
    auto progress = [&](size_t k, int64_t now, int64_t size) {
      sent_total += now - sent[k];
      sent[k] = now;
      if (options_.progress) {
        options_.progress(PublishProgress{plan.source.show.name, uploads[k].remote_path, now, size, sent_total, total});
      }
    };
    bool all = true;
    auto last_save = std::chrono::steady_clock::now();
    auto done = [&](size_t k, const std::optional<Error>& error) {
      LocalFile& f = plan.files[indexes[k]];
      if (!error && f.hash.empty()) {
        auto hash = hasher.get(k);
        if (!hash) {
          all = false;
          report_.errors.push_back(hash.error());
          return;
        }
        f.hash = std::move(*hash);
      }
      if (error) {
        all = false;
        // A refused login fails every file alike: say it once.
        const bool said = std::any_of(report_.errors.begin(), report_.errors.end(),
                                      [&](const Error& e) { return e.message == error->message; });
        if (!said) report_.errors.push_back(*error);
        return;
      }
      plan.manifest.partial.erase(f.path);
      plan.manifest.files[f.path] = ManifestEntry{f.size_bytes, f.mtime_ns, f.hash};
      mark_uploaded(plan, f.path);
      log("uploaded " + f.path);
      if (std::chrono::steady_clock::now() - last_save >= kManifestSaveInterval) {
        save(plan);
        last_save = std::chrono::steady_clock::now();
      }
    };
    remote.put(uploads, progress, done);
    save(plan);
    return all;
  }

  void mark_uploaded(FeedPlan& plan, const std::string& path) {
    for (PlannedUpload& u : plan.report.uploads) {
      if (u.path == path) u.uploaded = true;
    }
  }

  void forget(FeedPlan& plan, const std::string& path) {
    plan.manifest.files.erase(path);
    for (PlannedUpload& u : plan.report.uploads) {
      if (u.path == path) u.uploaded = false;
    }
  }

  // Asks the server for each file's size; a file that is not what was sent is an
  // error and is forgotten, so the next publish sends it again.
  bool verify_on_server(FeedPlan& plan, Remote& remote, const std::vector<size_t>& indexes) {
    std::vector<std::string> paths;
    for (size_t i : indexes) paths.push_back(plan.files[i].path);
    const auto held = remote.stat(paths);
    bool ok = true;
    for (size_t k = 0; k < held.size(); ++k) {
      const LocalFile& f = plan.files[indexes[k]];
      std::string problem;
      if (!held[k]) {
        problem = held[k].error().message;
      } else if (!held[k]->exists) {
        problem = "the server does not hold it after the upload";
      } else if (held[k]->size_bytes >= 0 && held[k]->size_bytes != f.size_bytes) {
        problem = "the server holds " + std::to_string(held[k]->size_bytes) + " bytes, not " +
                  std::to_string(f.size_bytes);
      }
      if (!problem.empty()) {
        ok = false;
        forget(plan, f.path);
        fail(remote.describe() + ": " + problem, f.path);
      }
    }
    save(plan);
    return ok;
  }

  // What a directory will do: a HEAD and a Range request on each new enclosure
  // through its public URL. Apple requires the 206.
  bool verify_public(FeedPlan& plan, const std::vector<size_t>& indexes) {
    const std::string& base = plan.source.show.base_url;
    std::vector<HttpRequest> requests;
    std::vector<size_t> of;
    for (size_t i : indexes) {
      if (!plan.files[i].enclosure) continue;
      const std::string url = url_for_path(base, plan.files[i].path);
      HttpRequest head;
      head.method = "HEAD";
      head.url = url;
      HttpRequest range;
      range.url = url;
      range.headers = {{"Range", "bytes=0-1"}};
      requests.push_back(std::move(head));
      requests.push_back(std::move(range));
      of.push_back(i);
    }
    if (requests.empty()) return true;
    HttpOptions http;
    http.accept_gzip = false;
    http.max_body_bytes = 1 << 16;
    http.ca_file = plan.settings.ca_file.empty() || fs::path(plan.settings.ca_file).is_absolute()
                       ? plan.settings.ca_file
                       : at_root(plan.settings.ca_file);
    const auto results = http_fetch_all(requests, http, options_.parallel);
    bool ok = true;
    for (size_t k = 0; k < of.size(); ++k) {
      const LocalFile& f = plan.files[of[k]];
      const auto& head = results[2 * k];
      const auto& range = results[2 * k + 1];
      const std::string url = redact_url(requests[2 * k].url);
      std::string problem;
      if (!head) {
        problem = head.error().message;
      } else if (head->status != 200) {
        problem = url + " answers HTTP " + std::to_string(head->status) + " to a HEAD request";
      } else if (auto length = head->header("content-length"); length && *length != std::to_string(f.size_bytes)) {
        problem = url + " is served with Content-Length " + *length + ", not " + std::to_string(f.size_bytes);
      } else if (!range) {
        problem = range.error().message;
      } else if (range->status != 206) {
        problem = url + " answers HTTP " + std::to_string(range->status) +
                  " to a Range request; Apple Podcasts requires 206 (byte ranges)";
      }
      if (!problem.empty()) {
        ok = false;
        fail(problem + "; the feed was not uploaded (set verify_public = false in [publish] to skip this check)",
             f.path);
      }
    }
    return ok;
  }

  void execute(FeedPlan& plan) {
    FeedPublishReport& r = plan.report;
    std::vector<size_t> first;  // everything but the site and the feed
    std::vector<size_t> site;   // the site's pages: after the media they play, before the feed
    std::optional<size_t> feed;
    int64_t bytes = 0;
    for (size_t i : plan.changed) {
      if (plan.files[i].feed) {
        feed = i;
      } else if (plan.files[i].site) {
        site.push_back(i);
      } else {
        first.push_back(i);
      }
      bytes += plan.files[i].size_bytes;
    }
    if (plan.changed.empty()) {
      log(plan.source.show.name + ": nothing to upload (" + std::to_string(r.unchanged) + " files unchanged)");
      return;
    }
    log(plan.source.show.name + ": uploading " + std::to_string(plan.changed.size()) + " file" +
        (plan.changed.size() == 1 ? "" : "s") + " (" + std::to_string(bytes) + " bytes) to " + r.target);
    auto remote = open(plan);
    if (!remote) return;
    if (!first.empty()) {
      if (!upload(plan, *remote, first)) {
        fail("the feed was not uploaded, so that it never names a file that is not there; run publish again to "
             "finish",
             plan.feed_path);
        return;
      }
      if (!verify_on_server(plan, *remote, first)) return;
      if (plan.settings.verify_public && !verify_public(plan, first)) return;
    }
    if (!site.empty()) {
      if (!upload(plan, *remote, site)) {
        fail("the site was not all uploaded, so the feed was not either; run publish again to finish", plan.feed_path);
        return;
      }
      if (!verify_on_server(plan, *remote, site)) return;
    }
    if (!feed) return;
    if (!upload(plan, *remote, {*feed}) || !verify_on_server(plan, *remote, {*feed})) return;
    log("uploaded the feed " + plan.feed_path + " last");
    bool missing_token = false;
    const auto pings = make_pings(plan.source.show.feed_url, hubs(plan), plan.settings, env("PODPING_TOKEN"),
                                  plan.source.show.medium, &missing_token);
    if (missing_token) warn_missing_token(plan);
    r.pings = send_pings(pings);
    for (const PingResult& p : r.pings) {
      if (p.ok) {
        log("told " + p.service + " (" + p.url + "): HTTP " + std::to_string(p.status));
      } else {
        report_.warnings.push_back(
            Error{ErrorCode::kUnreadable, p.service + " was not told of the new feed: " + p.message, "", 0, 0});
      }
    }
  }

  std::string root_;
  const PublishOptions& options_;
  PublishReport report_;
};

}  // namespace

PublishReport publish_workspace(const std::string& root, const PublishOptions& options) {
  return Publisher(root, options).run();
}

}  // namespace podsmith
