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

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// Fixture files under tests/fixtures that are not podcast feeds import can take, and
// why. Every other .xml file there is one, and must round-trip.
struct NotImported {
  const char* path;
  const char* why;
};
constexpr NotImported kNotImported[] = {
    {"tests/fixtures/feeds/atom.xml", "an Atom feed, not RSS: there is no <channel> to import"},
    {"tests/fixtures/feeds/truncated.xml", "cut off in the middle: not well-formed XML, so the reader refuses it"},
};

// Every .xml file under tests/fixtures, sorted.
std::vector<std::string> fixture_xml_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(source_path("tests/fixtures")))
    // A website fixture's sitemap.xml (tests/fixtures/serve-site/) is XML but no feed.
    if (e.is_regular_file() && e.path().extension() == ".xml" && e.path().filename() != "sitemap.xml")
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The bytes of a fixture feed as a feed: tests/fixtures/import/download-show.xml is a
// template of a feed (its enclosures are served by the test), filled in here.
std::string fixture_feed_bytes(const std::string& path) {
  std::string bytes = read_file(path);
  replace_all(bytes, "@BASE@", "https://old-host.example.com/");
  replace_all(bytes, "@SIZE:cbr.mp3@", "12345");
  replace_all(bytes, "@SIZE:aac.m4a@", "23456");
  return bytes;
}

std::string relative_to_source(const std::string& path) {
  return fs::path(path).lexically_relative(source_path("")).generic_string();
}

}  // namespace

TEST_CASE("every fixture feed imports, builds, and keeps each item's guid, pubDate and enclosure", "[import]") {
  for (const NotImported& n : kNotImported) {
    CAPTURE(n.path, n.why);
    CHECK(fs::exists(source_path(n.path)));  // the list names files that are there
  }
  size_t feeds_checked = 0;
  for (const std::string& path : fixture_xml_files()) {
    const std::string name = relative_to_source(path);
    CAPTURE(name);
    if (std::any_of(std::begin(kNotImported), std::end(kNotImported),
                    [&](const NotImported& n) { return name == n.path; }))
      continue;
    auto doc = podsmith::read_feed(fixture_feed_bytes(path), path);
    REQUIRE(doc);
    REQUIRE(doc->channel);
    TempDir dir;
    podsmith::ImportOptions options;
    options.force = true;  // some fixtures say podcast:locked yes
    options.base_url = "https://new.example.org/";
    auto imported = podsmith::import_feed(dir.path().string(), *doc, path, options);
    CAPTURE(imported ? "" : imported.error().to_string());
    REQUIRE(imported);
    // What import accepted, build builds: never exit 0 and then a build error.
    const auto built = podsmith::build_workspace(dir.path().string());
    CAPTURE(built.errors.empty() ? "" : built.errors[0].to_string());
    REQUIRE(built.errors.empty());
    REQUIRE(built.shows.size() == 1);
    const podsmith::FeedDocument again =
        read((dir.path() / ("feeds/" + built.shows[0].name + ".xml")).string());
    std::map<std::string, const podsmith::Episode*> rebuilt;
    for (const podsmith::Episode& e : again.show.episodes) rebuilt[e.guid] = &e;

    // Every item a directory would list comes back: those with an http(s) enclosure,
    // each guid once (the first item of a guid; a missing guid is the enclosure URL).
    std::set<std::string> seen;
    for (const podsmith::Episode& original : doc->show.episodes) {
      if (original.enclosure.url.rfind("http", 0) != 0) continue;
      const std::string guid = original.guid.empty() ? original.enclosure.url : original.guid;
      if (!seen.insert(guid).second) continue;
      CAPTURE(guid);
      const auto it = rebuilt.find(guid);
      REQUIRE(it != rebuilt.end());
      const podsmith::Episode& copy = *it->second;
      // The same instant, or no date on both sides: none is ever invented.
      CHECK(copy.date.has_value() == original.date.has_value());
      if (copy.date && original.date) CHECK(copy.date->unix_seconds == original.date->unix_seconds);
      CHECK(copy.enclosure.url == original.enclosure.url);
      CHECK(copy.enclosure.length_bytes == original.enclosure.length_bytes);
      CHECK(copy.enclosure.type == (original.enclosure.type.empty() ? "audio/mpeg" : original.enclosure.type));
      CHECK((copy.duration_ms + 500) / 1000 == (original.duration_ms + 500) / 1000);
      CHECK(copy.season == original.season);
      CHECK(copy.episode == original.episode);
    }
    CHECK(imported->episodes == seen.size());
    CHECK(again.show.episodes.size() == seen.size());
    ++feeds_checked;
  }
  CHECK(feeds_checked >= 45);
}

