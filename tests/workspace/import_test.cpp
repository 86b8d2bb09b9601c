#include "podsmith/workspace/import.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "podsmith/workspace/build.h"
#include "podsmith/base/dates.h"
#include "podsmith/base/http_client.h"
#include "podsmith/feed/rss_reader.h"
#include "servers/loopback_server.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::read_file;
using podsmith::test::source_path;
using podsmith::test::NginxServer;
using podsmith::test::OddHttpServer;
using podsmith::test::TempDir;

namespace {

podsmith::FeedDocument read(const std::string& path) {
  auto doc = podsmith::read_feed(read_file(path), path);
  if (!doc) FAIL(doc.error().to_string());
  return std::move(doc).value();
}

std::vector<std::string> fixture_feeds() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_path("tests/fixtures/feeds")))
    if (e.path().extension() == ".xml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("import then build keeps every guid, date, enclosure and duration of every fixture feed") {
  size_t feeds_checked = 0;
  for (const std::string& path : fixture_feeds()) {
    CAPTURE(path);
    auto doc = podsmith::read_feed(read_file(path), path);
    if (!doc || !doc->channel) continue;  // hostile or broken fixtures: the reader's tests cover them
    TempDir dir;
    podsmith::ImportOptions options;
    options.force = true;
    options.base_url = "https://new.example.org/";
    auto imported = podsmith::import_feed(dir.path().string(), *doc, path, options);
    REQUIRE(imported);
    if (imported->episodes == 0) continue;
    const auto built = podsmith::build_workspace(dir.path().string());
    CAPTURE(built.errors.empty() ? "" : built.errors[0].to_string());
    REQUIRE(built.errors.empty());
    REQUIRE(built.shows.size() == 1);
    const podsmith::FeedDocument again =
        read((dir.path() / ("feeds/" + built.shows[0].name + ".xml")).string());
    std::map<std::string, const podsmith::Episode*> rebuilt;
    for (const podsmith::Episode& e : again.show.episodes) rebuilt[e.guid] = &e;
    size_t matched = 0;
    std::set<std::string> seen;  // a repeated guid is imported once (the first)
    for (const podsmith::Episode& original : doc->show.episodes) {
      if (original.enclosure.url.empty()) continue;
      const std::string guid = original.guid.empty() ? original.enclosure.url : original.guid;
      if (!seen.insert(guid).second) continue;
      const auto it = rebuilt.find(guid);
      if (it == rebuilt.end()) continue;  // skipped for a missing date: a warning says so
      const podsmith::Episode& copy = *it->second;
      CAPTURE(guid);
      CHECK(copy.date.unix_seconds == original.date.unix_seconds);
      CHECK(copy.enclosure.url == original.enclosure.url);
      CHECK(copy.enclosure.length_bytes == original.enclosure.length_bytes);
      if (!original.enclosure.type.empty()) CHECK(copy.enclosure.type == original.enclosure.type);
      CHECK((copy.duration_ms + 500) / 1000 == (original.duration_ms + 500) / 1000);
      CHECK(copy.season == original.season);
      CHECK(copy.episode == original.episode);
      ++matched;
    }
    CHECK(matched == imported->episodes);
    ++feeds_checked;
  }
  CHECK(feeds_checked >= 15);
}

TEST_CASE("import refuses a locked feed without force and never overwrites") {
  TempDir dir;
  const std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:podcast=\"https://podcastindex.org/namespace/1.0\"><channel>"
      "<title>Locked</title><podcast:locked owner=\"a@b.c\">yes</podcast:locked>"
      "<item><title>One</title><guid>g1</guid><pubDate>Mon, 04 Mar 2019 05:06:07 -0500</pubDate>"
      "<enclosure url=\"https://x.org/1.mp3\" length=\"10\" type=\"audio/mpeg\"/></item>"
      "<item><title>No enclosure</title><guid>g2</guid><pubDate>Mon, 04 Mar 2019 05:06:07 -0500</pubDate></item>"
      "</channel></rss>";
  auto doc = podsmith::read_feed(feed, "locked.xml");
  REQUIRE(doc);
  auto refused = podsmith::import_feed(dir.path().string(), *doc, "locked.xml", {});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("podcast:locked") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "feeds"));

  podsmith::ImportOptions force;
  force.force = true;
  auto imported = podsmith::import_feed(dir.path().string(), *doc, "locked.xml", force);
  REQUIRE(imported);
  CHECK(imported->episodes == 1);
  const bool warned_enclosure = std::any_of(imported->warnings.begin(), imported->warnings.end(), [](const auto& w) {
    return w.message.find("no enclosure") != std::string::npos;
  });
  CHECK(warned_enclosure);
  const std::string sidecar = read_file((dir.path() / "media/2019-03-04-one.md").string());
  CHECK(sidecar.find("guid = \"g1\"\ndate = 2019-03-04T05:06:07-05:00\n") != std::string::npos);

  auto again = podsmith::import_feed(dir.path().string(), *doc, "locked.xml", force);
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("never overwrites") != std::string::npos);
  CHECK(read_file((dir.path() / "media/2019-03-04-one.md").string()) == sidecar);
}

