#include "podsmith/base/file_io.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::Durability;
using podsmith::FileBatch;
using podsmith::write_file_atomically;
using podsmith::WriteStatus;
using podsmith::test::TempDir;

namespace {

// Every file under `dir`, as paths relative to it: what a write left behind.
std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), dir).generic_string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("write_file_atomically creates, leaves alone and replaces, durably or not") {
  for (const Durability durability : {Durability::kDurable, Durability::kCache}) {
    TempDir dir;
    const std::string path = (dir.path() / "a/b/file.txt").string();
    auto created = write_file_atomically(path, "one", durability);
    REQUIRE(created);
    CHECK(*created == WriteStatus::kCreated);
    const auto mtime = fs::last_write_time(path);
    CHECK(*write_file_atomically(path, "one", durability) == WriteStatus::kUnchanged);
    CHECK(fs::last_write_time(path) == mtime);
    CHECK(*write_file_atomically(path, "two!", durability) == WriteStatus::kUpdated);
    CHECK(*write_file_atomically(path, "", durability) == WriteStatus::kUpdated);
    CHECK(*write_file_atomically(path, "", durability) == WriteStatus::kUnchanged);
    CHECK(podsmith::test::read_file(path).empty());
    CHECK(files_under(dir.path()) == std::vector<std::string>{"a/b/file.txt"});
  }
}

TEST_CASE("a FileBatch replaces its files in stages and reports each file") {
  TempDir dir;
  const fs::path d = dir.path();
  dir.write("same.txt", "same");
  dir.write("old.txt", "old");
  const std::string big(200'000, 'x');  // longer than one read of the comparison
  const std::vector<std::pair<std::string, int>> files = {
      {"feeds/show/art/ep1.png", 0}, {"same.txt", 0}, {"old.txt", 0}, {"feeds/show.xml", 1},
      {"feeds/show/chapters/ep1.json", 0}};
  const auto bytes_of = [&](const std::string& name) -> std::string {
    return name == "feeds/show.xml" ? big : name == "same.txt" ? "same" : name == "old.txt" ? "new" : name;
  };
  std::vector<WriteStatus> statuses;
  {
    FileBatch batch;
    for (const auto& [name, stage] : files) statuses.push_back(*batch.add((d / name).string(), bytes_of(name), stage));
    CHECK_FALSE(fs::exists(d / "feeds/show.xml"));  // nothing is replaced before commit()
    CHECK(podsmith::test::read_file((d / "old.txt").string()) == "old");
    CHECK_FALSE(batch.commit());
  }
  CHECK(statuses == std::vector<WriteStatus>{WriteStatus::kCreated, WriteStatus::kUnchanged, WriteStatus::kUpdated,
                                             WriteStatus::kCreated, WriteStatus::kCreated});
  CHECK(podsmith::test::read_file((d / "old.txt").string()) == "new");
  CHECK(podsmith::test::read_file((d / "feeds/show.xml").string()) == big);
  CHECK(podsmith::test::read_file((d / "feeds/show/art/ep1.png").string()) == "feeds/show/art/ep1.png");
  CHECK(files_under(d) == std::vector<std::string>{"feeds/show.xml", "feeds/show/art/ep1.png",
                                                   "feeds/show/chapters/ep1.json", "old.txt", "same.txt"});

  // The same bytes again: nothing to write, however long the file.
  FileBatch again;
  for (const auto& [name, stage] : files) CHECK(*again.add((d / name).string(), bytes_of(name), stage) == WriteStatus::kUnchanged);
  CHECK_FALSE(again.commit());
  CHECK_FALSE(FileBatch().commit());
}

TEST_CASE("a FileBatch that is not committed, or fails, replaces nothing and leaves no temporary file") {
  TempDir dir;
  const fs::path d = dir.path();
  dir.write("keep.txt", "old");
  dir.write("blocker", "a file where a directory would have to be");
  {
    FileBatch batch;
    CHECK(*batch.add((d / "keep.txt").string(), "new") == WriteStatus::kUpdated);
    auto blocked = batch.add((d / "blocker/feed.xml").string(), "feed", 1);
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().message.find("cannot create a temporary file") == 0);
  }  // not committed
  CHECK(podsmith::test::read_file((d / "keep.txt").string()) == "old");
  CHECK(files_under(d) == std::vector<std::string>{"blocker", "keep.txt"});

  // A directory where the file should be: the rename fails, and what was written
  // to take its place is gone too.
  fs::create_directories(d / "feed.xml/sub");
  auto replaced = write_file_atomically((d / "feed.xml").string(), "feed");
  REQUIRE_FALSE(replaced);
  CHECK(replaced.error().message.find("cannot replace") == 0);
  CHECK(files_under(d) == std::vector<std::string>{"blocker", "keep.txt"});
}

TEST_CASE("read_listed_file reads the whole file whatever size the listing gave") {
  TempDir dir;
  const std::string path = (dir.path() / "notes.md").string();
  const std::string bytes(100'000, 'x');
  {
    auto written = write_file_atomically(path, bytes, Durability::kCache);
    REQUIRE(written);
  }
  // The right size, a stale smaller one, a stale larger one, none.
  for (const int64_t listed : {int64_t{100'000}, int64_t{10}, int64_t{250'000}, int64_t{0}}) {
    auto read = podsmith::read_listed_file(path, listed);
    REQUIRE(read);
    CHECK(*read == bytes);
  }
  const std::string empty = (dir.path() / "empty.md").string();
  REQUIRE(write_file_atomically(empty, "", Durability::kCache));
  auto none = podsmith::read_listed_file(empty, 0);
  REQUIRE(none);
  CHECK(none->empty());

  auto missing = podsmith::read_listed_file((dir.path() / "gone.md").string(), 10);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == podsmith::ErrorCode::kNotFound);
  fs::create_directory(dir.path() / "folder.md");
  auto folder = podsmith::read_listed_file((dir.path() / "folder.md").string(), 4096);
  REQUIRE_FALSE(folder);
  CHECK(folder.error().code == podsmith::ErrorCode::kUnreadable);
}

TEST_CASE("stale temporary files are those of processes that no longer run") {
  // A pid that surely ran and ended: a child we waited for.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const std::string dead = std::to_string(child), alive = std::to_string(::getpid());

  struct Case {
    std::string name;
    bool stale;
  };
  const std::vector<Case> cases = {
      {".show.xml.tmp-" + dead + "-0", true},
      {".probe-cache.json.tmp-" + dead + "-17", true},
      {".show.xml.tmp-" + alive + "-0", false},  // a write in progress
      {"show.xml.tmp-" + dead + "-0", false},    // not hidden: a user's file
      {".show.xml.tmp-" + dead + "-", false},
      {".show.xml.tmp-" + dead, false},
      {".show.xml.tmp--0", false},
      {".show.xml.tmp-12x-0", false},
      {".tmp-" + dead + "-0", false},
      {".show.xml", false},
      {"show.xml", false},
      {".show.xml.tmp-0-0", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(podsmith::is_stale_temp(c.name) == c.stale);
  }

  TempDir dir;
  for (const Case& c : cases) dir.write(c.name, "x");
  CHECK(podsmith::remove_stale_temps(dir.path().string()) == 2);
  const auto left = files_under(dir.path());
  CHECK(left.size() == cases.size() - 2);
  CHECK(std::find(left.begin(), left.end(), ".show.xml.tmp-" + alive + "-0") != left.end());
  CHECK(podsmith::remove_stale_temps((dir.path() / "missing").string()) == 0);
}