// ---- one fixture feed per kind of input that used to import and then fail build ----

namespace {

// Imports tests/fixtures/import/NAME into `dir`, to be published at https://new.example.org/.
podsmith::ImportReport import_fixture(const TempDir& dir, const std::string& name, podsmith::ImportOptions options = {}) {
  const std::string path = source_path("tests/fixtures/import/" + name);
  auto doc = podsmith::read_feed(read_file(path), path);
  REQUIRE(doc);
  if (options.base_url.empty()) options.base_url = "https://new.example.org/";
  auto imported = podsmith::import_feed(dir.path().string(), *doc, path, options);
  CAPTURE(imported ? "" : imported.error().to_string());
  REQUIRE(imported);
  return std::move(*imported);
}

// Builds `dir`, which must build.
podsmith::BuildReport build_clean(const TempDir& dir) {
  podsmith::BuildReport built = podsmith::build_workspace(dir.path().string());
  CAPTURE(built.errors.empty() ? "" : built.errors[0].to_string());
  REQUIRE(built.errors.empty());
  return built;
}

bool mentions(const std::vector<podsmith::Error>& messages, const std::string& text) {
  return std::any_of(messages.begin(), messages.end(),
                     [&](const podsmith::Error& e) { return e.message.find(text) != std::string::npos; });
}

size_t count_mentions(const std::vector<podsmith::Error>& messages, const std::string& text) {
  return static_cast<size_t>(std::count_if(messages.begin(), messages.end(), [&](const podsmith::Error& e) {
    return e.message.find(text) != std::string::npos;
  }));
}

std::vector<std::string> guids_in_order(const podsmith::FeedDocument& doc) {
  std::vector<std::string> out;
  for (const podsmith::Episode& e : doc.show.episodes) out.push_back(e.guid);
  return out;
}

}  // namespace

TEST_CASE("import maps old and misplaced iTunes categories onto Apple's list, keeping the feed's own in a comment",
          "[import]") {
  TempDir dir;
  const auto imported = import_fixture(dir, "old-categories.xml");
  const std::string toml = read_file((dir.path() / "feeds/old-categories-hour.toml").string());
  CHECK_THAT(toml, Catch::Contains("# categories as the imported feed gave them: \"Games & Hobbies/Hobbies\", "
                                   "\"Games & Hobbies/Other Games\", \"News & Politics\", "
                                   "\"Government & Organizations/Non-Profit\", \"Technology/Tech News\", "
                                   "\"Technology/Gadgets\", \"Business/Business News\", \"Arts/Hobbies\", "
                                   "\"Politics\", \"technology\", \"Podcasting Tips\"\n"));
  CHECK_THAT(toml, Catch::Contains("\ncategories = [\"Leisure/Hobbies\", \"Leisure/Games\", \"News\", "
                                   "\"Business/Non-Profit\", \"News/Tech News\", \"Technology\", "
                                   "\"News/Business News\", \"News/Politics\"]\n"));
  // What could not be mapped is dropped and named; what was mapped is said too.
  CHECK(mentions(imported.warnings, "dropped the category 'Podcasting Tips'"));
  CHECK(mentions(imported.warnings, "the category 'Games & Hobbies/Hobbies' is 'Leisure/Hobbies' on Apple's current list"));
  CHECK(mentions(imported.warnings, "the category 'Technology/Gadgets' is 'Technology'"));

  build_clean(dir);
  const podsmith::FeedDocument again = read((dir.path() / "feeds/old-categories-hour.xml").string());
  REQUIRE(again.show.categories.size() == 8);
  CHECK(again.show.categories[0].name == "Leisure");
  CHECK(again.show.categories[0].subcategory == "Hobbies");
  CHECK(again.show.categories[4].name == "News");
  CHECK(again.show.categories[4].subcategory == "Tech News");

  SECTION("while build stays strict about a feed file written by hand") {
    std::string edited = toml;
    replace_all(edited, "\ncategories = [\"Leisure/Hobbies\"", "\ncategories = [\"Games & Hobbies/Hobbies\"");
    dir.write("feeds/old-categories-hour.toml", edited);
    const auto refused = podsmith::build_workspace(dir.path().string());
    CHECK(mentions(refused.errors, "'Games & Hobbies' was replaced in Apple's 2019 list, did you mean 'Leisure'?"));
  }
}

