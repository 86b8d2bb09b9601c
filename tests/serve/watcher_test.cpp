#include "podsmith/serve/watcher.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "test_support.h"

using namespace podsmith;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using podsmith::test::TempDir;

namespace {

std::unique_ptr<Watcher> watch(const TempDir& dir, WatchOptions options = {}) {
  options.debounce = 100ms;
  auto w = Watcher::start(dir.path().string(), options);
  REQUIRE(w);
  return std::move(*w);
}

}  // namespace

TEST_CASE("watcher reports the files changed under its folders, in one batch, with paths from the root") {
  TempDir dir;
  dir.write("media/ep1.md", "a");
  dir.write("media/2006/ep2.md", "b");
  dir.write("feeds/show.toml", "c");
  auto w = watch(dir);
  dir.write("media/ep1.md", "changed");
  dir.write("media/2006/ep2.md", "changed");
  dir.write("media/2006/ep3.mp3", "new");
  CHECK(w->wait(5s) == std::vector<std::string>{"media/2006/ep2.md", "media/2006/ep3.mp3", "media/ep1.md"});
  CHECK(w->wait(300ms).empty());  // and then nothing more
}

TEST_CASE("watcher ignores dotfiles and what the ignore function names, and sees new folders") {
  TempDir dir;
  dir.write("media/ep1.md", "a");
  dir.write("feeds/show.toml", "c");
  WatchOptions options;
  options.ignore = [](const std::string& p) { return p == "feeds/show.xml"; };
  auto w = watch(dir, options);
  dir.write("media/.ep1.md.swp", "editor");
  dir.write("feeds/show.xml", "a build's output");
  CHECK(w->wait(500ms).empty());
  dir.write("media/season2/ep9.md", "in a new folder");  // the folder is new too
  const auto first = w->wait(5s);
  CHECK(std::find(first.begin(), first.end(), "media/season2") != first.end());
  dir.write("media/season2/ep9.md", "again, now that the folder is watched");
  CHECK(w->wait(5s) == std::vector<std::string>{"media/season2/ep9.md"});
}

TEST_CASE("watcher watches theme/ once it is created, and stop() ends a wait") {
  TempDir dir;
  dir.write("media/ep1.md", "a");
  auto w = watch(dir);
  dir.write("theme/style.css", "body {}");
  const auto created = w->wait(5s);
  CHECK(std::find(created.begin(), created.end(), "theme") != created.end());
  dir.write("elsewhere/notes.txt", "not watched");
  dir.write("theme/style.css", "body { color: red }");
  CHECK(w->wait(5s) == std::vector<std::string>{"theme/style.css"});
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    w->stop();
  });
  const auto begun = std::chrono::steady_clock::now();
  CHECK(w->wait(10s).empty());
  CHECK(std::chrono::steady_clock::now() - begun < 5s);
  stopper.join();
}
