// fit_artwork() (tag_writer.h): decodes, scales and re-encodes a cover with the
// stb single-file libraries, compiled here as static functions (as image_info.cpp
// compiles stb_image's header reader), so no stb symbol leaves this file.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>

#include "podsmith/media/tag_writer.h"

#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wuseless-cast"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-qual"
#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace podsmith {
namespace {

// Decoding more than this many pixels (a 10000x10000 cover is 400 MB as RGBA)
// is refused rather than attempted.
constexpr int64_t kMaxDecodePixels = 64'000'000;

std::string describe(int width, int height, size_t bytes) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%dx%d (%.0f KB)", width, height, static_cast<double>(bytes) / 1000.0);
  return buf;
}

void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
}

Error bad_image(std::string message) {
  Error e;
  e.code = ErrorCode::kCorrupt;
  e.message = std::move(message);
  return e;
}

}  // namespace

Result<Picture> fit_artwork(const Picture& picture, std::string* note) {
  if (note) note->clear();
  const auto* data = reinterpret_cast<const stbi_uc*>(picture.bytes.data());
  if (picture.bytes.size() > static_cast<size_t>(INT32_MAX)) return bad_image("the image is too large");
  const int length = static_cast<int>(picture.bytes.size());
  int width = 0, height = 0, components = 0;
  if (!stbi_info_from_memory(data, length, &width, &height, &components) || width <= 0 || height <= 0)
    return bad_image("not a JPEG or PNG image podsmith can read");
  Picture out = picture;
  if (out.mime_type.empty())
    out.mime_type = picture.bytes.size() > 3 && picture.bytes.compare(0, 3, "\xFF\xD8\xFF") == 0
                        ? "image/jpeg"
                        : "image/png";
  if (width <= kMaxArtworkPixels && height <= kMaxArtworkPixels &&
      static_cast<int64_t>(picture.bytes.size()) <= kMaxArtworkBytes)
    return out;
  if (static_cast<int64_t>(width) * height > kMaxDecodePixels)
    return bad_image("the image is " + std::to_string(width) + "x" + std::to_string(height) +
                     " pixels, too large to scale down");

  std::unique_ptr<stbi_uc, void (*)(void*)> rgba(stbi_load_from_memory(data, length, &width, &height,
                                                                       &components, 4),
                                                 stbi_image_free);
  if (!rgba) return bad_image(std::string("the image cannot be decoded: ") + stbi_failure_reason());
  // JPEG has no alpha: put transparent pixels on white, as a player's light page would.
  const size_t pixels = static_cast<size_t>(width) * static_cast<size_t>(height);
  std::string rgb(pixels * 3, '\0');
  for (size_t i = 0; i < pixels; ++i) {
    const unsigned alpha = rgba.get()[i * 4 + 3];
    for (int c = 0; c < 3; ++c)
      rgb[i * 3 + c] = static_cast<char>((rgba.get()[i * 4 + c] * alpha + 255 * (255 - alpha) + 127) / 255);
  }
  rgba.reset();

  double scale = std::min(1.0, static_cast<double>(kMaxArtworkPixels) / std::max(width, height));
  for (;;) {
    const int w = std::max(1, static_cast<int>(std::lround(width * scale)));
    const int h = std::max(1, static_cast<int>(std::lround(height * scale)));
    std::string scaled(static_cast<size_t>(w) * static_cast<size_t>(h) * 3, '\0');
    if (!stbir_resize_uint8(reinterpret_cast<const unsigned char*>(rgb.data()), width, height, 0,
                            reinterpret_cast<unsigned char*>(scaled.data()), w, h, 0, 3))
      return bad_image("the image cannot be scaled");
    // The best quality that fits; below quality 60, a smaller image looks better.
    for (int quality = 90; quality >= 60; quality -= 10) {
      std::string jpeg;
      if (!stbi_write_jpg_to_func(append_bytes, &jpeg, w, h, 3, scaled.data(), quality))
        return bad_image("the image cannot be encoded as JPEG");
      if (static_cast<int64_t>(jpeg.size()) <= kMaxArtworkBytes) {
        if (note)
          *note = "scaled from " + describe(width, height, picture.bytes.size()) + " to " +
                  describe(w, h, jpeg.size()) + " JPEG at quality " + std::to_string(quality);
        out.mime_type = "image/jpeg";
        out.bytes = std::move(jpeg);
        return out;
      }
    }
    scale *= 0.8;
  }
}

}  // namespace podsmith
