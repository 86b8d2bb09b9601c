#include "podsmith/serve/http_validators.h"

#include <catch2/catch.hpp>

using namespace podsmith;

TEST_CASE("content_type_for names each published kind of file") {
  const std::pair<const char*, const char*> cases[] = {
      {"media/ep1.mp3", "audio/mpeg"},
      {"media/ep2.M4A", "audio/mp4"},
      {"media/ep3.ogg", "audio/ogg"},
      {"media/ep4.opus", "audio/ogg; codecs=opus"},
      {"media/ep5.flac", "audio/flac"},
      {"media/ep6.wav", "audio/wav"},
      {"media/video.mp4", "video/mp4"},
      {"feeds/show.xml", "application/rss+xml"},
      {"feeds/show/chapters/ep1.json", "application/json"},
      {"feeds/show/transcripts/ep1.vtt", "text/vtt; charset=utf-8"},
      {"feeds/show/transcripts/ep1.srt", "application/x-subrip; charset=utf-8"},
      {"feeds/show/extra.xml", "application/xml"},
      {"site/sitemap.xml", "application/xml"},
      {"site/index.html", "text/html; charset=utf-8"},
      {"site/style.css", "text/css; charset=utf-8"},
      {"site/app.js", "text/javascript; charset=utf-8"},
      {"site/icon.svg", "image/svg+xml"},
      {"site/a.png", "image/png"},
      {"site/a.jpg", "image/jpeg"},
      {"site/a.webp", "image/webp"},
      {"site/robots.txt", "text/plain; charset=utf-8"},
      {"site/README", "application/octet-stream"},
      {"site/.hidden", "application/octet-stream"},
      {"site/x.unknown", "application/octet-stream"},
  };
  for (const auto& [path, type] : cases) {
    INFO(path);
    CHECK(content_type_for(path) == type);
  }
}

TEST_CASE("make_etag differs with size, mtime and variant, and is quoted") {
  const std::string tag = make_etag(1000, 123456789);
  CHECK(tag.front() == '"');
  CHECK(tag.back() == '"');
  CHECK(tag != make_etag(1001, 123456789));
  CHECK(tag != make_etag(1000, 123456790));
  CHECK(tag != make_etag(1000, 123456789, "r"));
  CHECK(tag == make_etag(1000, 123456789));
}

TEST_CASE("http_date and parse_http_date agree on IMF-fixdate") {
  CHECK(http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
  CHECK(http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT") == 1835481599);
  for (const int64_t t : {int64_t{0}, int64_t{951782400}, int64_t{1765152000}, int64_t{4102444799}}) {
    CHECK(parse_http_date(http_date(t)) == t);
  }
  CHECK_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));  // RFC 850: ignored
  CHECK_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994"));         // asctime: ignored
  CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  CHECK_FALSE(parse_http_date(""));
}

TEST_CASE("is_not_modified: If-None-Match decides when present, else If-Modified-Since") {
  const std::string etag = "\"abc-1\"";
  const int64_t mtime = 784111777;
  struct Case {
    const char* if_none_match;
    const char* if_modified_since;
    bool not_modified;
  } cases[] = {
      {"\"abc-1\"", "", true},
      {"W/\"abc-1\"", "", true},  // weak comparison
      {"\"x\", \"abc-1\"", "", true},
      {"*", "", true},
      {"\"abc-2\"", "", false},
      {"\"abc-2\"", "Sun, 06 Nov 1994 08:49:37 GMT", false},  // If-None-Match wins
      {"", "Sun, 06 Nov 1994 08:49:37 GMT", true},
      {"", "Sun, 06 Nov 1994 08:49:38 GMT", true},
      {"", "Sun, 06 Nov 1994 08:49:36 GMT", false},
      {"", "yesterday", false},
      {"", "", false},
  };
  for (const Case& c : cases) {
    INFO(c.if_none_match << " | " << c.if_modified_since);
    CHECK(is_not_modified(c.if_none_match, c.if_modified_since, etag, mtime) == c.not_modified);
  }
}

TEST_CASE("range_is_satisfiable is false only for a valid set that misses the file") {
  struct Case {
    const char* range;
    int64_t size;
    bool satisfiable;
  } cases[] = {
      {"bytes=0-99", 1000, true},    {"bytes=999-", 1000, true},      {"bytes=-1", 1000, true},
      {"bytes=-5000", 1000, true},   {"bytes=500-99999", 1000, true}, {"bytes=1000-", 1000, false},
      {"bytes=1000-2000", 1000, false}, {"bytes=-0", 1000, false},    {"bytes=0-", 0, false},
      {"bytes=5000-,0-1", 1000, true}, {"bytes=5000-,6000-", 1000, false},
      {"bytes=9-1", 1000, true},     // invalid: ignored
      {"items=0-1", 1000, true},     // another unit: ignored
      {"bytes=abc", 1000, true},
  };
  for (const Case& c : cases) {
    INFO(c.range << " of " << c.size);
    CHECK(range_is_satisfiable(c.range, c.size) == c.satisfiable);
  }
}
