#include "podsmith/workspace/transcripts.h"

#include <catch2/catch.hpp>

#include <string>

#include "podsmith/base/text.h"

using podsmith::check_transcript;
using podsmith::ErrorCode;
using podsmith::transcript_type_for;

TEST_CASE("transcript_type_for gives the Podcasting 2.0 type for each extension", "[transcripts][chapters]") {
  struct Case {
    const char* name;
    const char* type;
  };
  const Case cases[] = {
      {"media/ep1.vtt", "text/vtt"},
      {"media/ep1.VTT", "text/vtt"},
      {"ep1.srt", "application/x-subrip"},
      {"ep1.json", "application/json"},
      {"ep1.html", "text/html"},
      {"ep1.htm", "text/html"},
      {"ep1.txt", "text/plain"},
      {"https://example.com/t/ep1.vtt?token=a.srt#x.json", "text/vtt"},
      {"https://example.com/ep1.srt#t=10", "application/x-subrip"},
      {"media\\windows\\ep1.srt", "application/x-subrip"},
      {"ep1.chapters.json", "application/json"},
      {"ep1.mp3", ""},
      {"ep1", ""},
      {".vtt", ""},              // a hidden file, not an extension
      {"media.vtt/ep1", ""},     // the directory's dot does not count
      {"", ""},
      {"https://example.com/transcript?format=vtt", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(transcript_type_for(c.name) == c.type);
  }
}

TEST_CASE("check_transcript accepts well-formed transcripts", "[transcripts][chapters]") {
  struct Case {
    std::string content;
    std::string type;
  };
  const Case cases[] = {
      {"WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n<v John>Hello.\n", "text/vtt"},
      {"WEBVTT", "text/vtt"},
      {"WEBVTT - Episode 1\r\n\r\n", "text/vtt"},
      {"WEBVTT\tkind", "TEXT/VTT; charset=utf-8"},
      {"\xEF\xBB\xBFWEBVTT\n", "text/vtt"},
      {"1\n00:00:00,000 --> 00:00:02,760\nSarah: In today's episode,\n\n2\n00:00:02,760 --> 00:00:06,090\nx\n",
       "application/x-subrip"},
      {"\xEF\xBB\xBF\r\n\r\n1\r\n00:00:00,000 --> 00:00:02,760\r\nHi\r\n", "application/x-subrip"},
      {"1\n  00:00:00,000-->00:00:01,000  X1:10 X2:20\n", "application/srt"},  // positions after the end
      {"0\n100:00:00,000 --> 100:00:00,000\n", "text/srt"},                      // other numbers, long hours
      {"{\"version\": \"1.0.0\", \"segments\": []}", "application/json"},
      {"\n  {\n}", "application/json"},
      {"<cite>Kevin:</cite>\n<time>0:00</time>\n<p>Hello</p>", "text/html"},
      {"Just words. 東京.", "text/plain"},
      {"anything", "application/x-unknown"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.content, c.type);
    const auto problem = check_transcript(c.content, c.type, "media/ep1.x");
    CHECK_FALSE(problem.has_value());
    if (problem) FAIL_CHECK(problem->to_string());
  }
}

TEST_CASE("check_transcript names the file, line and column of the problem", "[transcripts][chapters]") {
  struct Case {
    std::string content;
    std::string type;
    ErrorCode code;
    int line;
    int column;
    std::string message_part;
  };
  const Case cases[] = {
      {"", "text/vtt", ErrorCode::kEmpty, 0, 0, "transcript is empty"},
      {"\xEF\xBB\xBF", "text/plain", ErrorCode::kEmpty, 0, 0, "transcript is empty"},
      {" \r\n\t\n", "text/vtt", ErrorCode::kEmpty, 0, 0, "transcript is blank"},
      {"WEBVTT\nok\n東京 \xFF", "text/vtt", ErrorCode::kInvalidInput, 3, 4, "not valid UTF-8"},
      {"ok\xC3(", "text/plain", ErrorCode::kInvalidInput, 1, 3, "not valid UTF-8"},
      {"\xEF\xBB\xBF\xED\xA0\x80", "text/html", ErrorCode::kInvalidInput, 1, 1, "not valid UTF-8"},  // surrogate
      {"WEBVTTX", "text/vtt", ErrorCode::kInvalidInput, 1, 1, "must start with a line \"WEBVTT\""},
      {"webvtt", "text/vtt", ErrorCode::kInvalidInput, 1, 1, "\"WEBVTT\", found 'webvtt'"},
      {"\nWEBVTT", "text/vtt", ErrorCode::kInvalidInput, 1, 1, "\"WEBVTT\""},
      {"1\n00:00:00,000 --> 00:00:01,000\n", "text/vtt", ErrorCode::kInvalidInput, 1, 1, "looks like SRT"},
      {"WEBVTT\n\n00:00.000 --> 00:01.000\n", "application/x-subrip", ErrorCode::kInvalidInput, 1, 1,
       "looks like WebVTT"},
      {"\n\n  one\n", "application/x-subrip", ErrorCode::kInvalidInput, 3, 3, "cue number such as 1, found 'one'"},
      {"1", "application/x-subrip", ErrorCode::kInvalidInput, 2, 1, "has no timing line"},
      {"1\n\n00:00:00,000 --> 00:00:01,000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 1,
       "expected an SRT cue timing"},
      {"1\n00:00:00.000 --> 00:00:01.000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 9,
       "with a comma"},
      {"1\n00:00:00,000 --> 00:00:01", "application/x-subrip", ErrorCode::kInvalidInput, 2, 18,
       "expected an SRT cue timing"},
      {"1\n00:00:00,000 -> 00:00:01,000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 14, "\"-->\""},
      {"1\n00:61:00,000 --> 01:00:01,000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 4,
       "minutes must be below 60"},
      {"1\n00:00:00,000 --> 00:00:60,000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 24,
       "seconds must be below 60"},
      {"1\n00:00:02,000 --> 00:00:01,000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 18,
       "ends before it starts"},
      {"1\n00:00:00,000 --> 00:00:01,0000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 30,
       "unexpected text"},
      {"1\n0:00:00,000 --> 00:00:01,000", "application/x-subrip", ErrorCode::kInvalidInput, 2, 1,
       "expected an SRT cue timing"},
      {"\n  [1, 2]", "application/json", ErrorCode::kInvalidInput, 2, 3, "must be an object"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.content, c.type);
    const auto problem = check_transcript(c.content, c.type, "media/ep1.x");
    REQUIRE(problem.has_value());
    CAPTURE(problem->to_string());
    CHECK(problem->code == c.code);
    CHECK(problem->file == "media/ep1.x");
    CHECK(problem->line == c.line);
    CHECK(problem->column == c.column);
    CHECK(problem->message.find(c.message_part) != std::string::npos);
    CHECK(podsmith::is_valid_utf8(problem->message));
  }
}

TEST_CASE("check_transcript survives hostile input", "[transcripts][chapters]") {
  SECTION("a 1 MB first line") {
    const auto problem = check_transcript(std::string(1 << 20, '9') + "x", "application/x-subrip", "t.srt");
    REQUIRE(problem.has_value());
    CHECK(problem->message.size() < 200);
  }
  SECTION("a 1 MB transcript with an invalid byte at the end") {
    const auto problem = check_transcript("WEBVTT\n" + std::string(1 << 20, 'a') + "\x80", "text/vtt", "t.vtt");
    REQUIRE(problem.has_value());
    CHECK(problem->line == 2);
    CHECK(problem->column == (1 << 20) + 1);
  }
  SECTION("NUL bytes") {
    const auto problem = check_transcript(std::string("WEBVTT\0", 7), "text/vtt", "t.vtt");
    REQUIRE(problem.has_value());
    CHECK(problem->message.find('\0') == std::string::npos);
    CHECK_FALSE(check_transcript(std::string("WEBVTT\n\0", 8), "text/vtt", "t.vtt").has_value());
  }
  SECTION("digit runs too long for a number") {
    const auto problem =
        check_transcript("1\n" + std::string(100, '9') + ":00:00,000 --> 00:00:01,000", "application/x-subrip", "t");
    REQUIRE(problem.has_value());
    CHECK(problem->line == 2);
  }
}
