#include "audio/true_peak.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace podsmith::audio {
namespace {

constexpr int kHalf = TruePeakMeter::kTaps / 2;

// sinc(u) under a Hann window over |u| < kHalf.
double windowed_sinc(double u) {
  if (std::fabs(u) >= kHalf) return 0;
  const double sinc = u == 0 ? 1.0 : std::sin(std::numbers::pi * u) / (std::numbers::pi * u);
  return sinc * 0.5 * (1 + std::cos(std::numbers::pi * u / kHalf));
}

// BS.1770-4 oversamples 4x at 48 kHz; below 44.1 kHz (speech at 8 to 32 kHz) 4x
// leaves the peaks between samples too coarsely sampled, so those rates go up to
// about 192 kHz, as ffmpeg's ebur128 filter does for every rate.
int oversampling(int rate_hz) {
  if (rate_hz >= 192000) return 1;
  if (rate_hz >= 96000) return 2;
  if (rate_hz >= 44100) return 4;
  return (192000 + rate_hz - 1) / std::max(rate_hz, 1);
}

}  // namespace

TruePeakMeter::TruePeakMeter(int rate_hz, int channels)
    : factor_(oversampling(rate_hz)), channels_(channels) {
  // Phase k interpolates at k/factor_ past sample n-6 from x[n-11] .. x[n]: tap t
  // multiplies x[n-11+t], which lies t-5-k/factor_ samples from the point.
  for (int k = 1; k < factor_; ++k) {
    double sum = 0;
    for (int t = 0; t < kTaps; ++t) {
      const double u = (t - (kHalf - 1)) - static_cast<double>(k) / factor_;
      const double h = windowed_sinc(u);
      taps_.push_back(static_cast<float>(h));
      sum += std::fabs(h);
    }
    bound_gain_ = std::max(bound_gain_, sum);
  }
  lines_.assign(static_cast<size_t>(channels), std::vector<float>(kTaps - 1, 0.0f));
}

double TruePeakMeter::peak_between(const float* x) const {
  double peak = 0;
  for (int k = 1; k < factor_; ++k) {
    const float* h = taps_.data() + (k - 1) * kTaps;
    float y = 0;
    for (int t = 0; t < kTaps; ++t) y += h[t] * x[t];
    peak = std::max(peak, static_cast<double>(std::fabs(y)));
  }
  return peak;
}

void TruePeakMeter::add(const float* samples, size_t frames) {
  const size_t ch = static_cast<size_t>(channels_);
  constexpr size_t kBlock = 256;
  for (size_t c = 0; c < ch; ++c) {
    std::vector<float>& line = lines_[c];
    line.resize(kTaps - 1 + frames);
    float* x = line.data() + (kTaps - 1);
    float sample_max = 0;
    for (size_t i = 0; i < frames; ++i) {
      x[i] = samples[i * ch + c];
      sample_max = std::max(sample_max, std::fabs(x[i]));
    }
    sample_peak_ = std::max(sample_peak_, static_cast<double>(sample_max));
    true_peak_ = std::max(true_peak_, sample_peak_);
    if (factor_ > 1) {
      for (size_t b = 0; b < frames; b += kBlock) {
        const size_t end = std::min(frames, b + kBlock);
        // The points of samples b..end-1 read x[b-11] .. x[end-1].
        const float* first = line.data() + b;
        const float* last = x + end;
        float m = 0;
        for (const float* p = first; p < last; ++p) m = std::max(m, std::fabs(*p));
        if (m * bound_gain_ <= true_peak_) continue;
        double peak = true_peak_;
        for (size_t n = b; n < end; ++n) peak = std::max(peak, peak_between(line.data() + n));
        true_peak_ = peak;
      }
    }
    // Keep the last kTaps-1 samples for the next call.
    std::copy(line.end() - (kTaps - 1), line.end(), line.begin());
    line.resize(kTaps - 1);
  }
}

}  // namespace podsmith::audio
