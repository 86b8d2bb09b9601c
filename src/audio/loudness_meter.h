/// Integrated loudness and loudness range by libebur128 (the only file that
/// includes its header is loudness_meter.cpp), true and sample peak by
/// TruePeakMeter, fed interleaved float samples. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audio/audio_codec.h"
#include "audio/true_peak.h"
#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"

namespace podsmith::audio {

class LoudnessMeter {
 public:
  /// `with_range`: also the loudness range (LRA), which costs a little.
  LoudnessMeter(int rate_hz, const std::vector<ChannelRole>& roles, bool with_range = true);
  ~LoudnessMeter();

  void add(const float* samples, size_t frames);

  /// The figures; an Error (naming `path`) when the integrated loudness is
  /// undefined: silence, or less than one 400 ms block above the -70 LUFS gate.
  Result<Loudness> result(const std::string& path) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  TruePeakMeter peaks_;
  bool with_range_;
};

/// Decodes all of `decoder` into `meter`; counts the frames into *frames when given.
std::optional<Error> measure_all(AudioDecoder& decoder, LoudnessMeter& meter, int64_t* frames = nullptr);

}  // namespace podsmith::audio
