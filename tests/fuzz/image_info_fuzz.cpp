// libFuzzer target for image headers (src/media/image_info.*: stb_image's info
// call, compiled into podsmith): the input is an embedded picture's bytes.
// Whatever they are, nothing crashes or trips a sanitizer, and a size is given
// only for a type that was recognised, never negative.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "media/image_info.h"

using namespace podsmith;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ImageInfo info = read_image_info(fuzz::bytes_of(data, size));
  FUZZ_REQUIRE(info.width >= 0 && info.height >= 0 && info.components >= 0 && info.components <= 4);
  FUZZ_REQUIRE(!info.mime_type.empty() || (info.width == 0 && info.height == 0));
  return 0;
}
