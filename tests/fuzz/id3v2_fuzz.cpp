// libFuzzer target for ID3v2 tags (src/media/id3v2.*, and the CHAP/CTOC/APIC
// reading of media_probe.cpp through TagLib): the input is a tag from its "ID3"
// header on. Whatever the bytes, nothing crashes or trips a sanitizer;
// read_plain_id3v2() gives valid UTF-8 values and pictures inside the tag; and an
// MP3 file made of the input and a short clean Layer III stream probes as
// fuzz_media.h checks, both ways (the TagLib way reads the chapters).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_media.h"
#include "media/id3v2.h"
#include "media/media_sniff.h"

using namespace podsmith;

namespace {

// Four MPEG-1 Layer III frames at 64 kbit/s, 44.1 kHz, stereo (208 bytes each,
// zeros after the header): what follows the tag in the file probed.
const std::string& audio_after_tag() {
  static const std::string frames = [] {
    std::string frame(208, '\0');
    frame[0] = '\xFF', frame[1] = '\xFB', frame[2] = '\x50', frame[3] = '\x40';
    std::string out;
    for (int i = 0; i < 4; ++i) out += frame;
    return out;
  }();
  return frames;
}

void check_tag(std::string_view bytes, const PlainId3v2& tag) {
  for (const auto& [key, value] : tag.values) {
    FUZZ_REQUIRE(!key.empty());
    fuzz::require_utf8(value);
  }
  if (tag.tdes) fuzz::require_utf8(*tag.tdes);
  if (tag.wfed) fuzz::require_utf8(*tag.wfed);
  for (const Id3Picture& p : tag.pictures) {
    fuzz::require_utf8(p.mime_type);
    // The picture is a view into the tag given.
    FUZZ_REQUIRE(p.data.data() >= bytes.data() && p.data.data() + p.data.size() <= bytes.data() + bytes.size());
  }
  FUZZ_REQUIRE(tag.frames >= tag.pictures.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  const int64_t tag_size = id3v2_tag_size(bytes);
  FUZZ_REQUIRE(tag_size == 0 || tag_size >= 10);
  for (const bool wfed_as_text : {false, true}) {
    if (const auto tag = read_plain_id3v2(bytes, wfed_as_text)) check_tag(bytes, *tag);
  }
  const std::string file = std::string(bytes) + audio_after_tag();
  fuzz::InputFile::get().write(file);
  fuzz::probe_both_ways(fuzz::InputFile::get().path(), static_cast<int64_t>(file.size()));
  return 0;
}
