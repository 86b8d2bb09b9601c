#include "podsmith/workspace/tagging.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "podsmith/media/media_probe.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::Episode;
using podsmith::Show;
using podsmith::test::source_path;
using podsmith::test::TempDir;

TEST_CASE("episode_tags takes the episode's fields, the show as album and the day in the episode's offset") {
  TempDir dir;
  fs::create_directories(dir.path() / "feeds/show/art");
  fs::copy_file(source_path("tests/fixtures/tag/chapter.png"), dir.path() / "feeds/show/art/ch 1.png");
  Show show;
  show.title = "The Show";
  show.author = "Show Author";
  show.base_url = "https://example.org/show/";
  show.feed_url = "https://example.org/show/feeds/show.xml";
  Episode ep;
  ep.title = "Ep";
  ep.guid = "g-1";
  ep.date = podsmith::Timestamp{1714609800, -120};  // 2024-05-02T00:30:00Z: 05-01 22:30 at -02:00
  ep.episode = 12;
  ep.summary_text = std::string(600, 'a') + " " + std::string(600, 'b');
  podsmith::Chapter one;
  one.start_ms = 0;
  one.end_ms = 1000;
  one.title = "One";
  one.image_url = "https://example.org/show/feeds/show/art/ch%201.png";
  podsmith::Chapter two;
  two.start_ms = 1000;
  two.title = "Two";
  two.url = "https://example.org/link";
  two.image_url = "https://elsewhere.example/img.png";  // not ours: no image
  ep.chapters = {one, two};

  auto tags = podsmith::episode_tags(dir.path().string(), show, ep, "", false);
  REQUIRE(tags);
  CHECK(tags->title == "Ep");
  CHECK(tags->artist == "Show Author");
  CHECK(tags->album == "The Show");
  CHECK(tags->date == "2024-05-01");
  CHECK(tags->comment == std::string(600, 'a') + "\u2026");
  CHECK(tags->genre == "Podcast");
  CHECK(tags->track == 12);
  CHECK_FALSE(tags->artwork);
  CHECK(tags->feed_url == show.feed_url);
  CHECK(tags->guid == "g-1");
  CHECK(tags->podcast);
  CHECK(tags->replace_chapters);
  REQUIRE(tags->chapters.size() == 2);
  REQUIRE(tags->chapters[0].image);
  CHECK(tags->chapters[0].image->bytes ==
        podsmith::test::read_file(source_path("tests/fixtures/tag/chapter.png")));
  CHECK_FALSE(tags->chapters[1].image);
  CHECK(tags->chapters[1].url == "https://example.org/link");

  ep.author = "Guest";
  auto missing = podsmith::episode_tags(dir.path().string(), show, ep, "media/none.jpg", true);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().file == "media/none.jpg");
}

TEST_CASE("tag_workspace skips an episode whose media is a URL, with a warning") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  std::ofstream(dir.path() / "media/old.md") << "+++\n"
                                                "title = \"Old\"\n"
                                                "guid = \"old-1\"\n"
                                                "date = 2020-01-01T00:00:00Z\n"
                                                "episode = 9\n"
                                                "media = \"https://old.example.com/old.mp3\"\n"
                                                "length = 1234\n"
                                                "media_type = \"audio/mpeg\"\n"
                                                "+++\n";
  const podsmith::TagReport report = podsmith::tag_workspace(dir.path().string());
  for (const auto& e : report.errors) FAIL(e.to_string());
  REQUIRE(report.files.size() == 1);
  CHECK(report.files[0].media == "media/ep1.mp3");
  CHECK(report.files[0].status == podsmith::WriteStatus::kUpdated);
  bool warned = false;
  for (const auto& w : report.warnings)
    warned |= w.file == "media/old.md" && w.message.find("skipped") == 0;
  CHECK(warned);
  auto info = podsmith::probe((dir.path() / "media/ep1.mp3").string());
  REQUIRE(info);
  CHECK(info->tags.title == "Episode one");
}

TEST_CASE("tag_workspace tags nothing when the workspace has errors") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  std::ofstream(dir.path() / "media/ep1.md") << "+++\ntitle = \"no guid\"\n+++\n";
  const std::string before = podsmith::test::read_file((dir.path() / "media/ep1.mp3").string());
  const podsmith::TagReport report = podsmith::tag_workspace(dir.path().string());
  CHECK_FALSE(report.errors.empty());
  CHECK(report.files.empty());
  CHECK(podsmith::test::read_file((dir.path() / "media/ep1.mp3").string()) == before);
}
