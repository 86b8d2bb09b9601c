#include "media/mpeg_duration.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "media/media_sniff.h"
#include "test_support.h"

using podsmith::ByteSource;
using podsmith::MpegDurationOptions;

namespace {

struct Stream {
  int version_bits = 3;     // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  int rate_index = 0;       // 44100 / 22050 / 11025
  bool mono = false;
};

// A Layer III frame header; `bitrate_index` 1..14.
std::string header(const Stream& s, int bitrate_index, bool padded = false) {
  const uint32_t bits = 0xFFE00000u | uint32_t(s.version_bits) << 19 | 1u << 17 /* layer III */ | 1u << 16 /* no CRC */ |
                        uint32_t(bitrate_index) << 12 | uint32_t(s.rate_index) << 10 | uint32_t(padded) << 9 |
                        (s.mono ? 3u : 1u) << 6;
  return {static_cast<char>(bits >> 24), static_cast<char>(bits >> 16), static_cast<char>(bits >> 8),
          static_cast<char>(bits)};
}

size_t frame_length(const std::string& h) {
  return podsmith::parse_mpeg_frame_header(h)->length_bytes;
}

// A frame of zeros (what a scan reads is the header).
std::string frame(const Stream& s, int bitrate_index, bool padded = false) {
  std::string f = header(s, bitrate_index, padded);
  f.resize(frame_length(f), '\0');
  return f;
}

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

struct InfoFrame {
  const char* tag = "Info";
  uint32_t flags = 0xF;      // frames, bytes, TOC, quality
  bool lame = true;
  int delay = 576;
  int padding = 1000;
};

// A Xing/Info frame (at 160 kbit/s, room for everything) for `frames` audio
// frames of `audio_bytes`.
std::string info_frame(const Stream& s, const InfoFrame& info, uint32_t frames, uint32_t audio_bytes) {
  std::string f = frame(s, 10);
  const bool mpeg1 = s.version_bits == 3;
  size_t at = 4 + (s.mono ? (mpeg1 ? 17 : 9) : (mpeg1 ? 32 : 17));
  std::string x = std::string(info.tag) + be32(info.flags);
  if (info.flags & 1) x += be32(frames);
  if (info.flags & 2) x += be32(audio_bytes);
  if (info.flags & 4) x += std::string(100, '\x01');
  if (info.flags & 8) x += be32(50);
  if (info.lame) {
    x += "LAME3.100";
    x += std::string(11, '\0');  // revision, lowpass, peak, gains, flags
    x += '\0';                   // ABR rate
    x += static_cast<char>(info.delay >> 4);
    x += static_cast<char>(((info.delay & 0xF) << 4) | (info.padding >> 8));
    x += static_cast<char>(info.padding & 0xFF);
  }
  f.replace(at, x.size(), x);
  return f;
}

struct Measured {
  std::optional<podsmith::MpegDuration> plain;
  podsmith::Result<podsmith::MpegDuration> reference = podsmith::MpegDuration{};
};

Measured measure_both(const std::string& path) {
  auto source = ByteSource::open(path, static_cast<int64_t>(std::filesystem::file_size(path)));
  REQUIRE(source);
  ByteSource& s = **source;
  int64_t audio_end = s.size();
  if (s.size() >= 128 && s.view(s.size() - 128, 3) == "TAG") audio_end -= 128;
  Measured m;
  const auto first = podsmith::read_plain_first_frame(s, 0);
  if (first) m.plain = podsmith::plain_mpeg_duration(s, *first, audio_end, true);
  MpegDurationOptions options;
  options.trust_header = first && first->has_xing;
  m.reference = podsmith::measure_mpeg_duration(s, options);
  return m;
}

void check_same(const Measured& m) {
  REQUIRE(m.reference);
  CHECK(m.plain->samples == m.reference->samples);
  CHECK(m.plain->sample_rate_hz == m.reference->sample_rate_hz);
  CHECK(m.plain->channels == m.reference->channels);
  CHECK(m.plain->frames == m.reference->frames);
  CHECK(m.plain->from_header == m.reference->from_header);
}

}  // namespace

