// libFuzzer target for the whole probe() (src/media/media_probe.cpp and every
// reader under it: sniffing, ID3v2, the MP3 frame walk, MP4 boxes, FLAC, Ogg,
// WAV, AIFF, TagLib and libmpg123 for the rest): the input is a media file of any
// kind, written to an in-memory file (memfd) that probe() opens by path. Whatever
// the bytes, nothing crashes or trips a sanitizer, and the result passes
// fuzz_media.h's checks, both ways (podsmith's own readers, and TagLib alone).
#include <cstddef>
#include <cstdint>

#include "fuzz_media.h"

using namespace podsmith;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::InputFile& file = fuzz::InputFile::get();
  file.write(fuzz::bytes_of(data, size));
  fuzz::probe_both_ways(file.path(), static_cast<int64_t>(size));
  return 0;
}
