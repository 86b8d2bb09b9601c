// libFuzzer target for dates (src/base/dates.*): the input is a date as a
// sidecar writes it (RFC 3339) and as a feed's pubDate does (RFC 822/2822 and its
// variants). Whatever the bytes, nothing crashes or trips a sanitizer (the
// calendar arithmetic on a huge year or offset included), and a date that parses
// is a real one that formats and reads back to the same instant and offset.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "podsmith/base/dates.h"

using namespace podsmith;

namespace {

void check(const Timestamp& t) {
  const CivilTime c = to_civil(t);
  FUZZ_REQUIRE(c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31);
  FUZZ_REQUIRE(c.hour >= 0 && c.hour < 24 && c.minute >= 0 && c.minute < 60 && c.second >= 0 && c.second < 61);
  FUZZ_REQUIRE(c.weekday >= 0 && c.weekday <= 6);
  FUZZ_REQUIRE(days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second ==
          t.unix_seconds + t.offset_minutes * 60);
  for (const auto& again : {parse_rfc3339(format_rfc3339(t)), parse_rfc822(format_rfc2822(t))}) {
    FUZZ_REQUIRE(again.has_value());
    FUZZ_REQUIRE(again->unix_seconds == t.unix_seconds && again->offset_minutes == t.offset_minutes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  if (const auto t = parse_rfc3339(bytes)) check(*t);
  if (const auto t = parse_rfc822(bytes)) check(*t);
  return 0;
}