TEST_CASE("plain_mpeg_duration counts what libmpg123 counts in streams without a Xing header") {
  podsmith::test::TempDir dir;
  std::mt19937 random(11);
  int n = 0;
  for (const Stream s : {Stream{3, 0, false}, Stream{3, 2, true}, Stream{2, 0, true}, Stream{2, 1, false},
                         Stream{0, 0, true}, Stream{0, 2, false}}) {
    for (const int frames : {2, 3, 57}) {
      for (const bool id3v1 : {false, true}) {
        CAPTURE(s.version_bits, s.rate_index, s.mono, frames, id3v1);
        std::string bytes;
        for (int f = 0; f < frames; ++f)
          bytes += frame(s, std::uniform_int_distribution<int>(1, 14)(random), random() % 2 == 0);
        if (id3v1) bytes += "TAG" + std::string(125, '\0');
        const Measured m = measure_both(dir.write(std::to_string(n++) + ".mp3", bytes));
        REQUIRE(m.plain);
        CHECK_FALSE(m.plain->from_header);
        check_same(m);
      }
    }
  }
}

TEST_CASE("plain_mpeg_duration takes a LAME header's delay and padding off as libmpg123 does") {
  podsmith::test::TempDir dir;
  int n = 0;
  for (const Stream s : {Stream{3, 0, false}, Stream{2, 0, true}, Stream{0, 1, false}}) {
    for (const char* tag : {"Info", "Xing"}) {
      for (const int padding : {0, 100, 528, 529, 530, 1152, 3000}) {
        for (const uint32_t flags : {0x3u, 0xFu, 0x7u}) {
          for (const bool lame : {true, false}) {
            CAPTURE(s.version_bits, s.mono, tag, padding, flags, lame);
            std::string audio;
            for (int f = 0; f < 40; ++f) audio += frame(s, 5 + f % 5);
            const InfoFrame info{tag, flags, lame, 576, padding};
            const std::string bytes = info_frame(s, info, 40, static_cast<uint32_t>(audio.size()) + 0) + audio;
            const Measured m = measure_both(dir.write(std::to_string(n++) + ".mp3", bytes));
            REQUIRE(m.plain);
            CHECK(m.plain->from_header);
            check_same(m);
          }
        }
      }
    }
  }
}

TEST_CASE("plain_mpeg_duration leaves to libmpg123 the streams it cannot be sure of") {
  podsmith::test::TempDir dir;
  const Stream s{2, 0, true};
  std::string audio;
  for (int f = 0; f < 30; ++f) audio += frame(s, 4 + f % 3);
  struct Case {
    const char* what;
    std::string bytes;
  };
  std::string junk_inside = audio;
  junk_inside.insert(audio.size() / 2, "junk");
  std::string rate_change = audio + frame(Stream{2, 1, true}, 4) + frame(Stream{2, 1, true}, 4);
  std::string cut = audio.substr(0, audio.size() - 7);
  std::string info_not_where_libmpg123_looks = info_frame(s, InfoFrame{}, 30, static_cast<uint32_t>(audio.size()));
  info_not_where_libmpg123_looks[6] = 1;  // side information that is not zero
  // libmpg123 fails when the first two audio frames after an Info frame are not
  // whole, and resyncs elsewhere when the second does not match the first.
  const std::string info = info_frame(s, InfoFrame{}, 30, static_cast<uint32_t>(audio.size()));
  const size_t first_audio = frame_length(audio.substr(0, 4));
  const size_t second_audio = frame_length(audio.substr(first_audio, 4));
  std::string second_damaged = info + audio;
  second_damaged[info.size() + first_audio + 1] = 0;
  const Case cases[] = {
      {"junk between frames", junk_inside},
      {"another sample rate part way", rate_change},
      {"a last frame cut short", cut},
      {"a VBRI header", frame(s, 10).replace(36, 4, "VBRI") + audio},
      {"an Info header libmpg123 does not see", info_not_where_libmpg123_looks + audio},
      {"trailing junk", audio + "xyz"},
      {"an Info frame and one audio frame", info + audio.substr(0, first_audio)},
      {"an Info frame and a second audio frame cut short", info + audio.substr(0, first_audio + second_audio - 1)},
      {"an Info frame and a damaged second audio frame", second_damaged},
  };
  int n = 0;
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const Measured m = measure_both(dir.write(std::to_string(n++) + ".mp3", c.bytes));
    CHECK_FALSE(m.plain);
  }
}

