#include "podsmith/serve/http_validators.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <map>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < 0) return std::nullopt;
  return value;
}

// "W/\"x\"" and "\"x\"" compare equal (the weak comparison of RFC 9110 8.8.3.2).
std::string_view opaque_tag(std::string_view tag) {
  tag = trim(tag);
  if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
  return tag;
}

}  // namespace

std::string content_type_for(std::string_view relative_path) {
  static const std::map<std::string, std::string> kTypes = {
      {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},
      {"m4b", "audio/mp4"},
      {"aac", "audio/aac"},
      {"mp4", "video/mp4"},
      {"m4v", "video/mp4"},
      {"mov", "video/quicktime"},
      {"ogg", "audio/ogg"},
      {"oga", "audio/ogg"},
      {"opus", "audio/ogg; codecs=opus"},  // Ogg Opus (RFC 7845 9: audio/ogg)
      {"flac", "audio/flac"},
      {"wav", "audio/wav"},
      {"aif", "audio/aiff"},
      {"aiff", "audio/aiff"},
      {"json", "application/json"},
      {"vtt", "text/vtt; charset=utf-8"},
      {"srt", "application/x-subrip; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"webp", "image/webp"},
      {"gif", "image/gif"},
      {"ico", "image/vnd.microsoft.icon"},
      {"txt", "text/plain; charset=utf-8"},
      {"rss", "application/rss+xml"},
      {"xml", "application/xml"},
      {"webmanifest", "application/manifest+json"},
  };
  const size_t slash = relative_path.rfind('/');
  const std::string_view name = relative_path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
  const std::string ext = lower(name.substr(dot + 1));
  // A feed: feeds/<name>.xml, exactly one folder down.
  if (ext == "xml" && relative_path.rfind("feeds/", 0) == 0 && slash == 5) return "application/rss+xml";
  const auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string make_etag(int64_t size_bytes, int64_t mtime_ns, std::string_view variant) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%llx-%llx", static_cast<unsigned long long>(size_bytes),
                static_cast<unsigned long long>(mtime_ns));
  std::string tag = "\"" + std::string(buffer);
  if (!variant.empty()) tag += "-" + std::string(variant);
  return tag + "\"";
}

std::string http_date(int64_t unix_s) {
  const time_t t = static_cast<time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[static_cast<size_t>(tm.tm_wday)],
                tm.tm_mday, kMonths[static_cast<size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buffer;
}

std::optional<int64_t> parse_http_date(std::string_view text) {
  text = trim(text);
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters, fixed positions.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
      text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  const auto day = parse_number(text.substr(5, 2));
  const auto year = parse_number(text.substr(12, 4));
  const auto hour = parse_number(text.substr(17, 2));
  const auto minute = parse_number(text.substr(20, 2));
  const auto second = parse_number(text.substr(23, 2));
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  if (!day || !year || !hour || !minute || !second || month == kMonths.end() || *day < 1 || *day > 31 ||
      *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const auto m = static_cast<unsigned>(month - kMonths.begin() + 1);
  return days_from_civil(*year, m, static_cast<unsigned>(*day)) * 86400 + *hour * 3600 + *minute * 60 + *second;
}

bool is_not_modified(std::string_view if_none_match, std::string_view if_modified_since, std::string_view etag,
                     int64_t mtime_s) {
  if (!trim(if_none_match).empty()) {
    std::string_view list = if_none_match;
    while (!list.empty()) {
      const size_t comma = list.find(',');
      const std::string_view tag = opaque_tag(list.substr(0, comma));
      if (tag == "*" || (!tag.empty() && tag == opaque_tag(etag))) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    return false;
  }
  const auto since = parse_http_date(if_modified_since);
  return since && mtime_s <= *since;
}

bool range_is_satisfiable(std::string_view range_header, int64_t size_bytes) {
  std::string_view spec = trim(range_header);
  if (lower(spec.substr(0, 6)) != "bytes=") return true;
  spec.remove_prefix(6);
  bool any = false;
  while (true) {
    const size_t comma = spec.find(',');
    const std::string_view one = trim(spec.substr(0, comma));
    if (!one.empty()) {
      const size_t dash = one.find('-');
      if (dash == std::string_view::npos) return true;  // not a byte range: ignore the header
      const std::string_view first = trim(one.substr(0, dash));
      const std::string_view last = trim(one.substr(dash + 1));
      if (first.empty()) {  // a suffix: the last N bytes
        const auto n = parse_number(last);
        if (!n) return true;
        any = any || (*n > 0 && size_bytes > 0);
      } else {
        const auto from = parse_number(first);
        const auto to = last.empty() ? std::optional<int64_t>(INT64_MAX) : parse_number(last);
        if (!from || !to || *to < *from) return true;
        any = any || *from < size_bytes;
      }
    }
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return any;
}

}  // namespace podsmith
