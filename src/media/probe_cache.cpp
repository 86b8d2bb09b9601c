#include "podsmith/media/probe_cache.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "base/json_writer.h"
#include "podsmith/base/file_io.h"

namespace podsmith {
namespace {

using nlohmann::json;

// Bump when MediaInfo or what probe() puts in it changes.
constexpr int kFormat = 1;

Artwork artwork_from(const json& j) {
  return Artwork{j.at("mime_type").get<std::string>(), j.at("width").get<int>(), j.at("height").get<int>(),
                 j.at("size_bytes").get<int64_t>(), j.at("kind").get<std::string>()};
}

void write_media_info(JsonWriter& j, const MediaInfo& m) {
  j.begin_object();
  j.key("path").value(m.path);
  j.key("container").value(m.container);
  j.key("codec").value(m.codec);
  j.key("video_codec").value(m.video_codec);
  j.key("mime_type").value(m.mime_type);
  j.key("has_video").value(m.has_video);
  j.key("duration_ms").value(m.duration_ms);
  j.key("duration_source").value(m.duration_source);
  j.key("bitrate_kbps").value(m.bitrate_kbps);
  j.key("sample_rate_hz").value(m.sample_rate_hz);
  j.key("channels").value(m.channels);
  j.key("size_bytes").value(m.size_bytes);
  const Tags& t = m.tags;
  j.key("tags").begin_object();
  j.key("title").value(t.title);
  j.key("artist").value(t.artist);
  j.key("album").value(t.album);
  j.key("album_artist").value(t.album_artist);
  j.key("comment").value(t.comment);
  j.key("genre").value(t.genre);
  j.key("date").value(t.date);
  j.key("track").value(t.track);
  j.key("track_total").value(t.track_total);
  j.key("disc").value(t.disc);
  j.key("disc_total").value(t.disc_total);
  j.key("subtitle").value(t.subtitle);
  j.key("description").value(t.description);
  j.key("podcast_url").value(t.podcast_url);
  j.end_object();
  j.key("artwork").begin_array();
  for (const Artwork& a : m.artwork) write_artwork_json(j, a);
  j.end_array();
  j.key("chapters").begin_array();
  for (const Chapter& c : m.chapters) {
    j.begin_object();
    j.key("id").value(c.id);
    j.key("start_ms").value(c.start_ms);
    j.key("end_ms").value(c.end_ms);
    j.key("title").value(c.title);
    j.key("url").value(c.url);
    j.key("image_url").value(c.image_url);
    if (c.image) {
      j.key("image");
      write_artwork_json(j, *c.image);
    }
    j.end_object();
  }
  j.end_array();
  j.key("warnings").begin_array();
  for (const std::string& w : m.warnings) j.value(w);
  j.end_array();
  if (m.loudness) {  // measured once (probe --loudness, lint's loudness rules), kept exactly
    const Loudness& l = *m.loudness;
    char number[40];
    const auto exact = [&](const char* key, double v) {
      std::snprintf(number, sizeof number, "%.17g", v);
      j.key(key).raw(number);
    };
    j.key("loudness").begin_object();
    exact("integrated_lufs", l.integrated_lufs);
    exact("range_lu", l.range_lu);
    exact("true_peak_dbtp", l.true_peak_dbtp);
    exact("sample_peak_dbfs", l.sample_peak_dbfs);
    j.end_object();
  }
  j.end_object();
}

MediaInfo media_info_from(const json& j) {
  MediaInfo m;
  m.path = j.at("path").get<std::string>();
  m.container = j.at("container").get<std::string>();
  m.codec = j.at("codec").get<std::string>();
  m.video_codec = j.at("video_codec").get<std::string>();
  m.mime_type = j.at("mime_type").get<std::string>();
  m.has_video = j.at("has_video").get<bool>();
  m.duration_ms = j.at("duration_ms").get<int64_t>();
  m.duration_source = j.at("duration_source").get<std::string>();
  m.bitrate_kbps = j.at("bitrate_kbps").get<int>();
  m.sample_rate_hz = j.at("sample_rate_hz").get<int>();
  m.channels = j.at("channels").get<int>();
  m.size_bytes = j.at("size_bytes").get<int64_t>();
  const json& t = j.at("tags");
  m.tags = Tags{t.at("title"), t.at("artist"), t.at("album"), t.at("album_artist"), t.at("comment"),
                t.at("genre"), t.at("date"), t.at("track"), t.at("track_total"), t.at("disc"),
                t.at("disc_total"), t.at("subtitle"), t.at("description"), t.at("podcast_url")};
  for (const json& a : j.at("artwork")) m.artwork.push_back(artwork_from(a));
  for (const json& c : j.at("chapters")) {
    Chapter ch;
    ch.id = c.at("id").get<std::string>();
    ch.start_ms = c.at("start_ms").get<int64_t>();
    ch.end_ms = c.at("end_ms").get<int64_t>();
    ch.title = c.at("title").get<std::string>();
    ch.url = c.at("url").get<std::string>();
    ch.image_url = c.at("image_url").get<std::string>();
    if (c.contains("image")) ch.image = artwork_from(c.at("image"));
    m.chapters.push_back(std::move(ch));
  }
  m.warnings = j.at("warnings").get<std::vector<std::string>>();
  if (j.contains("loudness")) {
    const json& l = j.at("loudness");
    m.loudness = Loudness{l.at("integrated_lufs").get<double>(), l.at("range_lu").get<double>(),
                          l.at("true_peak_dbtp").get<double>(), l.at("sample_peak_dbfs").get<double>()};
  }
  return m;
}

}  // namespace

std::string media_info_to_json(const MediaInfo& m) {
  std::string out;
  JsonWriter j(&out);
  write_media_info(j, m);
  return out;
}

Result<MediaInfo> media_info_from_json(const std::string& text) {
  try {
    return media_info_from(json::parse(text));
  } catch (const json::exception& e) {
    return Error{ErrorCode::kCorrupt, std::string("bad cached probe result: ") + e.what(), "", 0, 0};
  }
}

ProbeCache ProbeCache::load(const std::string& file) {
  ProbeCache cache;
  auto text = read_file(file);
  if (!text) return cache;
  try {
    const json j = json::parse(*text);
    if (j.at("format").get<int>() != kFormat) return cache;
    for (const auto& [key, e] : j.at("entries").items()) {
      try {
        cache.entries_[key] = Entry{e.at("size_bytes").get<int64_t>(), e.at("mtime_ns").get<int64_t>(),
                                    media_info_from(e.at("info")), false};
      } catch (const json::exception&) {
        cache.entries_.erase(key);  // a damaged entry is probed again
      }
    }
  } catch (const json::exception&) {
    return ProbeCache{};  // a damaged cache is no cache
  }
  return cache;
}

std::optional<MediaInfo> ProbeCache::find(const std::string& key, int64_t size_bytes, int64_t mtime_ns) const {
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.size_bytes != size_bytes || it->second.mtime_ns != mtime_ns)
    return std::nullopt;
  it->second.used = true;
  return it->second.info;
}