TEST_CASE("plain_mpeg_duration gives a long encoder delay's streams to libmpg123 until they reach its output") {
  // libmpg123 (1.31) fails to open an Info-headed stream that ends before the audio
  // frame its output begins in (encoder delay + 529 samples in), so the plain
  // reader must not give a duration for it. Found by scripts/fuzz mpeg_duration
  // (tests/fuzz/corpus/mpeg_duration/regress-long-delay-short-stream: a delay of
  // 2411 samples and two audio frames of 576).
  podsmith::test::TempDir dir;
  int n = 0;
  for (const Stream s : {Stream{2, 0, true}, Stream{3, 0, false}}) {
    for (const int delay : {0, 576, 1000, 1728, 2411, 4000}) {
      for (int audio_frames = 1; audio_frames <= 10; ++audio_frames) {
        CAPTURE(s.version_bits, delay, audio_frames);
        std::string audio;
        for (int f = 0; f < audio_frames; ++f) audio += frame(s, 5 + f % 3);
        const InfoFrame info{"Info", 0xF, true, delay, 300};
        const std::string bytes = info_frame(s, info, 40, static_cast<uint32_t>(audio.size())) + audio;
        const Measured m = measure_both(dir.write(std::to_string(n++) + ".mp3", bytes));
        if (!m.reference) {
          CHECK_FALSE(m.plain);
        } else if (m.plain) {
          check_same(m);
        }
      }
    }
  }
  const Measured regression =
      measure_both(podsmith::test::source_path("tests/fuzz/corpus/mpeg_duration/regress-long-delay-short-stream"));
  CHECK_FALSE(regression.reference);
  CHECK_FALSE(regression.plain);
}

TEST_CASE("parse_mpeg_frame_header reads lengths as the MPEG tables give them") {
  // MPEG-1 Layer III 128 kbit/s 44.1 kHz: 417 bytes, 418 padded; MPEG-2 Layer III
  // 64 kbit/s 22.05 kHz: 208; free format and reserved values are not headers.
  CHECK(podsmith::parse_mpeg_frame_header(header({3, 0, false}, 9))->length_bytes == 417);
  CHECK(podsmith::parse_mpeg_frame_header(header({3, 0, false}, 9, true))->length_bytes == 418);
  CHECK(podsmith::parse_mpeg_frame_header(header({2, 0, true}, 8))->length_bytes == 208);
  CHECK(podsmith::parse_mpeg_frame_header(header({2, 0, true}, 8))->samples_per_frame == 576);
  CHECK_FALSE(podsmith::parse_mpeg_frame_header(header({3, 0, false}, 0)));
  CHECK_FALSE(podsmith::parse_mpeg_frame_header(header({3, 0, false}, 15)));
  CHECK_FALSE(podsmith::parse_mpeg_frame_header(header({1, 0, false}, 9)));
  CHECK_FALSE(podsmith::parse_mpeg_frame_header(header({3, 3, false}, 9)));
}

