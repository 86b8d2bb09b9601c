// libFuzzer target for the MP3 frame walk and its Xing/Info/LAME/VBRI reading
// (src/media/mpeg_duration.*): the input is an MPEG audio file, perhaps after an
// ID3v2 tag. Whatever the bytes, nothing crashes or trips a sanitizer, and
//  - the frame walk over a ByteSource and over the same bytes in memory (the
//    mapped-file path) give the same answer;
//  - what they give is sane (frames, rate, channels, samples);
//  - where podsmith's own walk gives a duration for a file without tags, libmpg123
//    gives the same one (mpeg_duration.h: "They give what libmpg123 gives or
//    nothing"), as probe() relies on.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fuzz_support.h"
#include "media/byte_source.h"
#include "media/media_sniff.h"
#include "media/mpeg_duration.h"

using namespace podsmith;

namespace {

void check_header(const MpegFrameHeader& h) {
  FUZZ_REQUIRE(h.layer >= 1 && h.layer <= 3);
  FUZZ_REQUIRE(h.sample_rate_hz >= 8000 && h.sample_rate_hz <= 48000);
  FUZZ_REQUIRE(h.samples_per_frame == 384 || h.samples_per_frame == 576 || h.samples_per_frame == 1152);
  FUZZ_REQUIRE(h.length_bytes > 4 && h.length_bytes < 8192);
}

bool same(const std::optional<MpegDuration>& a, const std::optional<MpegDuration>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->samples == b->samples && a->sample_rate_hz == b->sample_rate_hz && a->channels == b->channels &&
                a->frames == b->frames && a->from_header == b->from_header);
}

void check_duration(const std::optional<MpegDuration>& d) {
  if (!d) return;
  FUZZ_REQUIRE(d->samples > 0 && d->frames > 0);
  FUZZ_REQUIRE(d->sample_rate_hz >= 8000 && d->sample_rate_hz <= 48000);
  FUZZ_REQUIRE(d->channels == 1 || d->channels == 2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  for (size_t at = 0; at < 4 && at < size; ++at)
    if (auto h = parse_mpeg_frame_header(bytes.substr(at))) check_header(*h);
  if (size == 0) return 0;

  fuzz::InputFile& file = fuzz::InputFile::get();
  file.write(bytes);
  auto opened = ByteSource::open(file.path(), static_cast<int64_t>(size));
  FUZZ_REQUIRE(opened.has_value());
  ByteSource& source = **opened;
  const auto file_size = static_cast<int64_t>(size);

  int64_t offset = id3v2_tag_size(source.view(0, 10));
  if (offset >= file_size) offset = 0;
  const std::optional<MpegFirstFrame> first = read_plain_first_frame(source, offset);
  std::optional<MpegDuration> plain;
  if (first) {
    FUZZ_REQUIRE(first->offset == offset);
    check_header(first->header);
    check_header(first->next);
    FUZZ_REQUIRE(first->header.layer == 3);
    FUZZ_REQUIRE(!first->has_xing || (first->xing_frames > 0 && first->xing_bytes > 0));
    FUZZ_REQUIRE(first->encoder_delay >= 0 && first->encoder_delay < 4096);
    FUZZ_REQUIRE(first->encoder_padding >= 0 && first->encoder_padding < 4096);
    // audio_end as probe() picks it (before an ID3v1 tag), and others around it.
    for (const int64_t audio_end : {file_size, file_size - 128, file_size - 1, offset + 4}) {
      for (const bool trust : {false, true}) {
        const auto from_source = plain_mpeg_duration(source, *first, audio_end, trust);
        const auto from_memory = plain_mpeg_duration(bytes, *first, audio_end, trust);
        FUZZ_REQUIRE(same(from_source, from_memory));
        check_duration(from_source);
        if (audio_end == file_size && trust == first->has_xing) plain = from_source;
      }
    }
  }

  // libmpg123 through the ByteSource (measure_mpeg_duration's reader callbacks).
  MpegDurationOptions options;
  options.trust_header = first && first->has_xing;
  const Result<MpegDuration> measured = measure_mpeg_duration(source, options);
  if (!measured) {
    fuzz::check_error(measured.error());
  } else {
    FUZZ_REQUIRE(measured->samples >= 0 && measured->frames >= 0);
  }
  // A file with no tags at either end, as probe() would read it without TagLib.
  const bool untagged = offset == 0 && bytes.find("TAG") == std::string_view::npos &&
                        bytes.find("APETAGEX") == std::string_view::npos && bytes.find("ID3") == std::string_view::npos;
  if (plain && untagged) {
    FUZZ_REQUIRE(measured.has_value());
    FUZZ_REQUIRE(measured->samples == plain->samples && measured->sample_rate_hz == plain->sample_rate_hz &&
            measured->channels == plain->channels);
  }
  return 0;
}
