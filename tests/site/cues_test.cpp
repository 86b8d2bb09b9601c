#include "podsmith/site/cues.h"

#include <catch2/catch.hpp>

using podsmith::Cue;
using podsmith::parse_cues;
using podsmith::write_webvtt;

TEST_CASE("cues: WebVTT and SRT cues are read with their times, text and voice") {
  struct Case {
    const char* type;
    const char* text;
    int64_t start_ms, end_ms;
    const char* cue_text;
    const char* voice;
  };
  const Case cases[] = {
      {"text/vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:04.500\nHello", 1000, 4500, "Hello", ""},
      {"text/vtt", "WEBVTT - a title\nKind: captions\n\nNOTE a note\n\nid-1\n01:02.5 --> 01:03.250 align:start\n<v Ann>Hi &amp; <i>bye</i>",
       62500, 63250, "Hi & bye", "Ann"},
      {"text/vtt; charset=utf-8", "\xEF\xBB\xBFWEBVTT\r\n\r\n1:00:00.000 --> 1:00:01.000\r\ntwo\r\nlines", 3600000, 3601000,
       "two\nlines", ""},
      {"application/x-subrip", "1\n00:00:02,000 --> 00:00:03,000\nSRT text\n\n2\n00:00:03,000 --> 00:00:04,000\nnext", 2000,
       3000, "SRT text", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto cues = parse_cues(c.text, c.type, "t");
    REQUIRE(cues);
    REQUIRE(!cues->empty());
    CHECK((*cues)[0].start_ms == c.start_ms);
    CHECK((*cues)[0].end_ms == c.end_ms);
    CHECK((*cues)[0].text == c.cue_text);
    CHECK((*cues)[0].voice == c.voice);
  }
}

TEST_CASE("cues: a timing that cannot be read is an error naming the file and line") {
  auto bad = parse_cues("WEBVTT\n\n00:00:01.000 --> 00:00:04.500\nok\n\n00:00:0x.000 --> 00:00:05.000\nbad\n", "text/vtt",
                        "media/ep.vtt");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string().rfind("media/ep.vtt:6:", 0) == 0);
  auto backwards = parse_cues("1\n00:00:05,000 --> 00:00:04,000\nx\n", "application/x-subrip", "ep.srt");
  REQUIRE_FALSE(backwards);
  CHECK(backwards.error().line == 2);
  CHECK_FALSE(parse_cues("{}", "application/json", "ep.json"));
}

TEST_CASE("cues: written as WebVTT they read back the same, and text cannot forge a cue") {
  const std::vector<Cue> cues = {{0, 1500, "Intro", ""}, {1500, 3723004, "a <b> & c\n\nnot --> a cue", "Bo"}};
  const std::string vtt = write_webvtt(cues);
  CHECK(vtt.rfind("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nIntro\n", 0) == 0);
  CHECK(vtt.find("01:02:03.004") != std::string::npos);
  auto back = parse_cues(vtt, "text/vtt", "x");
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK((*back)[1].text == "a <b> & c\nnot --> a cue");
  CHECK((*back)[1].voice == "Bo");
  CHECK((*back)[1].end_ms == 3723004);
}
