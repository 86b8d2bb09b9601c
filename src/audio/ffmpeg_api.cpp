// The FFmpeg functions podsmith calls (all from audio_codec.cpp), each forwarding to
// libavformat, libavcodec, libavutil or libswresample loaded on first use, as
// src/base/curl_api.cpp does for libcurl (src/base/lazy_library.h says why). Linked,
// the four libraries and what they pull in (136 shared objects) cost every start of
// podsmith ~30 ms, for the one command in ten that decodes audio. A function missing
// here is a link error, not a surprise at run time.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

#include "base/lazy_library.h"

namespace {

podsmith::LazyLibrary& libavformat() {
  static podsmith::LazyLibrary library("libavformat.so.59", "libavformat59");
  return library;
}
podsmith::LazyLibrary& libavcodec() {
  static podsmith::LazyLibrary library("libavcodec.so.59", "libavcodec59");
  return library;
}
podsmith::LazyLibrary& libavutil() {
  static podsmith::LazyLibrary library("libavutil.so.57", "libavutil57");
  return library;
}
podsmith::LazyLibrary& libswresample() {
  static podsmith::LazyLibrary library("libswresample.so.4", "libswresample4");
  return library;
}

}  // namespace

// Defines `ret name params` to call the real `name` from `lib` with `args`.
#define PODSMITH_FORWARD(lib, ret, name, params, args)                                  \
  ret name params {                                                                   \
    static auto* const real = podsmith::lazy_function(lib(), &name, #name);           \
    return real args;                                                                 \
  }

PODSMITH_FORWARD(libavformat, int, avformat_open_input,
                 (AVFormatContext * *ps, const char* url, const AVInputFormat* fmt, AVDictionary** options),
                 (ps, url, fmt, options))
PODSMITH_FORWARD(libavformat, int, avformat_find_stream_info, (AVFormatContext * ic, AVDictionary** options),
                 (ic, options))
PODSMITH_FORWARD(libavformat, int, av_find_best_stream,
                 (AVFormatContext * ic, enum AVMediaType type, int wanted, int related, const AVCodec** decoder,
                  int flags),
                 (ic, type, wanted, related, decoder, flags))
PODSMITH_FORWARD(libavformat, void, avformat_close_input, (AVFormatContext * *s), (s))
PODSMITH_FORWARD(libavformat, int, av_read_frame, (AVFormatContext * s, AVPacket* pkt), (s, pkt))
PODSMITH_FORWARD(libavformat, int, avformat_alloc_output_context2,
                 (AVFormatContext * *ctx, const AVOutputFormat* oformat, const char* format_name,
                  const char* filename),
                 (ctx, oformat, format_name, filename))
PODSMITH_FORWARD(libavformat, AVStream*, avformat_new_stream, (AVFormatContext * s, const AVCodec* c), (s, c))
PODSMITH_FORWARD(libavformat, int, avformat_write_header, (AVFormatContext * s, AVDictionary** options),
                 (s, options))
PODSMITH_FORWARD(libavformat, int, av_interleaved_write_frame, (AVFormatContext * s, AVPacket* pkt), (s, pkt))
PODSMITH_FORWARD(libavformat, int, av_write_trailer, (AVFormatContext * s), (s))
PODSMITH_FORWARD(libavformat, void, avformat_free_context, (AVFormatContext * s), (s))
PODSMITH_FORWARD(libavformat, int, avio_open, (AVIOContext * *s, const char* url, int flags), (s, url, flags))
PODSMITH_FORWARD(libavformat, int, avio_closep, (AVIOContext * *s), (s))

PODSMITH_FORWARD(libavcodec, AVCodecContext*, avcodec_alloc_context3, (const AVCodec* codec), (codec))
PODSMITH_FORWARD(libavcodec, int, avcodec_parameters_to_context,
                 (AVCodecContext * codec, const AVCodecParameters* par), (codec, par))
PODSMITH_FORWARD(libavcodec, int, avcodec_parameters_from_context,
                 (AVCodecParameters * par, const AVCodecContext* codec), (par, codec))
PODSMITH_FORWARD(libavcodec, int, avcodec_open2,
                 (AVCodecContext * avctx, const AVCodec* codec, AVDictionary** options), (avctx, codec, options))
PODSMITH_FORWARD(libavcodec, void, avcodec_free_context, (AVCodecContext * *avctx), (avctx))
PODSMITH_FORWARD(libavcodec, int, avcodec_send_packet, (AVCodecContext * avctx, const AVPacket* pkt),
                 (avctx, pkt))
PODSMITH_FORWARD(libavcodec, int, avcodec_receive_frame, (AVCodecContext * avctx, AVFrame* frame),
                 (avctx, frame))
PODSMITH_FORWARD(libavcodec, int, avcodec_send_frame, (AVCodecContext * avctx, const AVFrame* frame),
                 (avctx, frame))
PODSMITH_FORWARD(libavcodec, int, avcodec_receive_packet, (AVCodecContext * avctx, AVPacket* pkt),
                 (avctx, pkt))
PODSMITH_FORWARD(libavcodec, AVPacket*, av_packet_alloc, (), ())
PODSMITH_FORWARD(libavcodec, void, av_packet_free, (AVPacket * *pkt), (pkt))
PODSMITH_FORWARD(libavcodec, void, av_packet_unref, (AVPacket * pkt), (pkt))
PODSMITH_FORWARD(libavcodec, void, av_packet_rescale_ts, (AVPacket * pkt, AVRational src, AVRational dst),
                 (pkt, src, dst))
PODSMITH_FORWARD(libavcodec, const AVCodec*, avcodec_find_encoder_by_name, (const char* name), (name))

PODSMITH_FORWARD(libavutil, AVFrame*, av_frame_alloc, (), ())
PODSMITH_FORWARD(libavutil, void, av_frame_free, (AVFrame * *frame), (frame))
PODSMITH_FORWARD(libavutil, void, av_frame_unref, (AVFrame * frame), (frame))
PODSMITH_FORWARD(libavutil, int, av_frame_get_buffer, (AVFrame * frame, int align), (frame, align))
PODSMITH_FORWARD(libavutil, int, av_frame_make_writable, (AVFrame * frame), (frame))
PODSMITH_FORWARD(libavutil, int, av_strerror, (int errnum, char* buf, size_t size), (errnum, buf, size))
PODSMITH_FORWARD(libavutil, void, av_channel_layout_default, (AVChannelLayout * layout, int channels),
                 (layout, channels))
PODSMITH_FORWARD(libavutil, void, av_channel_layout_uninit, (AVChannelLayout * layout), (layout))
PODSMITH_FORWARD(libavutil, int, av_channel_layout_copy, (AVChannelLayout * dst, const AVChannelLayout* src),
                 (dst, src))
PODSMITH_FORWARD(libavutil, int, av_channel_layout_describe,
                 (const AVChannelLayout* layout, char* buf, size_t size), (layout, buf, size))
PODSMITH_FORWARD(libavutil, enum AVChannel, av_channel_layout_channel_from_index,
                 (const AVChannelLayout* layout, unsigned int index), (layout, index))
PODSMITH_FORWARD(libavutil, void, av_log_set_level, (int level), (level))
PODSMITH_FORWARD(libavutil, int, av_dict_set, (AVDictionary * *m, const char* key, const char* value, int flags),
                 (m, key, value, flags))
PODSMITH_FORWARD(libavutil, void, av_dict_free, (AVDictionary * *m), (m))

PODSMITH_FORWARD(libswresample, int, swr_alloc_set_opts2,
                 (struct SwrContext * *ps, AVChannelLayout* out_layout, enum AVSampleFormat out_format, int out_rate,
                  AVChannelLayout* in_layout, enum AVSampleFormat in_format, int in_rate, int log_offset,
                  void* log_ctx),
                 (ps, out_layout, out_format, out_rate, in_layout, in_format, in_rate, log_offset, log_ctx))
PODSMITH_FORWARD(libswresample, int, swr_init, (struct SwrContext * s), (s))
PODSMITH_FORWARD(libswresample, void, swr_free, (struct SwrContext * *s), (s))
PODSMITH_FORWARD(libswresample, int, swr_convert,
                 (struct SwrContext * s, uint8_t** out, int out_count, const uint8_t** in, int in_count),
                 (s, out, out_count, in, in_count))
PODSMITH_FORWARD(libswresample, int, swr_get_out_samples, (struct SwrContext * s, int in_samples),
                 (s, in_samples))
