#include "media/media_sniff.h"

#include <array>

namespace podsmith {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic) {
  return bytes.substr(0, magic.size()) == magic;
}

uint8_t byte_at(std::string_view b, size_t i) { return static_cast<uint8_t>(b[i]); }

// Length in bytes of the MPEG audio frame whose header starts at b[i], or 0 when
// these four bytes are not a valid MPEG-1/2/2.5 Layer I/II/III header.
size_t mpeg_frame_length(std::string_view b, size_t i) {
  if (i + 4 > b.size()) return 0;
  const uint8_t h1 = byte_at(b, i + 1), h2 = byte_at(b, i + 2);
  if (byte_at(b, i) != 0xFF || (h1 & 0xE0) != 0xE0) return 0;
  const int version = (h1 >> 3) & 3;  // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
  const int layer = (h1 >> 1) & 3;    // 1: III, 2: II, 3: I, 0: reserved
  const int bitrate_index = (h2 >> 4) & 15;
  const int rate_index = (h2 >> 2) & 3;
  const int padding = (h2 >> 1) & 1;
  if (version == 1 || layer == 0 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3)
    return 0;

  static constexpr std::array<std::array<int, 15>, 5> kBitrates = {{
      {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},  // V1 L1
      {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},     // V1 L2
      {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},      // V1 L3
      {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},     // V2 L1
      {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},          // V2 L2/L3
  }};
  static constexpr std::array<int, 3> kRates = {44100, 48000, 32000};
  const bool v1 = version == 3;
  const int row = v1 ? 3 - layer : (layer == 3 ? 3 : 4);
  const int bitrate = kBitrates[static_cast<size_t>(row)][static_cast<size_t>(bitrate_index)] * 1000;
  const int rate = kRates[static_cast<size_t>(rate_index)] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
  if (layer == 3) return static_cast<size_t>((12 * bitrate / rate + padding) * 4);  // Layer I
  const int coefficient = (layer == 1 && !v1) ? 72 : 144;  // Layer III in MPEG-2/2.5: 576 samples
  return static_cast<size_t>(coefficient * bitrate / rate + padding);
}

// ADTS (raw AAC) frame length at b[i], or 0.
size_t adts_frame_length(std::string_view b, size_t i) {
  if (i + 7 > b.size()) return 0;
  if (byte_at(b, i) != 0xFF || (byte_at(b, i + 1) & 0xF6) != 0xF0) return 0;  // sync, layer 0
  if (((byte_at(b, i + 2) >> 2) & 15) > 12) return 0;                           // sampling index
  const size_t length = ((byte_at(b, i + 3) & 3u) << 11) | (byte_at(b, i + 4) << 3) |
                        (byte_at(b, i + 5) >> 5);
  return length >= 7 ? length : 0;
}

// True when three frames in a row start at b[i] (or the stream ends cleanly
// after fewer): one sync pattern is common in any data, three in a row are not.
template <class FrameLength>
bool frames_chain(std::string_view b, size_t i, FrameLength frame_length) {
  for (int n = 0; n < 3; ++n) {
    const size_t len = frame_length(b, i);
    if (len == 0) return false;
    i += len;
    if (i == b.size()) return n >= 1;  // a very short file: two whole frames will do
    if (i > b.size()) return n >= 1;
  }
  return true;
}

// The codec of the first packet of the first Ogg page (the stream's ident header).
std::string ogg_codec(std::string_view b) {
  if (b.size() < 27) return {};
  const size_t segments = byte_at(b, 26);
  const size_t packet = 27 + segments;
  if (packet >= b.size()) return {};
  const std::string_view p = b.substr(packet);
  if (starts_with(p, "\x01vorbis")) return "vorbis";
  if (starts_with(p, "OpusHead")) return "opus";
  if (starts_with(p, "\x7F" "FLAC")) return "flac";
  if (starts_with(p, "Speex   ")) return "speex";
  return "unknown";
}

}  // namespace

int64_t id3v2_tag_size(std::string_view head) {
  if (head.size() < 10 || !starts_with(head, "ID3")) return 0;
  const uint8_t major = byte_at(head, 3);
  if (major < 2 || major > 4 || byte_at(head, 4) == 0xFF) return 0;
  int64_t size = 0;
  for (size_t k = 6; k < 10; ++k) {
    if (byte_at(head, k) & 0x80) return 0;  // sizes are syncsafe: high bit clear
    size = (size << 7) | byte_at(head, k);
  }
  const bool footer = major == 4 && (byte_at(head, 5) & 0x10);
  return 10 + size + (footer ? 10 : 0);
}

Sniffed sniff_media(std::string_view b) {
  if (starts_with(b, "fLaC")) return {MediaKind::kFlac, {}};
  if (starts_with(b, "OggS")) return {MediaKind::kOgg, ogg_codec(b)};
  if (b.size() >= 12 && (starts_with(b, "RIFF") || starts_with(b, "RF64")) &&
      b.substr(8, 4) == "WAVE")
    return {MediaKind::kWav, {}};
  if (b.size() >= 12 && starts_with(b, "FORM") &&
      (b.substr(8, 4) == "AIFF" || b.substr(8, 4) == "AIFC"))
    return {MediaKind::kAiff, {}};
  if (b.size() >= 12 && b.substr(4, 4) == "ftyp") return {MediaKind::kMp4, std::string(b.substr(8, 4))};
  if (b.size() >= 8) {
    // QuickTime files older than the ftyp box start straight with an atom.
    const std::string_view atom = b.substr(4, 4);
    if (atom == "moov" || atom == "mdat" || atom == "wide" || atom == "pnot")
      return {MediaKind::kMp4, "qt  "};
  }
  // MPEG audio may follow some junk or zero padding; look for a chain of frames.
  const size_t limit = b.size() < 8192 ? b.size() : 8192;
  for (size_t i = 0; i < limit; ++i) {
    if (byte_at(b, i) != 0xFF) continue;
    if (frames_chain(b, i, mpeg_frame_length)) return {MediaKind::kMp3, {}};
    if (frames_chain(b, i, adts_frame_length)) return {MediaKind::kAdts, {}};
  }
  return {};
}

std::string_view usual_extensions(MediaKind kind) {
  switch (kind) {
    case MediaKind::kMp3: return "mp3,mpga,mp2";
    case MediaKind::kAdts: return "aac";
    case MediaKind::kMp4: return "m4a,m4b,m4p,mp4,m4v,mov,3gp";
    case MediaKind::kOgg: return "ogg,oga,opus,spx";
    case MediaKind::kFlac: return "flac";
    case MediaKind::kWav: return "wav,wave";
    case MediaKind::kAiff: return "aiff,aif,aifc";
    case MediaKind::kUnknown: break;
  }
  return "";
}

std::string_view kind_name(MediaKind kind) {
  switch (kind) {
    case MediaKind::kMp3: return "MP3";
    case MediaKind::kAdts: return "AAC (ADTS)";
    case MediaKind::kMp4: return "MPEG-4";
    case MediaKind::kOgg: return "Ogg";
    case MediaKind::kFlac: return "FLAC";
    case MediaKind::kWav: return "WAV";
    case MediaKind::kAiff: return "AIFF";
    case MediaKind::kUnknown: break;
  }
  return "unknown";
}

}  // namespace podsmith
