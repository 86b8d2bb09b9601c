#include "audio/loudness_meter.h"

#include <ebur128.h>

#include <cmath>

namespace podsmith::audio {

struct LoudnessMeter::State {
  ebur128_state* st = nullptr;
  ~State() {
    if (st != nullptr) ebur128_destroy(&st);
  }
};

LoudnessMeter::LoudnessMeter(int rate_hz, const std::vector<ChannelRole>& roles, bool with_range)
    : state_(std::make_unique<State>()), peaks_(rate_hz, static_cast<int>(roles.size())), with_range_(with_range) {
  // The histogram keeps memory flat however long the file, and is what ffmpeg's
  // ebur128 filter does too.
  const int mode = EBUR128_MODE_I | EBUR128_MODE_HISTOGRAM | (with_range ? EBUR128_MODE_LRA : 0);
  state_->st = ebur128_init(static_cast<unsigned>(roles.size()), static_cast<unsigned long>(rate_hz), mode);
  for (size_t c = 0; c < roles.size(); ++c) {
    int channel = EBUR128_UNUSED;
    switch (roles[c]) {
      case ChannelRole::kLeft: channel = EBUR128_LEFT; break;
      case ChannelRole::kRight: channel = EBUR128_RIGHT; break;
      case ChannelRole::kCenter: channel = EBUR128_CENTER; break;
      case ChannelRole::kLeftSurround: channel = EBUR128_LEFT_SURROUND; break;
      case ChannelRole::kRightSurround: channel = EBUR128_RIGHT_SURROUND; break;
      case ChannelRole::kUnused: break;
    }
    ebur128_set_channel(state_->st, static_cast<unsigned>(c), channel);
  }
}

LoudnessMeter::~LoudnessMeter() = default;

void LoudnessMeter::add(const float* samples, size_t frames) {
  ebur128_add_frames_float(state_->st, samples, frames);
  peaks_.add(samples, frames);
}

Result<Loudness> LoudnessMeter::result(const std::string& path) const {
  Loudness l;
  double integrated = -HUGE_VAL;
  ebur128_loudness_global(state_->st, &integrated);
  if (!std::isfinite(integrated)) {
    Error e;
    e.code = ErrorCode::kInvalidInput;
    e.file = path;
    e.message = "is silent: its integrated loudness is undefined (no 400 ms of audio above -70 LUFS)";
    return e;
  }
  l.integrated_lufs = integrated;
  double range = 0;
  if (with_range_ && ebur128_loudness_range(state_->st, &range) == EBUR128_SUCCESS && std::isfinite(range))
    l.range_lu = range;
  const auto db = [](double linear) { return linear > 0 ? 20 * std::log10(linear) : -HUGE_VAL; };
  l.true_peak_dbtp = db(peaks_.true_peak());
  l.sample_peak_dbfs = db(peaks_.sample_peak());
  return l;
}

std::optional<Error> measure_all(AudioDecoder& decoder, LoudnessMeter& meter, int64_t* frames) {
  std::vector<float> buffer;
  for (;;) {
    Result<size_t> n = decoder.read(buffer);
    if (!n) return n.error();
    if (*n == 0) return std::nullopt;
    meter.add(buffer.data(), *n);
    if (frames != nullptr) *frames += static_cast<int64_t>(*n);
  }
}

}  // namespace podsmith::audio
