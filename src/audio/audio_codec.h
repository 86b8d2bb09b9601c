/// Audio in and out of files through FFmpeg's libraries, with none of their types:
/// AudioDecoder reads any file FFmpeg reads as interleaved float samples at the rate
/// and channel count asked for; AudioEncoder writes interleaved float samples as an
/// MP3 (LAME), M4A (FFmpeg's AAC) or Ogg Opus (libopus) file. The only file that
/// includes FFmpeg's headers is audio_codec.cpp (ffmpeg_api.cpp aside, which
/// forwards each call to the library loaded on first use).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith::audio {

/// What a channel is for in a loudness measurement (BS.1770 weights surrounds by 1.41).
enum class ChannelRole { kLeft, kRight, kCenter, kLeftSurround, kRightSurround, kUnused };

class AudioDecoder {
 public:
  /// Opens `path`'s best audio stream. rate_hz / channels: what read() gives (0:
  /// the stream's own); channels must be 0, 1 or 2 when converting. Errors name
  /// the file: kUnsupported when FFmpeg finds no audio in it.
  static Result<std::unique_ptr<AudioDecoder>> open(const std::string& path, int rate_hz = 0, int channels = 0);
  ~AudioDecoder();

  int source_rate_hz() const;
  int source_channels() const;
  std::string source_layout() const;  // "stereo", "5.1(side)", ...
  int rate_hz() const;                // of read()'s samples
  int channels() const;
  /// One role per channel of read()'s samples.
  std::vector<ChannelRole> channel_roles() const;

  /// Appends the next decoded samples (interleaved) to `out`, replacing what was in
  /// it; returns the number of frames, 0 at the end. A decoding error is an Error.
  Result<size_t> read(std::vector<float>& out);

 private:
  struct State;
  explicit AudioDecoder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

enum class AudioFormat { kMp3, kM4a, kOpus };

struct EncoderSettings {
  AudioFormat format = AudioFormat::kMp3;
  int bitrate_bps = 128000;
  int rate_hz = 44100;
  int channels = 2;
};

class AudioEncoder {
 public:
  /// Creates `path` (which should be a temporary name: a failed encode leaves it
  /// for the caller to remove) and prepares the encoder.
  static Result<std::unique_ptr<AudioEncoder>> open(const std::string& path, const EncoderSettings& settings);
  ~AudioEncoder();

  /// Encodes `frames` interleaved frames.
  std::optional<Error> write(const float* samples, size_t frames);
  /// Flushes the encoder and writes the container's trailer; the file is complete.
  std::optional<Error> finish();

 private:
  struct State;
  explicit AudioEncoder(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace podsmith::audio
