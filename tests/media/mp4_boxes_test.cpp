#include "media/mp4_boxes.h"

#include <catch2/catch.hpp>
#include <string>

#include "podsmith/media/media_probe.h"
#include "test_support.h"

using podsmith::ByteSource;
using podsmith::ErrorCode;

TEST_CASE("read_mp4_structure stops at a 64-bit box size that takes it to the end of int64") {
  // Found by scripts/fuzz mp4_boxes (tests/fuzz/corpus/mp4_boxes/regress-box-size-int64-max):
  // a box of size 1, then a 64-bit size of INT64_MAX, took the walk's offset to
  // INT64_MAX, where `offset + 8` overflowed (UBSan: signed integer overflow).
  podsmith::test::TempDir dir;
  const std::string box("\0\0\0\x01\0\0\xff\xff\x7f\xff\xff\xff\xff\xff\xff\xff", 16);
  for (const std::string& bytes : {box, box + std::string(32, '\0')}) {
    const std::string path = dir.write("big-box.mp4", bytes);
    auto source = ByteSource::open(path, static_cast<int64_t>(bytes.size()));
    REQUIRE(source);
    const auto mp4 = podsmith::read_mp4_structure(**source);
    REQUIRE_FALSE(mp4);
    CHECK(mp4.error().code == ErrorCode::kCorrupt);
  }
  // The same box as an mdat, which the probe takes for a QuickTime file.
  const auto probed =
      podsmith::probe(podsmith::test::source_path("tests/fuzz/corpus/probe/regress-mp4-box-size-int64-max"));
  REQUIRE_FALSE(probed);
  CHECK(probed.error().code == ErrorCode::kCorrupt);
}