TEST_CASE("import gives a channel without a title one, says which, and the workspace builds", "[import]") {
  struct Case {
    const char* fixture;
    std::string name;  // --name; empty: from the title
    std::string title;
    std::string from;
    std::string feed_file;
  };
  const Case cases[] = {
      {"no-title.xml", "", "no-title", "the feed's file name", "no-title"},
      {"no-title.xml", "my-show", "my-show", "--name", "my-show"},
      {"empty-title.xml", "", "The Image Knows", "the title of the channel's <image>", "the-image-knows"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.fixture, c.name);
    TempDir dir;
    podsmith::ImportOptions options;
    options.name = c.name;
    const auto imported = import_fixture(dir, c.fixture, options);
    CHECK(mentions(imported.warnings, "the channel has no title; the feed file says title = \"" + c.title +
                                          "\" (from " + c.from + ")"));
    const std::string toml = read_file((dir.path() / ("feeds/" + c.feed_file + ".toml")).string());
    CHECK(toml.rfind("title = \"" + c.title + "\"\n", 0) == 0);
    const auto built = build_clean(dir);
    REQUIRE(built.shows.size() == 1);
    CHECK(built.shows[0].title == c.title);
  }
}

TEST_CASE("import keeps a podcast:guid that is not a UUID, and build writes it as it is with a warning", "[import]") {
  TempDir dir;
  import_fixture(dir, "podcast-guid-not-uuid.xml");
  CHECK_THAT(read_file((dir.path() / "feeds/guid-by-hand.toml").string()),
             Catch::Contains("\nguid = \"guid-by-hand-show-2021\"\n"));
  const auto built = build_clean(dir);
  CHECK(mentions(built.warnings, "guid 'guid-by-hand-show-2021' is not a UUID"));
  const std::string xml = read_file((dir.path() / "feeds/guid-by-hand.xml").string());
  CHECK_THAT(xml, Catch::Contains("<podcast:guid>guid-by-hand-show-2021</podcast:guid>"));
}

TEST_CASE("import skips a podcast:person without a name, with a warning, and keeps the named ones", "[import]") {
  TempDir dir;
  const auto imported = import_fixture(dir, "person-without-name.xml");
  CHECK(mentions(imported.warnings,
                 "the channel has a <podcast:person> without a name (href https://faceless.example.com/host); skipped"));
  CHECK(mentions(imported.warnings, "item 1 (With Guests) has a <podcast:person> without a name "
                                    "(img https://faceless.example.com/guest.jpg); skipped"));
  const std::string toml = read_file((dir.path() / "feeds/faceless-friends.toml").string());
  CHECK(toml.find("[[person]]\nname = \"Ada Host\"") != std::string::npos);
  CHECK(toml.find("faceless.example.com/host") == std::string::npos);
  const std::string sidecar = read_file((dir.path() / "media/2024-06-06-with-guests.md").string());
  CHECK(sidecar.find("[[persons]]\nname = \"Grace Guest\"") != std::string::npos);
  CHECK(sidecar.find("guest.jpg") == std::string::npos);
  build_clean(dir);
  const podsmith::FeedDocument again = read((dir.path() / "feeds/faceless-friends.xml").string());
  REQUIRE(again.show.persons.size() == 1);
  CHECK(again.show.persons[0].name == "Ada Host");
  REQUIRE(again.show.episodes.size() == 1);
  REQUIRE(again.show.episodes[0].persons.size() == 1);
  CHECK(again.show.episodes[0].persons[0].name == "Grace Guest");
}

