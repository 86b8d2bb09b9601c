/// Reads the structure TagLib does not expose from an MPEG-4/QuickTime file: each
/// track's handler (sound, video, text), timescale, duration and edit list, the
/// movie's duration, and Nero chapters (moov/udta/chpl). Reads box headers and
/// the moov box only; never the media data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "byte_source.h"
#include "podsmith/error.h"

namespace podsmith {

struct Mp4Track {
  uint32_t id = 0;
  std::string handler;        // "soun", "vide", "text", "sbtl", ...
  std::string sample_entry;   // first stsd entry: "mp4a", "alac", "avc1", "hvc1", ...
  uint32_t timescale = 0;     // mdhd
  uint64_t duration = 0;      // mdhd, in timescale units
  bool has_edit = false;      // an edit list with one media segment was found
  uint64_t edit_duration = 0; // that segment's duration, in the movie timescale
  int64_t edit_media_time = 0;// where it starts in the media, in the track timescale
  uint32_t sample_rate_hz = 0;// audio sample entries only
  uint16_t channels = 0;
};

struct Mp4NeroChapter {
  int64_t start_ms = 0;
  std::string title;          // as stored (UTF-8 by convention; callers clean it)
};

struct Mp4Structure {
  std::string major_brand;
  uint32_t movie_timescale = 0;
  uint64_t movie_duration = 0;
  std::vector<Mp4Track> tracks;
  std::vector<Mp4NeroChapter> chapters;
};

/// Reads the file's structure. Returns kCorrupt when there is no readable moov box.
Result<Mp4Structure> read_mp4_structure(ByteSource& source);

/// The presentation length of `track` in milliseconds: the edit list's segment
/// when there is one, else the media duration. 0 when unknown.
int64_t track_duration_ms(const Mp4Structure& mp4, const Mp4Track& track);

}  // namespace podsmith
