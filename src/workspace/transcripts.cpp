#include "podsmith/workspace/transcripts.h"

#include <algorithm>
#include <cstdint>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A piece of the input for an error message: valid UTF-8, one line, short.
std::string quote(std::string_view s) {
  constexpr size_t kMaxBytes = 40;
  std::string cleaned = clean_text(s);
  std::replace_if(cleaned.begin(), cleaned.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  if (cleaned.size() <= kMaxBytes) return "'" + cleaned + "'";
  return "'" + std::string(utf8_prefix(cleaned, kMaxBytes)) + "...'";
}

// The lines of a text, with "\n" or "\r\n" ends removed, and where each starts.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}

  // The next line, or false at the end of the text.
  bool next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    *line = text_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    start_ = pos_;
    pos_ = end + 1;
    ++number_;
    return true;
  }
  int number() const { return number_; }  // of the line next() returned
  int column(size_t offset_in_line) const {
    int column = 1;
    const size_t end = std::min(start_ + offset_in_line, text_.size());
    for (size_t i = start_; i < end; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t start_ = 0;
  int number_ = 0;
};

Error error_at(const std::string& file, const Lines& lines, size_t offset_in_line, std::string message) {
  return Error{ErrorCode::kInvalidInput, std::move(message), file, lines.number(), lines.column(offset_in_line)};
}

// The offset of the first byte of `line` that does not start a valid UTF-8 sequence,
// or npos. The rules are is_valid_utf8's, applied one sequence at a time.
size_t first_invalid_utf8(std::string_view line) {
  size_t i = 0;
  while (i < line.size()) {
    const auto lead = static_cast<unsigned char>(line[i]);
    const size_t length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
    if (!is_valid_utf8(line.substr(i, length))) return i;
    i += length;
  }
  return std::string_view::npos;
}

// Reads exactly `digits` digits at line[*pos] (at least `digits` when `or_more`).
bool read_number(std::string_view line, size_t* pos, size_t digits, bool or_more, int64_t* value) {
  size_t end = *pos;
  while (end < line.size() && is_digit(line[end]) && (or_more || end - *pos < digits)) ++end;
  if (end - *pos < digits || end - *pos > 9) return false;
  *value = 0;
  for (size_t i = *pos; i < end; ++i) *value = *value * 10 + (line[i] - '0');
  *pos = end;
  return true;
}

struct TimeError {
  size_t offset;
  std::string message;
};

// An SRT time, HH:MM:SS,mmm, at line[*pos].
std::optional<TimeError> read_srt_time(std::string_view line, size_t* pos, int64_t* ms) {
  const size_t start = *pos;
  const TimeError malformed{start, "expected an SRT cue timing such as 00:00:01,500 --> 00:00:04,000, found " +
                                       quote(line)};
  int64_t hours = 0;
  int64_t minutes = 0;
  int64_t seconds = 0;
  int64_t millis = 0;
  if (!read_number(line, pos, 2, true, &hours)) return malformed;
  if (*pos >= line.size() || line[(*pos)++] != ':') return malformed;
  const size_t minutes_at = *pos;
  if (!read_number(line, pos, 2, false, &minutes)) return malformed;
  if (*pos >= line.size() || line[(*pos)++] != ':') return malformed;
  const size_t seconds_at = *pos;
  if (!read_number(line, pos, 2, false, &seconds)) return malformed;
  // SRT separates milliseconds with a comma; WebVTT's full stop is the usual slip.
  if (*pos < line.size() && line[*pos] == '.') {
    return TimeError{*pos, "SRT times separate milliseconds with a comma (00:00:01,500), found " + quote(line)};
  }
  if (*pos >= line.size() || line[(*pos)++] != ',') return malformed;
  if (!read_number(line, pos, 3, false, &millis)) return malformed;
  if (minutes >= 60) return TimeError{minutes_at, "minutes must be below 60 in " + quote(line)};
  if (seconds >= 60) return TimeError{seconds_at, "seconds must be below 60 in " + quote(line)};
  *ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  return std::nullopt;
}

std::optional<Error> check_vtt(std::string_view text, const std::string& file) {
  Lines lines(text);
  std::string_view first;
  lines.next(&first);
  // WebVTT file body: the signature "WEBVTT", then a space, a tab or the line's end.
  const bool ok = first.substr(0, 6) == "WEBVTT" && (first.size() == 6 || is_blank(first[6]));
  if (ok) return std::nullopt;
  std::string hint;
  const std::string_view content = trim(first);
  if (!content.empty() && std::all_of(content.begin(), content.end(), is_digit)) {
    hint = "; it looks like SRT (type application/x-subrip)";
  }
  return error_at(file, lines, 0, "a WebVTT transcript must start with a line \"WEBVTT\", found " + quote(first) + hint);
}

std::optional<Error> check_srt(std::string_view text, const std::string& file) {
  Lines lines(text);
  std::string_view line;
  bool more = lines.next(&line);
  while (more && trim(line).empty()) more = lines.next(&line);  // the content is not blank: a line follows
  const std::string_view number = trim(line);
  const size_t number_at = static_cast<size_t>(number.data() - line.data());
  if (number.empty() || !std::all_of(number.begin(), number.end(), is_digit)) {
    const std::string hint = number.substr(0, 6) == "WEBVTT" ? "; it looks like WebVTT (type text/vtt)" : "";
    return error_at(file, lines, number_at,
                    "an SRT transcript must start with a cue number such as 1, found " + quote(number) + hint);
  }
  if (!lines.next(&line)) {
    return Error{ErrorCode::kInvalidInput, "SRT cue " + quote(number) + " has no timing line", file,
                 lines.number() + 1, 1};
  }
  size_t pos = 0;
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  if (auto e = read_srt_time(line, &pos, &start_ms)) return error_at(file, lines, e->offset, std::move(e->message));
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  if (line.substr(pos, 3) != "-->") {
    return error_at(file, lines, pos, "expected \"-->\" between the cue's start and end, found " + quote(line));
  }
  pos += 3;
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  const size_t end_at = pos;
  if (auto e = read_srt_time(line, &pos, &end_ms)) return error_at(file, lines, e->offset, std::move(e->message));
  if (pos < line.size() && !is_blank(line[pos])) {
    return error_at(file, lines, pos, "unexpected text after the cue's end time in " + quote(line));
  }
  if (end_ms < start_ms) return error_at(file, lines, end_at, "the cue ends before it starts in " + quote(line));
  return std::nullopt;
}

std::optional<Error> check_json(std::string_view text, const std::string& file) {
  Lines lines(text);
  std::string_view line;
  while (lines.next(&line)) {
    const std::string_view content = trim(line);
    if (content.empty()) continue;
    if (content.front() == '{') return std::nullopt;
    return error_at(file, lines, static_cast<size_t>(content.data() - line.data()),
                    "a JSON transcript must be an object starting with '{', found " + quote(content));
  }
  return std::nullopt;  // blank: reported before the type's check
}

}  // namespace

