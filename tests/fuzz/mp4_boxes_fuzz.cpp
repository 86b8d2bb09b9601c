// libFuzzer target for the MPEG-4/QuickTime box reader (src/media/mp4_boxes.*):
// the input is an MP4 file. Whatever the bytes, nothing crashes or trips a
// sanitizer; every ilst item read lies inside the moov payload; the items' data
// atoms and freeform names lie inside their item; and the file probes as
// fuzz_media.h checks, both ways.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_media.h"
#include "media/byte_source.h"
#include "media/mp4_boxes.h"

using namespace podsmith;

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  if (bytes.empty()) return 0;
  fuzz::InputFile& file = fuzz::InputFile::get();
  file.write(bytes);
  auto opened = ByteSource::open(file.path(), static_cast<int64_t>(size));
  FUZZ_REQUIRE(opened.has_value());
  const Result<Mp4Structure> mp4 = read_mp4_structure(**opened);
  if (!mp4) {
    fuzz::check_error(mp4.error());
  } else {
    const std::string_view moov = mp4->moov;
    FUZZ_REQUIRE(moov.size() <= size);
    for (const Mp4Track& track : mp4->tracks) FUZZ_REQUIRE(track_duration_ms(*mp4, track) >= 0);
    for (const Mp4Atom& item : mp4->ilst) {
      FUZZ_REQUIRE(item.body_offset <= moov.size() && item.body_size <= moov.size() - item.body_offset);
      const std::string_view body = moov.substr(item.body_offset, item.body_size);
      if (const auto items = mp4_item_data(body))
        for (const Mp4Data& d : *items) FUZZ_REQUIRE(inside(d.payload, body));
      if (const auto name = mp4_freeform_name(body)) FUZZ_REQUIRE(inside(name->first, body) && inside(name->second, body));
    }
    for (const Mp4NeroChapter& c : mp4->chapters) FUZZ_REQUIRE(c.start_ms >= 0 && c.title.size() <= 255);
  }
  fuzz::probe_both_ways(file.path(), static_cast<int64_t>(size));
  return 0;
}
