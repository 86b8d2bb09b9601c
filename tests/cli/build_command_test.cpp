// End-to-end: init, add and build through the built binary, and the example
// workspace rebuilt byte for byte.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::test::read_file;
using podsmith::test::run_podsmith;
using podsmith::test::RunOptions;
using podsmith::test::source_path;
using podsmith::test::TempDir;

namespace {

// Every file under feeds/ of the committed example, relative to the repo root.
std::vector<std::string> example_outputs() {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(source_path("feeds"))) {
    if (!entry.is_regular_file() || entry.path().extension() == ".toml") continue;
    out.push_back(fs::relative(entry.path(), source_path("")).generic_string());
  }
  // ...and the media build makes from a master ([encode]): a fresh copy has no
  // .podsmith/encode-cache.json, so its build encodes it again, to the same bytes.
  out.push_back("media/2006-04-made-from-a-master.mp3");
  std::sort(out.begin(), out.end());
  return out;
}

// A fresh copy of the example workspace's inputs (new mtimes, another directory).
void copy_example_inputs(const fs::path& to) {
  fs::create_directories(to / "feeds");
  fs::copy_file(source_path("feeds/channel8.toml"), to / "feeds/channel8.toml");
  podsmith::test::copy_tree(source_path("media"), (to / "media").string());
}

}  // namespace

TEST_CASE("the example feed rebuilds byte for byte in a fresh copy in any time zone") {
  const auto expected = example_outputs();
  REQUIRE(std::find(expected.begin(), expected.end(), "feeds/channel8.xml") != expected.end());
  for (const char* tz : {"UTC", "Pacific/Chatham", "America/Los_Angeles"}) {
    CAPTURE(tz);
    TempDir dir;
    copy_example_inputs(dir.path());
    RunOptions options;
    options.cwd = dir.path().string();
    options.env = {std::string("TZ=") + tz, "LC_ALL=C"};
    const auto r = run_podsmith({"build"}, options);
    CAPTURE(r.err);
    REQUIRE(r.exit_code == 0);
    for (const std::string& path : expected) {
      CAPTURE(path);
      CHECK(read_file((dir.path() / path).string()) == read_file(source_path(path)));
    }
  }
}

TEST_CASE("init then add then build make a feed from an empty folder") {
  TempDir dir;
  RunOptions here;
  here.cwd = dir.path().string();
  here.env = {"TZ=Europe/Berlin"};
  auto r = run_podsmith({"init", "--title", "My Show", "--base-url", "https://example.org/my-show",
                         "--author", "Me", "--email", "me@example.org"}, here);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(dir.path() / "feeds/my-show.toml"));
  CHECK(fs::is_directory(dir.path() / "media"));
  // init refuses to overwrite.
  CHECK(run_podsmith({"init", "--title", "My Show", "--base-url", "https://example.org/x/"}, here).exit_code == 1);

  const std::string notes = (dir.path() / "notes.md").string();
  std::ofstream(notes) << "Show notes with a [link](https://example.org/).\n";
  const char* files[] = {"tests/fixtures/media/cbr.mp3", "tests/fixtures/media/aac.m4a", "tests/fixtures/media/opus.opus"};
  for (const char* f : files) {
    r = run_podsmith({"add", source_path(f), "--notes", notes}, here);
    CAPTURE(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("wrote media/") != std::string::npos);
  }
  const std::string sidecar = read_file((dir.path() / "media/aac.md").string());
  CHECK(sidecar.find("episode = 2\n") != std::string::npos);
  CHECK(sidecar.find("guid = \"") != std::string::npos);
  CHECK((sidecar.find("+02:00\n") != std::string::npos || sidecar.find("+01:00\n") != std::string::npos));
  // add refuses to overwrite a sidecar.
  CHECK(run_podsmith({"add", "media/cbr.mp3"}, here).exit_code == 1);

  r = run_podsmith({"build"}, here);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string feed = read_file((dir.path() / "feeds/my-show.xml").string());
  CHECK(feed.find("<title>Tom &amp; Jerry &lt;Live&gt; \"Special\"</title>") != std::string::npos);
  CHECK(feed.find("https://example.org/my-show/media/aac.m4a") != std::string::npos);
  CHECK(feed.find("<itunes:episode>3</itunes:episode>") != std::string::npos);
  CHECK(r.out.find("created feeds/my-show.xml") != std::string::npos);
}

