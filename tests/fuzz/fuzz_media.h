/// What the media fuzz targets share: probe() and read_cover_art() of the input
/// file both ways (podsmith's own readers, and TagLib with libmpg123 alone), with
/// the checks their contracts allow: media_info.h promises that every string in a
/// MediaInfo is valid UTF-8 without control characters; probe_report.h that
/// `probe --json` is a JSON object. For the fuzz targets only.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "fuzz_support.h"
#include "podsmith/media/media_probe.h"
#include "podsmith/media/probe_report.h"

namespace podsmith::fuzz {

inline void check_artwork(const Artwork& a) {
  require_clean(a.mime_type);
  require_clean(a.kind);
  FUZZ_REQUIRE(a.width >= 0 && a.height >= 0 && a.size_bytes >= 0);
}

inline void check_media_info(const MediaInfo& m, int64_t size_bytes) {
  for (const std::string* s : {&m.container, &m.codec, &m.video_codec, &m.mime_type, &m.duration_source})
    require_clean(*s);
  const Tags& t = m.tags;
  for (const std::string* s : {&t.title, &t.artist, &t.album, &t.album_artist, &t.comment, &t.genre, &t.date,
                               &t.subtitle, &t.description, &t.podcast_url})
    require_clean(*s);
  for (const Artwork& a : m.artwork) check_artwork(a);
  for (const Chapter& c : m.chapters) {
    require_clean(c.id);
    require_clean(c.title);
    require_clean(c.url);
    require_clean(c.image_url);
    if (c.image) check_artwork(*c.image);
    // settle_chapters(): every chapter ends at or after its start.
    FUZZ_REQUIRE(c.end_ms >= c.start_ms);
  }
  for (const std::string& w : m.warnings) require_clean(w);
  FUZZ_REQUIRE(m.duration_ms > 0);  // probe() fails a file without audio
  FUZZ_REQUIRE(m.size_bytes == size_bytes);
  FUZZ_REQUIRE(m.bitrate_kbps >= 0 && m.sample_rate_hz >= 0 && m.channels >= 0);
}

/// Probes `path` (holding `size_bytes`) both ways, renders each result as
/// `podsmith probe` would (text and JSON), and reads its cover art.
inline void probe_both_ways(const std::string& path, int64_t size_bytes) {
  for (const bool plain : {true, false}) {
    ProbeOptions options;
    options.plain_readers = plain;
    const Result<MediaInfo> info = probe(path, options);
    if (info) {
      check_media_info(*info, size_bytes);
    } else {
      check_error(info.error());
    }
    const std::string json = probe_json(info, path);
    const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    FUZZ_REQUIRE(parsed.is_object());
    FUZZ_REQUIRE(!probe_text(info, path).empty());
    const auto cover = read_cover_art(path, options);
    if (!cover) {
      check_error(cover.error());
    } else if (*cover) {
      FUZZ_REQUIRE(!(*cover)->mime_type.empty());
    }
  }
}

}  // namespace podsmith::fuzz
