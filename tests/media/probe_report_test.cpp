#include "podsmith/media/probe_report.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using podsmith::Error;
using podsmith::ErrorCode;
using podsmith::MediaInfo;
using podsmith::Result;

namespace {

MediaInfo sample() {
  MediaInfo m;
  m.path = "media/ep1.mp3";
  m.container = "mp3";
  m.codec = "mp3";
  m.mime_type = "audio/mpeg";
  m.duration_ms = 3725500;
  m.duration_source = "frame-scan";
  m.bitrate_kbps = 64;
  m.sample_rate_hz = 44100;
  m.channels = 2;
  m.size_bytes = 29804000;
  m.tags.title = "Tom & Jerry <Live>";
  m.tags.track = 3;
  m.artwork.push_back({"image/jpeg", 1400, 1400, 123456, "front_cover"});
  m.chapters.push_back({"ch0", 0, 1000, "Intro", "https://example.org/", std::nullopt, ""});
  m.warnings.push_back("something odd");
  return m;
}

}  // namespace

TEST_CASE("probe_json has the documented keys") {
  const auto j = nlohmann::json::parse(podsmith::probe_json(sample(), "media/ep1.mp3"));
  for (const char* key : {"path", "container", "codec", "has_video", "mime_type", "duration_ms", "duration_source",
                          "bitrate_kbps", "sample_rate_hz", "channels", "size_bytes", "tags", "artwork",
                          "chapters", "warnings"}) {
    CAPTURE(key);
    CHECK(j.contains(key));
  }
  CHECK(j["duration_ms"] == 3725500);
  CHECK(j["tags"]["title"] == "Tom & Jerry <Live>");
  CHECK(j["tags"]["track"] == 3);
  CHECK_FALSE(j["tags"].contains("artist"));  // absent tags are left out
  CHECK(j["artwork"][0]["width"] == 1400);
  CHECK(j["chapters"][0]["start_ms"] == 0);
  CHECK(j["chapters"][0]["end_ms"] == 1000);
  CHECK(j["chapters"][0]["title"] == "Intro");
  CHECK(j["chapters"][0]["url"] == "https://example.org/");
  CHECK(j["warnings"][0] == "something odd");
  CHECK_FALSE(j.contains("error"));
}

TEST_CASE("probe_json reports a failed file with error and error_code") {
  const Result<MediaInfo> failed = Error{ErrorCode::kEmpty, "is empty (0 bytes)", "x.mp3", 0, 0};
  const auto j = nlohmann::json::parse(podsmith::probe_json(failed, "x.mp3"));
  CHECK(j["path"] == "x.mp3");
  CHECK(j["error"] == "is empty (0 bytes)");
  CHECK(j["error_code"] == "empty");
  CHECK_FALSE(j.contains("duration_ms"));
}

TEST_CASE("probe_text is aligned and keeps long tags on one line") {
  MediaInfo m = sample();
  m.tags.comment = std::string(5000, 'x') + "\nsecond line";
  const std::string text = podsmith::probe_text(m, "media/ep1.mp3");
  CHECK(text.rfind("media/ep1.mp3\n", 0) == 0);
  CHECK(text.find("  duration     01:02:05.500 (3725500 ms, frame-scan)\n") != std::string::npos);
  CHECK(text.find("  size         29,804,000 bytes\n") != std::string::npos);
  CHECK(text.find("  artwork      image/jpeg 1400x1400, 123,456 bytes (front_cover)\n") != std::string::npos);
  const size_t comment = text.find("  comment");
  REQUIRE(comment != std::string::npos);
  const std::string line = text.substr(comment, text.find('\n', comment) - comment);
  CHECK(line.size() < 130);
  CHECK(text.find("second line") == std::string::npos);
}

TEST_CASE("format_clock writes hours, minutes, seconds and milliseconds") {
  CHECK(podsmith::format_clock(0) == "00:00:00.000");
  CHECK(podsmith::format_clock(3725500) == "01:02:05.500");
  CHECK(podsmith::format_clock(-5) == "00:00:00.000");
}
