#include "podsmith/workspace/chapters.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <locale>
#include <string>
#include <vector>

#include "podsmith/base/text.h"

using podsmith::Chapter;
using podsmith::ErrorCode;
using podsmith::format_seconds;
using podsmith::parse_chapters_json;
using podsmith::parse_chapters_txt;
using podsmith::write_chapters_json;

namespace {

Chapter chapter(int64_t start_ms, int64_t end_ms, std::string title, std::string url = "",
                std::string image_url = "") {
  Chapter c;
  c.start_ms = start_ms;
  c.end_ms = end_ms;
  c.title = std::move(title);
  c.url = std::move(url);
  c.image_url = std::move(image_url);
  return c;
}

}  // namespace

// ---------------------------------------------------------------- chapters.txt

TEST_CASE("parse_chapters_txt reads each time form, titles and links", "[chapters]") {
  struct Case {
    std::string line;
    int64_t start_ms;
    std::string title;
    std::string url;
  };
  const Case cases[] = {
      {"00:12:30 Title", 750000, "Title", ""},
      {"00:12:30.500 Title <https://example.com/a?b=c>", 750500, "Title", "https://example.com/a?b=c"},
      {"00:12:30.5 Half", 750500, "Half", ""},
      {"00:12:30.05 Five hundredths", 750050, "Five hundredths", ""},
      {"00:00:00.001 One ms", 1, "One ms", ""},
      {"12:30 Minutes and seconds", 750000, "Minutes and seconds", ""},
      {"2:30 One-digit minutes", 150000, "One-digit minutes", ""},
      {"1:02:03 One-digit hours", 3723000, "One-digit hours", ""},
      {"100:00:00 Long audiobook", 360000000, "Long audiobook", ""},
      {"00:00:00\tTab separated", 0, "Tab separated", ""},
      {"  00:00:01   Indented  and   spaced   ", 1000, "Indented  and   spaced", ""},
      {"00:00:01 Link <HTTP://EXAMPLE.COM>", 1000, "Link", "HTTP://EXAMPLE.COM"},
      {"00:00:01 Link\t<http://x>", 1000, "Link", "http://x"},
      {"00:00:01 Not a link <with spaces>", 1000, "Not a link <with spaces>", ""},
      {"00:00:01 Not a link<glued>", 1000, "Not a link<glued>", ""},
      {"00:00:01 Empty <>", 1000, "Empty <>", ""},
      {"00:00:01 Tom & Jerry — 東京 #1", 1000, "Tom & Jerry — 東京 #1", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    const auto result = parse_chapters_txt(c.line, "ep.chapters.txt");
    REQUIRE(result.has_value());
    REQUIRE(result->size() == 1);
    const Chapter& got = result->front();
    CHECK(got.start_ms == c.start_ms);
    CHECK(got.end_ms == 0);
    CHECK(got.title == c.title);
    CHECK(got.url == c.url);
  }
}

TEST_CASE("parse_chapters_txt skips comments and blanks, accepts a BOM and CRLF, and chains end times",
          "[chapters]") {
  const std::string text =
      "\xEF\xBB\xBF# Chapters for episode 1\r\n"
      "\r\n"
      "00:00:00 Intro\r\n"
      "   # an indented comment\r\n"
      "\t\r\n"
      "05:00 News <https://example.com/news>\r\n"
      "1:00:00.250 Outro\r\n";
  const auto result = parse_chapters_txt(text, "ep.chapters.txt");
  REQUIRE(result.has_value());
  REQUIRE(result->size() == 3);
  CHECK((*result)[0].start_ms == 0);
  CHECK((*result)[0].end_ms == 300000);
  CHECK((*result)[0].title == "Intro");
  CHECK((*result)[1].start_ms == 300000);
  CHECK((*result)[1].end_ms == 3600250);
  CHECK((*result)[1].url == "https://example.com/news");
  CHECK((*result)[2].start_ms == 3600250);
  CHECK((*result)[2].end_ms == 0);  // the caller sets the episode's end
  CHECK((*result)[2].title == "Outro");
}

TEST_CASE("parse_chapters_txt gives no chapters for an empty or comment-only file", "[chapters]") {
  for (const std::string text : {"", "\xEF\xBB\xBF", "\n\n", "# nothing yet\n", "\r\n   \r\n"}) {
    CAPTURE(text);
    const auto result = parse_chapters_txt(text, "ep.chapters.txt");
    REQUIRE(result.has_value());
    CHECK(result->empty());
  }
}

TEST_CASE("parse_chapters_txt names the line and column of each error", "[chapters]") {
  struct Case {
    std::string text;
    int line;
    int column;
    std::string message_part;
  };
  const Case cases[] = {
      {"00:61:00 Title", 1, 4, "minutes must be below 60"},
      {"61:00 Title", 1, 1, "minutes must be below 60"},
      {"00:00:60 Title", 1, 7, "seconds must be below 60"},
      {"00:00:00\n# ok\n00:01:00 Second", 1, 9, "missing title"},
      {"00:00:00 A\n00:01:00   \t", 2, 9, "missing title"},
      {"00:00:00 A\n00:01:00 <https://example.com>", 2, 9, "missing title"},
      {"00:00:00 A\n00:01:00 \xEF\xBF\xBE", 2, 9, "missing title"},  // only a character clean_text removes
      {"Intro 00:00:00", 1, 1, "expected a time"},
      {"00:00 A\n  0:00:00:00 B", 2, 3, "expected a time"},        // four fields
      {"00:00 A\n00:1x:00 B", 2, 5, "expected a time"},             // the bad digit
      {"00:00 A\n1:2:03 B", 2, 3, "expected a time"},               // minutes need two digits
      {"00:00 A\n00:01:3 B", 2, 7, "expected a time"},              // seconds need two digits
      {"00:00 A\n123:00 B", 2, 1, "expected a time"},               // MM:SS with three-digit minutes
      {"00:00 A\n1000:00:00 B", 2, 1, "expected a time"},           // more than three hour digits
      {"00:00 A\n00:01. B", 2, 6, "expected a time"},               // a point without decimals
      {"00:00 A\n00:01.1234 B", 2, 7, "at most three decimals"},
      {"00:00 A\n00:01:00Title", 2, 9, "expected a time"},
      {":00 A", 1, 1, "expected a time"},
      {"00:10:00 A\n00:05:00 B", 2, 1, "is not after the previous chapter's '00:10:00' (line 1)"},
      {"00:10:00 A\n\n  10:00 B", 3, 3, "is not after"},           // equal times
      {"00:00 A\n00:01 B <ftp://example.com/x>", 2, 10, "must be an http:// or https:// URL"},
      {"00:00 A\n00:01 B <example.com>", 2, 10, "found 'example.com'"},
      {"00:00 A\n00:01 B <https://>", 2, 10, "must be an http"},
      {"00:00 東京 <mailto:x@example.com>", 1, 11, "must be an http"},  // columns count characters
      {"\xEF\xBB\xBF" "61:00 A", 1, 1, "minutes must be below 60"},  // the BOM is not a column
      {"00:00 A\r\n00:00:99 B\r\n", 2, 7, "seconds must be below 60"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto result = parse_chapters_txt(c.text, "media/ep1.chapters.txt");
    REQUIRE_FALSE(result.has_value());
    const podsmith::Error& e = result.error();
    CAPTURE(e.to_string());
    CHECK(e.code == ErrorCode::kInvalidInput);
    CHECK(e.file == "media/ep1.chapters.txt");
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
    CHECK(e.message.find(c.message_part) != std::string::npos);
    CHECK(e.message.find('\n') == std::string::npos);
  }
}

TEST_CASE("parse_chapters_txt error messages quote the input as it was written", "[chapters]") {
  const auto result = parse_chapters_txt("00:61:00 Title", "ep.chapters.txt");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().to_string() ==
        "ep.chapters.txt:1:4: minutes must be below 60 in '00:61:00' (an hour and a minute is 1:01:00)");
}

TEST_CASE("parse_chapters_txt survives hostile input", "[chapters]") {
  SECTION("a 1 MB title") {
    const std::string title(1 << 20, 'x');
    const auto result = parse_chapters_txt("00:00:00 " + title + "\n00:00:01 B", "ep.chapters.txt");
    REQUIRE(result.has_value());
    CHECK((*result)[0].title == title);
  }
  SECTION("a 1 MB line that is not a time gives a short message") {
    const auto result = parse_chapters_txt(std::string(1 << 20, '7'), "ep.chapters.txt");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().line == 1);
    CHECK(result.error().message.size() < 200);
  }
  SECTION("a 1 MB line of colons") {
    const auto result = parse_chapters_txt(std::string(1 << 20, ':'), "ep.chapters.txt");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().column == 1);
  }
  SECTION("a 1 MB line of blanks and a comment after it") {
    const auto result = parse_chapters_txt(std::string(1 << 20, ' ') + "\n# c\n00:00 A", "ep.chapters.txt");
    REQUIRE(result.has_value());
    CHECK(result->size() == 1);
  }
  SECTION("NUL bytes in a title are removed, in a time they are an error") {
    const auto ok = parse_chapters_txt(std::string("00:00 A\0B", 9), "ep.chapters.txt");
    REQUIRE(ok.has_value());
    CHECK((*ok)[0].title == "AB");
    const auto bad = parse_chapters_txt(std::string("00:0\0 A", 7), "ep.chapters.txt");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().column == 5);
    CHECK(bad.error().message.find('\0') == std::string::npos);
  }
  SECTION("invalid UTF-8 in a title becomes U+FFFD") {
    const auto result = parse_chapters_txt("00:00 A\xFF\xC3 B", "ep.chapters.txt");
    REQUIRE(result.has_value());
    CHECK((*result)[0].title.find("\xEF\xBF\xBD B") != std::string::npos);
    CHECK(podsmith::is_valid_utf8((*result)[0].title));
  }
  SECTION("invalid UTF-8 in an error message is cleaned") {
    const auto result = parse_chapters_txt("\xFF\xFE:00 A", "ep.chapters.txt");
    REQUIRE_FALSE(result.has_value());
    CHECK(podsmith::is_valid_utf8(result.error().message));
  }
  SECTION("hours at the limit do not overflow") {
    const auto result = parse_chapters_txt("999:59:59.999 Last", "ep.chapters.txt");
    REQUIRE(result.has_value());
    CHECK((*result)[0].start_ms == 3599999999);
  }
}

