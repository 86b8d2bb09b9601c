// End-to-end: `podsmith tag` on a small workspace, through the built binary.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "podsmith/media/media_probe.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::read_file;
using podsmith::test::run_podsmith;
using podsmith::test::RunOptions;
using podsmith::test::source_path;
using podsmith::test::TempDir;

namespace {

// make_tiny_workspace() (media/ep1.mp3) plus a show cover, a chapters file for
// ep1 and a second episode, an M4A.
void make_workspace(const fs::path& dir) {
  podsmith::test::make_tiny_workspace(dir);
  std::ofstream(dir / "feeds/show.toml", std::ios::app) << "image = \"media/cover.jpg\"\n";
  fs::copy_file(source_path("tests/fixtures/tag/cover.jpg"), dir / "media/cover.jpg");
  fs::copy_file(source_path("tests/fixtures/tag/chapter.png"), dir / "media/chapter.png");
  std::ofstream(dir / "media/ep1.md") << "+++\n"
                                         "title = \"Episode one\"\n"
                                         "guid = \"6c1f5b0e-8a43-4f7d-9e2b-3d5c7a9e1f00\"\n"
                                         "date = 2024-05-01T23:30:00-02:00\n"
                                         "episode = 1\n"
                                         "chapters = \"ep1-chapters.json\"\n"
                                         "+++\n"
                                         "The *first* one.\n";
  std::ofstream(dir / "media/ep1-chapters.json")
      << R"({"version": "1.2.0", "chapters": [)"
         R"({"startTime": 0, "title": "Intro"},)"
         R"({"startTime": 1.5, "title": "Links", "url": "https://example.org/links",)"
         R"( "img": "https://example.org/show/media/chapter.png"}]})";
  fs::copy_file(source_path("tests/fixtures/media/aac.m4a"), dir / "media/ep2.m4a");
  std::ofstream(dir / "media/ep2.md") << "+++\n"
                                         "title = \"Episode two\"\n"
                                         "guid = \"ep-2\"\n"
                                         "date = 2024-05-12T09:00:00+02:00\n"
                                         "episode = 2\n"
                                         "author = \"Guest Host\"\n"
                                         "+++\n"
                                         "The second.\n";
}

podsmith::MediaInfo probe_ok(const fs::path& path) {
  auto info = podsmith::probe(path.string());
  if (!info) FAIL(info.error().to_string());
  return std::move(info).value();
}

}  // namespace

TEST_CASE("podsmith tag writes each episode into its media, then finds nothing to write") {
  TempDir dir;
  make_workspace(dir.path());
  RunOptions options;
  options.cwd = dir.path().string();
  const std::string mp3_before = read_file((dir.path() / "media/ep1.mp3").string());

  const auto dry = run_podsmith({"tag", "--dry-run"}, options);
  CAPTURE(dry.err);
  REQUIRE(dry.exit_code == 0);
  CHECK(dry.out ==
        "would have updated media/ep1.mp3 (MP3)\n"
        "would have updated media/ep2.m4a (MPEG-4)\n"
        "dry run: 2 media files: 2 would change, 0 unchanged\n");
  CHECK(read_file((dir.path() / "media/ep1.mp3").string()) == mp3_before);

  const auto r = run_podsmith({"tag"}, options);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "updated media/ep1.mp3 (MP3)\n"
        "updated media/ep2.m4a (MPEG-4)\n"
        "tagged 2 media files: 2 written, 0 unchanged\n");

  const podsmith::MediaInfo ep1 = probe_ok(dir.path() / "media/ep1.mp3");
  CHECK(ep1.tags.title == "Episode one");
  CHECK(ep1.tags.artist == "Tester");  // the show's author: the episode names none
  CHECK(ep1.tags.album == "Tiny Show");
  CHECK(ep1.tags.date == "2024-05-01");  // the day at -02:00, not in UTC (05-02)
  CHECK(ep1.tags.comment == "The first one.");
  CHECK(ep1.tags.genre == "Podcast");
  CHECK(ep1.tags.track == 1);
  CHECK(ep1.tags.podcast_url == "https://example.org/show/feeds/show.xml");
  REQUIRE(ep1.artwork.size() == 1);
  CHECK(ep1.artwork[0].size_bytes == static_cast<int64_t>(fs::file_size(dir.path() / "media/cover.jpg")));
  REQUIRE(ep1.chapters.size() == 2);
  CHECK(ep1.chapters[1].title == "Links");
  CHECK(ep1.chapters[1].start_ms == 1500);
  CHECK(ep1.chapters[1].url == "https://example.org/links");
  REQUIRE(ep1.chapters[1].image);
  CHECK(ep1.chapters[1].image->width == 64);

  const podsmith::MediaInfo ep2 = probe_ok(dir.path() / "media/ep2.m4a");
  CHECK(ep2.tags.title == "Episode two");
  CHECK(ep2.tags.artist == "Guest Host");
  CHECK(ep2.tags.track == 2);

  const auto again = run_podsmith({"tag", "--json"}, options);
  REQUIRE(again.exit_code == 0);
  const auto j = nlohmann::json::parse(again.out);
  CHECK(j["ok"] == true);
  REQUIRE(j["files"].size() == 2);
  for (const auto& f : j["files"]) CHECK(f["status"] == "unchanged");

  // The feed's enclosure length follows the tagged file.
  const auto built = run_podsmith({"build"}, options);
  REQUIRE(built.exit_code == 0);
  const std::string feed = read_file((dir.path() / "feeds/show.xml").string());
  CHECK(feed.find("length=\"" + std::to_string(fs::file_size(dir.path() / "media/ep1.mp3")) + "\"") !=
        std::string::npos);
}