TEST_CASE("plain_mpeg_duration gives over a file's bytes in memory what it gives through a ByteSource") {
  podsmith::test::TempDir dir;
  std::mt19937 random(7);
  const Stream s{2, 0, true};
  std::string audio;
  for (int f = 0; f < 300; ++f) audio += frame(s, std::uniform_int_distribution<int>(1, 14)(random), random() % 2 == 0);
  std::string junk_inside = audio;
  junk_inside.insert(audio.size() / 2, "junk");
  const std::string info = info_frame(s, InfoFrame{}, 300, static_cast<uint32_t>(audio.size()));
  const std::string cases[] = {audio,       audio + "TAG" + std::string(125, '\0'),
                               junk_inside, audio.substr(0, audio.size() - 3),
                               info + audio, audio.substr(0, 2000)};
  int n = 0;
  for (const std::string& bytes : cases) {
    CAPTURE(n);
    const std::string path = dir.write(std::to_string(n++) + ".mp3", bytes);
    auto source = ByteSource::open(path, static_cast<int64_t>(bytes.size()));
    REQUIRE(source);
    const auto first = podsmith::read_plain_first_frame(**source, 0);
    REQUIRE(first);
    const int64_t audio_end = bytes.find("TAG") == std::string::npos ? static_cast<int64_t>(bytes.size())
                                                                      : static_cast<int64_t>(bytes.size()) - 128;
    const auto buffered = podsmith::plain_mpeg_duration(**source, *first, audio_end, true);
    const auto in_memory = podsmith::plain_mpeg_duration(std::string_view(bytes), *first, audio_end, true);
    REQUIRE(buffered.has_value() == in_memory.has_value());
    if (!buffered) continue;
    CHECK(in_memory->samples == buffered->samples);
    CHECK(in_memory->frames == buffered->frames);
    CHECK(in_memory->sample_rate_hz == buffered->sample_rate_hz);
    CHECK(in_memory->channels == buffered->channels);
    CHECK(in_memory->from_header == buffered->from_header);
  }
  // The bytes given must reach audio_end.
  auto source = ByteSource::open(dir.write("x.mp3", audio), static_cast<int64_t>(audio.size()));
  REQUIRE(source);
  const auto first = podsmith::read_plain_first_frame(**source, 0);
  REQUIRE(first);
  CHECK_FALSE(podsmith::plain_mpeg_duration(std::string_view(audio).substr(0, 1000), *first,
                                            static_cast<int64_t>(audio.size()), true));
}

TEST_CASE("parse_mpeg_frame_header gives the frame lengths sniff_media goes by") {
  // The probe skips sniff_media's 16 KiB look when the stream starts with three
  // frames by parse_mpeg_frame_header: that holds only while both agree. Three
  // frames of every layer, version, bitrate, rate and padding, then zeros, are
  // MPEG audio to sniff_media only if it finds each next header where parse_mpeg_frame_header says.
  int headers = 0;
  for (uint32_t bits = 0; bits < (1u << 11); ++bits) {
    const uint32_t version = bits >> 9 & 3, layer = bits >> 7 & 3, bitrate = bits >> 3 & 15, rate = bits >> 1 & 3,
                   padding = bits & 1;
    const uint32_t h = 0xFFE00000u | version << 19 | layer << 17 | 1u << 16 | bitrate << 12 | rate << 10 | padding << 9;
    const std::string head = be32(h);
    const auto parsed = podsmith::parse_mpeg_frame_header(head);
    if (!parsed) continue;
    ++headers;
    CAPTURE(version, layer, bitrate, rate, padding);
    std::string f = head;
    f.resize(static_cast<size_t>(parsed->length_bytes), '\0');
    const std::string three = f + f + f;
    CHECK(podsmith::sniff_media(three + std::string(16 << 10, '\0')).kind == podsmith::MediaKind::kMp3);
    CHECK(podsmith::sniff_media(three).kind == podsmith::MediaKind::kMp3);
  }
  CHECK(headers == 3 * 3 * 14 * 3 * 2);
}
