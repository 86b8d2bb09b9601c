/// Calendar arithmetic and the date formats feeds and sidecars use: RFC 3339
/// (front matter, JSON) and RFC 2822 (RSS pubDate, written strictly, read as
/// loosely as real feeds write it). Proleptic Gregorian, no
/// time zone database, no clock: a Timestamp carries its own UTC offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "podsmith/base/model.h"

namespace podsmith {

/// A timestamp's wall-clock fields in its own offset.
struct CivilTime {
  int64_t year = 1970;
  int month = 1;     // 1-12
  int day = 1;       // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int weekday = 4;   // 0 Sunday ... 6 Saturday
};

/// Days since 1970-01-01 of a date (month 1-12, day 1-31; not range-checked).
int64_t days_from_civil(int64_t year, int month, int day);

CivilTime to_civil(const Timestamp& t);

/// "2006-01-12T09:30:00-08:00" ("Z" for offset 0).
std::string format_rfc3339(const Timestamp& t);

/// "Thu, 12 Jan 2006 09:30:00 -0800".
std::string format_rfc2822(const Timestamp& t);

/// Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" ('t', ' ' also accepted for
/// 'T'; fractions dropped). nullopt for anything else, including a missing offset
/// or an impossible date such as February 30.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

/// Parses an RSS date as feeds really write it: RFC 822/2822
/// ("Thu, 12 Jan 2006 09:30:00 -0800") and its variants: the day name missing,
/// abbreviated, spelled out or wrong (it is ignored); "12-Jan-2006"; month names in
/// any case, full or abbreviated ("Sept"); two-digit years (00-49 are 20xx, 50-99
/// 19xx, as RFC 2822 4.3 says) and three-digit ones (+1900); seconds or the whole
/// time missing (00:00:00); fractions of a second (dropped); the zone as "+0000",
/// "+00:00", "+00", a name (GMT UT UTC Z, the US zones EST EDT CST CDT MST MDT PST
/// PDT, and AKST AKDT HST CET CEST EET EEST BST WET WEST IST JST AEST AEDT), a
/// military letter (read as +0000, as RFC 2822 advises), "GMT+0100", or missing
/// (+0000); a trailing comment such as "(PST)"; extra whitespace; the asctime order
/// "Thu Jan 12 09:30:00 2006"; and ISO 8601 ("2006-01-12T09:30:00-08:00",
/// "2006-01-12 09:30", "2006-01-12"), which some hosts put in pubDate. The
/// Timestamp keeps the offset the date was written with. nullopt for anything
/// else, including an impossible date (February 30, 25:00).
std::optional<Timestamp> parse_rfc822(std::string_view text);

}  // namespace podsmith
