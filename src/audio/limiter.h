/// A look-ahead true-peak limiter: output = input times a gain that is 1 wherever
/// the signal's oversampled peaks stay at or below the ceiling, and dips smoothly
/// (a linear attack over the look-ahead, an exponential release) just enough to keep
/// them below it where they would not. The gain never exceeds, at any sample, what
/// that sample's own peak allows (the proof is in limiter.cpp), so nothing clips;
/// the slow release keeps speech from pumping. Output lags input by latency() frames;
/// flush() returns the rest. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "audio/true_peak.h"

namespace podsmith::audio {

class TruePeakLimiter {
 public:
  /// `ceiling`: linear (1.0 = full scale). Look-ahead 5 ms, release 150 ms.
  TruePeakLimiter(int rate_hz, int channels, double ceiling);

  /// Takes `frames` interleaved frames; replaces `out` with the frames ready.
  void process(const float* in, size_t frames, std::vector<float>& out);
  /// The frames still held back, after the last process().
  void flush(std::vector<float>& out);

  /// Frames whose gain was below 1 so far.
  size_t limited_frames() const { return limited_frames_; }

 private:
  void advance(std::vector<float>& out, int64_t real_end);

  size_t ch_;
  double ceiling_;
  int64_t lookahead_;
  double release_;
  TruePeakMeter interpolator_;
  std::vector<float> in_;   // interleaved input frames from frame first_ on
  int64_t first_;           // starts at -(kTaps-1): silence before the first frame
  int64_t total_ = 0;       // frames taken so far
  int64_t next_need_ = 0;   // first frame whose required gain is not yet known
  std::deque<std::pair<int64_t, float>> window_;  // for the sliding minimum over the look-ahead
  int64_t next_out_ = 0;    // first frame not yet output
  double held_ = 1;
  std::vector<double> ring_;  // the last lookahead_ held gains
  double ring_sum_;
  size_t limited_frames_ = 0;
  std::vector<float> line_;  // scratch: one channel's samples around a frame
};

}  // namespace podsmith::audio
