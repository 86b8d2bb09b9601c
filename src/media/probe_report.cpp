#include "podsmith/media/probe_report.h"

#include <cstdio>

#include "base/json_writer.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace {

// Display width of a line is not worth measuring exactly; cut by characters.
constexpr size_t kTextValueBytes = 100;

// Absent tags (empty strings, zero numbers) are left out.
void write_tags(JsonWriter& j, const Tags& t) {
  j.begin_object();
  const auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) j.key(key).value(value);
  };
  const auto put_number = [&](const char* key, int value) {
    if (value > 0) j.key(key).value(value);
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
  j.end_object();
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
  std::string out;
  out.reserve(1024);
  JsonWriter j(&out, 2);
  j.begin_object();
  if (is_clean_text(path)) {
    j.key("path").value(path);
  } else {
    j.key("path").value(clean_text(path));
  }
  if (!result) {
    j.key("error").value(result.error().message);
    j.key("error_code").value(error_code_name(result.error().code));
    j.end_object();
    return out;
  }
  const MediaInfo& m = *result;
  j.key("container").value(m.container);
  j.key("codec").value(m.codec);
  if (m.has_video) j.key("video_codec").value(m.video_codec);
  j.key("has_video").value(m.has_video);
  j.key("mime_type").value(m.mime_type);
  j.key("duration_ms").value(m.duration_ms);
  j.key("duration_source").value(m.duration_source);
  j.key("bitrate_kbps").value(m.bitrate_kbps);
  j.key("sample_rate_hz").value(m.sample_rate_hz);
  j.key("channels").value(m.channels);
  j.key("size_bytes").value(m.size_bytes);
  j.key("tags");
  write_tags(j, m.tags);
  j.key("artwork").begin_array();
  for (const Artwork& a : m.artwork) write_artwork_json(j, a);
  j.end_array();
  j.key("chapters").begin_array();
  for (const Chapter& c : m.chapters) {
    j.begin_object();
    j.key("start_ms").value(c.start_ms);
    j.key("end_ms").value(c.end_ms);
    j.key("title").value(c.title);
    if (!c.id.empty()) j.key("id").value(c.id);
    if (!c.url.empty()) j.key("url").value(c.url);
    if (c.image) {
      j.key("image");
      write_artwork_json(j, *c.image);
    }
    j.end_object();
  }
  j.end_array();
  if (m.loudness) {
    const Loudness& l = *m.loudness;
    char number[32];
    const auto figure = [&](const char* key, double v) {
      std::snprintf(number, sizeof number, "%.2f", v);
      j.key(key).raw(number);
    };
    j.key("loudness").begin_object();
    figure("integrated_lufs", l.integrated_lufs);
    figure("range_lu", l.range_lu);
    figure("true_peak_dbtp", l.true_peak_dbtp);
    figure("sample_peak_dbfs", l.sample_peak_dbfs);
    j.end_object();
  }
  j.key("warnings").begin_array();
  for (const std::string& w : m.warnings) j.value(w);
  j.end_array();
  j.end_object();
  return out;
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
  if (m.loudness) {
    const Loudness& l = *m.loudness;
    char text[160];
    std::snprintf(text, sizeof text, "%.1f LUFS, range %.1f LU, true peak %.1f dBTP, sample peak %.1f dBFS",
                  l.integrated_lufs, l.range_lu, l.true_peak_dbtp, l.sample_peak_dbfs);
    line("loudness", text);
  }
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
