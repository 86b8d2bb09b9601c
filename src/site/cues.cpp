#include "podsmith/site/cues.h"

#include <algorithm>
#include <cctype>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

std::string lower_type(std::string_view type) {
  std::string t(trim(type.substr(0, type.find(';'))));
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t;
}

bool is_srt(const std::string& t) { return t == "application/x-subrip" || t == "application/srt" || t == "text/srt"; }

// "HH:MM:SS.mmm", "MM:SS.mmm" (WebVTT) or "HH:MM:SS,mmm" (SRT); the fraction may
// have 1 to 3 digits. -1 when it is none of these.
int64_t parse_timestamp(std::string_view s) {
  s = trim(s);
  int64_t parts[3] = {0, 0, 0};
  int count = 0;
  size_t i = 0;
  while (true) {
    if (count == 3) return -1;
    size_t digits = 0;
    int64_t v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && digits < 9) {
      v = v * 10 + (s[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0) return -1;
    parts[count++] = v;
    if (i < s.size() && s[i] == ':') {
      ++i;
      continue;
    }
    break;
  }
  if (count < 2) return -1;
  int64_t ms = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    int64_t scale = 100;
    size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (digits < 3) ms += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
      ++digits;
    }
    if (digits == 0) return -1;
  }
  if (i != s.size()) return -1;
  const int64_t h = count == 3 ? parts[0] : 0;
  const int64_t m = count == 3 ? parts[1] : parts[0];
  const int64_t sec = count == 3 ? parts[2] : parts[1];
  if (m > 59 || sec > 59) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

// The cue text without WebVTT tags (<v Name>, <i>, <c.x>, timestamps) and with
// the entities WebVTT defines decoded; *voice gets the first <v> speaker.
std::string strip_tags(std::string_view text, std::string* voice) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      const size_t close = text.find('>', i);
      if (close == std::string_view::npos) break;
      std::string_view tag = text.substr(i + 1, close - i - 1);
      if (voice->empty() && tag.size() > 1 && tag[0] == 'v' && (tag[1] == ' ' || tag[1] == '.')) {
        const size_t space = tag.find(' ');
        if (space != std::string_view::npos) *voice = std::string(trim(tag.substr(space + 1)));
      }
      i = close;
      continue;
    }
    if (c == '&') {
      static const std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&nbsp;", "\xC2\xA0"}, {"&lrm;", "\xE2\x80\x8E"},
          {"&rlm;", "\xE2\x80\x8F"}};
      bool done = false;
      for (const auto& [name, value] : kEntities) {
        if (text.substr(i, name.size()) == name) {
          out += value;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

bool is_cue_type(std::string_view type) {
  const std::string t = lower_type(type);
  return t == "text/vtt" || is_srt(t);
}

Result<std::vector<Cue>> parse_cues(std::string_view content, std::string_view type, const std::string& file) {
  const std::string t = lower_type(type);
  const bool vtt = t == "text/vtt";
  if (!vtt && !is_srt(t))
    return Error{ErrorCode::kUnsupported, "transcript type " + std::string(type) + " has no timed cues", file, 0, 0};
  if (content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  // Lines, with CRLF and CR endings read as LF.
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= content.size();) {
    size_t end = content.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = content.size();
    lines.push_back(content.substr(pos, end - pos));
    if (end == content.size()) break;
    pos = end + (content[end] == '\r' && end + 1 < content.size() && content[end + 1] == '\n' ? 2 : 1);
  }
  std::vector<Cue> cues;
  size_t i = 0;
  if (vtt) {  // the header block, up to the first blank line
    while (i < lines.size() && !trim(lines[i]).empty()) ++i;
  }
  while (i < lines.size()) {
    if (trim(lines[i]).empty()) {
      ++i;
      continue;
    }
    // A block: lines up to the next blank one.
    const size_t start = i;
    while (i < lines.size() && !trim(lines[i]).empty()) ++i;
    const std::string_view first = trim(lines[start]);
    if (vtt && (first.rfind("NOTE", 0) == 0 || first == "STYLE" || first == "REGION")) continue;
    size_t timing = start;
    if (lines[timing].find("-->") == std::string_view::npos) ++timing;  // an identifier (SRT: the number)
    const int line_no = static_cast<int>(timing) + 1;
    if (timing >= i || lines[timing].find("-->") == std::string_view::npos)
      return Error{ErrorCode::kInvalidInput, "a cue has no timing line (start --> end)", file,
                   static_cast<int>(start) + 1, 1};
    const std::string_view line = lines[timing];
    const size_t arrow = line.find("-->");
    std::string_view end_part = trim(line.substr(arrow + 3));
    end_part = end_part.substr(0, end_part.find_first_of(" \t"));  // WebVTT cue settings follow
    const int64_t from = parse_timestamp(line.substr(0, arrow));
    const int64_t to = parse_timestamp(end_part);
    if (from < 0 || to < 0)
      return Error{ErrorCode::kInvalidInput, "cue timing '" + std::string(trim(line)) + "' is not start --> end",
                   file, line_no, 1};
    if (to < from)
      return Error{ErrorCode::kInvalidInput, "the cue ends before it starts", file, line_no, 1};
    Cue cue;
    cue.start_ms = from;
    cue.end_ms = to;
    std::string text;
    for (size_t k = timing + 1; k < i; ++k) {
      if (!text.empty()) text += '\n';
      text += lines[k];
    }
    cue.text = clean_text(strip_tags(text, &cue.voice));
    cue.voice = clean_text(cue.voice);
    cues.push_back(std::move(cue));
  }
  return cues;
}

namespace {

std::string vtt_time(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string vtt_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string write_webvtt(const std::vector<Cue>& cues) {
  std::string out = "WEBVTT\n";
  for (const Cue& cue : cues) {
    out += '\n';
    out += vtt_time(cue.start_ms) + " --> " + vtt_time(std::max(cue.end_ms, cue.start_ms)) + '\n';
    std::string text = cue.voice.empty() ? "" : "<v " + vtt_escape(cue.voice) + ">";
    // A blank line would end the cue, and "-->" (escaped as &gt; here) cannot appear.
    bool blank = true;
    for (const char c : vtt_escape(cue.text)) {
      if (c == '\n') {
        if (blank) continue;
        blank = true;
      } else if (c != '\r') {
        blank = false;
      } else {
        continue;
      }
      text += c;
    }
    while (!text.empty() && text.back() == '\n') text.pop_back();
    out += text + '\n';
  }
  return out;
}

}  // namespace podsmith
