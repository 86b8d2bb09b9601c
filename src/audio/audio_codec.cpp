// The border with FFmpeg's libraries: demuxing, decoding, resampling and encoding,
// translated into podsmith's types (audio_codec.h). FFmpeg's functions are called
// as documented; ffmpeg_api.cpp loads the libraries the first time one is called.
#include "audio/audio_codec.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cstring>
#include <mutex>

namespace podsmith::audio {
namespace {

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

Error error_for(const std::string& path, ErrorCode code, const std::string& message) {
  Error e;
  e.code = code;
  e.file = path;
  e.message = message;
  return e;
}

// FFmpeg logs warnings about odd but readable files to stderr ("Estimating duration
// from bitrate"); podsmith reports problems itself.
void quiet_ffmpeg() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

ChannelRole role_of(AVChannel channel) {
  switch (channel) {
    case AV_CHAN_FRONT_LEFT: return ChannelRole::kLeft;
    case AV_CHAN_FRONT_RIGHT: return ChannelRole::kRight;
    case AV_CHAN_FRONT_CENTER: return ChannelRole::kCenter;
    case AV_CHAN_SIDE_LEFT:
    case AV_CHAN_BACK_LEFT: return ChannelRole::kLeftSurround;
    case AV_CHAN_SIDE_RIGHT:
    case AV_CHAN_BACK_RIGHT: return ChannelRole::kRightSurround;
    default: return ChannelRole::kUnused;
  }
}

}  // namespace

struct AudioDecoder::State {
  std::string path;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  SwrContext* swr = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  int stream = -1;
  AVChannelLayout in_layout{};
  AVChannelLayout out_layout{};
  int out_rate = 0;
  bool input_done = false;
  bool decoder_done = false;
  bool swr_drained = false;