// ---------------------------------------------------------------- format_seconds

TEST_CASE("format_seconds writes times exactly, without exponent or trailing zeros", "[chapters]") {
  struct Case {
    int64_t ms;
    const char* text;
  };
  const Case cases[] = {
      {0, "0"},
      {1, "0.001"},
      {10, "0.01"},
      {100, "0.1"},
      {1100, "1.1"},
      {12500, "12.5"},
      {750250, "750.25"},
      {3600000, "3600"},
      {3600001, "3600.001"},
      {86400000000, "86400000"},
      {1000000000000000, "1000000000000"},
      {std::numeric_limits<int64_t>::max(), "9223372036854775.807"},
      {-1500, "-1.5"},
      {std::numeric_limits<int64_t>::min(), "-9223372036854775.808"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ms);
    CHECK(format_seconds(c.ms) == c.text);
  }
}

namespace {

// A global C++ locale with a decimal comma and thousands grouping, as a German
// locale would have, to catch formatting through iostreams.
struct CommaPunct : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

}  // namespace

TEST_CASE("format_seconds and write_chapters_json ignore the global locale", "[chapters]") {
  const std::locale before = std::locale::global(std::locale(std::locale::classic(), new CommaPunct));
  const std::string seconds = format_seconds(1234567500);
  const std::string json = write_chapters_json({chapter(1234567500, 1234568000, "x")});
  std::locale::global(before);
  CHECK(seconds == "1234567.5");
  CHECK(json.find("\"startTime\": 1234567.5,\n      \"endTime\": 1234568,") != std::string::npos);
}

