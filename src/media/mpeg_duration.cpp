#include "media/mpeg_duration.h"

#include <mpg123.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>

namespace podsmith {
namespace {

struct HandleDeleter {
  void operator()(mpg123_handle* h) const { mpg123_delete(h); }
};
using Handle = std::unique_ptr<mpg123_handle, HandleDeleter>;

// mpg123_init() is a no-op since 1.27 but older libraries need it, once.
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mpg123_init(); });
}

// libmpg123 reads through these, from the ByteSource, instead of two read()
// system calls per frame.
struct Cursor {
  ByteSource* source;
  int64_t position = 0;
};

mpg123_ssize_t cursor_read(void* handle, void* out, size_t n) {
  auto* c = static_cast<Cursor*>(handle);
  const size_t got = c->source->read_at(c->position, static_cast<char*>(out), n);
  c->position += static_cast<int64_t>(got);
  return static_cast<mpg123_ssize_t>(got);
}

off_t cursor_seek(void* handle, off_t offset, int whence) {
  auto* c = static_cast<Cursor*>(handle);
  int64_t target = offset;
  if (whence == SEEK_CUR) target += c->position;
  if (whence == SEEK_END) target += c->source->size();
  if (target < 0) return -1;
  c->position = target;
  return static_cast<off_t>(target);
}

// How far ahead of the frame walk a mapping's bytes are prefetched.
constexpr size_t kPrefetchBytes = 1024;

// libmpg123's decoder delay, which its gapless arithmetic adds to both ends.
constexpr int64_t kGaplessDelay = 529;
// The header bits libmpg123 requires to stay the same within one stream (sync,
// version, layer, sample rate, private bit), and the channel mode.
constexpr uint32_t kSameStreamMask = 0xFFFE0D00;

constexpr std::array<std::array<int, 16>, 6> kBitratesKbps = {{
    {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0},  // MPEG-1 Layer I
    {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0},     // MPEG-1 Layer II
    {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},      // MPEG-1 Layer III
    {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0},     // MPEG-2/2.5 Layer I
    {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},          // MPEG-2/2.5 Layer II
    {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},          // MPEG-2/2.5 Layer III
}};

uint32_t big_endian32(std::string_view b, size_t at) {
  return uint32_t{static_cast<uint8_t>(b[at])} << 24 | uint32_t{static_cast<uint8_t>(b[at + 1])} << 16 |
         uint32_t{static_cast<uint8_t>(b[at + 2])} << 8 | static_cast<uint8_t>(b[at + 3]);
}

bool is_mono(uint32_t bits) { return ((bits >> 6) & 3) == 3; }

Error mpg_error(const std::string& path, const char* what, mpg123_handle* h) {
  return Error{ErrorCode::kCorrupt,
               std::string(what) + " (" + mpg123_strerror(h) + ")", path, 0, 0};
}

}  // namespace

