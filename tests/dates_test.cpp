#include "podsmith/dates.h"

#include <catch2/catch.hpp>

using podsmith::parse_rfc3339;

TEST_CASE("dates format RFC 2822 and RFC 3339 in the timestamp's own offset") {
  struct Case {
    const char* in;
    const char* rfc2822;
    const char* rfc3339;
  };
  const Case cases[] = {
      {"2006-01-12T09:30:00-08:00", "Thu, 12 Jan 2006 09:30:00 -0800", "2006-01-12T09:30:00-08:00"},
      {"1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000", "1970-01-01T00:00:00Z"},
      {"2024-02-29T23:59:59+05:30", "Thu, 29 Feb 2024 23:59:59 +0530", "2024-02-29T23:59:59+05:30"},
      {"1969-12-31T23:00:00-01:00", "Wed, 31 Dec 1969 23:00:00 -0100", "1969-12-31T23:00:00-01:00"},
      {"2000-03-01 00:00:00.123z", "Wed, 01 Mar 2000 00:00:00 +0000", "2000-03-01T00:00:00Z"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    auto t = parse_rfc3339(c.in);
    REQUIRE(t);
    CHECK(podsmith::format_rfc2822(*t) == c.rfc2822);
    CHECK(podsmith::format_rfc3339(*t) == c.rfc3339);
  }
  CHECK(parse_rfc3339("2006-01-12T09:30:00-08:00")->unix_seconds == 1137087000);
}

TEST_CASE("parse_rfc3339 rejects dates without an offset and impossible dates") {
  for (const char* bad : {"2024-01-01", "2024-01-01T10:00:00", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
                          "2024-01-01T24:00:00Z", "2024-01-01T10:00:00+0200", "yesterday", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339(bad));
  }
}
