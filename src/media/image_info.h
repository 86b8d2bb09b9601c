/// Reads an image's type and pixel size from its header bytes, without decoding
/// the pixels (stb_image's info call). Pure; never allocates the image.
#pragma once

#include <string>
#include <string_view>

namespace podsmith {

struct ImageInfo {
  std::string mime_type;  // "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp"; empty if unknown
  int width = 0;          // 0 when the header could not be read
  int height = 0;
  int components = 0;     // 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA, as stb reports (a CMYK JPEG says 3:
                          // stb converts it; lint_online.cpp reads the JPEG frame header for that)
};

/// Identifies `bytes` by its magic number and, for the types stb_image reads,
/// reads width, height and components from the header. Unknown or damaged data
/// gives an ImageInfo with zero sizes rather than an error.
ImageInfo read_image_info(std::string_view bytes);

}  // namespace podsmith