Result<MpegDuration> measure_mpeg_duration(ByteSource& source, const MpegDurationOptions& options) {
  init_library();
  const std::string& path = source.path();
  int err = MPG123_OK;
  Handle h(mpg123_new(nullptr, &err));
  if (!h) return Error{ErrorCode::kInvalidInput, "cannot start the MPEG decoder", path, 0, 0};

  // Quiet, gapless, and strict about what counts as one stream: a file glued
  // from several encodings ("Frankenstein") still gets all its frames counted.
  mpg123_param(h.get(), MPG123_ADD_FLAGS,
               MPG123_QUIET | MPG123_GAPLESS | MPG123_SKIP_ID3V2, 0.0);
  mpg123_param(h.get(), MPG123_RESYNC_LIMIT, 16 * 1024, 0.0);

  Cursor cursor{&source, 0};
  if (mpg123_replace_reader_handle(h.get(), cursor_read, cursor_seek, nullptr) != MPG123_OK ||
      mpg123_open_handle(h.get(), &cursor) != MPG123_OK)
    return mpg_error(path, "cannot open the MPEG stream", h.get());
  mpg123_set_filesize(h.get(), static_cast<off_t>(source.size()));

  long rate = 0;
  int channels = 0, encoding = 0;
  if (mpg123_getformat(h.get(), &rate, &channels, &encoding) != MPG123_OK)
    return mpg_error(path, "no MPEG audio frames found", h.get());

  MpegDuration out;
  out.sample_rate_hz = static_cast<int>(rate);
  out.channels = channels;

  // With an Info/Xing/VBRI frame, libmpg123 knows the frame count already;
  // without one its length is a guess from the first frame's bitrate, which is
  // wrong for VBR (and by tens of seconds when the file starts with silence).
  // Then count every frame; the Info frame's gapless values still apply.
  out.from_header = options.trust_header;
  if (!options.trust_header && mpg123_scan(h.get()) != MPG123_OK)
    return mpg_error(path, "cannot scan the MPEG frames", h.get());

  const off_t samples = mpg123_length(h.get());
  const off_t frames = mpg123_framelength(h.get());
  if (samples < 0 || frames < 0) return mpg_error(path, "cannot measure the MPEG stream", h.get());
  out.samples = samples;
  out.frames = frames;
  return out;
}

std::optional<MpegFrameHeader> parse_mpeg_frame_header(std::string_view b) {
  if (b.size() < 4) return std::nullopt;
  const uint32_t bits = big_endian32(b, 0);
  if ((bits & 0xFFE00000) != 0xFFE00000) return std::nullopt;
  const uint32_t version_bits = (bits >> 19) & 3;  // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
  const uint32_t layer_bits = (bits >> 17) & 3;    // 1: III, 2: II, 3: I
  const uint32_t bitrate_index = (bits >> 12) & 15;
  const uint32_t rate_index = (bits >> 10) & 3;
  if (version_bits == 1 || layer_bits == 0 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3)
    return std::nullopt;
  MpegFrameHeader h;
  h.bits = bits;
  h.layer = static_cast<int>(4 - layer_bits);
  const bool mpeg1 = version_bits == 3;
  static constexpr std::array<int, 3> kRates = {44100, 48000, 32000};
  h.sample_rate_hz = kRates[rate_index] >> (mpeg1 ? 0 : version_bits == 2 ? 1 : 2);
  h.mono = is_mono(bits);
  const int bitrate = kBitratesKbps[(mpeg1 ? 0 : 3) + static_cast<size_t>(h.layer - 1)][bitrate_index] * 1000;
  const int padding = static_cast<int>((bits >> 9) & 1);
  if (h.layer == 1) {
    h.samples_per_frame = 384;
    h.length_bytes = (12 * bitrate / h.sample_rate_hz + padding) * 4;
  } else {
    h.samples_per_frame = h.layer == 3 && !mpeg1 ? 576 : 1152;
    h.length_bytes = h.samples_per_frame / 8 * bitrate / h.sample_rate_hz + padding;
  }
  return h;
}

