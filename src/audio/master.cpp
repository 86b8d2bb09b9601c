#include "podsmith/audio/master.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "audio/audio_codec.h"
#include "audio/limiter.h"
#include "audio/loudness_meter.h"
#include "podsmith/media/media_probe.h"

namespace podsmith {
namespace {

using audio::AudioDecoder;
using audio::AudioEncoder;
using audio::LoudnessMeter;

Error master_error(const std::string& path, ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.file = path;
  e.message = std::move(message);
  return e;
}

std::string db(double v, const char* unit) {
  char text[48];
  std::snprintf(text, sizeof text, "%.1f %s", v, unit);
  return text;
}

// The output's rate: what the format needs, else the master's when a podcast app
// expects it (44.1 or 48 kHz; Apple's and Spotify's specifications name these two),
// else 44.1 kHz (48 kHz for masters made at its multiples).
int output_rate(EncodeFormat format, int master_rate) {
  if (format == EncodeFormat::kOpus) return 48000;  // Opus codes at 48 kHz
  if (master_rate == 44100 || master_rate == 48000) return master_rate;
  return master_rate % 48000 == 0 ? 48000 : 44100;
}

// A temporary name beside `path` that remove_stale_temps() (base/file_io.h)
// recognises when a killed process leaves it behind.
std::string temp_name(const std::string& path) {
  static std::atomic<int> counter{0};
  const std::filesystem::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1))))
      .string();
}

// One decode of the master through gain, limiter and encoder into `temp`.
std::optional<Error> encode_once(const std::string& master, const std::string& temp, int rate, int channels,
                                 double gain_db, double ceiling_dbtp, const MasterSettings& settings,
                                 size_t* limited_frames) {
  auto decoder = AudioDecoder::open(master, rate, channels);
  if (!decoder) return decoder.error();
  audio::EncoderSettings encoder_settings;
  encoder_settings.format = settings.format == EncodeFormat::kMp3   ? audio::AudioFormat::kMp3
                            : settings.format == EncodeFormat::kM4a ? audio::AudioFormat::kM4a
                                                                    : audio::AudioFormat::kOpus;
  encoder_settings.bitrate_bps = settings.bitrate_kbps * 1000;
  encoder_settings.rate_hz = rate;
  encoder_settings.channels = channels;
  auto encoder = AudioEncoder::open(temp, encoder_settings);
  if (!encoder) return encoder.error();
  audio::TruePeakLimiter limiter(rate, channels, std::pow(10.0, ceiling_dbtp / 20));
  const auto gain = static_cast<float>(std::pow(10.0, gain_db / 20));
  std::vector<float> buffer;
  std::vector<float> limited;
  for (;;) {
    Result<size_t> n = (*decoder)->read(buffer);
    if (!n) return n.error();
    if (*n == 0) break;
    for (float& x : buffer) x *= gain;
    limiter.process(buffer.data(), *n, limited);
    if (auto e = (*encoder)->write(limited.data(), limited.size() / static_cast<size_t>(channels))) return e;
  }
  limiter.flush(limited);
  if (auto e = (*encoder)->write(limited.data(), limited.size() / static_cast<size_t>(channels))) return e;
  *limited_frames = limiter.limited_frames();
  return (*encoder)->finish();
}

// The loudness of the master after gain and limiter, without encoding: the limiter
// takes some loudness off the peaks it turns down, so the gain that reaches the
// target is found on this (cheap) path before the (slow) encode.
Result<Loudness> simulate(const std::string& master, int rate, int channels, double gain_db, double ceiling_dbtp) {
  auto decoder = AudioDecoder::open(master, rate, channels);
  if (!decoder) return decoder.error();
  LoudnessMeter meter(rate, (*decoder)->channel_roles(), false);
  audio::TruePeakLimiter limiter(rate, channels, std::pow(10.0, ceiling_dbtp / 20));
  const auto gain = static_cast<float>(std::pow(10.0, gain_db / 20));
  std::vector<float> buffer;
  std::vector<float> limited;
  for (;;) {
    Result<size_t> n = (*decoder)->read(buffer);
    if (!n) return n.error();
    if (*n == 0) break;
    for (float& x : buffer) x *= gain;
    limiter.process(buffer.data(), *n, limited);
    meter.add(limited.data(), limited.size() / static_cast<size_t>(channels));
  }
  limiter.flush(limited);
  meter.add(limited.data(), limited.size() / static_cast<size_t>(channels));
  return meter.result(master);
}

