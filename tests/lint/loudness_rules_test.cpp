// The loudness rule set on the example feed, with the media's figures given as the
// build would give them (measured audio), and on the media podsmith made itself.
#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <string>

#include "podsmith/audio/loudness.h"
#include "podsmith/feed/rss_reader.h"
#include "podsmith/lint/lint.h"
#include "podsmith/media/media_probe.h"
#include "test_support.h"

using podsmith::Finding;
using podsmith::MediaInfo;
using podsmith::test::read_file;
using podsmith::test::source_path;

namespace {

const char* kBase = "https://channel8.example.org/";

}  // namespace

TEST_CASE("the loudness rules flag audio off target, over the ceiling, at odd rates and bitrates", "[lint]") {
  const std::string xml = read_file(source_path("feeds/channel8.xml"));
  auto doc = podsmith::read_feed(xml, "feeds/channel8.xml");
  REQUIRE(doc.has_value());
  // The example's four enclosures, each given other figures.
  std::map<std::string, MediaInfo> media;
  MediaInfo loud_stereo;  // 2006-01: too loud, peaks over, stereo MP3 at 48 kbps
  loud_stereo.codec = "mp3";
  loud_stereo.sample_rate_hz = 44100;
  loud_stereo.channels = 2;
  loud_stereo.bitrate_kbps = 48;
  loud_stereo.loudness = podsmith::Loudness{-12.5, 3, -0.2, -0.3};
  media[std::string(kBase) + "media/2006-01-mvp-award-beginnings.mp3"] = loud_stereo;
  MediaInfo on_target;  // 2006-04: what master makes
  on_target.codec = "mp3";
  on_target.sample_rate_hz = 44100;
  on_target.channels = 1;
  on_target.bitrate_kbps = 64;
  on_target.loudness = podsmith::Loudness{-16.4, 1, -1.5, -1.6};
  media[std::string(kBase) + "media/2006-04-made-from-a-master.mp3"] = on_target;
  MediaInfo low_rate = on_target;  // 2006-03: 22.05 kHz, quiet, no peaks problem
  low_rate.sample_rate_hz = 22050;
  low_rate.loudness = podsmith::Loudness{-19.7, 1, -3, -3};
  media[std::string(kBase) + "media/2006-03-start-a-student-user-group.mp3"] = low_rate;

  podsmith::LintOptions options;
  options.file = "feeds/channel8.xml";
  const auto lookup = [&](const std::string& url) -> std::optional<MediaInfo> {
    auto it = media.find(url);
    if (it == media.end()) return std::nullopt;
    return it->second;
  };
  const auto findings = podsmith::lint_loudness(*doc, options, {}, lookup);
  std::vector<std::string> all;
  for (const Finding& f : findings) all.push_back(f.rule);
  CHECK(std::count(all.begin(), all.end(), "loudness/integrated") == 2);   // -12.5 and -19.7
  CHECK(std::count(all.begin(), all.end(), "loudness/true-peak") == 1);    // -0.2 dBTP
  CHECK(std::count(all.begin(), all.end(), "loudness/sample-rate") == 1);  // 22050 Hz
  CHECK(std::count(all.begin(), all.end(), "loudness/mp3-bitrate") == 1);  // stereo 48 kbps < 64
  CHECK(std::count(all.begin(), all.end(), "loudness/mono-speech") == 1);  // stereo under 96 kbps
  for (const Finding& f : findings) {
    CHECK(f.file == "feeds/channel8.xml");
    CHECK(f.line > 0);
  }
  // A target of -19.7 and a ceiling of 0 dBTP: the quiet one passes, the loud one is 7 LU over.
  const auto relaxed = podsmith::lint_loudness(*doc, options, {-19.5, 0}, lookup);
  int integrated = 0;
  for (const Finding& f : relaxed) integrated += f.rule == "loudness/integrated";
  CHECK(integrated == 2);  // -12.5 (7 over) and -16.4 (3.1 over)
  // Another rule set selected: nothing.
  options.rule_sets = {"apple"};
  CHECK(podsmith::lint_loudness(*doc, options, {}, lookup).empty());
}

TEST_CASE("the example's episode made from a master passes the loudness rules as measured", "[lint]") {
  const std::string xml = read_file(source_path("feeds/channel8.xml"));
  auto doc = podsmith::read_feed(xml, "feeds/channel8.xml");
  REQUIRE(doc.has_value());
  const std::string made = "media/2006-04-made-from-a-master.mp3";
  auto info = podsmith::probe(source_path(made));
  REQUIRE(info);
  auto loudness = podsmith::measure_loudness(source_path(made));
  REQUIRE(loudness);
  info->loudness = *loudness;
  podsmith::LintOptions options;
  options.file = "feeds/channel8.xml";
  const auto findings = podsmith::lint_loudness(*doc, options, {}, [&](const std::string& url) -> std::optional<MediaInfo> {
    if (url == std::string(kBase) + made) return *info;
    return std::nullopt;
  });
  for (const Finding& f : findings) CHECK(f.message == "");  // none: shows any that came
  CHECK(findings.empty());
}
