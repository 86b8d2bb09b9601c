#include "podsmith/workspace/chapters.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Far beyond any episode, and small enough that seconds * 1000 is exact in a double
// and fits in int64_t.
constexpr double kMaxSeconds = 1e12;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

// 1-based column of byte `offset` in `line`, counting UTF-8 characters: a
// continuation byte does not start a new column.
int column_of(std::string_view line, size_t offset) {
  offset = std::min(offset, line.size());
  int column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

// A piece of the input for an error message: valid UTF-8, no control characters,
// short enough for one line.
std::string quote(std::string_view s) {
  constexpr size_t kMaxBytes = 40;
  std::string cleaned = clean_text(s);
  for (char& c : cleaned) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  if (cleaned.size() <= kMaxBytes) return "'" + cleaned + "'";
  return "'" + std::string(utf8_prefix(cleaned, kMaxBytes)) + "...'";
}

// ---------------------------------------------------------------- chapters.txt

struct LineError {
  size_t offset;  // byte offset in the line
  std::string message;
};

// Parses the time token of a chapters.txt line (H:MM:SS, MM:SS, each with an
// optional .d to .ddd). `base` is the token's offset in its line, for errors.
std::optional<LineError> parse_time(std::string_view token, size_t base, int64_t* ms) {
  const std::string shown = quote(token);
  const auto not_a_time = [&](size_t at) {
    return LineError{base + at, "expected a time such as 00:12:30, 12:30 or 1:02:03.500 at the start of the line, found " +
                                    shown};
  };
  std::string_view fields[3];
  size_t starts[3] = {0, 0, 0};
  size_t count = 0;
  size_t start = 0;
  for (size_t i = 0; i <= token.size(); ++i) {
    if (i < token.size() && token[i] != ':') continue;
    if (count == 3) return not_a_time(0);
    starts[count] = start;
    fields[count++] = token.substr(start, i - start);
    start = i + 1;
  }
  if (count < 2) return not_a_time(0);

  // The last field is SS or SS.fff.
  std::string_view seconds_field = fields[count - 1];
  std::string_view fraction;
  bool has_point = false;
  if (const size_t point = seconds_field.find('.'); point != std::string_view::npos) {
    fraction = seconds_field.substr(point + 1);
    seconds_field = seconds_field.substr(0, point);
    has_point = true;
  }
  const auto check_digits = [&](std::string_view field, size_t field_start, size_t min_digits,
                                size_t max_digits) -> std::optional<LineError> {
    for (size_t i = 0; i < field.size(); ++i) {
      if (!is_digit(field[i])) return not_a_time(field_start + i);
    }
    if (field.size() < min_digits || field.size() > max_digits) return not_a_time(field_start);
    return std::nullopt;
  };
  const auto value_of = [](std::string_view field) {
    int64_t v = 0;
    for (const char c : field) v = v * 10 + (c - '0');
    return v;
  };

  int64_t hours = 0;
  size_t minutes_index = 0;
  if (count == 3) {
    if (auto e = check_digits(fields[0], starts[0], 1, 3)) return e;
    if (auto e = check_digits(fields[1], starts[1], 2, 2)) return e;
    hours = value_of(fields[0]);
    minutes_index = 1;
  } else if (auto e = check_digits(fields[0], starts[0], 1, 2)) {
    return e;
  }
  const size_t seconds_start = starts[count - 1];
  if (auto e = check_digits(seconds_field, seconds_start, 2, 2)) return e;
  const size_t fraction_start = seconds_start + seconds_field.size() + 1;
  for (size_t i = 0; i < fraction.size(); ++i) {
    if (!is_digit(fraction[i])) return not_a_time(fraction_start + i);
  }
  if (has_point && fraction.empty()) return not_a_time(fraction_start - 1);
  if (fraction.size() > 3) {
    return LineError{base + fraction_start, "at most three decimals (milliseconds) in " + shown};
  }

  const int64_t minutes = value_of(fields[minutes_index]);
  const int64_t seconds = value_of(seconds_field);
  if (minutes >= 60) {
    return LineError{base + starts[minutes_index],
                     "minutes must be below 60 in " + shown + " (an hour and a minute is 1:01:00)"};
  }
  if (seconds >= 60) {
    return LineError{base + seconds_start, "seconds must be below 60 in " + shown};
  }
  int64_t millis = 0;
  for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  *ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  return std::nullopt;
}

bool is_http_url(std::string_view s) {
  const auto starts_with_nocase = [&](std::string_view prefix) {
    if (s.size() <= prefix.size()) return false;  // something must follow the scheme
    for (size_t i = 0; i < prefix.size(); ++i) {
      const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
      if (c != prefix[i]) return false;
    }
    return true;
  };
  return starts_with_nocase("http://") || starts_with_nocase("https://");
}

struct ParsedLine {
  Chapter chapter;
  std::string_view time;  // as written, for messages
};

// One non-blank, non-comment line. `line` has no line end.
std::optional<LineError> parse_txt_line(std::string_view line, ParsedLine* out) {
  size_t pos = 0;
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  const size_t time_start = pos;
  while (pos < line.size() && !is_blank(line[pos])) ++pos;
  out->time = line.substr(time_start, pos - time_start);
  if (auto e = parse_time(out->time, time_start, &out->chapter.start_ms)) return e;

  size_t end = line.size();
  while (end > pos && is_blank(line[end - 1])) --end;
  std::string_view rest = line.substr(pos, end - pos);  // blanks, the title, maybe <url>
  const size_t rest_start = pos;

  // A trailing "<...>" with no blanks inside, after a blank, is the chapter's link.
  if (rest.size() > 2 && rest.back() == '>') {
    const size_t open = rest.rfind('<');
    const std::string_view inside =
        open == std::string_view::npos ? std::string_view{} : rest.substr(open + 1, rest.size() - open - 2);
    // No blank, CR or other control character inside: a URL has none, and one kept
    // there would not survive the JSON chapters, whose reader trims them.
    const auto not_in_url = [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; };
    const bool linkish = open != std::string_view::npos && open > 0 && is_blank(rest[open - 1]) &&
                         !inside.empty() && std::none_of(inside.begin(), inside.end(), not_in_url);
    if (linkish) {
      if (!is_http_url(inside)) {
        return LineError{rest_start + open + 1, "a chapter link must be an http:// or https:// URL, found " +
                                                    quote(inside)};
      }
      out->chapter.url = clean_text(inside);
      rest = rest.substr(0, open);
    }
  }
  out->chapter.title = std::string(trim(clean_text(rest)));
  if (out->chapter.title.empty()) {
    return LineError{time_start + out->time.size(), "missing title after the time " + quote(out->time)};
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- JSON chapters

Error json_error(const std::string& file, std::string message, int line = 0, int column = 0) {
  return Error{ErrorCode::kInvalidInput, std::move(message), file, line, column};
}

// The part of nlohmann's what() after "parse error at line L, column C: ", or
// after the "[json.exception.out_of_range.406] " of its other exceptions.
std::string parse_error_reason(const nlohmann::json::exception& e) {
  const std::string_view what = e.what();
  size_t at = what.find("parse error");
  if (at != std::string_view::npos) at = what.find(": ", at);
  std::string_view reason = at == std::string_view::npos ? what : what.substr(at + 2);
  if (reason.substr(0, 1) == "[" && reason.find("] ") != std::string_view::npos)
    reason.remove_prefix(reason.find("] ") + 2);
  constexpr size_t kMaxBytes = 160;
  std::string cleaned = clean_text(reason);
  for (char& c : cleaned) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  if (cleaned.size() > kMaxBytes) cleaned = std::string(utf8_prefix(cleaned, kMaxBytes)) + "...";
  return cleaned;
}

// Reads a string member: absent and null give "", anything but a string an error.
std::optional<Error> string_member(const nlohmann::json& object, const char* key, const std::string& path,
                                   const std::string& file, std::string* out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return json_error(file, path + "." + key + " is not a string");
  *out = std::string(trim(clean_text(it->get_ref<const std::string&>())));
  return std::nullopt;
}

// Reads a time in seconds as milliseconds. Absent and null leave *ms unset.
std::optional<Error> seconds_member(const nlohmann::json& object, const char* key, const std::string& path,
                                    const std::string& file, std::optional<int64_t>* ms) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) return json_error(file, path + "." + key + " is not a number of seconds");
  const double seconds = it->get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxSeconds) {
    return json_error(file, path + "." + key + " is out of range (" + it->dump() + ")");
  }
  *ms = std::llround(seconds * 1000.0);
  return std::nullopt;
}

