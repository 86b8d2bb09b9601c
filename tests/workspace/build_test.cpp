#include "podsmith/workspace/build.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "podsmith/feed/notes.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::build_workspace;
using podsmith::BuildOptions;
using podsmith::WriteStatus;
using podsmith::test::read_file;
using podsmith::test::TempDir;

namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string sidecar(const std::string& guid, const std::string& extra = "") {
  return "+++\nguid = \"" + guid + "\"\ndate = 2024-06-01T09:00:00Z\n" + extra + "+++\nNotes.\n";
}

// The first error's text, for CHECKs.
std::string first_error(const podsmith::BuildReport& r) { return r.errors.empty() ? "" : r.errors[0].to_string(); }

}  // namespace

TEST_CASE("build writes a feed and leaves files whose bytes would not change alone") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  const auto first = build_workspace(dir.path().string());
  REQUIRE(first.errors.empty());
  REQUIRE(first.outputs.size() == 1);
  CHECK(first.outputs[0].path == "feeds/show.xml");
  CHECK(first.outputs[0].status == WriteStatus::kCreated);
  CHECK(first.probed == 1);
  const fs::path feed = dir.path() / "feeds/show.xml";
  const auto mtime = fs::last_write_time(feed);
  const std::string bytes = read_file(feed.string());
  CHECK(bytes.find("<enclosure url=\"https://example.org/show/media/ep1.mp3\" length=\"27796\" type=\"audio/mpeg\" />") !=
        std::string::npos);
  CHECK(bytes.find("<pubDate>Wed, 01 May 2024 09:00:00 +0200</pubDate>") != std::string::npos);

  const auto second = build_workspace(dir.path().string());
  REQUIRE(second.errors.empty());
  CHECK(second.up_to_date);  // nothing changed: nothing loaded or written
  CHECK(second.outputs.empty());

  // A sidecar saved again with the same bytes: a real rebuild, same output bytes.
  fs::last_write_time(dir.path() / "media/ep1.md", fs::last_write_time(feed) + std::chrono::seconds(5));
  const auto third = build_workspace(dir.path().string());
  REQUIRE(third.errors.empty());
  CHECK_FALSE(third.up_to_date);
  REQUIRE(third.outputs.size() == 1);
  CHECK(third.outputs[0].status == WriteStatus::kUnchanged);
  CHECK(third.probed == 0);  // from the probe cache
  CHECK(fs::last_write_time(feed) == mtime);
  CHECK(read_file(feed.string()) == bytes);
}

TEST_CASE("build probes a media file again when it changes") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  REQUIRE(build_workspace(dir.path().string()).errors.empty());
  fs::copy_file(podsmith::test::source_path("tests/fixtures/media/vbr-xing.mp3"), dir.path() / "media/ep1.mp3",
                fs::copy_options::overwrite_existing);
  const auto again = build_workspace(dir.path().string());
  REQUIRE(again.errors.empty());
  CHECK(again.probed == 1);
  CHECK(read_file((dir.path() / "feeds/show.xml").string()).find("length=\"21958\"") != std::string::npos);
}