TEST_CASE("a serial show imported without episode numbers builds with a warning per episode; numbers are never made up",
          "[import]") {
  TempDir dir;
  import_fixture(dir, "serial-without-numbers.xml");
  const std::string chapter_one = read_file((dir.path() / "media/2024-01-01-chapter-one.md").string());
  CHECK(chapter_one.find("episode =") == std::string::npos);
  CHECK(chapter_one.find("\nimported = true\n") != std::string::npos);

  const auto built = build_clean(dir);
  // The two full episodes, not the trailer.
  CHECK(count_mentions(built.warnings, "the show is serial, so every full episode needs an episode number") == 2);
  CHECK(mentions(built.warnings, "it was imported without one, and podsmith never invents one"));
  const podsmith::FeedDocument again = read((dir.path() / "feeds/the-long-story.xml").string());
  CHECK(again.show.type == "serial");
  for (const podsmith::Episode& e : again.show.episodes) CHECK_FALSE(e.episode);

  SECTION("an episode the producer wrote (no imported = true) still needs its number") {
    std::string hand_written = chapter_one;
    replace_all(hand_written, "imported = true\n", "");
    dir.write("media/2024-01-01-chapter-one.md", hand_written);
    const auto refused = podsmith::build_workspace(dir.path().string());
    REQUIRE(refused.errors.size() == 1);
    CHECK(refused.errors[0].file == "media/2024-01-01-chapter-one.md");
    CHECK_THAT(refused.errors[0].message, Catch::StartsWith("the show is serial, so every full episode needs"));
  }
}

TEST_CASE("two items with the same enclosure URL and their own guids both import and build", "[import]") {
  // (Two sidecars claiming one local media file stay an error: build_test.cpp.)
  TempDir dir;
  const auto imported = import_fixture(dir, "same-enclosure.xml");
  CHECK(imported.episodes == 2);
  build_clean(dir);
  const podsmith::FeedDocument again = read((dir.path() / "feeds/encore-radio.xml").string());
  CHECK(guids_in_order(again) == std::vector<std::string>{"encore-2024-08", "lighthouse-2023-02"});
  for (const podsmith::Episode& e : again.show.episodes)
    CHECK(e.enclosure.url == "https://encore.example.com/media/lighthouse.mp3");
}

