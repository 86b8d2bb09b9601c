// End-to-end: podsmith import, then podsmith build, through the built binary.
#include <catch2/catch.hpp>
#include <filesystem>

#include "servers/loopback_server.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::NginxServer;
using podsmith::test::read_file;
using podsmith::test::run_podsmith;
using podsmith::test::RunOptions;
using podsmith::test::source_path;
using podsmith::test::TempDir;

TEST_CASE("podsmith import makes a workspace that podsmith build turns into a feed") {
  TempDir dir;
  RunOptions here;
  here.cwd = dir.path().string();
  auto r = run_podsmith({"import", source_path("tests/fixtures/feeds/libsyn.xml"), "--name", "show", "--base-url",
                         "https://new.example.org/"},
                        here);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("wrote feeds/show.toml") != std::string::npos);
  CHECK(fs::exists(dir.path() / "feeds/show.toml"));
  r = run_podsmith({"build"}, here);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(dir.path() / "feeds/show.xml"));
  // A second import would overwrite: refused, exit 1.
  r = run_podsmith({"import", source_path("tests/fixtures/feeds/libsyn.xml"), "--name", "show"}, here);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("never overwrites") != std::string::npos);
}

TEST_CASE("podsmith import names the line of XML it cannot read") {
  TempDir dir;
  RunOptions here;
  here.cwd = dir.path().string();
  const auto r = run_podsmith({"import", source_path("tests/fixtures/feeds/truncated.xml")}, here);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("truncated.xml:") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "feeds"));
}

TEST_CASE("podsmith import --download fetches the media, and build then probes it", "[http]") {
  // tests/fixtures/import/download-show.xml, served with its media by nginx.
  TempDir served;
  const auto media = [](const std::string& name) { return source_path("tests/fixtures/media/" + name); };
  fs::create_directories(served.path() / "media");
  fs::create_directories(served.path() / "dl");
  fs::copy_file(media("cbr.mp3"), served.path() / "media/cbr.mp3");
  fs::copy_file(media("aac.m4a"), served.path() / "media/Episode 2.m4a");
  fs::copy_file(media("vorbis.ogg"), served.path() / "dl/episode-three");
  NginxServer nginx(served.path());
  std::string feed = read_file(source_path("tests/fixtures/import/download-show.xml"));
  const auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t at = feed.find(from); at != std::string::npos; at = feed.find(from, at + to.size()))
      feed.replace(at, from.size(), to);
  };
  replace("@BASE@", nginx.url("/"));
  replace("@SIZE:cbr.mp3@", std::to_string(fs::file_size(media("cbr.mp3"))));
  replace("@SIZE:aac.m4a@", std::to_string(fs::file_size(media("aac.m4a"))));
  served.write("feed.xml", feed);

  TempDir dir;
  RunOptions here;
  here.cwd = dir.path().string();
  auto r = run_podsmith({"import", nginx.url("/feed.xml"), "--download", "-j", "2", "--base-url",
                         "https://new.example.org/"},
                        here);
  CAPTURE(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("wrote media/2024-05-14-ep-1-soil-stones.mp3\n") != std::string::npos);
  CHECK(r.out.find("wrote media/2024-05-14-ep-1-soil-stones.md\n") != std::string::npos);
  CHECK(r.out.find("downloaded 3 media files (") != std::string::npos);
  // Not a terminal: plain lines, no bar.
  CHECK(r.err.find("downloads finished: 3/3 (") != std::string::npos);
  CHECK(r.err.find('\r') == std::string::npos);
  CHECK(r.err.find("item 3 (Ep. 3): downloaded") != std::string::npos);
  CHECK(read_file((dir.path() / "media/2024-05-21-evil-name.m4a").string()) == read_file(media("aac.m4a")));

  r = run_podsmith({"build"}, here);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  const std::string built = read_file((dir.path() / "feeds/download-test-show.xml").string());
  CHECK(built.find("url=\"https://new.example.org/media/2024-05-28-ep-3.ogg\"") != std::string::npos);
  // Item 2 had no guid: its old enclosure URL stays its guid.
  CHECK(built.find(">" + nginx.url("/media/Episode%202.m4a?source=rss") + "</guid>") != std::string::npos);
}

TEST_CASE("podsmith import keeps items without a pubDate, and podsmith build then succeeds") {
  TempDir dir;
  RunOptions here;
  here.cwd = dir.path().string();
  auto r = run_podsmith({"import", source_path("tests/fixtures/import/no-pubdate.xml"), "--base-url",
                         "https://new.example.org/"},
                        here);
  CAPTURE(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("item 1 (Announcement) has no pubDate; imported without a date") != std::string::npos);
  r = run_podsmith({"build"}, here);
  CAPTURE(r.out, r.err);
  CHECK(r.exit_code == 0);
  const std::string built = read_file((dir.path() / "feeds/dateless-wonders.xml").string());
  CHECK(built.find("<guid isPermaLink=\"false\">dw-extra</guid>") != std::string::npos);
  // Two of five items have a date.
  size_t dates = 0;
  for (size_t at = built.find("<pubDate>"); at != std::string::npos; at = built.find("<pubDate>", at + 1)) ++dates;
  CHECK(dates == 2);
}
