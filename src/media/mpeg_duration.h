/// Exact length of an MPEG audio (MP3) stream with libmpg123: from the LAME/Xing/
/// Info or VBRI header when there is one, otherwise by scanning every frame header
/// (no decoding). Gapless: the encoder delay and padding the LAME header records
/// are taken off, as ffmpeg and libmpg123's own decoder do.
///
/// For plain Layer III streams (what encoders write for podcasts) the same
/// numbers come without libmpg123, from podsmith's own reading of the frame
/// headers: read_plain_first_frame() and plain_mpeg_duration(). They give what
/// libmpg123 gives or nothing (then the caller asks libmpg123).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/byte_source.h"
#include "podsmith/base/error.h"

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

/// One MPEG audio frame header.
struct MpegFrameHeader {
  uint32_t bits = 0;           // the four bytes, big-endian
  int layer = 0;               // 1, 2 or 3
  int sample_rate_hz = 0;
  bool mono = false;
  int samples_per_frame = 0;
  int length_bytes = 0;        // the whole frame, header included
};

/// The header in the first four bytes of `b`; nullopt when they are not a valid
/// MPEG-1/2/2.5 header with a bitrate (free-format frames have none).
std::optional<MpegFrameHeader> parse_mpeg_frame_header(std::string_view b);

/// The first frame of a plain Layer III stream, as TagLib and libmpg123 both read
/// it: a valid frame followed by a matching one, with a Xing/Info header that
/// both accept, or with none that either would see.
struct MpegFirstFrame {
  int64_t offset = 0;
  MpegFrameHeader header;
  MpegFrameHeader next;           // the frame after it (the first audio frame when
                                  // this one is the Xing/Info frame)
  bool has_xing = false;          // a Xing/Info header (TagLib's XingHeader is valid)
  uint32_t xing_frames = 0;       // its frame count (the Info frame not counted)
  uint32_t xing_bytes = 0;        // its byte count, from the Info frame on
  int encoder_delay = 0;          // its LAME extension's delay and padding, in samples;
  int encoder_padding = 0;        // 0 when it has none
};

/// Reads the frame at `offset`; nullopt when it is not the start of a plain Layer
/// III stream (another layer, free format, a VBRI header, a Xing or Info string
/// anywhere but where both readers look, or no matching frame after it).
std::optional<MpegFirstFrame> read_plain_first_frame(ByteSource& source, int64_t offset);

/// What measure_mpeg_duration() gives for the stream that starts with `first` and
/// ends at `audio_end` (before an ID3v1 tag), without libmpg123: from the
/// Xing/Info header when `trust_header` (the first two audio frames must be whole
/// and matching, or libmpg123 fails or resyncs), else by walking the frame
/// headers. nullopt when libmpg123 must decide: a header not trusted, a damaged
/// start, frames that are not back to back to exactly `audio_end` or that change
/// layer, rate or channels.
std::optional<MpegDuration> plain_mpeg_duration(ByteSource& source, const MpegFirstFrame& first, int64_t audio_end,
                                                bool trust_header);

/// The same for a file whose bytes are all in memory (`file`, a mapping: see
/// mapped_file.h); nullopt also when `audio_end` lies past its end. It reads
/// `file` only and allocates nothing, so it may run inside read_guarded().
std::optional<MpegDuration> plain_mpeg_duration(std::string_view file, const MpegFirstFrame& first, int64_t audio_end,
                                                bool trust_header);

}  // namespace podsmith
