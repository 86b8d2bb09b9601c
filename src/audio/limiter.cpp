// How the gain is made, for frame j (all gains linear):
//   need[j]  = min(1, ceiling / q[j]), q[j] the largest |sample| and oversampled
//              value of any channel between frames j-1 and j+1;
//   low[j]   = min(need[j .. j+L-1])               (L: the look-ahead)
//   held[j]  = min(low[j], held[j-1] released a step towards 1)
//   gain[j]  = mean(held[j-L+1 .. j])
// Every term of gain[j]'s mean is held[k] <= low[k] for some k in [j-L+1, j], and
// low[k] looks at need[k .. k+L-1], which includes j: so gain[j] <= need[j]. The
// limited peaks therefore stay at or below the ceiling (up to how much the gain moves
// between two neighbouring frames, which a 5 ms attack keeps far below 0.01 dB), and
// where no peak comes within a look-ahead and a release of the ceiling, gain is 1.
#include "audio/limiter.h"

#include <algorithm>
#include <cmath>

namespace podsmith::audio {
namespace {
constexpr int64_t kTaps = TruePeakMeter::kTaps;
constexpr int64_t kAhead = kTaps / 2;  // the frames after j that j's peaks depend on
}  // namespace

TruePeakLimiter::TruePeakLimiter(int rate_hz, int channels, double ceiling)
    : ch_(static_cast<size_t>(channels)),
      ceiling_(ceiling),
      lookahead_(std::max(1, rate_hz / 200)),
      release_(1 - std::exp(-1.0 / (0.150 * rate_hz))),
      interpolator_(rate_hz, channels),
      first_(-(kTaps - 1)),
      ring_(static_cast<size_t>(lookahead_), 1.0),
      ring_sum_(static_cast<double>(lookahead_)) {
  in_.assign(static_cast<size_t>(kTaps - 1) * ch_, 0.0f);
  line_.resize(static_cast<size_t>(kTaps));
}

void TruePeakLimiter::process(const float* in, size_t frames, std::vector<float>& out) {
  in_.insert(in_.end(), in, in + frames * ch_);
  total_ += static_cast<int64_t>(frames);
  out.clear();
  advance(out, total_);
}

void TruePeakLimiter::flush(std::vector<float>& out) {
  // Silence after the end lets every real frame through.
  const int64_t real_end = total_;
  const int64_t pad = lookahead_ + kAhead + 1;
  in_.insert(in_.end(), static_cast<size_t>(pad) * ch_, 0.0f);
  total_ += pad;
  out.clear();
  advance(out, real_end);
}

void TruePeakLimiter::advance(std::vector<float>& out, int64_t real_end) {
  const auto at = [&](int64_t frame, size_t c) { return in_[static_cast<size_t>(frame - first_) * ch_ + c]; };
  const double bound = interpolator_.bound_gain();
  for (; next_need_ + kAhead < total_; ++next_need_) {
    // 1. need[j]: from the samples j-1..j+1 and the oversampled values between them.
    const int64_t j = next_need_;
    float m = 0;
    for (int64_t f = j - kAhead; f <= j + kAhead; ++f)
      for (size_t c = 0; c < ch_; ++c) m = std::max(m, std::fabs(at(f, c)));
    float need = 1.0f;
    if (m * bound > ceiling_) {  // else no value near j can pass the ceiling
      double q = 0;
      for (size_t c = 0; c < ch_; ++c) {
        q = std::max(q, static_cast<double>(std::fabs(at(j, c))));
        // peak_between reads x[n-11..n] and gives the values between x[n-6] and
        // x[n-5]: n = j+5 for (j-1, j), n = j+6 for (j, j+1).
        for (int64_t n : {j + kAhead - 1, j + kAhead}) {
          for (int64_t t = 0; t < kTaps; ++t) line_[static_cast<size_t>(t)] = at(n - (kTaps - 1) + t, c);
          q = std::max(q, interpolator_.peak_between(line_.data()));
        }
      }
      if (q > ceiling_) need = static_cast<float>(ceiling_ / q);
    }
    // 2. low[k] = min(need[k .. k+L-1]), known once need[j] is, for k = j-L+1.
    while (!window_.empty() && window_.back().second >= need) window_.pop_back();
    window_.emplace_back(j, need);
    const int64_t k = j - lookahead_ + 1;
    if (k < 0) continue;
    while (window_.front().first < k) window_.pop_front();
    const double low = window_.front().second;
    // 3. Hold and release; 4. the mean of the last L held gains.
    held_ = std::min(low, held_ + (1 - held_) * release_);
    if (k == 0) {  // the L frames before the first count as held like it, not as 1
      std::fill(ring_.begin(), ring_.end(), held_);
      ring_sum_ = held_ * static_cast<double>(lookahead_);
    }
    double& slot = ring_[static_cast<size_t>(k % lookahead_)];
    ring_sum_ += held_ - slot;
    slot = held_;
    const double gain = std::min(1.0, ring_sum_ / static_cast<double>(lookahead_));
    if (k < real_end) {
      if (gain < 1.0 - 1e-9) ++limited_frames_;
      for (size_t c = 0; c < ch_; ++c) out.push_back(static_cast<float>(at(k, c) * gain));
      next_out_ = k + 1;
    }
  }
  // Keep what later frames read: the frames not yet output, and kAhead before the
  // next frame whose need is computed.
  const int64_t keep_from = std::min(next_out_, next_need_ - kAhead);
  if (keep_from > first_) {
    in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(keep_from - first_) * ch_));
    first_ = keep_from;
  }
}

}  // namespace podsmith::audio
