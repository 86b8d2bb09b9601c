// End-to-end: the built `podsmith probe` binary on the committed fixtures.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

using podsmith::test::run_podsmith;
using podsmith::test::source_path;

namespace {

size_t count_lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("podsmith probe --json prints one array in the order given") {
  const auto r = run_podsmith({"probe", "--json", "tests/fixtures/media/opus.opus", "tests/fixtures/media/zero.mp3",
                               "media/2006-01-mvp-award-beginnings.mp3"});
  CHECK(r.exit_code == 1);  // one file could not be read
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 3);
  CHECK(j[0]["path"] == "tests/fixtures/media/opus.opus");
  CHECK(j[0]["mime_type"] == "audio/opus");
  CHECK(j[1]["path"] == "tests/fixtures/media/zero.mp3");
  CHECK(j[1]["error_code"] == "empty");
  CHECK(j[2]["chapters"].size() == 3);
  CHECK(j[2]["artwork"][0]["width"] == 600);
  CHECK(j[2]["size_bytes"] ==
        std::filesystem::file_size(source_path("media/2006-01-mvp-award-beginnings.mp3")));
  CHECK(r.err == "tests/fixtures/media/zero.mp3: error: is empty (0 bytes)\n");
}

TEST_CASE("podsmith probe gives one clear stderr line per bad input") {
  struct Case {
    const char* file;
    const char* says;
  };
  const Case cases[] = {
      {"no/such/file.mp3", "no/such/file.mp3: error: no such file"},
      {"tests/fixtures", "tests/fixtures: error: is a directory"},
      {"tests/fixtures/media/zero.mp3", "tests/fixtures/media/zero.mp3: error: is empty"},
      {"tests/fixtures/media/random.mp3", "tests/fixtures/media/random.mp3: error: not an audio or video file"},
      {"tests/fixtures/media/text.m4a", "tests/fixtures/media/text.m4a: error: not an audio or video file"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const auto r = run_podsmith({"probe", c.file});
    CHECK(r.exit_code == 1);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.rfind(c.says, 0) == 0);
  }
}

TEST_CASE("podsmith probe exits 3 and names the file when it had to clean or cut") {
  const char* files[] = {"tests/fixtures/media/bad-tags.mp3", "tests/fixtures/media/big-comment.mp3",
                         "tests/fixtures/media/huge-artwork.mp3", "tests/fixtures/media/truncated.mp3",
                         "tests/fixtures/media/mp3-named.m4a"};
  for (const char* file : files) {
    CAPTURE(file);
    const auto r = run_podsmith({"probe", file});
    CHECK(r.exit_code == 3);
    CHECK(r.err.rfind(std::string(file) + ": warning: ", 0) == 0);
    CHECK(r.out.rfind(std::string(file) + "\n", 0) == 0);
  }
}

TEST_CASE("podsmith probe reports an unreadable file without crashing") {
  podsmith::test::TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  const std::string path = dir.write("locked.mp3", podsmith::test::read_file(source_path("tests/fixtures/media/cbr.mp3")));
  ::chmod(path.c_str(), 0);
  // As root, run it as nobody (root can read any file), from a copy of the
  // binary that nobody may run wherever the checkout lives.
  podsmith::test::RunOptions options;
  options.cwd = "/";
  if (::geteuid() == 0) {
    options.binary = (dir.path() / "podsmith").string();
    std::filesystem::copy_file(PODSMITH_BINARY, options.binary);
    ::chmod(options.binary.c_str(), 0755);
    options.prefix = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  const auto r = run_podsmith({"probe", path}, options);
  CHECK(r.exit_code == 1);
  CHECK(r.err == path + ": error: cannot open: Permission denied\n");
}

TEST_CASE("podsmith probe prints readable text for people") {
  const auto r = run_podsmith({"probe", "tests/fixtures/media/cbr.mp3"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("  type         audio/mpeg\n") != std::string::npos);
  CHECK(r.out.find("  title        Tom & Jerry <Live> \"Special\"\n") != std::string::npos);
  CHECK(r.out.find("(3362 ms, xing-header)") != std::string::npos);
}

TEST_CASE("podsmith has --help on every command and suggests a command for a typo") {
  const auto help = run_podsmith({"probe", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Examples:") != std::string::npos);
  const auto typo = run_podsmith({"prbe", "x.mp3"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == "podsmith: error: unknown command 'prbe', did you mean 'probe'?\n");
  const auto missing = run_podsmith({"probe"});
  CHECK(missing.exit_code == 2);
}
