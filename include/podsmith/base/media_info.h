/// What podsmith knows about one media file: plain structs filled by probe()
/// (media_probe.h). No I/O, no third-party types. Every string is valid UTF-8
/// without control characters (other than tab and newline) by the time it lands here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace podsmith {

/// An embedded picture: the cover, or a chapter's image. The image bytes are not
/// kept; width and height come from the image's header and are 0 when unreadable.
struct Artwork {
  std::string mime_type;    // "image/jpeg", "image/png", ... from the bytes, else as tagged
  int width = 0;
  int height = 0;
  int64_t size_bytes = 0;
  std::string kind;         // "front_cover", "other", ... (ID3 picture types)
};

/// One chapter, in play order. end_ms is the next chapter's start (or the
/// duration) when the file does not say.
struct Chapter {
  std::string id;           // the CHAP element id, when there is one
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string title;
  std::string url;          // from a WXXX/WOAR sub-frame; empty when none
  std::optional<Artwork> image;
  std::string image_url;    // where the chapter's image is published; empty when none
};

/// Tags as UTF-8, empty when absent. Numbers are 0 when absent.
struct Tags {
  std::string title;
  std::string artist;
  std::string album;
  std::string album_artist;
  std::string comment;
  std::string genre;
  std::string date;         // as tagged: "2024", "2024-05-01", ...
  int track = 0;
  int track_total = 0;
  int disc = 0;
  int disc_total = 0;
  std::string subtitle;     // ID3 TIT3
  std::string description;  // ID3 TDES, MP4 desc/ldes (podcast description)
  std::string podcast_url;  // ID3 WFED, MP4 purl (the podcast's feed URL)
};

/// Loudness per ITU-R BS.1770-4 / EBU R128, measured by decoding the whole file
/// (podsmith/audio/loudness.h). A silent file has no integrated loudness, so none
/// of these: measuring it is an error.
struct Loudness {
  double integrated_lufs = 0;   // gated programme loudness
  double range_lu = 0;          // LRA; 0 when under ~3 s of audio
  double true_peak_dbtp = 0;    // 4x oversampled below 96 kHz
  double sample_peak_dbfs = 0;
};

struct MediaInfo {
  std::string path;             // as given to probe()
  std::string container;        // "mp3", "mp4", "mov", "ogg", "flac", "wav", "aiff"
  std::string codec;            // audio: "mp3", "aac", "alac", "vorbis", "opus", "flac", "pcm", ...
  std::string video_codec;      // "h264", "hevc", ... when has_video; else empty
  std::string mime_type;        // for an RSS enclosure: "audio/mpeg", "audio/x-m4a", ...
  bool has_video = false;
  int64_t duration_ms = 0;
  std::string duration_source;  // how the duration was found: "lame-header", "xing-header",
                                // "vbri-header", "frame-scan", "container"
  int bitrate_kbps = 0;         // average over the whole file
  int sample_rate_hz = 0;
  int channels = 0;
  int64_t size_bytes = 0;
  Tags tags;
  std::vector<Artwork> artwork;
  std::vector<Chapter> chapters;
  std::vector<std::string> warnings;  // readable, one line each; the file was still read
  std::optional<Loudness> loudness;   // only when asked for (probe --loudness, lint's loudness rules)
};

}  // namespace podsmith