// ---------------------------------------------------------------- write_chapters_json

TEST_CASE("write_chapters_json writes the JSON chapters 1.2 layout byte for byte", "[chapters]") {
  const std::vector<Chapter> chapters = {
      chapter(0, 12500, "Intro"),
      chapter(12500, 750250, "Tom & \"Jerry\" \\ 東京", "https://example.com/a", "https://example.com/a.jpg"),
      chapter(750250, 0, "Outro", "https://example.com/b"),
  };
  const std::string expected =
      "{\n"
      "  \"version\": \"1.2.0\",\n"
      "  \"chapters\": [\n"
      "    {\n"
      "      \"startTime\": 0,\n"
      "      \"endTime\": 12.5,\n"
      "      \"title\": \"Intro\"\n"
      "    },\n"
      "    {\n"
      "      \"startTime\": 12.5,\n"
      "      \"endTime\": 750.25,\n"
      "      \"title\": \"Tom & \\\"Jerry\\\" \\\\ 東京\",\n"
      "      \"img\": \"https://example.com/a.jpg\",\n"
      "      \"url\": \"https://example.com/a\"\n"
      "    },\n"
      "    {\n"
      "      \"startTime\": 750.25,\n"
      "      \"title\": \"Outro\",\n"
      "      \"url\": \"https://example.com/b\"\n"
      "    }\n"
      "  ]\n"
      "}\n";
  CHECK(write_chapters_json(chapters) == expected);
  CHECK(write_chapters_json(chapters) == write_chapters_json(chapters));
  // Our layout is nlohmann's own pretty-printing of the same document.
  CHECK(nlohmann::ordered_json::parse(expected).dump(2) + "\n" == expected);
}

