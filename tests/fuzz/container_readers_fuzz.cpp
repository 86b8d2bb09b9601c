// libFuzzer target for the FLAC, Ogg, WAV and AIFF readers (src/media/
// container_readers.*; AIFF only through TagLib in media_probe.cpp): the input is
// a file of any of those kinds. Whatever the bytes, nothing crashes or trips a
// sanitizer; what the readers return is consistent (pictures inside their block,
// Vorbis comment keys uppercase and values valid UTF-8); and the file probes as
// fuzz_media.h checks, both ways.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_media.h"
#include "media/byte_source.h"
#include "media/container_readers.h"

using namespace podsmith;

namespace {

void check_comment(const VorbisComment& comment) {
  for (const auto& [key, value] : comment.fields) {
    FUZZ_REQUIRE(!key.empty() && !value.empty());
    for (char c : key) FUZZ_REQUIRE(c >= 0x20 && c <= 0x7D && !(c >= 'a' && c <= 'z'));
    fuzz::require_utf8(value);
  }
}

void check_picture(std::string_view block) {
  if (const auto p = read_flac_picture(block))
    FUZZ_REQUIRE(p->data.data() >= block.data() && p->data.data() + p->data.size() <= block.data() + block.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  // The pure parsers, on the whole input as a block.
  if (const auto comment = read_vorbis_comment(bytes)) check_comment(*comment);
  check_picture(bytes);
  if (bytes.empty()) return 0;

  fuzz::InputFile& file = fuzz::InputFile::get();
  file.write(bytes);
  auto opened = ByteSource::open(file.path(), static_cast<int64_t>(size));
  FUZZ_REQUIRE(opened.has_value());
  ByteSource& source = **opened;
  if (const auto flac = read_plain_flac(source)) {
    FUZZ_REQUIRE(flac->sample_rate_hz > 0 && flac->channels >= 1 && flac->channels <= 8 && flac->sample_frames > 0);
    check_comment(flac->comment);
    for (const std::string& block : flac->picture_blocks) {
      FUZZ_REQUIRE(read_flac_picture(block).has_value());  // media_probe.cpp dereferences it
      check_picture(block);
    }
  }
  if (const auto ogg = read_plain_ogg(source)) {
    FUZZ_REQUIRE(ogg->ident.size() + ogg->comment.size() <= size);
    for (const size_t skip : {7, 8})
      if (ogg->comment.size() >= skip)
        if (const auto comment = read_vorbis_comment(std::string_view(ogg->comment).substr(skip)))
          check_comment(*comment);
  }
  if (const auto wav = read_plain_wav(source)) {
    FUZZ_REQUIRE(wav->format == 1 || wav->format == 3);
    FUZZ_REQUIRE(wav->channels > 0 && wav->sample_rate_hz > 0 && wav->sample_frames > 0);
    FUZZ_REQUIRE(wav->id3_offset < static_cast<int64_t>(size));
  }
  fuzz::probe_both_ways(file.path(), static_cast<int64_t>(size));
  return 0;
}