// What the encoder itself does to the loudness (LAME at 128k takes ~0.4 LU off
// speech; AAC and Opus less), learnt by encoding at most 30 s from the middle of the
// master, gained and limited, and measuring that before and after: the full encode
// then lands on target the first time. 0 when the excerpt is too quiet to tell.
Result<double> codec_offset(const std::string& master, const std::string& temp, int rate, int channels,
                            int64_t total_frames, double gain_db, double ceiling_dbtp, const MasterSettings& settings) {
  const int64_t length = std::min<int64_t>(total_frames, int64_t{30} * rate);
  const int64_t start = std::max<int64_t>(0, total_frames / 2 - length / 2);
  auto decoder = AudioDecoder::open(master, rate, channels);
  if (!decoder) return decoder.error();
  audio::EncoderSettings encoder_settings;
  encoder_settings.format = settings.format == EncodeFormat::kMp3   ? audio::AudioFormat::kMp3
                            : settings.format == EncodeFormat::kM4a ? audio::AudioFormat::kM4a
                                                                    : audio::AudioFormat::kOpus;
  encoder_settings.bitrate_bps = settings.bitrate_kbps * 1000;
  encoder_settings.rate_hz = rate;
  encoder_settings.channels = channels;
  double before = 0;
  {
    auto encoder = AudioEncoder::open(temp, encoder_settings);
    if (!encoder) return encoder.error();
    LoudnessMeter meter(rate, (*decoder)->channel_roles(), false);
    audio::TruePeakLimiter limiter(rate, channels, std::pow(10.0, ceiling_dbtp / 20));
    const auto gain = static_cast<float>(std::pow(10.0, gain_db / 20));
    const auto ch = static_cast<size_t>(channels);
    std::vector<float> buffer;
    std::vector<float> limited;
    int64_t at = 0;
    while (at < start + length) {
      Result<size_t> n = (*decoder)->read(buffer);
      if (!n) return n.error();
      if (*n == 0) break;
      const int64_t from = std::max<int64_t>(start - at, 0);
      const int64_t to = std::min<int64_t>(static_cast<int64_t>(*n), start + length - at);
      at += static_cast<int64_t>(*n);
      if (to <= from) continue;
      for (int64_t i = from * channels; i < to * channels; ++i) buffer[static_cast<size_t>(i)] *= gain;
      limiter.process(buffer.data() + from * channels, static_cast<size_t>(to - from), limited);
      meter.add(limited.data(), limited.size() / ch);
      if (auto e = (*encoder)->write(limited.data(), limited.size() / ch)) return *e;
    }
    limiter.flush(limited);
    meter.add(limited.data(), limited.size() / ch);
    if (auto e = (*encoder)->write(limited.data(), limited.size() / ch)) return *e;
    if (auto e = (*encoder)->finish()) return *e;
    Result<Loudness> l = meter.result(master);
    if (!l) return 0.0;
    before = l->integrated_lufs;
  }
  auto encoded = AudioDecoder::open(temp);
  if (!encoded) return encoded.error();
  LoudnessMeter meter((*encoded)->rate_hz(), (*encoded)->channel_roles(), false);
  if (auto e = audio::measure_all(**encoded, meter)) return *e;
  Result<Loudness> after = meter.result(temp);
  if (!after) return 0.0;
  return after->integrated_lufs - before;
}

}  // namespace