TEST_CASE("a failed build names the problem and writes nothing") {
  struct Case {
    const char* what;
    std::function<void(const fs::path&)> damage;
    std::string error;  // the start of the first error
  };
  const std::vector<Case> cases = {
      {"malformed TOML", [](const fs::path& d) { write(d / "media/ep1.md", "+++\nguid = \"x\ndate = 1\n+++\n"); },
       "media/ep1.md:2:"},
      {"unknown key", [](const fs::path& d) { write(d / "media/ep1.md", sidecar("g1", "titel = \"x\"\n")); },
       "media/ep1.md:4:1: unknown key 'titel', did you mean 'title'?"},
      {"missing media", [](const fs::path& d) { fs::remove(d / "media/ep1.mp3"); }, "media/ep1.md: no media file media/ep1.mp3"},
      {"missing media named", [](const fs::path& d) { write(d / "media/ep1.md", sidecar("g1", "media = \"gone.mp3\"\n")); },
       "media/ep1.md: media file media/gone.mp3 does not exist"},
      {"two sidecars claim one file",
       [](const fs::path& d) { write(d / "media/other.md", sidecar("g2", "media = \"ep1.mp3\"\n")); },
       "media/other.md: media media/ep1.mp3 is also claimed by media/ep1.md"},
      {"duplicate guid",
       [](const fs::path& d) {
         fs::copy_file(d / "media/ep1.mp3", d / "media/ep2.mp3");
         write(d / "media/ep2.md", sidecar("6c1f5b0e-8a43-4f7d-9e2b-3d5c7a9e1f00"));
       },
       "media/ep2.md: guid '6c1f5b0e-8a43-4f7d-9e2b-3d5c7a9e1f00' is also the guid of media/ep1.md"},
      {"path escaping the workspace", [](const fs::path& d) { write(d / "media/ep1.md", sidecar("g1", "media = \"../../x.mp3\"\n")); },
       "media/ep1.md:4:9: media '../../x.mp3' is outside the workspace"},
      {"bad category",
       [](const fs::path& d) {
         std::string toml = read_file((d / "feeds/show.toml").string());
         toml.replace(toml.find("\"Technology\""), 12, "\"Tech\"");
         write(d / "feeds/show.toml", toml);
       },
       "feeds/show.toml: categories: "},
      {"date that is not a datetime",
       [](const fs::path& d) { write(d / "media/ep1.md", "+++\nguid = \"g\"\ndate = \"May 1st\"\n+++\n"); },
       "media/ep1.md:3:8: date is not a TOML datetime"},
      {"episode number that is not a positive integer",
       [](const fs::path& d) { write(d / "media/ep1.md", sidecar("g1", "episode = -2\n")); },
       "media/ep1.md:4:11: episode must be a positive integer"},
      {"no guid", [](const fs::path& d) { write(d / "media/ep1.md", "+++\ndate = 2024-06-01T09:00:00Z\n+++\n"); },
       "media/ep1.md:2:1: no guid"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    TempDir dir;
    podsmith::test::make_tiny_workspace(dir.path());
    REQUIRE(build_workspace(dir.path().string()).errors.empty());
    const std::string before = read_file((dir.path() / "feeds/show.xml").string());
    c.damage(dir.path());
    const auto report = build_workspace(dir.path().string());
    REQUIRE_FALSE(report.errors.empty());
    CAPTURE(first_error(report));
    CHECK(first_error(report).rfind(c.error, 0) == 0);
    CHECK(report.outputs.empty());
    CHECK(read_file((dir.path() / "feeds/show.xml").string()) == before);
  }
}

TEST_CASE("build gives the same bytes in another directory and after new mtimes") {
  TempDir a, b;
  podsmith::test::make_tiny_workspace(a.path());
  podsmith::test::make_tiny_workspace(b.path() / "nested" / "deeper");
  REQUIRE(build_workspace(a.path().string()).errors.empty());
  REQUIRE(build_workspace((b.path() / "nested" / "deeper").string()).errors.empty());
  CHECK(read_file((a.path() / "feeds/show.xml").string()) ==
        read_file((b.path() / "nested/deeper/feeds/show.xml").string()));
}

TEST_CASE("build --dry-run reports what would change and writes nothing") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  BuildOptions options;
  options.dry_run = true;
  const auto report = build_workspace(dir.path().string(), options);
  REQUIRE(report.errors.empty());
  REQUIRE(report.outputs.size() == 1);
  CHECK(report.outputs[0].status == WriteStatus::kCreated);
  CHECK_FALSE(fs::exists(dir.path() / "feeds/show.xml"));
  CHECK_FALSE(fs::exists(dir.path() / ".podsmith"));
}

TEST_CASE("build emits a remote episode with the enclosure and notes it was imported with") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  write(dir.path() / "media/old.md",
        "+++\nguid = \"https://old.example.com/ep0.mp3\"\ndate = 2019-03-04T05:06:07-05:00\n"
        "media = \"https://cdn.example.com/ep0.mp3?x=1&y=2\"\nlength = 123456789\nmedia_type = \"audio/mpeg\"\n"
        "duration = \"01:02:05.5\"\nnotes_format = \"html\"\n+++\n<p>Old <b>notes</b> &amp; more</p>");
  const auto report = build_workspace(dir.path().string());
  REQUIRE(report.errors.empty());
  REQUIRE(report.probed == 1);  // only the local episode
  const std::string feed = read_file((dir.path() / "feeds/show.xml").string());
  CHECK(feed.find("<enclosure url=\"https://cdn.example.com/ep0.mp3?x=1&amp;y=2\" length=\"123456789\" type=\"audio/mpeg\" />") !=
        std::string::npos);
  CHECK(feed.find("<itunes:duration>3726</itunes:duration>") != std::string::npos);
  CHECK(feed.find("<guid isPermaLink=\"false\">https://old.example.com/ep0.mp3</guid>") != std::string::npos);
  CHECK(feed.find("<content:encoded><![CDATA[<p>Old <b>notes</b> &amp; more</p>]]></content:encoded>") != std::string::npos);
  CHECK(feed.find("<pubDate>Mon, 04 Mar 2019 05:06:07 -0500</pubDate>") != std::string::npos);
}

TEST_CASE("a media URL without its length and type is an error") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  write(dir.path() / "media/old.md", "+++\nguid = \"g\"\ndate = 2019-03-04T05:06:07Z\nmedia = \"https://x.org/a.mp3\"\n+++\n");
  const auto report = build_workspace(dir.path().string());
  REQUIRE_FALSE(report.errors.empty());
  CHECK(first_error(report).rfind("media/old.md:4:9: a media URL needs its MIME type", 0) == 0);
}

