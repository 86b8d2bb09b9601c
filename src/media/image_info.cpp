#include "media/image_info.h"

#include <climits>
#include <cstdint>

#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

namespace podsmith {
namespace {

bool starts_with(std::string_view bytes, std::string_view magic) {
  return bytes.substr(0, magic.size()) == magic;
}

std::string sniff_image_type(std::string_view b) {
  if (starts_with(b, "\xFF\xD8\xFF")) return "image/jpeg";
  if (starts_with(b, "\x89PNG\r\n\x1A\n")) return "image/png";
  if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a")) return "image/gif";
  if (starts_with(b, "BM")) return "image/bmp";
  if (b.size() >= 12 && starts_with(b, "RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  return {};
}

// The stb_image in Debian 12 (libstb-dev 0.0~git20220908) builds a JPEG Huffman
// table from a DHT segment's 16 code counts without checking that they add up to
// at most 256, and writes past its 257-entry arrays when they do not (UBSan: index
// 257 out of bounds for 'stbi_uc[257]'); stbi_info() reads the DHT segments before
// the frame header, so a crafted cover in a tag or a fetched artwork file would
// corrupt memory. This walks the segments before the frame header as stb's header
// scan does (bytes up to an 0xFF skipped, fill bytes skipped, a DHT's tables read
// on past its end as stb reads them) and says false when a table has more than 256
// codes; stb is then not asked.
bool jpeg_huffman_tables_fit(std::string_view b) {
  const auto byte = [&](size_t i) -> unsigned { return i < b.size() ? static_cast<uint8_t>(b[i]) : 0; };
  size_t i = 2;  // after SOI
  while (i < b.size()) {
    while (i < b.size() && byte(i) != 0xFF) ++i;
    while (i < b.size() && byte(i) == 0xFF) ++i;
    if (i >= b.size()) return true;
    const unsigned marker = byte(i++);
    if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) return true;  // the frame header: stb stops
    const size_t length = byte(i) << 8 | byte(i + 1);
    if (marker == 0xC4) {
      size_t at = i + 2;
      for (long left = static_cast<long>(length) - 2; left > 0;) {
        if ((byte(at) >> 4) > 1 || (byte(at) & 15) > 3) return true;  // stb refuses the table
        size_t codes = 0;
        for (size_t k = 1; k <= 16; ++k) codes += byte(at + k);
        if (codes > 256) return false;
        at += 17 + codes;
        left -= static_cast<long>(17 + codes);
      }
    }
    i += length;
  }
  return true;
}

}  // namespace

ImageInfo read_image_info(std::string_view bytes) {
  ImageInfo info;
  info.mime_type = sniff_image_type(bytes);
  if (info.mime_type.empty() || info.mime_type == "image/webp") return info;
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return info;
  if (info.mime_type == "image/jpeg" && !jpeg_huffman_tables_fit(bytes)) return info;  // damaged: no size
  int w = 0, h = 0, comp = 0;
  if (stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                            static_cast<int>(bytes.size()), &w, &h, &comp) &&
      w > 0 && h > 0 && comp >= 1 && comp <= 4) {  // a BMP's width field is signed: stb passes -4 on
    info.width = w;
    info.height = h;
    info.components = comp;
  }
  return info;
}

}  // namespace podsmith
