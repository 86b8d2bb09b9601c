#include "podsmith/workspace/workspace.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "podsmith/base/dates.h"
#include "test_support.h"

using podsmith::parse_feed;
using podsmith::parse_sidecar;

namespace {

const char* kFeed = R"(title = "Show"
base_url = "https://example.org/show"
)";

std::string sidecar(const std::string& front, const std::string& notes = "Notes.\n") {
  return "+++\n" + front + "+++\n" + notes;
}

}  // namespace

TEST_CASE("parse_feed reads the channel and derives the feed URL from base_url") {
  auto feed = parse_feed(std::string(kFeed) + "categories = [\"Technology\", \"Society & Culture/Documentary\"]\n",
                         "feeds/show.toml");
  REQUIRE(feed);
  CHECK(feed->show.name == "show");
  CHECK(feed->show.base_url == "https://example.org/show/");
  CHECK(feed->show.feed_url == "https://example.org/show/feeds/show.xml");
  REQUIRE(feed->show.categories.size() == 2);
  CHECK(feed->show.categories[1].name == "Society & Culture");
  CHECK(feed->show.categories[1].subcategory == "Documentary");
  CHECK(feed->episode_patterns == std::vector<std::string>{"media/**.md"});
}

TEST_CASE("parse_feed and parse_sidecar point at the line and column of each problem") {
  struct Case {
    bool is_feed;
    std::string text;
    std::string where;    // file:line:column prefix of Error::to_string()
    std::string message;  // part of the message
  };
  const Case cases[] = {
      {true, "title = \"Show\nbase_url = 1\n", "feeds/show.toml:1:", ""},  // malformed TOML
      {true, std::string(kFeed) + "titel = \"x\"\n", "feeds/show.toml:3:1", "did you mean 'title'?"},
      {true, std::string(kFeed) + "[owner]\nnaem = \"x\"\n", "feeds/show.toml:4:1", "did you mean 'name'?"},
      {true, "title = \"Show\"\n", "feeds/show.toml", "base_url is required"},
      {true, std::string(kFeed) + "type = \"daily\"\n", "feeds/show.toml:3:8", "episodic"},
      {true, std::string(kFeed) + "explicit = \"no\"\n", "feeds/show.toml:3:12", "true or false"},
      {false, "no front matter\n", "media/ep.md:1:1", "+++"},
      {false, "+++\nguid = \"x\"\n", "media/ep.md:1:1", "not closed"},
      {false, sidecar("guid = \"x\"\ndate = \"2024-01-01\"\n"), "media/ep.md:3:8", "not a TOML datetime"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00\n"), "media/ep.md:3:8", "needs a UTC offset"},
      {false, sidecar("date = 2024-01-01T10:00:00Z\n"), "media/ep.md", "no guid"},
      {false, sidecar("guid = \"x\"\n"), "media/ep.md", "no date"},
      {false, sidecar("guid = \"x\"\nimported = false\n"), "media/ep.md", "no date"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00Z\nafter = \"y\"\n"), "media/ep.md:4:9",
       "after places an episode that has no date"},
      {false, sidecar("guid = \"x\"\nimported = true\nafter = \"a\"\nbefore = \"b\"\n"), "media/ep.md:5:10",
       "not both"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00Z\nepisode = 0\n"), "media/ep.md:4:11", "positive integer"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00Z\nepisode = \"3\"\n"), "media/ep.md:4:11", "positive integer"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00Z\nmedia = \"../../etc/passwd\"\n"), "media/ep.md:4:9", "outside the workspace"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00Z\nmedia = \"/etc/passwd\"\n"), "media/ep.md:4:9", "outside the workspace"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00Z\nsesaon = 2\n"), "media/ep.md:4:1", "did you mean 'season'?"},
      {false, sidecar("guid = \"x\"\ndate = 2024-01-01T10:00:00Z\ntype = \"extra\"\n"), "media/ep.md:4:8", "trailer"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const podsmith::Error e =
        c.is_feed ? parse_feed(c.text, "feeds/show.toml").error() : parse_sidecar(c.text, "media/ep.md").error();
    CAPTURE(e.to_string());
    CHECK(e.to_string().rfind(c.where, 0) == 0);
    CHECK(e.message.find(c.message) != std::string::npos);
  }
}