TEST_CASE("items without a readable pubDate are imported without a date and built in their place, without pubDate",
          "[import]") {
  TempDir dir;
  const auto imported = import_fixture(dir, "no-pubdate.xml");
  CHECK(imported.episodes == 5);
  CHECK(count_mentions(imported.warnings, "imported without a date, in its place in the feed") == 3);
  CHECK(mentions(imported.warnings, "item 3 (Bonus Between Four And Three) has a pubDate podsmith cannot read "
                                    "(\"sometime in March\")"));
  // No date is written; the neighbour's guid keeps the place.
  const std::string top = read_file((dir.path() / "media/undated-announcement.md").string());
  CHECK(top.find("\ndate =") == std::string::npos);
  CHECK_THAT(top, Catch::Contains("guid = \"dw-top\"\n# no date: the imported item had none podsmith could read, "
                                  "and a date is never invented\nbefore = \"dw-4\"\n"));
  const std::string bonus = read_file((dir.path() / "media/undated-bonus-between-four-and-three.md").string());
  CHECK_THAT(bonus, Catch::Contains("# its pubDate was \"sometime in March\"\nafter = \"dw-4\"\n"));
  const std::string extra = read_file((dir.path() / "media/undated-extra-after-the-bonus.md").string());
  CHECK_THAT(extra, Catch::Contains("after = \"dw-bonus\"\n"));

  build_clean(dir);
  const std::string feed = (dir.path() / "feeds/dateless-wonders.xml").string();
  podsmith::FeedDocument again = read(feed);
  CHECK(guids_in_order(again) == std::vector<std::string>{"dw-top", "dw-4", "dw-bonus", "dw-extra", "dw-3"});
  for (size_t i = 0; i < again.items.size(); ++i) {
    CAPTURE(i);
    const bool dated = again.show.episodes[i].guid == "dw-4" || again.show.episodes[i].guid == "dw-3";
    CHECK((again.items[i]->child("", "pubDate") != nullptr) == dated);
  }
  CHECK(again.channel->child("", "lastBuildDate")->text() == "Thu, 04 Apr 2024 09:00:00 +0000");

  SECTION("a new episode goes on top, and the undated ones keep their places") {
    dir.write("media/new.md", "+++\nguid = \"dw-5\"\ndate = 2024-05-05T09:00:00Z\n"
                              "media = \"https://dateless.example.com/5.mp3\"\nlength = 500\n"
                              "media_type = \"audio/mpeg\"\n+++\nFive.\n");
    build_clean(dir);
    again = read(feed);
    CHECK(guids_in_order(again) == std::vector<std::string>{"dw-5", "dw-top", "dw-4", "dw-bonus", "dw-extra", "dw-3"});
  }
  SECTION("an undated episode whose neighbour is gone goes last, with a warning") {
    std::string edited = extra;
    replace_all(edited, "after = \"dw-bonus\"", "after = \"gone\"");
    dir.write("media/undated-extra-after-the-bonus.md", edited);
    const auto built = build_clean(dir);
    CHECK(mentions(built.warnings, "the episode has no date, and the episode it is placed after (guid 'gone') is not "
                                   "one of feed dateless-wonders; it is written last"));
    again = read(feed);
    CHECK(guids_in_order(again) == std::vector<std::string>{"dw-top", "dw-4", "dw-bonus", "dw-3", "dw-extra"});
  }
}

TEST_CASE("import fits or leaves out other channel and item values build would refuse, with a warning", "[import]") {
  TempDir dir;
  const auto imported = import_fixture(dir, "odd-channel-values.xml");
  CHECK(mentions(imported.warnings, "the language 'English' is not a code like en or en-us; left out"));
  CHECK(mentions(imported.warnings, "the podcast:medium 'Podcast' is not one of the podcast namespace's; the feed "
                                    "file says 'podcast'"));
  CHECK(mentions(imported.warnings, "item 1 (One) has a <podcast:transcript> "
                                    "https://odd-values.example.com/transcript?ep=1 without a type"));
  CHECK(mentions(imported.warnings, "item 2 (Two) has an enclosure that is no http(s) URL "
                                    "(ftp://odd-values.example.com/2.mp3); skipped"));
  CHECK(imported.episodes == 1);
  const std::string toml = read_file((dir.path() / "feeds/odd-values.toml").string());
  CHECK(toml.find("language") == std::string::npos);
  CHECK(toml.find("medium = \"podcast\"\n") != std::string::npos);
  build_clean(dir);
  const podsmith::FeedDocument again = read((dir.path() / "feeds/odd-values.xml").string());
  REQUIRE(again.show.episodes.size() == 1);
  REQUIRE(again.show.episodes[0].transcripts.size() == 1);
  CHECK(again.show.episodes[0].transcripts[0].type == "text/vtt");

  SECTION("and a language code written with an underscore is read as one") {
    const std::string path = source_path("tests/fixtures/import/odd-channel-values.xml");
    std::string bytes = read_file(path);
    replace_all(bytes, "<language>English</language>", "<language>en_US</language>");
    auto doc = podsmith::read_feed(bytes, path);
    REQUIRE(doc);
    TempDir other;
    podsmith::ImportOptions options;
    options.base_url = "https://new.example.org/";
    auto report = podsmith::import_feed(other.path().string(), *doc, path, options);
    REQUIRE(report);
    CHECK(mentions(report->warnings, "the language 'en_US' is not a code like en or en-us; the feed file says 'en-us'"));
    build_clean(other);
  }
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
    REQUIRE(copy.date);
    CHECK(copy.date->unix_seconds == original.date->unix_seconds);
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
