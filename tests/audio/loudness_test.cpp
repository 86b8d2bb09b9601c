// Loudness measured by podsmith against ffmpeg's own ebur128 filter, the judge the
// issue names, on every audio fixture; and the errors for files without loudness.
#include "podsmith/audio/loudness.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_support.h"

using podsmith::test::source_path;
using podsmith::test::TempDir;
namespace fs = std::filesystem;

namespace {

struct Reference {
  bool measured = false;
  double integrated_lufs = 0;
  double true_peak_dbtp = 0;
};

// ffmpeg -af ebur128=peak=true: integrated loudness from the last frame's metadata
// (lavfi.r128.I, 3 decimals; the summary prints 1), true peak from the summary's
// "Peak: -3.4 dBFS" (the metadata's linear lavfi.r128.true_peak has 3 decimals,
// too coarse for a quiet file: 0.007 for -43.7 dBTP).
Reference ffmpeg_ebur128(const std::string& path, const fs::path& scratch) {
  const std::string meta = (scratch / "meta.txt").string();
  podsmith::test::RunOptions run;
  run.binary = "/usr/bin/ffmpeg";
  const auto r = podsmith::test::run_podsmith(
      {"-nostdin", "-hide_banner", "-nostats", "-i", path, "-vn", "-af",
       "ebur128=peak=true:metadata=1,ametadata=mode=print:file=" + meta, "-f", "null", "-"},
      run);
  Reference ref;
  if (r.exit_code != 0) return ref;
  std::ifstream in(meta);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("lavfi.r128.I=", 0) == 0) {
      ref.integrated_lufs = std::stod(line.substr(13));
      ref.measured = true;
    }
  }
  const size_t peak = r.err.rfind("Peak:");
  if (peak == std::string::npos) ref.measured = false;
  else ref.true_peak_dbtp = std::stod(r.err.substr(peak + 5));
  return ref;
}

}  // namespace

TEST_CASE("measure_loudness agrees with ffmpeg's ebur128 filter on every audio fixture") {
  REQUIRE(fs::exists("/usr/bin/ffmpeg"));  // scripts/setup installs it
  TempDir scratch;
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(source_path("tests/fixtures/media"))) {
    const std::string name = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    if (ext == ".tsv" || ext == ".md") continue;
    // Not audio at all (random bytes, zeros, text): covered below.
    if (name == "random.mp3" || name == "zero.mp3" || name == "text.m4a") continue;
    INFO(name);
    const Reference ref = ffmpeg_ebur128(entry.path().string(), scratch.path());
    REQUIRE(ref.measured);
    const auto ours = podsmith::measure_loudness(entry.path().string());
    REQUIRE(ours);
    CHECK(std::fabs(ours->integrated_lufs - ref.integrated_lufs) <= 0.1);
    CHECK(std::fabs(ours->true_peak_dbtp - ref.true_peak_dbtp) <= 0.2);
    CHECK(ours->sample_peak_dbfs <= ours->true_peak_dbtp);
    ++compared;
  }
  CHECK(compared >= 15);
  // The committed audio fixtures of the audio subsystem, too.
  for (const auto& entry : fs::directory_iterator(source_path("tests/fixtures/audio"))) {
    if (entry.path().extension() == ".sh" || entry.path().filename().string().rfind("silent", 0) == 0 ||
        entry.path().filename().string().rfind("not-audio", 0) == 0)
      continue;
    INFO(entry.path().filename().string());
    const Reference ref = ffmpeg_ebur128(entry.path().string(), scratch.path());
    if (!ref.measured) continue;
    const auto ours = podsmith::measure_loudness(entry.path().string());
    REQUIRE(ours);
    CHECK(std::fabs(ours->integrated_lufs - ref.integrated_lufs) <= 0.1);
    CHECK(std::fabs(ours->true_peak_dbtp - ref.true_peak_dbtp) <= 0.2);
  }
}

TEST_CASE("measure_loudness names the file that is not audio or is silent") {
  for (const char* name : {"random.mp3", "zero.mp3", "text.m4a"}) {
    const std::string path = source_path(std::string("tests/fixtures/media/") + name);
    const auto r = podsmith::measure_loudness(path);
    REQUIRE_FALSE(r);
    CHECK(r.error().file == path);
  }
  const std::string silent = source_path("tests/fixtures/audio/silent.wav");
  const auto r = podsmith::measure_loudness(silent);
  REQUIRE_FALSE(r);
  CHECK(r.error().file == silent);
  CHECK(r.error().message.find("silent") != std::string::npos);
  CHECK(r.error().message.find("undefined") != std::string::npos);
}