TEST_CASE("parse_sidecar resolves paths against the sidecar's directory") {
  auto ep = parse_sidecar(sidecar("guid = \"g\"\ndate = 2024-01-01T10:00:00+02:00\nmedia = \"../audio/ep.mp3\"\n"
                                  "chapters = \"ep.chapters.txt\"\ntranscripts = [\"ep.vtt\", \"https://x.org/ep.srt\"]\n"
                                  "[[persons]]\nname = \"Ed Hickey\"\nrole = \"guest\"\n"),
                          "media/2006/ep.md");
  REQUIRE(ep);
  CHECK(ep->episode.media == "media/audio/ep.mp3");
  CHECK(ep->chapters_file == "media/2006/ep.chapters.txt");
  REQUIRE(ep->transcripts.size() == 2);
  CHECK(ep->transcripts[0].source == "media/2006/ep.vtt");
  CHECK(ep->transcripts[1].url == "https://x.org/ep.srt");
  REQUIRE(ep->episode.persons.size() == 1);
  CHECK(ep->episode.persons[0].role == "guest");
  REQUIRE(ep->episode.date);
  CHECK(ep->episode.date->offset_minutes == 120);
  CHECK(podsmith::format_rfc3339(*ep->episode.date) == "2024-01-01T10:00:00+02:00");
  CHECK(ep->notes_markdown == "Notes.\n");
}

TEST_CASE("an imported sidecar may have no date, and then says where its episode goes") {
  auto ep = parse_sidecar(sidecar("guid = \"g\"\nimported = true\nafter = \"ep-4\"\n"), "media/undated-x.md");
  REQUIRE(ep);
  CHECK(ep->imported);
  CHECK_FALSE(ep->episode.date);
  CHECK(ep->after == "ep-4");
  CHECK(ep->before.empty());

  podsmith::NewSidecar s;
  s.guid = "g";
  s.imported = true;
  s.before = "ep-1";
  s.original_date = "sometime\nin May";
  const std::string text = podsmith::format_sidecar(s);
  CHECK(text == "+++\nguid = \"g\"\n# no date: the imported item had none podsmith could read, and a date is never "
                "invented\n# its pubDate was \"sometime\\nin May\"\nbefore = \"ep-1\"\nimported = true\n+++\n");
  auto parsed = parse_sidecar(text, "media/undated-x.md");
  REQUIRE(parsed);
  CHECK(parsed->before == "ep-1");
}

TEST_CASE("format_sidecar writes front matter that parse_sidecar reads back") {
  podsmith::NewSidecar s;
  s.title = "Q&A: \"quotes\" and \\ backslash";
  s.guid = "0b7c6a3e-2f1d-4c5b-9a8e-7d6c5b4a3f2e";
  s.date = *podsmith::parse_rfc3339("2024-05-01T09:00:00-07:00");
  s.episode = 12;
  s.notes = "Hello *world*";
  auto parsed = parse_sidecar(podsmith::format_sidecar(s), "media/x.md");
  REQUIRE(parsed);
  CHECK(parsed->episode.title == s.title);
  CHECK(parsed->episode.guid == s.guid);
  REQUIRE(parsed->episode.date);
  CHECK(parsed->episode.date->unix_seconds == s.date->unix_seconds);
  CHECK(parsed->episode.date->offset_minutes == -420);
  CHECK(parsed->episode.episode == 12);
  CHECK(parsed->notes_markdown == "Hello *world*\n");
}

TEST_CASE("matches_any_pattern treats ** as crossing directories and * as not") {
  using podsmith::matches_any_pattern;
  CHECK(matches_any_pattern({"media/**.md"}, "media/a/b/c.md"));
  CHECK(matches_any_pattern({"media/*.md"}, "media/c.md"));
  CHECK_FALSE(matches_any_pattern({"media/*.md"}, "media/a/c.md"));
  CHECK(matches_any_pattern({"media/video/**"}, "media/video/x/y.md"));
  CHECK_FALSE(matches_any_pattern({"media/video/**"}, "media/audio/y.md"));
  CHECK(matches_any_pattern({"media/ep?.md"}, "media/ep1.md"));
}

TEST_CASE("parse_feed reads the [publish] table and its defaults") {
  auto feed = parse_feed(std::string(kFeed) + R"(
[publish]
target = "sftp://deploy@example.org:2222/var/www/show"
host_key_sha256 = "SHA256:abcDEF+/012="
podcast_index = true
credentials = "CH8"
)",
                         "feeds/show.toml");
  REQUIRE(feed);
  REQUIRE(feed->publish);
  const podsmith::PublishSettings& p = *feed->publish;
  CHECK(p.target == "sftp://deploy@example.org:2222/var/www/show");
  CHECK(p.host_key_sha256 == "abcDEF+/012");  // as libcurl wants it: no prefix, no padding
  CHECK(p.podcast_index);
  CHECK(p.podcast_index_url == "https://api.podcastindex.org/api/1.0/hub/pubnotify");
  CHECK_FALSE(p.podping);
  CHECK(p.websub);
  CHECK(p.webdav);
  CHECK(p.verify_public);
  CHECK(p.credentials == "CH8");
  CHECK(p.region == "us-east-1");

  auto none = parse_feed(kFeed, "feeds/show.toml");
  REQUIRE(none);
  CHECK_FALSE(none->publish);
}