  ~State() {
    swr_free(&swr);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
  }
};

AudioDecoder::AudioDecoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
AudioDecoder::~AudioDecoder() = default;

Result<std::unique_ptr<AudioDecoder>> AudioDecoder::open(const std::string& path, int rate_hz, int channels) {
  quiet_ffmpeg();
  auto s = std::make_unique<State>();
  s->path = path;
  int rc = avformat_open_input(&s->format, path.c_str(), nullptr, nullptr);
  if (rc < 0) {
    const ErrorCode code = rc == AVERROR(ENOENT) ? ErrorCode::kNotFound : ErrorCode::kUnsupported;
    return error_for(path, code, "not an audio file FFmpeg can read (" + av_error_text(rc) + ")");
  }
  rc = avformat_find_stream_info(s->format, nullptr);
  if (rc < 0) return error_for(path, ErrorCode::kCorrupt, "cannot read the streams: " + av_error_text(rc));
  const AVCodec* decoder = nullptr;
  s->stream = av_find_best_stream(s->format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
  if (s->stream < 0 || decoder == nullptr)
    return error_for(path, ErrorCode::kUnsupported, "has no audio stream FFmpeg can decode");
  AVStream* st = s->format->streams[s->stream];
  s->codec = avcodec_alloc_context3(decoder);
  avcodec_parameters_to_context(s->codec, st->codecpar);
  s->codec->pkt_timebase = st->time_base;
  rc = avcodec_open2(s->codec, decoder, nullptr);
  if (rc < 0) return error_for(path, ErrorCode::kUnsupported, "cannot open the decoder: " + av_error_text(rc));
  if (s->codec->sample_rate <= 0 || s->codec->ch_layout.nb_channels <= 0)
    return error_for(path, ErrorCode::kCorrupt, "the audio stream declares no sample rate or channels");
  if (s->codec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default(&s->in_layout, s->codec->ch_layout.nb_channels);
  else
    av_channel_layout_copy(&s->in_layout, &s->codec->ch_layout);
  if (channels == 0)
    av_channel_layout_copy(&s->out_layout, &s->in_layout);
  else
    av_channel_layout_default(&s->out_layout, channels);
  s->out_rate = rate_hz == 0 ? s->codec->sample_rate : rate_hz;
  rc = swr_alloc_set_opts2(&s->swr, &s->out_layout, AV_SAMPLE_FMT_FLT, s->out_rate, &s->in_layout,
                           s->codec->sample_fmt, s->codec->sample_rate, 0, nullptr);
  if (rc >= 0) rc = swr_init(s->swr);
  if (rc < 0)
    return error_for(path, ErrorCode::kUnsupported, "cannot convert its audio: " + av_error_text(rc));
  s->packet = av_packet_alloc();
  s->frame = av_frame_alloc();
  return std::unique_ptr<AudioDecoder>(new AudioDecoder(std::move(s)));
}

int AudioDecoder::source_rate_hz() const { return state_->codec->sample_rate; }
int AudioDecoder::source_channels() const { return state_->in_layout.nb_channels; }
int AudioDecoder::rate_hz() const { return state_->out_rate; }
int AudioDecoder::channels() const { return state_->out_layout.nb_channels; }

std::string AudioDecoder::source_layout() const {
  char text[128] = {};
  av_channel_layout_describe(&state_->in_layout, text, sizeof text);
  return text;
}

std::vector<ChannelRole> AudioDecoder::channel_roles() const {
  std::vector<ChannelRole> roles;
  const AVChannelLayout& layout = state_->out_layout;
  for (int c = 0; c < layout.nb_channels; ++c) {
    // Mono counts once, as the left channel (ffmpeg's ebur128 filter does so too).
    roles.push_back(layout.nb_channels == 1 ? ChannelRole::kLeft
                                            : role_of(av_channel_layout_channel_from_index(&layout, static_cast<unsigned>(c))));
  }
  return roles;
}

Result<size_t> AudioDecoder::read(std::vector<float>& out) {
  State& s = *state_;
  const int ch = s.out_layout.nb_channels;
  for (;;) {
    if (!s.decoder_done) {
      int rc = avcodec_receive_frame(s.codec, s.frame);
      if (rc == 0) {
        const int max = swr_get_out_samples(s.swr, s.frame->nb_samples);
        out.resize(static_cast<size_t>(max) * static_cast<size_t>(ch));
        auto* dst = reinterpret_cast<uint8_t*>(out.data());
        const int n = swr_convert(s.swr, &dst, max, const_cast<const uint8_t**>(s.frame->extended_data),
                                  s.frame->nb_samples);
        av_frame_unref(s.frame);
        if (n < 0) return error_for(s.path, ErrorCode::kCorrupt, "cannot convert its audio: " + av_error_text(n));
        out.resize(static_cast<size_t>(n) * static_cast<size_t>(ch));
        if (n > 0) return static_cast<size_t>(n);
        continue;
      }
      if (rc == AVERROR_EOF) {
        s.decoder_done = true;
        continue;
      }
      if (rc != AVERROR(EAGAIN))
        return error_for(s.path, ErrorCode::kCorrupt, "cannot decode its audio: " + av_error_text(rc));
      if (s.input_done) {  // the decoder wants more than there is: it is flushed
        s.decoder_done = true;
        continue;
      }
      rc = av_read_frame(s.format, s.packet);
      if (rc == AVERROR_EOF) {
        s.input_done = true;
        avcodec_send_packet(s.codec, nullptr);
        continue;
      }
      if (rc < 0) return error_for(s.path, ErrorCode::kCorrupt, "cannot read its audio: " + av_error_text(rc));
      if (s.packet->stream_index == s.stream) {
        rc = avcodec_send_packet(s.codec, s.packet);
        // A damaged packet is skipped, as ffmpeg does; what decodes is kept.
        if (rc < 0 && rc != AVERROR_INVALIDDATA && rc != AVERROR(EAGAIN)) {
          av_packet_unref(s.packet);
          return error_for(s.path, ErrorCode::kCorrupt, "cannot decode its audio: " + av_error_text(rc));
        }
      }
      av_packet_unref(s.packet);
      continue;
    }
    if (s.swr_drained) {
      out.clear();
      return size_t{0};
    }
    // What the resampler still holds.
    const int max = std::max(swr_get_out_samples(s.swr, 0), 0) + 64;
    out.resize(static_cast<size_t>(max) * static_cast<size_t>(ch));
    auto* dst = reinterpret_cast<uint8_t*>(out.data());
    const int n = swr_convert(s.swr, &dst, max, nullptr, 0);
    if (n <= 0) {
      s.swr_drained = true;
      out.clear();
      return size_t{0};
    }
    out.resize(static_cast<size_t>(n) * static_cast<size_t>(ch));
    return static_cast<size_t>(n);
  }
}

// ---- Encoding ----------------------------------------------------------------

struct AudioEncoder::State {
  std::string path;
  EncoderSettings settings;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  bool planar = false;
  int frame_size = 0;
  int64_t next_pts = 0;
  std::vector<float> pending;  // interleaved, less than one frame
  bool header_written = false;

  ~State() {
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&codec);
    if (format != nullptr) {
      if (format->pb != nullptr) avio_closep(&format->pb);
      avformat_free_context(format);
    }
  }

  std::optional<Error> fail(const std::string& what, int rc) const {
    return error_for(path, ErrorCode::kInvalidInput, what + ": " + av_error_text(rc));
  }

  // Sends one frame (nullptr: flush) and writes the packets that come out.
  std::optional<Error> send(AVFrame* f) {
    int rc = avcodec_send_frame(codec, f);
    if (rc < 0) return fail("the encoder refused the audio", rc);
    for (;;) {
      rc = avcodec_receive_packet(codec, packet);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return std::nullopt;
      if (rc < 0) return fail("encoding failed", rc);
      av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      rc = av_interleaved_write_frame(format, packet);
      if (rc < 0) return fail("cannot write the encoded audio", rc);
    }
  }

  std::optional<Error> encode_frame(const float* samples, int frames) {
    const int ch = settings.channels;
    frame->nb_samples = frames;
    int rc = av_frame_make_writable(frame);
    if (rc < 0) return fail("out of memory", rc);
    if (planar) {
      for (int c = 0; c < ch; ++c) {
        auto* dst = reinterpret_cast<float*>(frame->data[c]);
        for (int i = 0; i < frames; ++i) dst[i] = samples[i * ch + c];
      }
    } else {
      std::memcpy(frame->data[0], samples, sizeof(float) * static_cast<size_t>(frames * ch));
    }
    frame->pts = next_pts;
    next_pts += frames;
    return send(frame);
  }
};

AudioEncoder::AudioEncoder(std::unique_ptr<State> state) : state_(std::move(state)) {}
AudioEncoder::~AudioEncoder() = default;

Result<std::unique_ptr<AudioEncoder>> AudioEncoder::open(const std::string& path, const EncoderSettings& settings) {
  quiet_ffmpeg();
  auto s = std::make_unique<State>();
  s->path = path;
  s->settings = settings;
  const char* muxer = settings.format == AudioFormat::kMp3 ? "mp3" : settings.format == AudioFormat::kM4a ? "ipod" : "opus";
  const char* encoder_name =
      settings.format == AudioFormat::kMp3 ? "libmp3lame" : settings.format == AudioFormat::kM4a ? "aac" : "libopus";
  int rc = avformat_alloc_output_context2(&s->format, nullptr, muxer, path.c_str());
  if (rc < 0 || s->format == nullptr) return *s->fail(std::string("FFmpeg has no ") + muxer + " muxer", rc);
  const AVCodec* encoder = avcodec_find_encoder_by_name(encoder_name);
  if (encoder == nullptr)
    return error_for(path, ErrorCode::kUnsupported, std::string("FFmpeg has no ") + encoder_name + " encoder");
  s->stream = avformat_new_stream(s->format, nullptr);
  s->codec = avcodec_alloc_context3(encoder);
  AVCodecContext* cc = s->codec;
  cc->sample_rate = settings.rate_hz;
  av_channel_layout_default(&cc->ch_layout, settings.channels);
  // Planar float where the encoder takes it (LAME, AAC), else interleaved (Opus).
  cc->sample_fmt = AV_SAMPLE_FMT_FLT;
  for (const AVSampleFormat* f = encoder->sample_fmts; f != nullptr && *f != AV_SAMPLE_FMT_NONE; ++f) {
    if (*f == AV_SAMPLE_FMT_FLTP) cc->sample_fmt = AV_SAMPLE_FMT_FLTP;
  }
  s->planar = cc->sample_fmt == AV_SAMPLE_FMT_FLTP;
  cc->bit_rate = settings.bitrate_bps;
  cc->time_base = AVRational{1, settings.rate_hz};
  // Same input, same bytes: no library versions or random serial numbers in the output.
  cc->flags |= AV_CODEC_FLAG_BITEXACT;
  s->format->flags |= AVFMT_FLAG_BITEXACT;
  if (s->format->oformat->flags & AVFMT_GLOBALHEADER) cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  rc = avcodec_open2(cc, encoder, nullptr);
  if (rc < 0)
    return error_for(path, ErrorCode::kUnsupported,
                     std::string("the ") + encoder_name + " encoder cannot take " + std::to_string(settings.rate_hz) +
                         " Hz, " + std::to_string(settings.channels) + " channel(s) at " +
                         std::to_string(settings.bitrate_bps / 1000) + " kbps: " + av_error_text(rc));
  avcodec_parameters_from_context(s->stream->codecpar, cc);
  s->stream->time_base = cc->time_base;
  s->frame_size = cc->frame_size > 0 ? cc->frame_size : 1152;
  s->frame = av_frame_alloc();
  s->frame->format = cc->sample_fmt;
  s->frame->sample_rate = cc->sample_rate;
  av_channel_layout_copy(&s->frame->ch_layout, &cc->ch_layout);
  s->frame->nb_samples = s->frame_size;
  rc = av_frame_get_buffer(s->frame, 0);
  if (rc < 0) return *s->fail("out of memory", rc);
  s->packet = av_packet_alloc();
  rc = avio_open(&s->format->pb, path.c_str(), AVIO_FLAG_WRITE);
  if (rc < 0) return *s->fail("cannot create the file", rc);
  AVDictionary* options = nullptr;
  // M4A: the index (moov) before the audio, so players can start before the end arrives.
  if (settings.format == AudioFormat::kM4a) av_dict_set(&options, "movflags", "+faststart", 0);
  rc = avformat_write_header(s->format, &options);
  av_dict_free(&options);
  if (rc < 0) return *s->fail("cannot write the file's header", rc);
  s->header_written = true;
  return std::unique_ptr<AudioEncoder>(new AudioEncoder(std::move(s)));
}

std::optional<Error> AudioEncoder::write(const float* samples, size_t frames) {
  State& s = *state_;
  const size_t ch = static_cast<size_t>(s.settings.channels);
  const size_t fs = static_cast<size_t>(s.frame_size);
  size_t i = 0;
  if (!s.pending.empty()) {
    const size_t take = std::min(frames, fs - s.pending.size() / ch);
    s.pending.insert(s.pending.end(), samples, samples + take * ch);
    i = take;
    if (s.pending.size() / ch < fs) return std::nullopt;
    if (auto e = s.encode_frame(s.pending.data(), s.frame_size)) return e;
    s.pending.clear();
  }
  for (; i + fs <= frames; i += fs) {
    if (auto e = s.encode_frame(samples + i * ch, s.frame_size)) return e;
  }
  s.pending.assign(samples + i * ch, samples + frames * ch);
  return std::nullopt;
}

std::optional<Error> AudioEncoder::finish() {
  State& s = *state_;
  const int ch = s.settings.channels;
  if (!s.pending.empty()) {
    int frames = static_cast<int>(s.pending.size()) / ch;
    if (!(s.codec->codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME)) {
      s.pending.resize(static_cast<size_t>(s.frame_size * ch), 0.0f);
      frames = s.frame_size;
    }
    if (auto e = s.encode_frame(s.pending.data(), frames)) return e;
    s.pending.clear();
  }
  if (auto e = s.send(nullptr)) return e;
  int rc = av_write_trailer(s.format);
  if (rc < 0) return s.fail("cannot finish the file", rc);
  rc = avio_closep(&s.format->pb);
  if (rc < 0) return s.fail("cannot write the file", rc);
  return std::nullopt;
}

}  // namespace podsmith::audio