TEST_CASE("write_chapters_json writes an empty list as []", "[chapters]") {
  CHECK(write_chapters_json({}) == "{\n  \"version\": \"1.2.0\",\n  \"chapters\": []\n}\n");
}

TEST_CASE("write_chapters_json escapes control characters and replaces invalid UTF-8", "[chapters]") {
  const std::string out = write_chapters_json({chapter(0, 0, std::string("a\x01\tb\xFF\0c", 7))});
  CHECK(out.find("\"title\": \"a\\u0001\\tb\xEF\xBF\xBD\\u0000c\"") != std::string::npos);
  CHECK(podsmith::is_valid_utf8(out));
  CHECK_NOTHROW(nlohmann::json::parse(out));
}

TEST_CASE("JSON chapters survive a write and a read unchanged", "[chapters]") {
  const std::vector<Chapter> chapters = {
      chapter(0, 1, "Zero"),
      chapter(1, 1100, "One ms", "", "https://example.com/1.png"),
      chapter(1100, 3600000, "Tom & Jerry — 東京", "https://example.com/?a=1&b=<2>"),
      chapter(3600000, 86400000000, "A day"),
      chapter(86400000000, 0, "Last"),
  };
  const auto read = parse_chapters_json(write_chapters_json(chapters), "chapters.json");
  REQUIRE(read.has_value());
  REQUIRE(read->size() == chapters.size());
  for (size_t i = 0; i < chapters.size(); ++i) {
    CAPTURE(i);
    CHECK((*read)[i].start_ms == chapters[i].start_ms);
    CHECK((*read)[i].end_ms == chapters[i].end_ms);
    CHECK((*read)[i].title == chapters[i].title);
    CHECK((*read)[i].url == chapters[i].url);
    CHECK((*read)[i].image_url == chapters[i].image_url);
  }
  CHECK(write_chapters_json(*read) == write_chapters_json(chapters));
}

TEST_CASE("chapters.txt converts to JSON chapters", "[chapters]") {
  const auto txt = parse_chapters_txt("00:00 Intro\n12:30.5 Topic <https://example.com>\n", "ep.chapters.txt");
  REQUIRE(txt.has_value());
  CHECK(write_chapters_json(*txt) ==
        "{\n  \"version\": \"1.2.0\",\n  \"chapters\": [\n"
        "    {\n      \"startTime\": 0,\n      \"endTime\": 750.5,\n      \"title\": \"Intro\"\n    },\n"
        "    {\n      \"startTime\": 750.5,\n      \"title\": \"Topic\",\n      \"url\": \"https://example.com\"\n    }\n"
        "  ]\n}\n");
}

// ---------------------------------------------------------------- parse_chapters_json