std::string transcript_type_for(std::string_view file_name) {
  file_name = file_name.substr(0, file_name.find_first_of("?#"));
  const size_t slash = file_name.find_last_of("/\\");
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  const std::string extension = lowercase(file_name.substr(dot + 1));
  // podcast:transcript's type: "text/plain, text/html, text/vtt, application/json,
  // application/x-subrip" (Podcasting 2.0 transcript tag).
  if (extension == "vtt") return "text/vtt";
  if (extension == "srt") return "application/x-subrip";
  if (extension == "json") return "application/json";
  if (extension == "html" || extension == "htm") return "text/html";
  if (extension == "txt") return "text/plain";
  return {};
}

std::optional<Error> check_transcript(std::string_view content, std::string_view type, const std::string& file) {
  if (content.substr(0, kBom.size()) == kBom) content.remove_prefix(kBom.size());
  if (trim(content).empty()) {
    return Error{ErrorCode::kEmpty, content.empty() ? "transcript is empty" : "transcript is blank", file, 0, 0};
  }
  Lines lines(content);
  std::string_view line;
  while (lines.next(&line)) {
    if (const size_t bad = first_invalid_utf8(line); bad != std::string_view::npos) {
      return error_at(file, lines, bad, "transcript is not valid UTF-8");
    }
  }

  const std::string media_type = lowercase(trim(type.substr(0, type.find(';'))));
  if (media_type == "text/vtt") return check_vtt(content, file);
  // The spec's type is application/x-subrip; application/srt and text/srt are seen in feeds.
  if (media_type == "application/x-subrip" || media_type == "application/srt" || media_type == "text/srt") {
    return check_srt(content, file);
  }
  if (media_type == "application/json") return check_json(content, file);
  return std::nullopt;
}

}  // namespace podsmith
