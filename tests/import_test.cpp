#include "podsmith/import.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "podsmith/build.h"
#include "podsmith/dates.h"
#include "podsmith/rss_reader.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::read_file;
using podsmith::test::source_path;
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
