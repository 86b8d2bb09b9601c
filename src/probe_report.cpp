#include "podsmith/probe_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "podsmith/text.h"

namespace podsmith {
namespace {

using nlohmann::ordered_json;

// Display width of a line is not worth measuring exactly; cut by characters.
constexpr size_t kTextValueBytes = 100;

ordered_json artwork_json(const Artwork& a) {
  return ordered_json{{"mime_type", a.mime_type}, {"width", a.width}, {"height", a.height},
                      {"size_bytes", a.size_bytes}, {"kind", a.kind}};
}

ordered_json tags_json(const Tags& t) {
  ordered_json j = ordered_json::object();
  const auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  const auto put_number = [&](const char* key, int value) {
    if (value > 0) j[key] = value;
  };
  put("title", t.title);
  put("artist", t.artist);
  put("album", t.album);
  put("album_artist", t.album_artist);
  put("comment", t.comment);
  put("genre", t.genre);
  put("date", t.date);
  put_number("track", t.track);
  put_number("track_total", t.track_total);
  put_number("disc", t.disc);
  put_number("disc_total", t.disc_total);
  put("subtitle", t.subtitle);
  put("description", t.description);
  put("podcast_url", t.podcast_url);
  return j;
}

// One line, at most kTextValueBytes, for a terminal.
std::string one_line(const std::string& value) {
  std::string flat;
  flat.reserve(std::min(value.size(), kTextValueBytes + 8));
  for (char c : value) {
    flat += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (flat.size() > kTextValueBytes + 4) break;
  }
  if (flat.size() <= kTextValueBytes && flat.size() == value.size()) return flat;
  return std::string(utf8_prefix(flat, kTextValueBytes)) + "…";
}

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  const size_t lead = digits.size() % 3;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (i - lead) % 3 == 0 && i >= lead) out += ',';
    out += digits[i];
  }
  return out;
}

std::string describe_artwork(const Artwork& a) {
  std::string s = a.mime_type.empty() ? "unknown type" : a.mime_type;
  if (a.width > 0) s += " " + std::to_string(a.width) + "x" + std::to_string(a.height);
  s += ", " + with_thousands(a.size_bytes) + " bytes";
  if (!a.kind.empty()) s += " (" + a.kind + ")";
  return s;
}

}  // namespace

std::string error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kNotAFile: return "not_a_file";
    case ErrorCode::kUnreadable: return "unreadable";
    case ErrorCode::kEmpty: return "empty";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kInvalidInput: return "invalid_input";
  }
  return "invalid_input";
}

std::string format_clock(int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string probe_json(const Result<MediaInfo>& result, const std::string& path) {
  ordered_json j;
  j["path"] = clean_text(path);
  if (!result) {
    j["error"] = result.error().message;
    j["error_code"] = error_code_name(result.error().code);
    return j.dump(2);
  }
  const MediaInfo& m = *result;
  j["container"] = m.container;
  j["codec"] = m.codec;
  if (m.has_video) j["video_codec"] = m.video_codec;
  j["has_video"] = m.has_video;
  j["mime_type"] = m.mime_type;
  j["duration_ms"] = m.duration_ms;
  j["duration_source"] = m.duration_source;
  j["bitrate_kbps"] = m.bitrate_kbps;
  j["sample_rate_hz"] = m.sample_rate_hz;
  j["channels"] = m.channels;
  j["size_bytes"] = m.size_bytes;
  j["tags"] = tags_json(m.tags);
  j["artwork"] = ordered_json::array();
  for (const Artwork& a : m.artwork) j["artwork"].push_back(artwork_json(a));
  j["chapters"] = ordered_json::array();
  for (const Chapter& c : m.chapters) {
    ordered_json cj{{"start_ms", c.start_ms}, {"end_ms", c.end_ms}, {"title", c.title}};
    if (!c.id.empty()) cj["id"] = c.id;
    if (!c.url.empty()) cj["url"] = c.url;
    if (c.image) cj["image"] = artwork_json(*c.image);
    j["chapters"].push_back(std::move(cj));
  }
  j["warnings"] = m.warnings;
  return j.dump(2);
}

std::string probe_text(const Result<MediaInfo>& result, const std::string& path) {
  std::string out = clean_text(path) + "\n";
  const auto line = [&](const char* label, const std::string& value) {
    if (value.empty()) return;
    char pad[16];
    std::snprintf(pad, sizeof pad, "  %-13s", label);
    out += pad + value + "\n";
  };
  if (!result) {
    line("error", result.error().message);
    return out;
  }
  const MediaInfo& m = *result;
  std::string format = m.container + ", " + m.codec;
  if (m.has_video) format += " + " + m.video_codec + " video";
  line("format", format);
  line("type", m.mime_type);
  line("duration", format_clock(m.duration_ms) + " (" + std::to_string(m.duration_ms) + " ms, " +
                       m.duration_source + ")");
  line("audio", std::to_string(m.bitrate_kbps) + " kbps, " + std::to_string(m.sample_rate_hz) + " Hz, " +
                    std::to_string(m.channels) + (m.channels == 1 ? " channel" : " channels"));
  line("size", with_thousands(m.size_bytes) + " bytes");
  const Tags& t = m.tags;
  line("title", one_line(t.title));
  line("subtitle", one_line(t.subtitle));
  line("artist", one_line(t.artist));
  line("album", one_line(t.album));
  line("album artist", one_line(t.album_artist));
  line("genre", one_line(t.genre));
  line("date", one_line(t.date));
  if (t.track > 0)
    line("track", std::to_string(t.track) + (t.track_total > 0 ? "/" + std::to_string(t.track_total) : ""));
  if (t.disc > 0)
    line("disc", std::to_string(t.disc) + (t.disc_total > 0 ? "/" + std::to_string(t.disc_total) : ""));
  line("comment", one_line(t.comment));
  line("description", one_line(t.description));
  line("podcast url", one_line(t.podcast_url));
  for (const Artwork& a : m.artwork) line("artwork", describe_artwork(a));
  if (!m.chapters.empty()) {
    line("chapters", std::to_string(m.chapters.size()));
    for (const Chapter& c : m.chapters) {
      std::string s = "  " + format_clock(c.start_ms) + " - " + format_clock(c.end_ms) + "  " + one_line(c.title);
      if (!c.url.empty()) s += " <" + one_line(c.url) + ">";
      if (c.image) s += " [image " + describe_artwork(*c.image) + "]";
      out += "  " + s + "\n";
    }
  }
  return out;
}

}  // namespace podsmith