std::optional<MpegFirstFrame> read_plain_first_frame(ByteSource& source, int64_t offset) {
  MpegFirstFrame first;
  first.offset = offset;
  const std::string_view head = source.view(offset, 4);
  auto header = parse_mpeg_frame_header(head);
  if (!header || header->layer != 3) return std::nullopt;
  first.header = *header;
  const int64_t next_offset = offset + header->length_bytes;
  if (next_offset + 4 > source.size()) return std::nullopt;
  // TagLib takes the frame as the first when the next matches it in the bits
  // 0xFFFE0C00; libmpg123 wants kSameStreamMask's, which hold those too.
  auto next = parse_mpeg_frame_header(source.view(next_offset, 4));
  if (!next || (next->bits & kSameStreamMask) != (header->bits & kSameStreamMask) || next->mono != header->mono)
    return std::nullopt;
  first.next = *next;

  // TagLib looks for "Xing", then "Info", then "VBRI" anywhere in the first frame;
  // libmpg123 for "Xing" or "Info" only right after the side information, which
  // must be zeros, and reads the LAME extension after the Xing fields.
  const std::string_view frame = source.view(offset, static_cast<size_t>(header->length_bytes));
  if (frame.size() != static_cast<size_t>(header->length_bytes)) return std::nullopt;
  size_t at = frame.find("Xing");
  if (at == std::string_view::npos) at = frame.find("Info");
  if (at == std::string_view::npos) {
    if (frame.find("VBRI") != std::string_view::npos) return std::nullopt;
    return first;
  }
  const bool mpeg1 = ((header->bits >> 19) & 3) == 3;
  const size_t side_info = header->mono ? (mpeg1 ? 17 : 9) : (mpeg1 ? 32 : 17);
  if (at != 4 + side_info) return std::nullopt;
  // libmpg123 counts from after the 4-byte header ("body"); TagLib from the frame start.
  const std::string_view body = frame.substr(4);
  if (body.size() < side_info + 8) return std::nullopt;
  for (size_t i = 2; i < side_info; ++i)
    if (body[i] != '\0') return std::nullopt;
  if (frame.size() < at + 16 || (static_cast<uint8_t>(frame[at + 7]) & 3) != 3) return std::nullopt;
  first.xing_frames = big_endian32(frame, at + 8);
  first.xing_bytes = big_endian32(frame, at + 12);
  if (first.xing_frames == 0 || first.xing_bytes == 0) return std::nullopt;
  first.has_xing = true;
  const uint32_t flags = big_endian32(body, side_info + 4);
  size_t pos = side_info + 8;
  const auto left = [&](size_t n) { return body.size() >= pos + n; };
  // Xing fields by flag: frames, bytes, table of contents, quality.
  static constexpr std::array<std::pair<uint32_t, size_t>, 4> kFields = {{{1, 4}, {2, 4}, {4, 100}, {8, 4}}};
  for (const auto& [flag, bytes] : kFields) {
    if (!(flags & flag)) continue;
    if (!left(bytes)) return first;
    pos += bytes;
  }
  if (!left(24) || body[pos] == '\0') return first;
  const auto byte = [&](size_t i) { return static_cast<int>(static_cast<uint8_t>(body[pos + i])); };
  first.encoder_delay = byte(21) << 4 | byte(22) >> 4;
  first.encoder_padding = (byte(22) << 8 | byte(23)) & 0xFFF;
  return first;
}