// JSON strings for write_chapters_json: escaped by nlohmann, invalid UTF-8 replaced.
std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<std::vector<Chapter>> parse_chapters_txt(std::string_view text, const std::string& file) {
  const bool had_bom = text.substr(0, kBom.size()) == kBom;
  if (had_bom) text.remove_prefix(kBom.size());

  std::vector<Chapter> chapters;
  std::string_view previous_time;
  int previous_line = 0;
  int line_number = 0;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;

    ParsedLine parsed;
    if (auto e = parse_txt_line(line, &parsed)) {
      return Error{ErrorCode::kInvalidInput, std::move(e->message), file, line_number, column_of(line, e->offset)};
    }
    if (!chapters.empty() && parsed.chapter.start_ms <= chapters.back().start_ms) {
      const size_t time_offset = static_cast<size_t>(parsed.time.data() - line.data());
      return Error{ErrorCode::kInvalidInput,
                   "chapter time " + quote(parsed.time) + " is not after the previous chapter's " +
                       quote(previous_time) + " (line " + std::to_string(previous_line) +
                       "); chapters must be in increasing order",
                   file, line_number, column_of(line, time_offset)};
    }
    if (!chapters.empty()) chapters.back().end_ms = parsed.chapter.start_ms;
    previous_time = parsed.time;
    previous_line = line_number;
    chapters.push_back(std::move(parsed.chapter));
  }
  return chapters;
}