TEST_CASE("parse_feed refuses a [publish] table that would leak a password or cannot work") {
  struct Case {
    std::string table;
    std::string message;
    int line;
  };
  const std::vector<Case> cases = {
      {"target = \"ftp://user:hunter2@example.org/show\"\n", "target holds a password", 5},
      {"target = \"gopher://example.org/show\"\n", "target must be an sftp://", 5},
      {"target = \"sftp:///var/www\"\n", "names no host", 5},
      {"webdav = true\n", "publish needs a target", 4},
      {"target = \"s3://bucket\"\nendpont = \"https://r2.example\"\n", "did you mean 'endpoint'?", 6},
      {"target = \"s3://bucket\"\ncredentials = \"my prefix\"\n", "credentials is the prefix", 6},
  };
  for (const Case& c : cases) {
    auto feed = parse_feed(std::string(kFeed) + "\n[publish]\n" + c.table, "feeds/show.toml");
    INFO(c.table);
    REQUIRE_FALSE(feed);
    CHECK_THAT(feed.error().message, Catch::Contains(c.message));
    CHECK(feed.error().line == c.line);
    // The password itself is never repeated back.
    CHECK_THAT(feed.error().message, !Catch::Contains("hunter2"));
  }
}

TEST_CASE("load_workspace finds media and files beside it through links, in subfolders, but not in linked folders") {
  namespace fs = std::filesystem;
  podsmith::test::TempDir dir;
  const fs::path d = dir.path();
  podsmith::test::make_tiny_workspace(d);
  // A linked media file counts, as does a transcript beside it; a linked folder is
  // not entered, so the sidecar in it is not an episode.
  fs::create_directories(d / "media/2024");
  fs::create_directories(d / "elsewhere");
  fs::copy_file(d / "media/ep1.mp3", d / "elsewhere/ep2.mp3");
  fs::create_symlink(d / "elsewhere/ep2.mp3", d / "media/2024/ep2.mp3");
  std::ofstream(d / "media/2024/ep2.md") << sidecar("guid = \"g2\"\ndate = 2024-05-02T09:00:00Z\n");
  std::ofstream(d / "media/2024/ep2.vtt") << "WEBVTT\n";
  std::ofstream(d / "elsewhere/ep3.md") << sidecar("guid = \"g3\"\ndate = 2024-05-03T09:00:00Z\n");
  fs::create_directory_symlink(d / "elsewhere", d / "media/linked");
  std::ofstream(d / "media/README.md") << "Not an episode.\n";

  const auto loaded = podsmith::load_workspace(d.string());
  REQUIRE(loaded.errors.empty());
  REQUIRE(loaded.workspace.episodes.size() == 2);
  const podsmith::EpisodeSource& ep2 = loaded.workspace.episodes[0];
  CHECK(ep2.file == "media/2024/ep2.md");
  CHECK(ep2.episode.media == "media/2024/ep2.mp3");
  REQUIRE(ep2.transcripts.size() == 1);
  CHECK(ep2.transcripts[0].source == "media/2024/ep2.vtt");
  CHECK(loaded.workspace.episodes[1].file == "media/ep1.md");
}

TEST_CASE("list_workspace_files lists feeds and media sorted, a linked file as its target, nothing through a linked folder") {
  namespace fs = std::filesystem;
  podsmith::test::TempDir dir;
  const fs::path d = dir.path();
  fs::create_directories(d / "feeds/show/art");
  fs::create_directories(d / "media/2024");
  fs::create_directories(d / "elsewhere");
  std::ofstream(d / "feeds/show.toml") << "title = \"x\"\n";
  std::ofstream(d / "feeds/show/art/a.png") << "png";
  std::ofstream(d / "media/b.md") << "12345";
  std::ofstream(d / "media/2024/a.md") << "1";
  std::ofstream(d / "elsewhere/target.mp3") << std::string(777, 'x');
  std::ofstream(d / "elsewhere/hidden.md") << "not listed";
  std::ofstream(d / "top.md") << "outside feeds/ and media/";
  fs::create_symlink(d / "elsewhere/target.mp3", d / "media/linked.mp3");
  fs::create_symlink(d / "elsewhere/nothing.mp3", d / "media/dangling.mp3");
  fs::create_directory_symlink(d / "elsewhere", d / "media/folder");

  const auto listed = podsmith::list_workspace_files(d.string());
  std::vector<std::string> paths;
  for (const auto& f : listed) paths.push_back(f.path);
  CHECK(paths == std::vector<std::string>{"feeds/show.toml", "feeds/show/art/a.png", "media/2024/a.md",
                                          "media/b.md", "media/linked.mp3"});
  REQUIRE(listed.size() == 5);
  CHECK(listed[3].size_bytes == 5);
  CHECK(listed[4].size_bytes == 777);  // the target's, not the link's
  const auto target_mtime = fs::last_write_time(d / "elsewhere/target.mp3");
  CHECK(listed[4].mtime_ns == std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::file_clock::to_sys(target_mtime).time_since_epoch())
                                  .count());
}
