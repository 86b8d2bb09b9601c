// End-to-end: podsmith import, then podsmith build, through the built binary.
#include <catch2/catch.hpp>
#include <filesystem>

#include "test_support.h"

namespace fs = std::filesystem;
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
