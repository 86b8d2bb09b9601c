/// Makes a publishable file from a master recording: one gain to the loudness
/// target, a look-ahead true-peak limiter, resampling where the format needs it, an
/// MP3 (LAME), M4A (AAC) or Opus encode through FFmpeg's libraries, and then a
/// measurement of the encoded file, which must land within ±0.5 LU of the target
/// with its true peak at or below the ceiling. Never writes to the master; the
/// output appears whole (temporary file, then rename) or not at all. Writes no tags.
#pragma once

#include <optional>
#include <string>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"

namespace podsmith {

enum class EncodeFormat { kMp3, kM4a, kOpus };

struct MasterSettings {
  EncodeFormat format = EncodeFormat::kMp3;
  int bitrate_kbps = 128;
  int channels = 0;             // 1 or 2; 0: the master's own (which must be mono or stereo)
  double target_lufs = -16;     // integrated loudness to reach
  double true_peak_dbtp = -1;   // ceiling for the encoded file's true peak
};

struct MasterReport {
  Loudness master;         // the master, measured as converted to the output's rate and channels
  Loudness output;         // the encoded file, measured after encoding
  double gain_db = 0;      // the gain of the last encode
  int encodes = 0;         // 1 to 3
  int rate_hz = 0;         // of the output
  int channels = 0;
  size_t limited_ms = 0;   // audio the limiter turned down, in the last encode
};

/// "mp3" / "m4a" / "opus"; nullopt for anything else.
std::optional<EncodeFormat> parse_encode_format(const std::string& name);
std::string encode_format_name(EncodeFormat format);
/// The extension of the encoded file, with the dot: ".mp3", ".m4a", ".opus".
std::string encode_format_extension(EncodeFormat format);
/// "128k", "128" or "128000" -> 128 (kbps); nullopt unless 8..512 kbps.
std::optional<int> parse_bitrate_kbps(const std::string& text);

/// Masters `master` into `output`. Up to three encodes: after each, the encoded
/// file is measured, and the gain (and the limiter's margin below the ceiling)
/// corrected for the next. Errors name the master (or, when the output cannot be
/// written, the output), and nothing is left at `output` or beside it:
///   kNotFound / kUnsupported / kCorrupt  not a readable audio file, or cut short
///                                        (it decodes to less than its header says);
///   kInvalidInput  silent (integrated loudness undefined); more than 2 channels;
///                  a sample rate under 8 kHz or over 192 kHz; too quiet (more than
///                  +30 dB of gain); or still off target after three encodes (the
///                  message gives the figures).
Result<MasterReport> master_audio(const std::string& master, const std::string& output, const MasterSettings& settings);

/// The largest gain master_audio() applies, in dB.
inline constexpr double kMaxMasterGainDb = 30;

}  // namespace podsmith