void ProbeCache::store(const std::string& key, int64_t size_bytes, int64_t mtime_ns, const MediaInfo& info) {
  entries_[key] = Entry{size_bytes, mtime_ns, info, true};
  changed_ = true;
}

void ProbeCache::forget_unused() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.used) {
      ++it;
    } else {
      it = entries_.erase(it);
      changed_ = true;
    }
  }
}

std::optional<Error> ProbeCache::save(const std::string& file) const {
  if (!changed_) return std::nullopt;
  // Written straight from the entries: a DOM of 10,000 entries would cost more
  // than probing them did.
  std::string out;
  out.reserve(entries_.size() * 800 + 64);
  JsonWriter j(&out);
  j.begin_object();
  j.key("entries").begin_object();
  for (const auto& [key, e] : entries_) {
    j.key(key).begin_object();
    j.key("info");
    write_media_info(j, e.info);
    j.key("mtime_ns").value(e.mtime_ns);
    j.key("size_bytes").value(e.size_bytes);
    j.end_object();
  }
  j.end_object();
  j.key("format").value(kFormat);
  j.end_object();
  out += '\n';
  // Not flushed to disk: a cache damaged by a crash is read as empty.
  auto written = write_file_atomically(file, out, Durability::kCache);
  if (!written) return written.error();
  return std::nullopt;
}

}  // namespace podsmith
