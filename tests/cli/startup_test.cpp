// podsmith loads libcurl, libcrypto, libxml2, FFmpeg and libebur128 only when a command first calls them
// (src/base/lazy_library.h). Asked with the dynamic loader's own trace (LD_DEBUG=libs,
// on stderr), not with a timing: which libraries each run initialised.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.h"

using podsmith::test::run_podsmith;
using podsmith::test::RunOptions;
using podsmith::test::source_path;
using podsmith::test::TempDir;
namespace fs = std::filesystem;

namespace {

bool loaded(const std::string& trace, const std::string& soname) {
  return trace.find("calling init: ") != std::string::npos &&
         trace.find("/" + soname + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("probe and a no-change build start without libcurl, libcrypto, libxml2 and FFmpeg") {
  RunOptions traced;
  traced.env = {"LD_DEBUG=libs"};
  const auto probe = run_podsmith({"probe", "media/2006-01-mvp-award-beginnings.mp3"}, traced);
  CHECK(probe.exit_code == 0);
  CHECK(loaded(probe.err, "libtag.so.1"));  // the trace is there: TagLib is linked
  CHECK_FALSE(loaded(probe.err, "libcurl.so.4"));
  CHECK_FALSE(loaded(probe.err, "libcrypto.so.3"));
  CHECK_FALSE(loaded(probe.err, "libxml2.so.2"));
  // FFmpeg's libraries and libebur128 only when audio is decoded (src/audio/ffmpeg_api.cpp).
  for (const char* soname : {"libavformat.so.59", "libavcodec.so.59", "libavutil.so.57", "libswresample.so.4",
                             "libebur128.so.1"})
    CHECK_FALSE(loaded(probe.err, soname));
  const auto loudness =
      run_podsmith({"probe", "--loudness", "media/2006-01-mvp-award-beginnings.mp3"}, traced);
  CHECK(loudness.exit_code == 0);
  CHECK(loudness.out.find("LUFS") != std::string::npos);
  for (const char* soname : {"libavformat.so.59", "libavcodec.so.59", "libavutil.so.57", "libswresample.so.4",
                             "libebur128.so.1"})
    CHECK(loaded(loudness.err, soname));
  CHECK_FALSE(loaded(loudness.err, "libcurl.so.4"));

  TempDir dir;
  fs::create_directories(dir.path() / "feeds");
  fs::copy_file(source_path("feeds/channel8.toml"), dir.path() / "feeds/channel8.toml");
  podsmith::test::copy_tree(source_path("media"), (dir.path() / "media").string());
  // The episode made from a master decodes (below); the rest of the example does not.
  const fs::path master_sidecar = dir.path() / "media/2006-04-made-from-a-master.md";
  const std::string master_sidecar_text = podsmith::test::read_file(master_sidecar.string());
  fs::remove(master_sidecar);
  traced.cwd = dir.path().string();
  // The first build renders show notes: Markdown without raw HTML goes from md4c's
  // parser straight to the cleaned HTML, so libxml2's HTML parser is not needed.
  // It names the feed with a UUIDv5, whose SHA-1 needs no libcrypto.
  const auto cold = run_podsmith({"build"}, traced);
  REQUIRE(cold.exit_code == 0);
  CHECK_FALSE(loaded(cold.err, "libxml2.so.2"));
  CHECK_FALSE(loaded(cold.err, "libcrypto.so.3"));
  CHECK_FALSE(loaded(cold.err, "libcurl.so.4"));
  const auto again = run_podsmith({"build"}, traced);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("up to date") != std::string::npos);
  CHECK_FALSE(loaded(again.err, "libxml2.so.2"));
  CHECK_FALSE(loaded(again.err, "libcrypto.so.3"));
  CHECK_FALSE(loaded(again.err, "libcurl.so.4"));
  CHECK_FALSE(loaded(again.err, "libavformat.so.59"));
  CHECK_FALSE(loaded(again.err, "libavcodec.so.59"));

  // An episode made from a master: the build that encodes it loads FFmpeg; one
  // that finds it made already (.podsmith/encode-cache.json) does not.
  std::ofstream(master_sidecar, std::ios::binary) << master_sidecar_text;
  const auto encoding = run_podsmith({"build"}, traced);
  REQUIRE(encoding.exit_code == 0);
  CHECK(loaded(encoding.err, "libavcodec.so.59"));
  const fs::path other = dir.path() / "media/2006-03-start-a-student-user-group.md";
  std::ofstream(other, std::ios::binary | std::ios::app) << "\nOne more line.\n";
  const auto made = run_podsmith({"build"}, traced);
  REQUIRE(made.exit_code == 0);
  CHECK(made.out.find("up to date") == std::string::npos);
  CHECK_FALSE(loaded(made.err, "libavcodec.so.59"));
  CHECK_FALSE(loaded(made.err, "libavformat.so.59"));

  // Raw HTML in the notes is read by libxml2's parser, which then loads on demand.
  const fs::path notes = dir.path() / "media/2006-01-mvp-award-beginnings.md";
  const std::string text = podsmith::test::read_file(notes.string());
  std::ofstream(notes, std::ios::binary | std::ios::trunc) << text << "\nWith <b>raw HTML</b>.\n";
  const auto html = run_podsmith({"build"}, traced);
  REQUIRE(html.exit_code == 0);
  CHECK(loaded(html.err, "libxml2.so.2"));
  CHECK_FALSE(loaded(html.err, "libcrypto.so.3"));
}
