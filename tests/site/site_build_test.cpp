// The site as `podsmith build` makes it: from the workspace's feed with a [site]
// table, written with the feed, incremental, and the example's committed site
// rebuilt byte for byte.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "podsmith/workspace/build.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::build_workspace;
using podsmith::BuildReport;
using podsmith::WriteStatus;
using podsmith::test::read_file;
using podsmith::test::source_path;
using podsmith::test::TempDir;

namespace {

void copy_example_inputs(const fs::path& to) {
  fs::create_directories(to / "feeds");
  fs::copy_file(source_path("feeds/channel8.toml"), to / "feeds/channel8.toml");
  podsmith::test::copy_tree(source_path("media"), (to / "media").string());
}

std::vector<std::string> files_under(const fs::path& root, const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root / dir))
    if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), root).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

std::set<std::string> written(const BuildReport& r) {
  std::set<std::string> out;
  for (const auto& o : r.outputs)
    if (o.status != WriteStatus::kUnchanged) out.insert(o.path);
  return out;
}

void append(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::app | std::ios::binary) << text;
  // A later mtime than the build's stamp saw, however coarse the clock.
  fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(10));
}

std::string first_error(const BuildReport& r) { return r.errors.empty() ? "" : r.errors[0].to_string(); }

}  // namespace

TEST_CASE("the example site rebuilds byte for byte in a fresh copy") {
  const auto expected = files_under(source_path(""), "site");
  REQUIRE(std::find(expected.begin(), expected.end(), "site/index.html") != expected.end());
  TempDir dir;
  copy_example_inputs(dir.path());
  podsmith::test::RunOptions options;
  options.cwd = dir.path().string();
  options.env = {"TZ=Pacific/Chatham", "LC_ALL=C"};
  const auto r = podsmith::test::run_podsmith({"build"}, options);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(files_under(dir.path(), "site") == expected);
  for (const std::string& path : expected) {
    CAPTURE(path);
    CHECK(read_file((dir.path() / path).string()) == read_file(source_path(path)));
  }
}

TEST_CASE("build: a changed sidecar rewrites its page, the pages that list it and the feed, nothing else") {
  TempDir dir;
  copy_example_inputs(dir.path());
  const BuildReport first = build_workspace(dir.path().string());
  REQUIRE(first.errors.empty());
  CHECK(written(first).count("site/index.html") == 1);

  const BuildReport again = build_workspace(dir.path().string());
  CHECK(again.up_to_date);
  CHECK(again.outputs.empty());

  // New notes (its summary on the home page changes too).
  append(dir.path() / "media/2006-03-start-a-student-user-group.md", "\nOne more line of notes.\n");
  const BuildReport touched = build_workspace(dir.path().string());
  REQUIRE(touched.errors.empty());
  CHECK(written(touched) == std::set<std::string>{"feeds/channel8.xml", "site/index.html",
                                                  "site/episodes/2006-03-start-a-student-user-group/index.html"});
  // A new title: also the pages of its neighbours, which link to it by its title.
  const fs::path middle = dir.path() / "media/2006-02-free-tools-for-student-developers.md";
  std::string text = read_file(middle.string());
  text.replace(text.find("title = \""), 9, "title = \"New: ");
  std::ofstream(middle, std::ios::binary) << text;
  append(middle, "");
  const BuildReport renamed = build_workspace(dir.path().string());
  REQUIRE(renamed.errors.empty());
  CHECK(written(renamed) == std::set<std::string>{"feeds/channel8.xml", "site/index.html",
                                                  "site/episodes/2006-01-mvp-award-beginnings/index.html",
                                                  "site/episodes/2006-02-free-tools-for-student-developers/index.html",
                                                  "site/episodes/2006-03-start-a-student-user-group/index.html"});

  // A page deleted, or a theme file added, makes the next build run.
  fs::remove(dir.path() / "site/subscribe/index.html");
  const BuildReport restored = build_workspace(dir.path().string());
  REQUIRE(restored.errors.empty());
  CHECK(written(restored) == std::set<std::string>{"site/subscribe/index.html"});
  fs::create_directories(dir.path() / "theme");
  std::ofstream(dir.path() / "theme/style.css") << "body{color:red}";
  const BuildReport themed = build_workspace(dir.path().string());
  REQUIRE(themed.errors.empty());
  CHECK(written(themed) == std::set<std::string>{"site/style.css"});
  CHECK(read_file((dir.path() / "site/style.css").string()) == "body{color:red}");
}

TEST_CASE("build: a broken template names theme/<file>:line and writes nothing, not even the feed") {
  TempDir dir;
  copy_example_inputs(dir.path());
  fs::create_directories(dir.path() / "theme");
  std::ofstream(dir.path() / "theme/subscribe.mustache") << "<p>\n{{show.titel}}\n</p>\n";
  const BuildReport r = build_workspace(dir.path().string());
  REQUIRE(r.errors.size() == 1);
  CHECK(first_error(r).rfind("theme/subscribe.mustache:2:", 0) == 0);
  // Only the episode made from its master (build's first step, [encode]) may have
  // been written: media, not an output of the feed or the site.
  for (const podsmith::BuildOutput& o : r.outputs) CHECK(o.path == "media/2006-04-made-from-a-master.mp3");
  CHECK_FALSE(fs::exists(dir.path() / "site"));
  CHECK_FALSE(fs::exists(dir.path() / "feeds/channel8.xml"));
}

TEST_CASE("build: two feeds that both make the site is an error naming both; [site] keys are checked") {
  TempDir dir;
  copy_example_inputs(dir.path());
  fs::copy_file(dir.path() / "feeds/channel8.toml", dir.path() / "feeds/video.toml");
  BuildReport r = build_workspace(dir.path().string());
  REQUIRE_FALSE(r.errors.empty());
  CHECK(first_error(r).find("feeds/video.toml") != std::string::npos);
  CHECK(first_error(r).find("feeds/channel8.toml") != std::string::npos);

  append(dir.path() / "feeds/video.toml", "enabled = false\n");
  r = build_workspace(dir.path().string());
  REQUIRE(r.errors.empty());
  // The other feed is offered on the subscribe page.
  CHECK(read_file((dir.path() / "site/subscribe/index.html").string())
            .find("href=\"https://channel8.example.org/feeds/video.xml\"") != std::string::npos);

  append(dir.path() / "feeds/video.toml", "page_sise = 3\n");
  r = build_workspace(dir.path().string());
  REQUIRE_FALSE(r.errors.empty());
  CHECK(first_error(r).find("feeds/video.toml:") == 0);
  CHECK(first_error(r).find("did you mean 'page_size'") != std::string::npos);
}
