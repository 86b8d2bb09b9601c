#include "media/image_info.h"

#include <catch2/catch.hpp>
#include <string>

#include "test_support.h"

namespace {

// The first bytes of a PNG: signature and IHDR (CRC not checked by readers of
// the header, so zeros do).
std::string png_header(uint32_t width, uint32_t height) {
  std::string b = "\x89PNG\r\n\x1A\n";
  b += std::string("\0\0\0\x0D", 4) + "IHDR";
  for (uint32_t v : {width, height})
    for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((v >> shift) & 0xFF);
  b += std::string("\x08\x02\0\0\0", 5);  // 8-bit RGB
  b += std::string(4, '\0');              // CRC
  return b;
}

}  // namespace

TEST_CASE("read_image_info reads a PNG's size from its header") {
  const auto info = podsmith::read_image_info(png_header(1400, 1400));
  CHECK(info.mime_type == "image/png");
  CHECK(info.width == 1400);
  CHECK(info.height == 1400);
  CHECK(info.components == 3);
}

TEST_CASE("read_image_info reads a JPEG's size from its frame header") {
  // SOI, then a baseline SOF0 segment: 8-bit, 600 high, 800 wide, 3 components.
  const std::string jpeg("\xFF\xD8\xFF\xC0\x00\x11\x08\x02\x58\x03\x20\x03"
                         "\x01\x22\x00\x02\x11\x01\x03\x11\x01", 21);
  const auto info = podsmith::read_image_info(jpeg);
  CHECK(info.mime_type == "image/jpeg");
  CHECK(info.width == 800);
  CHECK(info.height == 600);
  CHECK(info.components == 3);
}

TEST_CASE("read_image_info survives absurd and damaged headers") {
  CHECK(podsmith::read_image_info(png_header(100000, 100000)).mime_type == "image/png");
  CHECK(podsmith::read_image_info(png_header(0xFFFFFFFF, 0xFFFFFFFF)).width == 0);
  CHECK(podsmith::read_image_info(png_header(10, 10).substr(0, 20)).width == 0);
  CHECK(podsmith::read_image_info("\xFF\xD8\xFF").width == 0);
  const auto none = podsmith::read_image_info("not an image at all");
  CHECK(none.mime_type.empty());
  CHECK(none.width == 0);
  CHECK(podsmith::read_image_info("").mime_type.empty());
}

TEST_CASE("read_image_info refuses a JPEG Huffman table of more than 256 codes instead of letting stb overrun it") {
  // Found by scripts/fuzz image_info (tests/fuzz/corpus/image_info/regress-jpeg-dht-510-codes):
  // SOI, then a DHT whose first code counts are 255 and 255. stb_image wrote past
  // its 257-entry table; under UBSan (scripts/test's ASan run) that stops the test.
  const std::string dht_510("\xFF\xD8\xFF\xC4\x01\xFF\x00\xFF\xFF", 9);
  const std::string sof("\xFF\xC0\x00\x11\x08\x02\x58\x03\x20\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 19);
  for (const std::string& jpeg : {dht_510, dht_510 + std::string(400, '\0') + sof}) {
    const auto info = podsmith::read_image_info(jpeg);
    CHECK(info.mime_type == "image/jpeg");
    CHECK(info.width == 0);
    CHECK(info.height == 0);
  }
  // A table of one code is read as before, and the frame header after it.
  const std::string dht_1("\xFF\xC4\x00\x14\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 22);
  const auto info = podsmith::read_image_info(std::string("\xFF\xD8", 2) + dht_1 + sof);
  CHECK(info.width == 800);
  CHECK(info.height == 600);
}

TEST_CASE("read_image_info gives no size for a BMP whose width is negative") {
  // Found by scripts/fuzz image_info (tests/fuzz/corpus/image_info/regress-bmp-negative-width):
  // a BMP header's width is a signed 32-bit field and stb_image passes 0xf8000004 on
  // as a negative width. A width or height that is not positive is a damaged header.
  std::string bmp = podsmith::test::read_file(
      podsmith::test::source_path("tests/fuzz/corpus/image_info/regress-bmp-negative-width"));
  REQUIRE(bmp.size() > 26);
  auto info = podsmith::read_image_info(bmp);
  CHECK(info.mime_type == "image/bmp");
  CHECK(info.width == 0);
  CHECK(info.height == 0);
  CHECK(info.components == 0);
  // The same header with a width of 4 is read.
  bmp[18] = 4, bmp[19] = 0, bmp[20] = 0, bmp[21] = 0;
  info = podsmith::read_image_info(bmp);
  CHECK(info.width == 4);
  CHECK(info.height == 1);
}