// ---- import --download ---------------------------------------------------------

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

std::string fixture_media(const std::string& name) { return source_path("tests/fixtures/media/" + name); }

// tests/fixtures/import/download-show.xml with its enclosures under `base`.
std::string download_show_feed(const std::string& base) {
  std::string feed = read_file(source_path("tests/fixtures/import/download-show.xml"));
  replace_all(feed, "@BASE@", base);
  for (const std::string name : {"cbr.mp3", "aac.m4a"})
    replace_all(feed, "@SIZE:" + name + "@", std::to_string(fs::file_size(fixture_media(name))));
  return feed;
}

// The files download-show.xml names, under `root` (for nginx to serve).
void serve_download_show(const fs::path& root) {
  fs::create_directories(root / "media");
  fs::create_directories(root / "dl");
  fs::copy_file(fixture_media("cbr.mp3"), root / "media/cbr.mp3");
  fs::copy_file(fixture_media("aac.m4a"), root / "media/Episode 2.m4a");
  fs::copy_file(fixture_media("vorbis.ogg"), root / "dl/episode-three");
}

podsmith::ImportOptions download_options() {
  podsmith::ImportOptions o;
  o.base_url = "https://new.example.org/";
  o.download = true;
  o.http.retry_delay_ms = 10;
  o.http.connect_timeout_s = 5;
  o.http.timeout_s = 20;
  return o;
}

bool any_warning(const podsmith::ImportReport& report, const std::string& text) {
  return std::any_of(report.warnings.begin(), report.warnings.end(),
                     [&](const podsmith::Error& w) { return w.message.find(text) != std::string::npos; });
}