TEST_CASE("parse_chapters_json reads the spec's complex example", "[chapters]") {
  // From the Podcasting 2.0 jsonChapters.md "More complex example", shortened.
  const std::string json = R"({
  "version": "1.2.0",
  "author": "John Doe",
  "title": "Episode 7 - Making Progress",
  "podcastName": "John's Awesome Podcast",
  "chapters": [
    { "startTime": 0, "title": "Intro" },
    { "startTime": 410, "title": "Namespace",
      "img": "https://example.com/images/namepsace_example.jpg",
      "url": "https://github.com/Podcastindex-org/podcast-namespace" },
    { "startTime": 3990, "title": "Just Break Up", "toc": true },
    { "startTime": 4826, "img": "https://example.com/images/parisfrance.jpg", "toc": false,
      "location": { "name": "Eiffel Tower, Paris", "geo": "geo:42.3417649,-70.9661596" } },
    { "startTime": 5510.25, "endTime": 5854, "title": "The Big Players" },
    { "startTime": 6089, "title": "Outro", "url": null }
  ]
})";
  const auto result = parse_chapters_json(json, "chapters.json");
  REQUIRE(result.has_value());
  const std::vector<Chapter>& c = *result;
  REQUIRE(c.size() == 5);  // the toc=false marker is left out
  CHECK(c[0].start_ms == 0);
  CHECK(c[0].end_ms == 410000);
  CHECK(c[1].title == "Namespace");
  CHECK(c[1].image_url == "https://example.com/images/namepsace_example.jpg");
  CHECK(c[1].url == "https://github.com/Podcastindex-org/podcast-namespace");
  CHECK(c[2].end_ms == 5510250);  // not cut at the silent marker
  CHECK(c[3].start_ms == 5510250);
  CHECK(c[3].end_ms == 5854000);  // endTime given
  CHECK(c[4].end_ms == 0);
  CHECK(c[4].url.empty());
}

TEST_CASE("parse_chapters_json sorts by start, keeps titleless chapters and ignores a bad endTime",
          "[chapters]") {
  const auto result = parse_chapters_json(R"({"version":"1.2.0","chapters":[
      {"startTime": 20, "title": "  Second \u0007 "},
      {"startTime": 0},
      {"startTime": 20.0004, "endTime": 5, "title": "Third"}]})",
                                          "chapters.json");
  REQUIRE(result.has_value());
  REQUIRE(result->size() == 3);
  CHECK((*result)[0].start_ms == 0);
  CHECK((*result)[0].title.empty());
  CHECK((*result)[0].end_ms == 20000);
  CHECK((*result)[1].title == "Second");  // cleaned and trimmed
  CHECK((*result)[1].end_ms == 0);        // the next one starts at the same millisecond
  CHECK((*result)[2].title == "Third");
  CHECK((*result)[2].end_ms == 0);
}

TEST_CASE("parse_chapters_json reports malformed JSON with line and column", "[chapters]") {
  struct Case {
    std::string json;
    int line;
    int column;
  };
  const Case cases[] = {
      {"", 1, 1},
      {"{", 1, 2},
      {"{\n  \"chapters\": [\n    {\"startTime\": x}\n  ]\n}", 3, 19},
      {"{\"chapters\": []}\n,", 2, 1},
      {"\xEF\xBB\xBF{,}", 1, 2},                            // BOM not counted
      {"{\n \"title\": \"東京\", !}", 2, 17},                 // columns count characters
      {"{\r\n\"a\": tru }", 2, 9},                          // where the parser stopped
      {"{\"title\": \"a\xFF\"}", 1, 13},                     // invalid UTF-8 in a string
      {std::string("{\"a\": \"\0\"}", 10), 1, 8},             // NUL in a string
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    const auto result = parse_chapters_json(c.json, "feeds/show/ep1.json");
    REQUIRE_FALSE(result.has_value());
    const podsmith::Error& e = result.error();
    CAPTURE(e.to_string());
    CHECK(e.code == ErrorCode::kInvalidInput);
    CHECK(e.file == "feeds/show/ep1.json");
    CHECK(e.line == c.line);
    CHECK(e.column == c.column);
    CHECK(e.message.rfind("not valid JSON: ", 0) == 0);
    CHECK(e.message.find("json.exception") == std::string::npos);
    CHECK(podsmith::is_valid_utf8(e.message));
  }
}