TEST_CASE("podsmith tag tags only the sidecars named, from here or from the root") {
  TempDir dir;
  make_workspace(dir.path());
  RunOptions options;
  options.cwd = (dir.path() / "media").string();
  const auto r = run_podsmith({"tag", "ep2.md", "-C", ".."}, options);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "updated media/ep2.m4a (MPEG-4)\ntagged 1 media file: 1 written, 0 unchanged\n");

  const auto unknown = run_podsmith({"tag", "-C", "..", "media/nope.md"}, options);
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("media/nope.md: error: no feed has this sidecar") != std::string::npos);
}

TEST_CASE("podsmith tag names a file it cannot tag, leaves it as it was and tags the others") {
  TempDir dir;
  make_workspace(dir.path());
  fs::copy_file(source_path("tests/fixtures/media/wav.wav"), dir.path() / "media/ep3.wav");
  std::ofstream(dir.path() / "media/ep3.md") << "+++\ntitle = \"Three\"\nguid = \"ep-3\"\n"
                                                "date = 2024-06-01T09:00:00Z\nepisode = 3\n+++\n";
  const std::string wav = read_file((dir.path() / "media/ep3.wav").string());
  RunOptions options;
  options.cwd = dir.path().string();
  const auto r = run_podsmith({"tag"}, options);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("media/ep3.wav: error: tags are not supported for WAV") != std::string::npos);
  CHECK(r.out.find("updated media/ep1.mp3 (MP3)\n") != std::string::npos);
  CHECK(read_file((dir.path() / "media/ep3.wav").string()) == wav);
}

TEST_CASE("podsmith tag in a directory it may not write leaves the media as it was") {
  TempDir dir;
  make_workspace(dir.path());
  ::chmod(dir.path().c_str(), 0755);
  for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
    ::chmod(entry.path().c_str(), entry.is_directory() ? 0755 : 0644);
  const std::string mp3 = read_file((dir.path() / "media/ep1.mp3").string());
  RunOptions options;
  options.cwd = dir.path().string();
  if (::geteuid() == 0) {
    // Root writes anywhere: run as nobody, from a copy of the binary nobody may run.
    options.binary = (dir.path() / "podsmith").string();
    fs::copy_file(PODSMITH_BINARY, options.binary);
    ::chmod(options.binary.c_str(), 0755);
    options.prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  } else {
    ::chmod((dir.path() / "media").c_str(), 0555);
  }
  const auto r = run_podsmith({"tag"}, options);
  ::chmod((dir.path() / "media").c_str(), 0755);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("media/ep1.mp3: error:") != std::string::npos);
  CHECK(read_file((dir.path() / "media/ep1.mp3").string()) == mp3);
  for (const auto& entry : fs::directory_iterator(dir.path() / "media"))
    CHECK(entry.path().filename().string().rfind(".ep1.mp3.tmp", 0) != 0);  // no temporary left
}