// Every regular file under `root`, relative, sorted.
std::vector<std::string> files_under(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.push_back(e.path().lexically_relative(root).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("import --download fetches every enclosure into media/ byte for byte, and build probes them", "[http]") {
  TempDir served;
  serve_download_show(served.path());
  NginxServer nginx(served.path());
  const std::string feed = download_show_feed(nginx.url("/"));
  auto doc = podsmith::read_feed(feed, "download-show.xml");
  REQUIRE(doc);
  TempDir dir;
  podsmith::ImportOptions options = download_options();
  std::vector<podsmith::DownloadProgress> progress;
  options.progress = [&](const podsmith::DownloadProgress& p) { progress.push_back(p); };
  auto imported = podsmith::import_feed(dir.path().string(), *doc, "download-show.xml", options);
  REQUIRE(imported);
  CHECK(imported->episodes == 3);
  CHECK(imported->downloaded == 3);
  CHECK(imported->resumed_bytes == 0);

  // Named after the sidecars (a title cannot leave media/), the extension from the
  // URL or else the MIME type; the bytes are the server's.
  const std::map<std::string, std::string> expected = {
      {"media/2024-05-14-ep-1-soil-stones.mp3", "cbr.mp3"},
      {"media/2024-05-21-evil-name.m4a", "aac.m4a"},
      {"media/2024-05-28-ep-3.ogg", "vorbis.ogg"}};
  int64_t total = 0;
  for (const auto& [path, source] : expected) {
    CAPTURE(path);
    REQUIRE(fs::exists(dir.path() / path));
    CHECK(read_file((dir.path() / path).string()) == read_file(fixture_media(source)));
    total += static_cast<int64_t>(fs::file_size(fixture_media(source)));
  }
  CHECK(imported->downloaded_bytes == total);
  CHECK(files_under(dir.path()) ==
        std::vector<std::string>{".gitignore", "feeds/download-test-show.toml", "media/2024-05-14-ep-1-soil-stones.md",
                                 "media/2024-05-14-ep-1-soil-stones.mp3", "media/2024-05-21-evil-name.m4a",
                                 "media/2024-05-21-evil-name.md", "media/2024-05-28-ep-3.md",
                                 "media/2024-05-28-ep-3.ogg"});
  const std::string sidecar = read_file((dir.path() / "media/2024-05-14-ep-1-soil-stones.md").string());
  CHECK(sidecar.find("media = \"2024-05-14-ep-1-soil-stones.mp3\"\n") != std::string::npos);
  CHECK(sidecar.find("length") == std::string::npos);
  CHECK(sidecar.find("media_type") == std::string::npos);

  // Only item 3 misstates its length, and the warning says which.
  CHECK(any_warning(*imported, "item 3 (Ep. 3): downloaded " + std::to_string(fs::file_size(fixture_media("vorbis.ogg"))) +
                                   " bytes where the enclosure says length=\"12345\""));
  CHECK(std::count_if(imported->warnings.begin(), imported->warnings.end(), [](const podsmith::Error& w) {
          return w.message.find("where the enclosure says") != std::string::npos;
        }) == 1);

  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back().files_done == 3);
  CHECK(progress.back().files == 3);
  CHECK(progress.back().bytes_done == total);
  CHECK(progress.back().bytes_total == total);  // the servers' sizes replaced the misstated length

  const auto built = podsmith::build_workspace(dir.path().string());
  CAPTURE(built.errors.empty() ? "" : built.errors[0].to_string());
  REQUIRE(built.errors.empty());
  const podsmith::FeedDocument again = read((dir.path() / "feeds/download-test-show.xml").string());
  std::map<std::string, const podsmith::Episode*> rebuilt;
  for (const podsmith::Episode& e : again.show.episodes) rebuilt[e.guid] = &e;
  REQUIRE(rebuilt.size() == 3);
  const std::map<std::string, std::pair<std::string, std::string>> by_guid = {
      {"dl-ep-1", {"media/2024-05-14-ep-1-soil-stones.mp3", "audio/mpeg"}},
      {nginx.url("/media/Episode%202.m4a?source=rss"), {"media/2024-05-21-evil-name.m4a", "audio/x-m4a"}},
      {"dl-ep-3", {"media/2024-05-28-ep-3.ogg", "audio/ogg"}}};
  for (const podsmith::Episode& original : doc->show.episodes) {
    const std::string guid = original.guid.empty() ? original.enclosure.url : original.guid;
    CAPTURE(guid);
    REQUIRE(rebuilt.count(guid) == 1);
    const podsmith::Episode& copy = *rebuilt[guid];
    const auto& [path, type] = by_guid.at(guid);
    CHECK(copy.date.unix_seconds == original.date.unix_seconds);
    CHECK(copy.enclosure.url == "https://new.example.org/" + path);
    CHECK(copy.enclosure.length_bytes == static_cast<int64_t>(fs::file_size(dir.path() / path)));
    CHECK(copy.enclosure.type == type);
    CHECK(copy.duration_ms > 0);
  }
}

TEST_CASE("an interrupted import --download resumes its partial files when run again", "[http]") {
  OddHttpServer odd;
  const std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Resumed</title>"
      "<item><title>Cut</title><guid>r1</guid><pubDate>Mon, 04 Mar 2019 05:06:07 -0500</pubDate>"
      "<enclosure url=\"" + odd.url("/file/imp-cut/300000?cut=120000") + "\" length=\"300000\" type=\"audio/mpeg\"/></item>"
      "<item><title>Whole</title><guid>r2</guid><pubDate>Mon, 11 Mar 2019 05:06:07 -0500</pubDate>"
      "<enclosure url=\"" + odd.url("/file/imp-whole/5000") + "\" length=\"5000\" type=\"audio/mpeg\"/></item>"
      "</channel></rss>";
  auto doc = podsmith::read_feed(feed, "resumed.xml");
  REQUIRE(doc);
  TempDir dir;
  podsmith::ImportOptions options = download_options();
  options.http.retries = 0;  // so that the cut ends the first run

  auto first = podsmith::import_feed(dir.path().string(), *doc, "resumed.xml", options);
  REQUIRE_FALSE(first);
  CHECK_THAT(first.error().message, Catch::StartsWith("item 1 (Cut): "));
  CHECK_THAT(first.error().message, Catch::Contains("nothing was written"));
  CHECK_THAT(first.error().message, Catch::Contains(".podsmith/downloads/"));
  CHECK(first.error().file == "resumed.xml");
  CHECK_FALSE(fs::exists(dir.path() / "feeds"));
  CHECK_FALSE(fs::exists(dir.path() / "media"));
  CHECK_FALSE(fs::exists(dir.path() / ".gitignore"));

  auto second = podsmith::import_feed(dir.path().string(), *doc, "resumed.xml", options);
  REQUIRE(second);
  CHECK(second->downloaded_bytes == 305'000);
  CHECK(second->resumed_bytes == 125'000);  // the cut file's first bytes and the whole other one
  std::string content(300'000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 7 + 13) % 251);
  CHECK(read_file((dir.path() / "media/2019-03-04-cut.mp3").string()) == content);
  CHECK(fs::file_size(dir.path() / "media/2019-03-11-whole.mp3") == 5000);
  CHECK_FALSE(fs::exists(dir.path() / ".podsmith/downloads"));

  // What the server saw: the rest of the cut file asked for with its ETag, the
  // whole one fetched once.
  podsmith::HttpRequest log_request;
  log_request.url = odd.url("/file-log/imp-cut");
  auto cut_log = podsmith::http_fetch(log_request);
  REQUIRE(cut_log);
  const auto cut = nlohmann::json::parse(cut_log->body);
  REQUIRE(cut.size() == 2);
  CHECK(cut[0]["range"].is_null());
  CHECK(cut[1]["range"] == "bytes=120000-");
  CHECK(cut[1]["if-range"] == "\"imp-cut-v1\"");
  log_request.url = odd.url("/file-log/imp-whole");
  auto whole_log = podsmith::http_fetch(log_request);
  REQUIRE(whole_log);
  CHECK(nlohmann::json::parse(whole_log->body).size() == 1);
}

TEST_CASE("import --download that meets a 404 fails naming the item and leaves the workspace as it was", "[http]") {
  TempDir served;
  fs::create_directories(served.path() / "media");
  fs::copy_file(fixture_media("cbr.mp3"), served.path() / "media/one.mp3");
  NginxServer nginx(served.path());
  const std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gaps</title>"
      "<item><title>One</title><guid>g1</guid><pubDate>Mon, 04 Mar 2019 05:06:07 -0500</pubDate>"
      "<enclosure url=\"" + nginx.url("/media/one.mp3") + "\" length=\"1\" type=\"audio/mpeg\"/></item>"
      "<item><title>Missing</title><guid>g2</guid><pubDate>Mon, 11 Mar 2019 05:06:07 -0500</pubDate>"
      "<enclosure url=\"" + nginx.url("/media/missing.mp3") + "\" length=\"1\" type=\"audio/mpeg\"/></item>"
      "</channel></rss>";
  auto doc = podsmith::read_feed(feed, "gaps.xml");
  REQUIRE(doc);
  TempDir dir;
  dir.write("feeds/other.toml", "title = \"Other\"\n");
  dir.write(".gitignore", "mine\n");
  const auto before = files_under(dir.path());

  auto failed = podsmith::import_feed(dir.path().string(), *doc, "gaps.xml", download_options());
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == podsmith::ErrorCode::kUnreadable);
  CHECK_THAT(failed.error().message,
             Catch::StartsWith("item 2 (Missing): " + nginx.url("/media/missing.mp3") + ": the server answered HTTP 404"));
  CHECK(failed.error().line > 0);
  // feeds/ and media/ as they were; what finished waits, out of git, for the next run.
  std::vector<std::string> after;
  for (const std::string& f : files_under(dir.path()))
    if (f.rfind(".podsmith/", 0) != 0) after.push_back(f);
  CHECK(after == before);
  CHECK(read_file((dir.path() / ".gitignore").string()) == "mine\n");
  CHECK(read_file((dir.path() / ".podsmith/downloads/.gitignore").string()) == "*\n");

  SECTION("and never overwrites a media file") {
    dir.write("media/2019-03-04-one.mp3", "mine");
    podsmith::ImportOptions options = download_options();
    options.name = "gaps";
    auto refused = podsmith::import_feed(dir.path().string(), *doc, "gaps.xml", options);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().file == "media/2019-03-04-one.mp3");
    CHECK_THAT(refused.error().message, Catch::Contains("never overwrites"));
    CHECK(read_file((dir.path() / "media/2019-03-04-one.mp3").string()) == "mine");
  }
}
