#include "podsmith/probe_cache.h"

#include <nlohmann/json.hpp>

#include "podsmith/file_io.h"

namespace podsmith {
namespace {

using nlohmann::json;

// Bump when MediaInfo or what probe() puts in it changes.
constexpr int kFormat = 1;

json artwork_to(const Artwork& a) {
  return json{{"mime_type", a.mime_type}, {"width", a.width}, {"height", a.height},
              {"size_bytes", a.size_bytes}, {"kind", a.kind}};
}
Artwork artwork_from(const json& j) {
  return Artwork{j.at("mime_type").get<std::string>(), j.at("width").get<int>(), j.at("height").get<int>(),
                 j.at("size_bytes").get<int64_t>(), j.at("kind").get<std::string>()};
}

}  // namespace

std::string media_info_to_json(const MediaInfo& m) {
  json j;
  j["path"] = m.path;
  j["container"] = m.container;
  j["codec"] = m.codec;
  j["video_codec"] = m.video_codec;
  j["mime_type"] = m.mime_type;
  j["has_video"] = m.has_video;
  j["duration_ms"] = m.duration_ms;
  j["duration_source"] = m.duration_source;
  j["bitrate_kbps"] = m.bitrate_kbps;
  j["sample_rate_hz"] = m.sample_rate_hz;
  j["channels"] = m.channels;
  j["size_bytes"] = m.size_bytes;
  const Tags& t = m.tags;
  j["tags"] = json{{"title", t.title},       {"artist", t.artist},           {"album", t.album},
                   {"album_artist", t.album_artist}, {"comment", t.comment}, {"genre", t.genre},
                   {"date", t.date},         {"track", t.track},             {"track_total", t.track_total},
                   {"disc", t.disc},         {"disc_total", t.disc_total},   {"subtitle", t.subtitle},
                   {"description", t.description}, {"podcast_url", t.podcast_url}};
  j["artwork"] = json::array();
  for (const Artwork& a : m.artwork) j["artwork"].push_back(artwork_to(a));
  j["chapters"] = json::array();
  for (const Chapter& c : m.chapters) {
    json cj{{"id", c.id}, {"start_ms", c.start_ms}, {"end_ms", c.end_ms}, {"title", c.title},
            {"url", c.url}, {"image_url", c.image_url}};
    if (c.image) cj["image"] = artwork_to(*c.image);
    j["chapters"].push_back(std::move(cj));
  }
  j["warnings"] = m.warnings;
  return j.dump();
}

Result<MediaInfo> media_info_from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
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
    return m;
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
      cache.entries_[key] = Entry{e.at("size_bytes").get<int64_t>(), e.at("mtime_ns").get<int64_t>(),
                                  e.at("info").dump(), false};
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
  auto info = media_info_from_json(it->second.info_json);
  if (!info) return std::nullopt;
  it->second.used = true;
  return std::move(info).value();
}

void ProbeCache::store(const std::string& key, int64_t size_bytes, int64_t mtime_ns, const MediaInfo& info) {
  entries_[key] = Entry{size_bytes, mtime_ns, media_info_to_json(info), true};
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
  json j;
  j["format"] = kFormat;
  j["entries"] = json::object();
  for (const auto& [key, e] : entries_) {
    j["entries"][key] = json{{"size_bytes", e.size_bytes}, {"mtime_ns", e.mtime_ns}, {"info", json::parse(e.info_json)}};
  }
  auto written = write_file_atomically(file, j.dump() + "\n");
  if (!written) return written.error();
  return std::nullopt;
}

}  // namespace podsmith