Result<std::vector<Chapter>> parse_chapters_json(std::string_view json, const std::string& file) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based index of the byte the parser stopped at (size + 1 at the end).
    const size_t offset = std::min(e.byte > 0 ? e.byte - 1 : 0, json.size());
    size_t first = 0;  // where the offending line starts
    if (const size_t newline = offset == 0 ? std::string_view::npos : json.rfind('\n', offset - 1);
        newline != std::string_view::npos) {
      first = newline + 1;
    }
    const std::string_view before = json.substr(0, first);
    const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n') + 1);
    std::string_view line_text = json.substr(first);
    size_t column_offset = offset - first;
    if (first == 0 && line_text.substr(0, kBom.size()) == kBom && column_offset >= kBom.size()) {
      line_text.remove_prefix(kBom.size());  // editors do not show the BOM as a column
      column_offset -= kBom.size();
    }
    return json_error(file, "not valid JSON: " + parse_error_reason(e), line, column_of(line_text, column_offset));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double ("5e577"): nlohmann says which, not where.
    return json_error(file, "not valid JSON: " + parse_error_reason(e));
  }

  if (!doc.is_object()) return json_error(file, "not a JSON chapters file: the top level is not an object");
  const auto list = doc.find("chapters");
  if (list == doc.end() || !list->is_array()) {
    return json_error(file, "not a JSON chapters file: there is no \"chapters\" array");
  }

  std::vector<Chapter> chapters;
  std::vector<bool> end_given;
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& item = (*list)[i];
    const std::string path = "chapters[" + std::to_string(i) + "]";
    if (!item.is_object()) return json_error(file, path + " is not an object");

    // JSON chapters 1.2: "toc": false marks a silent chapter, not shown in the table of contents.
    if (const auto toc = item.find("toc"); toc != item.end() && !toc->is_null()) {
      if (!toc->is_boolean()) return json_error(file, path + ".toc is not true or false");
      if (!toc->get<bool>()) continue;
    }
    std::optional<int64_t> start_ms;
    std::optional<int64_t> end_ms;
    if (auto e = seconds_member(item, "startTime", path, file, &start_ms)) return *e;
    if (!start_ms) return json_error(file, path + " has no startTime (required by JSON chapters 1.2)");
    if (auto e = seconds_member(item, "endTime", path, file, &end_ms)) return *e;

    Chapter chapter;
    chapter.start_ms = *start_ms;
    if (auto e = string_member(item, "title", path, file, &chapter.title)) return *e;
    if (auto e = string_member(item, "url", path, file, &chapter.url)) return *e;
    if (auto e = string_member(item, "img", path, file, &chapter.image_url)) return *e;
    // A sloppy endTime at or before the start says nothing; fall back to the next start.
    const bool has_end = end_ms && *end_ms > *start_ms;
    if (has_end) chapter.end_ms = *end_ms;
    chapters.push_back(std::move(chapter));
    end_given.push_back(has_end);
  }

  // JSON chapters 1.2: "Chapter order is assumed to be in ascending order based on the startTime".
  std::vector<size_t> order(chapters.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return chapters[a].start_ms < chapters[b].start_ms; });
  std::vector<Chapter> sorted;
  sorted.reserve(chapters.size());
  for (size_t k = 0; k < order.size(); ++k) {
    Chapter& chapter = chapters[order[k]];
    if (!end_given[order[k]]) {
      const bool has_next = k + 1 < order.size() && chapters[order[k + 1]].start_ms > chapter.start_ms;
      chapter.end_ms = has_next ? chapters[order[k + 1]].start_ms : 0;
    }
    sorted.push_back(std::move(chapter));
  }
  return sorted;
}

std::string write_chapters_json(const std::vector<Chapter>& chapters) {
  std::string out = "{\n  \"version\": " + json_string(std::string(kJsonChaptersVersion)) + ",\n  \"chapters\": [";
  for (size_t i = 0; i < chapters.size(); ++i) {
    const Chapter& c = chapters[i];
    out += i == 0 ? "\n" : ",\n";
    out += "    {\n      \"startTime\": " + format_seconds(c.start_ms);
    if (c.end_ms > c.start_ms) out += ",\n      \"endTime\": " + format_seconds(c.end_ms);
    out += ",\n      \"title\": " + json_string(c.title);
    if (!c.image_url.empty()) out += ",\n      \"img\": " + json_string(c.image_url);
    if (!c.url.empty()) out += ",\n      \"url\": " + json_string(c.url);
    out += "\n    }";
  }
  out += chapters.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

std::string format_seconds(int64_t ms) {
  // Integer arithmetic, not a double and printf: exact, and the same in every locale.
  const uint64_t magnitude = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  std::string out = ms < 0 ? "-" : "";
  out += std::to_string(magnitude / 1000);
  const uint64_t fraction = magnitude % 1000;
  if (fraction != 0) {
    std::string digits = {static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                          static_cast<char>('0' + fraction % 10)};
    while (digits.back() == '0') digits.pop_back();
    out += '.' + digits;
  }
  return out;
}

}  // namespace podsmith
