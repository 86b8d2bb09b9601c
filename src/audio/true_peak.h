/// True peak per ITU-R BS.1770-4 Annex 2: the largest absolute value of the signal
/// oversampled 4x (2x from 96 kHz, none from 192 kHz;
/// below 44.1 kHz, to about 192 kHz) by a windowed-sinc
/// interpolator. Blocks whose samples cannot reach the current maximum through the
/// interpolator are skipped without interpolating (the bound is exact: the largest
/// sum of absolute filter taps), which on speech leaves most blocks alone. No I/O.
#pragma once

#include <cstddef>
#include <vector>

namespace podsmith::audio {

class TruePeakMeter {
 public:
  TruePeakMeter(int rate_hz, int channels);

  /// Adds `frames` interleaved frames.
  void add(const float* samples, size_t frames);

  /// Linear peaks so far, the largest over all channels (1.0 = full scale).
  double true_peak() const { return true_peak_; }
  double sample_peak() const { return sample_peak_; }

  /// The oversampled values between sample n-6 and n-5 of one channel's
  /// `history` (x[n-11] .. x[n] as history[0..11]): the interpolator alone, for
  /// the limiter, which needs the peak near each sample.
  static constexpr int kTaps = 12;
  int factor() const { return factor_; }
  double peak_between(const float* history) const;
  /// The largest sum of |tap| over the phases: no value between samples exceeds
  /// this times the largest |sample| around it.
  double bound_gain() const { return bound_gain_; }

 private:
  int factor_;
  int channels_;
  std::vector<float> taps_;  // (factor_ - 1) phases of kTaps taps, phase 1 first
  double bound_gain_ = 1;    // the largest sum of |tap| over the phases
  std::vector<std::vector<float>> lines_;  // per channel: the last kTaps-1 samples, then the block
  double true_peak_ = 0;
  double sample_peak_ = 0;
};

}  // namespace podsmith::audio