TEST_CASE("build writes every extracted cover and a stamp that lets the next build be skipped") {
  // Outputs are written several at a time; the stamp is the listing read before
  // the build with the written outputs stat()ed again, which must equal what the
  // next build lists.
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  for (int i = 0; i < 6; ++i) {
    const std::string name = "media/flac" + std::to_string(i);
    fs::copy_file(podsmith::test::source_path("tests/fixtures/media/flac.flac"), dir.path() / (name + ".flac"));
    write(dir.path() / (name + ".md"), sidecar("6c1f5b0e-8a43-4f7d-9e2b-3d5c7a9e1f1" + std::to_string(i)));
  }
  const auto first = build_workspace(dir.path().string());
  REQUIRE(first.errors.empty());
  CHECK(first.outputs.size() == 7);  // six covers, then the feed
  CHECK(first.outputs.back().path == "feeds/show.xml");
  for (int i = 0; i < 6; ++i)
    CHECK(fs::file_size(dir.path() / ("feeds/show/art/flac" + std::to_string(i) + ".png")) > 0);
  CHECK(build_workspace(dir.path().string()).up_to_date);

  // An output changed by hand: the next build writes it again.
  write(dir.path() / "feeds/show/art/flac3.png", "not a png");
  const auto again = build_workspace(dir.path().string());
  REQUIRE(again.errors.empty());
  CHECK_FALSE(again.up_to_date);
  CHECK(read_file((dir.path() / "feeds/show/art/flac3.png").string()).rfind("\x89PNG", 0) == 0);
  CHECK(build_workspace(dir.path().string()).up_to_date);
}

TEST_CASE("build sees a change to the file a linked media file points to") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  // media/ep1.mp3 becomes a link to a copy kept outside the workspace.
  fs::create_directories(dir.path() / "store");
  fs::rename(dir.path() / "media/ep1.mp3", dir.path() / "store/ep1.mp3");
  fs::create_symlink(dir.path() / "store/ep1.mp3", dir.path() / "media/ep1.mp3");
  const auto first = build_workspace(dir.path().string());
  REQUIRE(first.errors.empty());
  CHECK(read_file((dir.path() / "feeds/show.xml").string()).find("length=\"27796\"") != std::string::npos);
  CHECK(build_workspace(dir.path().string()).up_to_date);

  // The target grows (the link itself is untouched): the feed follows.
  std::ofstream(dir.path() / "store/ep1.mp3", std::ios::binary | std::ios::app) << std::string(100, '\0');
  const auto again = build_workspace(dir.path().string());
  REQUIRE(again.errors.empty());
  CHECK_FALSE(again.up_to_date);
  CHECK(again.probed == 1);
  CHECK(read_file((dir.path() / "feeds/show.xml").string()).find("length=\"27896\"") != std::string::npos);
}

TEST_CASE("build gives long notes whole in content:encoded and cut to Apple's 4,000 bytes in the description") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  std::string notes;
  for (int i = 0; i < 80; ++i)
    notes += "Paragraph " + std::to_string(i) + " of the notes, with [a link](https://example.org/" + std::to_string(i) +
             ") and *emphasis* that fills the line.\n\n";
  write(dir.path() / "media/ep1.md", "+++\nguid = \"long-notes\"\ndate = 2024-06-01T09:00:00Z\n+++\n" + notes);
  const auto built = build_workspace(dir.path().string());
  REQUIRE(built.errors.empty());
  REQUIRE(built.shows.size() == 1);
  REQUIRE(built.shows[0].episodes.size() == 1);
  const podsmith::Episode& ep = built.shows[0].episodes[0];
  REQUIRE(ep.notes_html.size() > podsmith::kAppleDescriptionMaxBytes);
  CHECK(ep.notes_html.find("Paragraph 79") != std::string::npos);
  // The description: as cut_html() cuts the notes, after the last paragraph that fits.
  CHECK(ep.summary_html == podsmith::cut_html(ep.notes_html, podsmith::kAppleDescriptionMaxBytes));
  CHECK(ep.summary_html.size() <= podsmith::kAppleDescriptionMaxBytes);
  CHECK(ep.summary_html.size() > podsmith::kAppleDescriptionMaxBytes / 2);
  CHECK(ep.summary_html.rfind("</p>") == ep.summary_html.size() - 4);
  const std::string feed = read_file((dir.path() / "feeds/show.xml").string());
  CHECK(feed.find("<description><![CDATA[" + ep.summary_html + "]]></description>") != std::string::npos);
  CHECK(feed.find("<content:encoded><![CDATA[" + ep.notes_html + "]]></content:encoded>") != std::string::npos);
}