TEST_CASE("podsmith build reports errors as file:line:column and exits 1") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  std::ofstream(dir.path() / "media/ep1.md") << "+++\nguid = \"g\"\ndate = 2024-01-01\n+++\n";
  RunOptions here;
  here.cwd = dir.path().string();
  const auto r = run_podsmith({"build"}, here);
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("media/ep1.md:3:8: error: date is not a TOML datetime", 0) == 0);
  CHECK_FALSE(fs::exists(dir.path() / "feeds/show.xml"));
}

TEST_CASE("podsmith build --lint runs the lint rules on the feeds it wrote") {
  RunOptions here;
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  here.cwd = dir.path().string();
  // The tiny show has no artwork, which Apple requires.
  const auto r = run_podsmith({"build", "--lint"}, here);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("feeds/show.xml:") != std::string::npos);
  CHECK(r.err.find("error[apple/") != std::string::npos);
  CHECK(fs::exists(dir.path() / "feeds/show.xml"));  // lint reads what build wrote
  // The example workspace lints clean.
  RunOptions example;
  TempDir copy;
  fs::create_directories(copy.path() / "feeds");
  fs::copy_file(source_path("feeds/channel8.toml"), copy.path() / "feeds/channel8.toml");
  podsmith::test::copy_tree(source_path("media"), (copy.path() / "media").string());
  example.cwd = copy.path().string();
  const auto clean = run_podsmith({"build", "--lint"}, example);
  CAPTURE(clean.err);
  CHECK(clean.exit_code == 0);
}

TEST_CASE("podsmith build --lint --format github annotates lint findings and build errors") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  RunOptions here;
  here.cwd = dir.path().string();
  // The tiny show has no artwork: an annotation on the feed, on stdout where GitHub reads it.
  auto r = run_podsmith({"build", "--lint", "--format", "github"}, here);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("::error file=feeds/show.xml,line=") != std::string::npos);
  CHECK(r.out.find("title=apple/artwork-missing::") != std::string::npos);
  CHECK(r.err.find("error[apple/") == std::string::npos);
  // A build error is annotated on the sidecar, at its line and column.
  std::ofstream(dir.path() / "media/ep1.md") << "+++\nguid = \"g\"\ndate = 2024-01-01\n+++\n";
  r = run_podsmith({"build", "--lint", "--format", "github"}, here);
  CHECK(r.exit_code == 1);
  CHECK(r.out.rfind("::error file=media/ep1.md,line=3,col=8,title=podsmith/build::date is not a TOML datetime", 0) == 0);
}

TEST_CASE("podsmith build --lint --format json puts the findings in the JSON report") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  RunOptions here;
  here.cwd = dir.path().string();
  const auto r = run_podsmith({"build", "--lint", "--format", "json"}, here);
  CHECK(r.exit_code == 1);
  const auto j = nlohmann::json::parse(r.out);  // one document: the report and the findings
  CHECK(j["ok"] == true);
  CHECK(j["lint"]["summary"]["errors"].get<int>() > 0);
  CHECK(j["lint"]["findings"][0]["file"] == "feeds/show.xml");
}

TEST_CASE("podsmith build --format needs --lint and is not combined with --json github") {
  TempDir dir;
  podsmith::test::make_tiny_workspace(dir.path());
  RunOptions here;
  here.cwd = dir.path().string();
  CHECK(run_podsmith({"build", "--format", "github"}, here).exit_code == 2);
  CHECK(run_podsmith({"build", "--lint", "--format", "xml"}, here).exit_code == 2);
  CHECK(run_podsmith({"build", "--lint", "--json", "--format", "github"}, here).exit_code == 2);
  CHECK_FALSE(fs::exists(dir.path() / "feeds/show.xml"));
}
