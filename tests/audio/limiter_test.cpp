// The limiter on synthetic signals: below the ceiling it changes nothing; above, no
// oversampled value passes the ceiling.
#include "audio/limiter.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "audio/true_peak.h"

using podsmith::audio::TruePeakLimiter;
using podsmith::audio::TruePeakMeter;

namespace {

// Feeds `in` (interleaved, `channels`) in pieces of `chunk` frames.
std::vector<float> run(TruePeakLimiter& limiter, const std::vector<float>& in, size_t chunk, size_t channels = 1) {
  std::vector<float> out;
  std::vector<float> part;
  for (size_t i = 0; i < in.size(); i += chunk * channels) {
    const size_t n = std::min(chunk * channels, in.size() - i) / channels;
    limiter.process(in.data() + i, n, part);
    out.insert(out.end(), part.begin(), part.end());
  }
  limiter.flush(part);
  out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace

TEST_CASE("the limiter leaves a signal under the ceiling bit for bit") {
  std::vector<float> in(44100);
  for (size_t i = 0; i < in.size(); ++i) in[i] = 0.5f * static_cast<float>(std::sin(static_cast<double>(i) * 0.05));
  TruePeakLimiter limiter(44100, 1, 0.89);
  const auto out = run(limiter, in, 1000);
  REQUIRE(out.size() == in.size());
  CHECK(out == in);
  CHECK(limiter.limited_frames() == 0);
}

TEST_CASE("the limiter keeps the true peak of bursts at or below the ceiling, in stereo, in any chunking") {
  // Bursts of a 10 kHz tone (inter-sample peaks) at 1.4x full scale, 80 ms a second,
  // from the very first sample; left and right different.
  const int rate = 44100;
  std::vector<float> in(4 * rate);
  for (size_t i = 0; i < in.size() / 2; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double envelope = std::fmod(t, 1.0) < 0.08 ? 1.4 : 0.2;
    in[2 * i] = static_cast<float>(envelope * std::sin(2 * std::numbers::pi * 10000 * t + 0.3));
    in[2 * i + 1] = static_cast<float>(0.5 * envelope * std::sin(2 * std::numbers::pi * 300 * t));
  }
  const double ceiling = std::pow(10.0, -1.0 / 20);
  for (size_t chunk : {1u, 333u, 4096u}) {
    TruePeakLimiter limiter(rate, 2, ceiling);
    const auto out = run(limiter, in, chunk, 2);
    REQUIRE(out.size() == in.size());
    TruePeakMeter meter(rate, 2);
    meter.add(out.data(), out.size() / 2);
    CHECK(meter.true_peak() <= ceiling * 1.001);
    CHECK(limiter.limited_frames() > 0);
    // 870 ms after a burst (the release's time constant is 150 ms), the gain is back at 1.
    const size_t quiet = static_cast<size_t>(0.95 * rate);
    CHECK(out[2 * quiet] == Approx(in[2 * quiet]).epsilon(0.002));
    CHECK(out[2 * quiet + 1] == Approx(in[2 * quiet + 1]).epsilon(0.002));
  }
}
