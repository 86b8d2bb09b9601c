/// Exact length of an MPEG audio (MP3) stream with libmpg123: from the LAME/Xing/
/// Info or VBRI header when there is one, otherwise by scanning every frame header
/// (no decoding). Gapless: the encoder delay and padding the LAME header records
/// are taken off, as ffmpeg and libmpg123's own decoder do.
#pragma once

#include <cstdint>
#include <string>

#include "byte_source.h"
#include "podsmith/error.h"

namespace podsmith {

struct MpegDuration {
  int64_t samples = 0;          // per channel, after gapless trimming
  int sample_rate_hz = 0;
  int channels = 0;
  int64_t frames = 0;           // MPEG frames in the stream
  bool from_header = false;     // true: the header gave the frame count; false: scanned
};

struct MpegDurationOptions {
  /// Take the frame count from the file's LAME/Xing/Info or VBRI header instead
  /// of scanning every frame. Set it only when such a header exists and agrees
  /// with the file's size; libmpg123 cannot tell a header-less file from one
  /// with a header before scanning. Default: scan.
  bool trust_header = false;
};

/// Measures the MPEG audio stream in `source`. Returns kCorrupt when libmpg123
/// finds no MPEG audio frames.
Result<MpegDuration> measure_mpeg_duration(ByteSource& source, const MpegDurationOptions& options = {});

}  // namespace podsmith
