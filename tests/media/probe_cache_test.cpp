#include "podsmith/media/probe_cache.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.h"

using podsmith::MediaInfo;
using podsmith::ProbeCache;

namespace {

MediaInfo sample() {
  MediaInfo m;
  m.path = "media/ep1.mp3";
  m.container = "mp3";
  m.codec = "mp3";
  m.mime_type = "audio/mpeg";
  m.duration_ms = 3725500;
  m.duration_source = "xing-header";
  m.bitrate_kbps = 64;
  m.sample_rate_hz = 44100;
  m.channels = 2;
  m.size_bytes = 29804000;
  m.tags.title = "Tom & \"Jerry\"\n<Live> Zoë";
  m.tags.track = 3;
  m.tags.disc_total = 2;
  m.tags.podcast_url = "https://example.org/feed.xml";
  m.artwork.push_back({"image/jpeg", 1400, 1400, 123456, "front_cover"});
  m.chapters.push_back({"ch0", 0, 1000, "Intro", "https://example.org/", podsmith::Artwork{"image/png", 64, 64, 99, "other"}, "u"});
  m.chapters.push_back({"", 1000, 2000, "Two", "", std::nullopt, ""});
  m.warnings = {"one", "two"};
  return m;
}

}  // namespace

TEST_CASE("media_info_to_json keeps every field through media_info_from_json") {
  const MediaInfo m = sample();
  const std::string json = podsmith::media_info_to_json(m);
  CHECK_NOTHROW(nlohmann::json::parse(json));
  auto back = podsmith::media_info_from_json(json);
  REQUIRE(back);
  CHECK(podsmith::media_info_to_json(*back) == json);
  CHECK(back->tags.title == m.tags.title);
  REQUIRE(back->chapters.size() == 2);
  REQUIRE(back->chapters[0].image);
  CHECK(back->chapters[0].image->width == 64);
  CHECK_FALSE(back->chapters[1].image);
  CHECK_FALSE(podsmith::media_info_from_json("{\"path\": 1}"));
}

TEST_CASE("ProbeCache saves what it stores and finds it while size and mtime match") {
  podsmith::test::TempDir dir;
  const std::string file = (dir.path() / "cache.json").string();
  ProbeCache cache;
  cache.store("media/ep1.mp3", 100, 5, sample());
  MediaInfo other = sample();
  other.path = "media/ep2.mp3";
  cache.store("media/ep2.mp3", 200, 6, other);
  REQUIRE_FALSE(cache.save(file));

  const nlohmann::json j = nlohmann::json::parse(podsmith::test::read_file(file));
  CHECK(j["format"] == 1);
  CHECK(j["entries"]["media/ep1.mp3"]["size_bytes"] == 100);

  ProbeCache loaded = ProbeCache::load(file);
  CHECK_FALSE(loaded.find("media/ep1.mp3", 101, 5));
  CHECK_FALSE(loaded.find("media/ep1.mp3", 100, 6));
  const auto found = loaded.find("media/ep1.mp3", 100, 5);
  REQUIRE(found);
  CHECK(podsmith::media_info_to_json(*found) == podsmith::media_info_to_json(sample()));
  // ep2 was not looked up: forgotten, and the cache changed.
  CHECK_FALSE(loaded.changed());
  loaded.forget_unused();
  CHECK(loaded.changed());
  REQUIRE_FALSE(loaded.save(file));
  CHECK_FALSE(ProbeCache::load(file).find("media/ep2.mp3", 200, 6));
  CHECK(ProbeCache::load(file).find("media/ep1.mp3", 100, 5));
}

TEST_CASE("ProbeCache treats a damaged file as empty and a damaged entry as absent") {
  podsmith::test::TempDir dir;
  const std::string file = dir.write("cache.json", "{not json");
  CHECK_FALSE(ProbeCache::load(file).find("media/ep1.mp3", 100, 5));
  const std::string partly = dir.write(
      "partly.json",
      "{\"entries\":{\"a.mp3\":{\"info\":{\"path\":1},\"mtime_ns\":5,\"size_bytes\":100},\"b.mp3\":{\"info\":" +
          podsmith::media_info_to_json(sample()) + ",\"mtime_ns\":5,\"size_bytes\":100}},\"format\":1}");
  ProbeCache cache = ProbeCache::load(partly);
  CHECK_FALSE(cache.find("a.mp3", 100, 5));
  CHECK(cache.find("b.mp3", 100, 5));
  const std::string old_format = dir.write("old.json", "{\"entries\":{},\"format\":0}");
  CHECK_FALSE(ProbeCache::load(old_format).changed());
}
