#include "podsmith/base/dates.h"

#include <algorithm>
#include <cstdio>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at s[*i].
bool digits(std::string_view s, size_t* i, size_t n, int* out) {
  if (*i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[*i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

bool expect(std::string_view s, size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (upper(a[k]) != upper(b[k])) return false;
  return true;
}

// A loose reader over an RSS date: whitespace is skipped between fields.
class DateCursor {
 public:
  explicit DateCursor(std::string_view s) : s_(s) {}
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void skip_space() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  std::string_view word() {
    const size_t start = i_;
    while (!at_end() && is_alpha(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  // Digits, at least `min` and at most `max` of them (more is a failure). *count gets how many.
  bool number(size_t min, size_t max, int* out, size_t* count = nullptr) {
    size_t n = 0;
    int v = 0;
    while (!at_end() && is_digit(s_[i_])) {
      if (++n > max) return false;
      v = v * 10 + (s_[i_++] - '0');
    }
    if (n < min) return false;
    *out = v;
    if (count) *count = n;
    return true;
  }
  // Whether the digits here are followed by ':' (a time rather than a year).
  bool digits_then_colon() const {
    size_t k = i_;
    while (k < s_.size() && is_digit(s_[k])) ++k;
    return k > i_ && k < s_.size() && s_[k] == ':';
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// 1-12 for an English month name, full or abbreviated (three letters or more,
// "Sept" too), or a German one that differs ("Mär", "Mai", "Okt", "Dez"); else 0.
int month_number(std::string_view w) {
  static const char* const kNames[] = {"january", "february", "march",     "april",   "may",      "june",
                                       "july",    "august",   "september", "october", "november", "december"};
  if (w.size() >= 3) {
    for (int m = 0; m < 12; ++m) {
      const std::string_view name = kNames[m];
      if (w.size() <= name.size() && iequals(w, name.substr(0, w.size()))) return m + 1;
    }
    if (iequals(w, "sept")) return 9;
    if (iequals(w, "okt")) return 10;
    if (iequals(w, "dez")) return 12;
    if (iequals(w, "mai")) return 5;
    if (iequals(w, "mrz")) return 3;
  }
  return 0;
}

// Offsets of the zone names feeds use, in minutes east of UTC.
bool zone_offset(std::string_view name, int* minutes) {
  struct Zone {
    const char* name;
    int minutes;
  };
  static const Zone kZones[] = {
      {"GMT", 0},     {"UT", 0},      {"UTC", 0},     {"Z", 0},       {"EST", -300}, {"EDT", -240},
      {"CST", -360},  {"CDT", -300},  {"MST", -420},  {"MDT", -360},  {"PST", -480}, {"PDT", -420},
      {"AKST", -540}, {"AKDT", -480}, {"HST", -600},  {"CET", 60},    {"CEST", 120}, {"EET", 120},
      {"EEST", 180},  {"BST", 60},    {"WET", 0},     {"WEST", 60},   {"IST", 330},  {"JST", 540},
      {"AEST", 600},  {"AEDT", 660},  {"MEZ", 60},    {"MESZ", 120},
  };
  for (const Zone& z : kZones)
    if (iequals(name, z.name)) return *minutes = z.minutes, true;
  // RFC 822's military zones had their signs reversed; RFC 2822 4.3 says to read them as -0000.
  if (name.size() == 1 && is_alpha(name[0]) && upper(name[0]) != 'J') return *minutes = 0, true;
  return false;
}

// "+0800", "+08:00", "+08", "-5".
bool numeric_offset(DateCursor* c, int* minutes) {
  const int sign = c->peek() == '-' ? -1 : 1;
  if (!c->eat('+') && !c->eat('-')) return false;
  int v = 0;
  size_t n = 0;
  if (!c->number(1, 4, &v, &n)) return false;
  int h = 0, m = 0;
  if (n == 4 || n == 3) {
    h = v / 100, m = v % 100;
  } else {
    h = v;
    if (c->eat(':') && !c->number(2, 2, &m)) return false;
  }
  if (h > 23 || m > 59) return false;
  *minutes = sign * (h * 60 + m);
  return true;
}

// A zone, or nothing (+0000).
bool zone(DateCursor* c, int* minutes) {
  *minutes = 0;
  c->skip_space();
  if (c->at_end() || c->peek() == '(' || is_digit(c->peek())) return true;  // a year may follow (asctime)
  if (c->peek() == '+' || c->peek() == '-') return numeric_offset(c, minutes);
  const std::string_view name = c->word();
  if (name.empty() || !zone_offset(name, minutes)) return false;
  if ((iequals(name, "GMT") || iequals(name, "UTC") || iequals(name, "UT")) && (c->peek() == '+' || c->peek() == '-'))
    return numeric_offset(c, minutes);
  return true;
}

// "09:30", "9:30:00", "09:30:00.250", optionally followed by AM or PM.
bool clock(DateCursor* c, int* h, int* m, int* s) {
  *s = 0;
  if (!c->number(1, 2, h) || !c->eat(':') || !c->number(2, 2, m)) return false;
  if (c->eat(':')) {
    if (!c->number(2, 2, s)) return false;
    if (c->eat('.') || c->eat(',')) {
      int frac = 0;
      if (!c->number(1, 9, &frac)) return false;
    }
  }
  c->skip_space();
  DateCursor probe = *c;
  const std::string_view w = probe.word();
  if (iequals(w, "AM") || iequals(w, "PM")) {
    if (*h < 1 || *h > 12) return false;
    *h = *h % 12 + (iequals(w, "PM") ? 12 : 0);
    *c = probe;
  }
  return true;
}

// Whatever may end a date: a comment "(PST)" and whitespace.
bool end_of_date(DateCursor* c) {
  c->skip_space();
  if (c->eat('(')) {
    while (!c->at_end() && c->peek() != ')') c->eat(c->peek());
    if (!c->eat(')')) return false;
    c->skip_space();
  }
  return c->at_end();
}

std::optional<Timestamp> make_timestamp(int64_t year, int month, int day, int h, int m, int s, int offset) {
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || h > 23 || m > 59 || s > 60)
    return std::nullopt;
  Timestamp t;
  t.offset_minutes = offset;
  t.unix_seconds =
      days_from_civil(year, month, day) * 86400 + h * 3600 + m * 60 + std::min(s, 59) - int64_t{offset} * 60;
  return t;
}

// ISO 8601 as hosts put it in pubDate: the time and the offset are optional.
std::optional<Timestamp> parse_iso_loosely(std::string_view s) {
  DateCursor c(s);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, offset = 0;
  if (!c.number(4, 4, &y) || !c.eat('-') || !c.number(1, 2, &mo) || !c.eat('-') || !c.number(1, 2, &d))
    return std::nullopt;
  if (c.eat('T') || c.eat('t') || c.peek() == ' ') {
    c.skip_space();
    if (!c.at_end() && !clock(&c, &h, &mi, &se)) return std::nullopt;
  }
  if (c.eat('Z') || c.eat('z')) {
    offset = 0;
  } else if (!zone(&c, &offset)) {
    return std::nullopt;
  }
  if (!end_of_date(&c)) return std::nullopt;
  return make_timestamp(y, mo, d, h, mi, se, offset);
}

int64_t full_year(int year, size_t digits) {
  if (digits == 2) return year < 50 ? 2000 + year : 1900 + year;
  if (digits == 3) return 1900 + year;
  return year;
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const auto mu = static_cast<unsigned>(m), du = static_cast<unsigned>(d);
  const unsigned doy = (153 * (mu > 2 ? mu - 3 : mu + 9) + 2) / 5 + du - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilTime to_civil(const Timestamp& t) {
  const int64_t local = t.unix_seconds + int64_t{t.offset_minutes} * 60;
  int64_t days = local / 86400;
  int64_t secs = local % 86400;
  if (secs < 0) secs += 86400, --days;
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  return c;
}

std::string format_rfc3339(const Timestamp& t) {
  const CivilTime c = to_civil(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(c.year), c.month, c.day,
                c.hour, c.minute, c.second);
  std::string out = buf;
  if (t.offset_minutes == 0) return out + "Z";
  const int off = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return out + buf;
}

std::string format_rfc2822(const Timestamp& t) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime c = to_civil(t);
  const int off = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04lld %02d:%02d:%02d %c%02d%02d", kDays[c.weekday], c.day,
                kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second,
                t.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::optional<Timestamp> parse_rfc3339(std::string_view s) {
  size_t i = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, &i, 4, &y) || !expect(s, &i, '-') || !digits(s, &i, 2, &mo) || !expect(s, &i, '-') ||
      !digits(s, &i, 2, &d))
    return std::nullopt;
  if (i >= s.size() || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return std::nullopt;
  ++i;
  if (!digits(s, &i, 2, &h) || !expect(s, &i, ':') || !digits(s, &i, 2, &mi) || !expect(s, &i, ':') ||
      !digits(s, &i, 2, &se))
    return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  int offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh = 0, om = 0;
    if (!digits(s, &i, 2, &oh) || !expect(s, &i, ':') || !digits(s, &i, 2, &om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60) return std::nullopt;
  Timestamp t;
  t.offset_minutes = offset;
  t.unix_seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + std::min(se, 59) - int64_t{offset} * 60;
  return t;
}

std::optional<Timestamp> parse_rfc822(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.size() >= 8 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-')
    return parse_iso_loosely(s);
  DateCursor c(s);
  int day = 0, month = 0, year = 0, h = 0, mi = 0, se = 0, offset = 0;
  size_t year_digits = 0;
  std::string_view w = c.word();
  if (!w.empty() && month_number(w) == 0) {  // a day name, right or wrong: ignored
    c.eat('.');
    c.skip_space();
    c.eat(',');
    c.skip_space();
    w = c.word();
  }
  if (!w.empty()) {
    // Month first: "Jan 12, 2006 09:30:00 GMT" or asctime's "Jan 12 09:30:00 [PST] 2006".
    month = month_number(w);
    if (month == 0) return std::nullopt;
    c.eat('.');
    c.skip_space();
    if (!c.number(1, 2, &day)) return std::nullopt;
    c.skip_space();
    c.eat(',');
    c.skip_space();
    if (c.digits_then_colon()) {
      if (!clock(&c, &h, &mi, &se) || !zone(&c, &offset)) return std::nullopt;
      c.skip_space();
      if (!c.number(4, 4, &year, &year_digits)) return std::nullopt;
    } else {
      if (!c.number(2, 4, &year, &year_digits)) return std::nullopt;
      c.skip_space();
      if (c.digits_then_colon() && !clock(&c, &h, &mi, &se)) return std::nullopt;
      if (!zone(&c, &offset)) return std::nullopt;
    }
  } else {
    // Day first, as RFC 822 has it: "12 Jan 2006 09:30:00 -0800", "12-Jan-06 09:30".
    c.skip_space();
    if (!c.number(1, 2, &day)) return std::nullopt;
    c.skip_space();
    if (!c.eat('-')) c.eat('/');
    c.skip_space();
    month = month_number(c.word());
    if (month == 0) return std::nullopt;
    c.eat('.');
    c.skip_space();
    if (!c.eat('-')) c.eat('/');
    c.eat(',');
    c.skip_space();
    if (!c.number(2, 4, &year, &year_digits)) return std::nullopt;
    c.skip_space();
    c.eat(',');
    c.skip_space();
    if (c.digits_then_colon() && !clock(&c, &h, &mi, &se)) return std::nullopt;
    if (!zone(&c, &offset)) return std::nullopt;
  }
  if (!end_of_date(&c)) return std::nullopt;
  return make_timestamp(full_year(year, year_digits), month, day, h, mi, se, offset);
}

}  // namespace podsmith
