// master_audio(): the encoded file lands on target by its own measurement and by
// ffmpeg's ebur128 filter; bad masters give an error naming the file and write nothing.
#include "podsmith/audio/master.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>

#include "podsmith/audio/loudness.h"
#include "podsmith/media/media_probe.h"
#include "test_support.h"

using podsmith::test::read_file;
using podsmith::test::source_path;
using podsmith::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) { return source_path("tests/fixtures/audio/" + name); }

size_t files_in(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// ffmpeg's summary of ebur128=peak=true: {I, true peak}.
std::pair<double, double> ffmpeg_judge(const std::string& path) {
  podsmith::test::RunOptions run;
  run.binary = "/usr/bin/ffmpeg";
  const auto r = podsmith::test::run_podsmith(
      {"-nostdin", "-hide_banner", "-nostats", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-"}, run);
  REQUIRE(r.exit_code == 0);
  const size_t i = r.err.rfind("I:");
  const size_t p = r.err.rfind("Peak:");
  REQUIRE(i != std::string::npos);
  REQUIRE(p != std::string::npos);
  return {std::stod(r.err.substr(i + 2)), std::stod(r.err.substr(p + 5))};
}

}  // namespace

TEST_CASE("master reaches -16 LUFS under a -1 dBTP ceiling in every format, by ffmpeg's measure too") {
  struct Case {
    const char* master;
    podsmith::EncodeFormat format;
    int channels;
    int bitrate_kbps;
    const char* mime;
  };
  const Case cases[] = {
      {"speech.flac", podsmith::EncodeFormat::kMp3, 0, 128, "audio/mpeg"},
      {"hot.wav", podsmith::EncodeFormat::kMp3, 0, 64, "audio/mpeg"},
      {"speech.flac", podsmith::EncodeFormat::kM4a, 1, 96, "audio/x-m4a"},
      {"hot.wav", podsmith::EncodeFormat::kOpus, 0, 48, "audio/opus"},
  };
  for (const Case& c : cases) {
    INFO(c.master << " -> " << podsmith::encode_format_name(c.format));
    TempDir dir;
    const std::string before = read_file(fixture(c.master));
    const std::string out = (dir.path() / ("out" + podsmith::encode_format_extension(c.format))).string();
    podsmith::MasterSettings settings;
    settings.format = c.format;
    settings.channels = c.channels;
    settings.bitrate_kbps = c.bitrate_kbps;
    const auto report = podsmith::master_audio(fixture(c.master), out, settings);
    REQUIRE(report);
    CHECK(std::fabs(report->output.integrated_lufs + 16) <= 0.5);
    CHECK(report->output.true_peak_dbtp <= -1.0);
    CHECK(report->encodes >= 1);
    CHECK(report->encodes <= 3);
    const auto [lufs, peak] = ffmpeg_judge(out);
    CHECK(std::fabs(lufs + 16) <= 0.5);
    CHECK(peak <= -1.0);
    const auto info = podsmith::probe(out);
    REQUIRE(info);
    CHECK(info->mime_type == c.mime);
    // Channels and rate as ffprobe reads them from the stream (podsmith's probe reads an
    // M4A's sample entry, where FFmpeg's muxer writes 2 channels for mono AAC).
    podsmith::test::RunOptions run;
    run.binary = "/usr/bin/ffprobe";
    const auto stream = podsmith::test::run_podsmith(
        {"-v", "error", "-show_entries", "stream=sample_rate,channels", "-of", "csv=p=0", out}, run);
    const int channels = c.channels == 0 ? (std::string(c.master) == "hot.wav" ? 1 : 2) : c.channels;
    const int rate = c.format == podsmith::EncodeFormat::kOpus ? 48000 : std::string(c.master) == "hot.wav" ? 48000 : 44100;
    CHECK(stream.out == std::to_string(rate) + "," + std::to_string(channels) + "\n");
    CHECK(files_in(dir.path()) == 1);  // no temporary file left
    CHECK(read_file(fixture(c.master)) == before);
  }
}

TEST_CASE("master turns down only the peaks above the ceiling of a hot master") {
  TempDir dir;
  const std::string out = (dir.path() / "hot.mp3").string();
  const auto report = podsmith::master_audio(fixture("hot.wav"), out, {});
  REQUIRE(report);
  // hot.wav peaks near full scale at about -18 LUFS: +2 dB would put them above -1 dBTP.
  CHECK(report->master.true_peak_dbtp + report->gain_db > -1.0);
  CHECK(report->limited_ms > 0);
  CHECK(report->output.true_peak_dbtp <= -1.0);
}

TEST_CASE("master gives the same bytes from the same master") {
  TempDir dir;
  const std::string a = (dir.path() / "a.mp3").string();
  const std::string b = (dir.path() / "b.mp3").string();
  REQUIRE(podsmith::master_audio(fixture("speech.flac"), a, {}));
  REQUIRE(podsmith::master_audio(fixture("speech.flac"), b, {}));
  CHECK(read_file(a) == read_file(b));
}

TEST_CASE("master refuses bad masters with an error naming the file and writes nothing") {
  struct Case {
    const char* master;
    const char* says;
  };
  const Case cases[] = {
      {"not-audio.wav", "not an audio"},
      {"cut-short.flac", "cut short"},
      {"silent.wav", "undefined"},
      {"six-channels.wav", "mono or stereo"},
      {"low-rate.wav", "sample rate of 4000 Hz"},
      {"quiet.wav", "too quiet"},
  };
  for (const Case& c : cases) {
    INFO(c.master);
    TempDir dir;
    const auto r = podsmith::master_audio(fixture(c.master), (dir.path() / "out.mp3").string(), {});
    REQUIRE_FALSE(r);
    CHECK(r.error().file == fixture(c.master));
    CHECK(r.error().message.find(c.says) != std::string::npos);
    CHECK(files_in(dir.path()) == 0);
  }
  TempDir dir;
  const auto truncated =
      podsmith::master_audio(source_path("tests/fixtures/media/truncated.mp3"), (dir.path() / "out.mp3").string(), {});
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().message.find("cut short") != std::string::npos);
  CHECK(files_in(dir.path()) == 0);
}

TEST_CASE("parse_bitrate_kbps reads 128k, 128 and 128000") {
  CHECK(podsmith::parse_bitrate_kbps("128k") == 128);
  CHECK(podsmith::parse_bitrate_kbps("64") == 64);
  CHECK(podsmith::parse_bitrate_kbps("96000") == 96);
  CHECK_FALSE(podsmith::parse_bitrate_kbps("fast"));
  CHECK_FALSE(podsmith::parse_bitrate_kbps("4k"));
  CHECK_FALSE(podsmith::parse_bitrate_kbps("128kb"));
}