TEST_CASE("parse_chapters_json names the JSON path of a file of the wrong shape", "[chapters]") {
  struct Case {
    std::string json;
    std::string message_part;
  };
  const Case cases[] = {
      {"[]", "the top level is not an object"},
      {"{\"version\": \"1.2.0\"}", "no \"chapters\" array"},
      {"{\"chapters\": {}}", "no \"chapters\" array"},
      {"{\"chapters\": [1]}", "chapters[0] is not an object"},
      {"{\"chapters\": [{\"startTime\": 0}, {\"title\": \"x\"}]}", "chapters[1] has no startTime"},
      {"{\"chapters\": [{\"startTime\": \"94\"}]}", "chapters[0].startTime is not a number"},
      {"{\"chapters\": [{\"startTime\": -1}]}", "chapters[0].startTime is out of range"},
      {"{\"chapters\": [{\"startTime\": 1e300}]}", "chapters[0].startTime is out of range"},
      {"{\"chapters\": [{\"startTime\": 0, \"endTime\": true}]}", "chapters[0].endTime is not a number"},
      {"{\"chapters\": [{\"startTime\": 0, \"title\": 7}]}", "chapters[0].title is not a string"},
      {"{\"chapters\": [{\"startTime\": 0, \"img\": []}]}", "chapters[0].img is not a string"},
      {"{\"chapters\": [{\"startTime\": 0, \"toc\": \"no\"}]}", "chapters[0].toc is not true or false"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    const auto result = parse_chapters_json(c.json, "chapters.json");
    REQUIRE_FALSE(result.has_value());
    CAPTURE(result.error().message);
    CHECK(result.error().file == "chapters.json");
    CHECK(result.error().message.find(c.message_part) != std::string::npos);
  }
}

TEST_CASE("parse_chapters_json survives hostile input", "[chapters]") {
  SECTION("deep nesting") {
    const auto result = parse_chapters_json(std::string(100000, '['), "chapters.json");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().column == 100001);
  }
  SECTION("a 1 MB title") {
    const std::string title(1 << 20, 'x');
    const auto result = parse_chapters_json(R"({"chapters":[{"startTime":1,"title":")" + title + "\"}]}",
                                            "chapters.json");
    REQUIRE(result.has_value());
    CHECK((*result)[0].title == title);
  }
  SECTION("a 1 MB unterminated string gives a short message") {
    const auto result = parse_chapters_json("{\"title\": \"" + std::string(1 << 20, 'x'), "chapters.json");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.size() < 300);
  }
  SECTION("a number too large for a double") {
    // nlohmann throws out_of_range, not parse_error, for these; it escaped
    // parse_chapters_json and ended the process (found by scripts/fuzz chapters:
    // tests/fuzz/corpus/chapters/regress-number-overflow is "5e577").
    for (const std::string& json : {std::string("5e577"), std::string(R"({"chapters":[{"startTime":1e400}]})")}) {
      CAPTURE(json);
      const auto result = parse_chapters_json(json, "chapters.json");
      REQUIRE_FALSE(result.has_value());
      CHECK(result.error().file == "chapters.json");
      CHECK(result.error().message.rfind("not valid JSON: ", 0) == 0);
      CHECK(result.error().message.find("json.exception") == std::string::npos);
    }
  }
  SECTION("escaped NUL and invalid escapes") {
    const auto nul = parse_chapters_json(R"({"chapters":[{"startTime":0,"title":"a\u0000b"}]})", "c.json");
    REQUIRE(nul.has_value());
    CHECK((*nul)[0].title == "ab");
    const auto lone = parse_chapters_json(R"({"chapters":[{"startTime":0,"title":"\ud800"}]})", "c.json");
    CHECK_FALSE(lone.has_value());
  }
}

TEST_CASE("a chapter link with a CR or a control character inside is part of the title, not a URL", "[chapters]") {
  // Found by scripts/fuzz chapters (tests/fuzz/corpus/chapters/regress-url-with-cr):
  // "<https://example.com/>x\r>" was taken as a link ending in a CR, which the JSON
  // chapters' reader then trimmed, so the two files disagreed.
  for (const std::string& line : {std::string("0:00 Title <https://example.com/a\rb>\n"),
                                   std::string("0:00 Title <https://example.com/a\x01" "b>\n")}) {
    CAPTURE(line);
    const auto txt = parse_chapters_txt(line, "ep.chapters.txt");
    REQUIRE(txt.has_value());
    REQUIRE(txt->size() == 1);
    CHECK((*txt)[0].url.empty());
    CHECK((*txt)[0].title.rfind("Title <https://example.com/a", 0) == 0);
    const auto again = parse_chapters_json(write_chapters_json(*txt), "again.json");
    REQUIRE(again.has_value());
    CHECK((*again)[0].title == (*txt)[0].title);
    CHECK((*again)[0].url.empty());
  }
  const auto ok = parse_chapters_txt("0:00 Title <https://example.com/a>\r\n", "ep.chapters.txt");
  REQUIRE(ok.has_value());
  CHECK((*ok)[0].url == "https://example.com/a");
}
