// libFuzzer target for media sniffing (src/media/media_sniff.*): the input is a
// file's first bytes. Whatever they are, nothing crashes or trips a sanitizer, an
// ID3v2 tag's size is at least its header, and what sniff_media() decides has a
// name and extensions (and an MP4's brand is the four bytes it read).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "media/media_sniff.h"

using namespace podsmith;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  const int64_t tag = id3v2_tag_size(bytes);
  FUZZ_REQUIRE(tag == 0 || (tag >= 10 && tag <= 10 + (int64_t{1} << 28) + 10));
  const Sniffed sniffed = sniff_media(bytes);
  FUZZ_REQUIRE(!kind_name(sniffed.kind).empty());
  FUZZ_REQUIRE(sniffed.kind == MediaKind::kUnknown || !usual_extensions(sniffed.kind).empty());
  if (sniffed.kind == MediaKind::kMp4) FUZZ_REQUIRE(sniffed.detail.size() == 4);

  // The bytes after a tag, as probe() sniffs them.
  if (tag > 0 && static_cast<uint64_t>(tag) < size) sniff_media(bytes.substr(static_cast<size_t>(tag)));
  return 0;
}