namespace {

// plain_mpeg_duration() over either kind of bytes: view(offset, n) gives up to n
// bytes from offset, fewer at the end; the frame walk asks for `chunk_bytes` at
// a time. `mapped`: the bytes are a mapping's, not a buffer's just filled.
template <class View>
std::optional<MpegDuration> plain_duration(const View& view, size_t chunk_bytes, bool mapped,
                                           const MpegFirstFrame& first, int64_t audio_end, bool trust_header) {
  MpegDuration out;
  if (first.has_xing) {
    if (!trust_header) return std::nullopt;
    // libmpg123's gapless arithmetic (frame_gapless_init, sample_adjust): the
    // decoder delay goes onto both ends of the encoder's delay and padding.
    const int64_t spf = first.header.samples_per_frame;
    const int64_t total = int64_t{first.xing_frames} * spf;
    const int64_t begin = first.encoder_delay + kGaplessDelay;
    // libmpg123 fails on a stream that does not hold whole audio frames up to the
    // one its output begins in (the first two at least; more with a long encoder
    // delay: 2411 samples need five of 576), and resyncs elsewhere when they do
    // not match: those it decides.
    int64_t at = first.offset + first.header.length_bytes;
    for (int64_t n = 0, needed = std::max<int64_t>(2, begin / spf + 1); n < needed; ++n) {
      if (at + 4 > audio_end) return std::nullopt;
      const auto frame = parse_mpeg_frame_header(view(at, 4));
      if (!frame || (frame->bits & kSameStreamMask) != (first.header.bits & kSameStreamMask) ||
          frame->mono != first.header.mono || at + frame->length_bytes > audio_end)
        return std::nullopt;
      at += frame->length_bytes;
    }
    const int64_t end = total - first.encoder_padding + kGaplessDelay;
    const int64_t samples = total > end ? total - (total - end + begin) : total - begin;
    if (samples <= 0) return std::nullopt;
    out.samples = samples;
    out.frames = first.xing_frames;
    out.sample_rate_hz = first.next.sample_rate_hz;
    out.channels = first.next.mono ? 1 : 2;
    out.from_header = true;
    return out;
  }
  // Frame lengths by bitrate index, for this stream's version, layer and rate.
  std::array<int64_t, 16> lengths{};
  for (uint32_t index = 1; index < 15; ++index) {
    const uint32_t bits = (first.header.bits & ~0xF200u) | index << 12;
    char b[4] = {static_cast<char>(bits >> 24), static_cast<char>(bits >> 16), static_cast<char>(bits >> 8),
                 static_cast<char>(bits)};
    lengths[index] = parse_mpeg_frame_header(std::string_view(b, 4))->length_bytes;
  }
  const uint32_t same = first.header.bits & kSameStreamMask;
  const bool mono = first.header.mono;
  int64_t frames = 0;
  int64_t pos = first.offset;
  while (pos < audio_end) {
    // Walk the headers in as much of the file as one view holds.
    const std::string_view chunk = view(pos, chunk_bytes);
    if (chunk.size() < 4) return std::nullopt;
    size_t at = 0;
    size_t ahead = 0;  // the bytes up to here have been prefetched
    while (at + 4 <= chunk.size() && pos + static_cast<int64_t>(at) < audio_end) {
      // In a mapping, each header read would wait for memory (the benchmark's
      // VBR files took twice as long without this): asked for in order, the
      // lines ahead stream in as a copy's would.
      if (mapped) {
        for (const size_t until = std::min(at + kPrefetchBytes, chunk.size()); ahead < until; ahead += 64)
          __builtin_prefetch(chunk.data() + ahead);
      }
      const uint32_t bits = big_endian32(chunk, at);
      const uint32_t index = (bits >> 12) & 15;
      if ((bits & kSameStreamMask) != same || is_mono(bits) != mono || lengths[index] == 0) return std::nullopt;
      at += static_cast<size_t>(lengths[index]) + ((bits >> 9) & 1);
      ++frames;
    }
    pos += static_cast<int64_t>(at);
  }
  if (pos != audio_end || frames < 2) return std::nullopt;
  out.frames = frames;
  out.samples = frames * first.header.samples_per_frame;
  out.sample_rate_hz = first.header.sample_rate_hz;
  out.channels = mono ? 1 : 2;
  return out;
}

}  // namespace

std::optional<MpegDuration> plain_mpeg_duration(ByteSource& source, const MpegFirstFrame& first, int64_t audio_end,
                                                bool trust_header) {
  const auto view = [&](int64_t offset, size_t n) { return source.view(offset, n); };
  return plain_duration(view, 64 << 10, false, first, audio_end, trust_header);
}

std::optional<MpegDuration> plain_mpeg_duration(std::string_view file, const MpegFirstFrame& first, int64_t audio_end,
                                                bool trust_header) {
  if (audio_end > static_cast<int64_t>(file.size())) return std::nullopt;
  const auto view = [&](int64_t offset, size_t n) {
    return offset < 0 || offset >= static_cast<int64_t>(file.size()) ? std::string_view()
                                                                      : file.substr(static_cast<size_t>(offset), n);
  };
  return plain_duration(view, file.size(), true, first, audio_end, trust_header);
}

}  // namespace podsmith