std::optional<EncodeFormat> parse_encode_format(const std::string& name) {
  if (name == "mp3") return EncodeFormat::kMp3;
  if (name == "m4a" || name == "aac") return EncodeFormat::kM4a;
  if (name == "opus") return EncodeFormat::kOpus;
  return std::nullopt;
}

std::string encode_format_name(EncodeFormat format) {
  return format == EncodeFormat::kMp3 ? "mp3" : format == EncodeFormat::kM4a ? "m4a" : "opus";
}

std::string encode_format_extension(EncodeFormat format) { return "." + encode_format_name(format); }

std::optional<int> parse_bitrate_kbps(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (...) {
    return std::nullopt;
  }
  const std::string rest = text.substr(used);
  if (rest == "k" || rest == "K") {
  } else if (rest.empty()) {
    if (value >= 8000) value /= 1000;
  } else {
    return std::nullopt;
  }
  if (value < 8 || value > 512) return std::nullopt;
  return static_cast<int>(value);
}

Result<MasterReport> master_audio(const std::string& master, const std::string& output,
                                  const MasterSettings& settings) {
  // The master must be a file podsmith reads, whole.
  Result<MediaInfo> info = probe(master);
  if (!info) return info.error();
  for (const std::string& w : info->warnings) {
    if (w.find("cut short") != std::string::npos)
      return master_error(master, ErrorCode::kCorrupt, "is cut short: " + w);
  }
  auto source = AudioDecoder::open(master);
  if (!source) return source.error();
  const int master_rate = (*source)->source_rate_hz();
  const int master_channels = (*source)->source_channels();
  if (master_channels > 2)
    return master_error(master, ErrorCode::kInvalidInput,
                        "has " + std::to_string(master_channels) + " channels (" + (*source)->source_layout() +
                            "); a master must be mono or stereo");
  if (master_rate < 8000 || master_rate > 192000)
    return master_error(master, ErrorCode::kInvalidInput,
                        "has a sample rate of " + std::to_string(master_rate) +
                            " Hz; a master must be between 8 and 192 kHz");
  source.value().reset();
  MasterReport report;
  report.rate_hz = output_rate(settings.format, master_rate);
  report.channels = settings.channels == 0 ? master_channels : settings.channels;

  // Pass 1: the master's loudness as it will be encoded (rate and channels converted).
  int64_t frames = 0;
  {
    auto decoder = AudioDecoder::open(master, report.rate_hz, report.channels);
    if (!decoder) return decoder.error();
    LoudnessMeter meter(report.rate_hz, (*decoder)->channel_roles());
    if (auto e = audio::measure_all(**decoder, meter, &frames)) return *e;
    // Cut short where no header warned: it decodes to well under the duration its
    // container declares (a FLAC or WAV whose end is missing).
    const int64_t decoded_ms = frames * 1000 / report.rate_hz;
    if (info->duration_ms > 0 && decoded_ms + 100 < info->duration_ms * 95 / 100)
      return master_error(master, ErrorCode::kCorrupt,
                          "is cut short: it decodes to " + std::to_string(decoded_ms) + " ms of its " +
                              std::to_string(info->duration_ms) + " ms");
    Result<Loudness> loudness = meter.result(master);
    if (!loudness) return loudness.error();
    report.master = *loudness;
  }
  report.gain_db = settings.target_lufs - report.master.integrated_lufs;
  if (report.gain_db > kMaxMasterGainDb)
    return master_error(master, ErrorCode::kInvalidInput,
                        "is too quiet: at " + db(report.master.integrated_lufs, "LUFS") + " it needs +" +
                            db(report.gain_db, "dB") + " to reach " + db(settings.target_lufs, "LUFS") +
                            " (more than +30 dB would mostly raise noise)");

  // Lossy coding moves peaks: the limiter aims below the ceiling by a margin that
  // grows when an encode still overshoots.
  double margin_db = settings.format == EncodeFormat::kOpus ? 1.0 : 0.5;
  // The gain that reaches the target through the limiter (secant steps; loudness
  // rises by less than the gain where the limiter works, never by more).
  double slope = 1;  // LU of output per dB of gain, near the answer
  const bool limiter_works = report.master.true_peak_dbtp + report.gain_db > settings.true_peak_dbtp - margin_db;
  if (limiter_works) {
    double previous_gain = 0;
    double previous_lufs = 0;
    for (int step = 0; step < 4; ++step) {
      Result<Loudness> l = simulate(master, report.rate_hz, report.channels, report.gain_db,
                                    settings.true_peak_dbtp - margin_db);
      if (!l) return l.error();
      const double off = settings.target_lufs - l->integrated_lufs;
      if (std::fabs(off) <= 0.05) break;
      if (step > 0 && report.gain_db != previous_gain)
        slope = std::clamp((l->integrated_lufs - previous_lufs) / (report.gain_db - previous_gain), 0.2, 1.0);
      previous_gain = report.gain_db;
      previous_lufs = l->integrated_lufs;
      report.gain_db += off / slope;
    }
    if (report.gain_db > kMaxMasterGainDb)
      return master_error(master, ErrorCode::kInvalidInput,
                          "is too quiet: its peaks leave it short of " + db(settings.target_lufs, "LUFS") +
                              " unless more than +30 dB of gain is applied");
  }
  const std::string temp = temp_name(output);
  {
    Result<double> offset = codec_offset(master, temp, report.rate_hz, report.channels, frames, report.gain_db,
                                         settings.true_peak_dbtp - margin_db, settings);
    std::filesystem::remove(temp);
    if (!offset) return offset.error();
    report.gain_db -= *offset / slope;
  }
  for (report.encodes = 1; report.encodes <= 3; ++report.encodes) {
    size_t limited_frames = 0;
    if (auto e = encode_once(master, temp, report.rate_hz, report.channels, report.gain_db,
                             settings.true_peak_dbtp - margin_db, settings, &limited_frames)) {
      std::filesystem::remove(temp);
      return *e;
    }
    report.limited_ms = limited_frames * 1000 / static_cast<size_t>(report.rate_hz);
    auto decoder = AudioDecoder::open(temp);
    if (!decoder) {
      std::filesystem::remove(temp);
      return master_error(output, decoder.error().code, "the encoded file cannot be read back: " + decoder.error().message);
    }
    LoudnessMeter meter((*decoder)->rate_hz(), (*decoder)->channel_roles());
    if (auto e = audio::measure_all(**decoder, meter)) {
      std::filesystem::remove(temp);
      return *e;
    }
    Result<Loudness> measured = meter.result(output);
    if (!measured) {
      std::filesystem::remove(temp);
      return measured.error();
    }
    report.output = *measured;
    const double off = settings.target_lufs - measured->integrated_lufs;
    const double over = measured->true_peak_dbtp - settings.true_peak_dbtp;
    if (std::fabs(off) <= 0.5 && over <= 0) {
      std::error_code ec;
      std::filesystem::rename(temp, output, ec);
      if (ec) {
        std::filesystem::remove(temp);
        return master_error(output, ErrorCode::kUnreadable, "cannot write: " + ec.message());
      }
      return report;
    }
    if (report.encodes == 3) break;
    report.gain_db += off / slope;
    if (over > 0) margin_db += over + 0.1;
  }
  std::filesystem::remove(temp);
  return master_error(master, ErrorCode::kInvalidInput,
                      "could not be mastered to " + db(settings.target_lufs, "LUFS") + " with true peak at or below " +
                          db(settings.true_peak_dbtp, "dBTP") + " in three encodes: the last came out at " +
                          db(report.output.integrated_lufs, "LUFS") + ", true peak " +
                          db(report.output.true_peak_dbtp, "dBTP") + "; nothing was written");
}

}  // namespace podsmith
