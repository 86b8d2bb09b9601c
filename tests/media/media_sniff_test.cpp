#include "media/media_sniff.h"

#include <catch2/catch.hpp>

#include "test_support.h"

using podsmith::MediaKind;

namespace {

// The file's bytes after its leading ID3v2 tags, as probe() hands them over.
std::string stream_head(const std::string& relative) {
  std::string bytes = podsmith::test::read_file(podsmith::test::source_path(relative));
  int64_t skip = 0;
  while (int64_t tag = podsmith::id3v2_tag_size(std::string_view(bytes).substr(static_cast<size_t>(skip))))
    skip += tag;
  return bytes.substr(static_cast<size_t>(skip), 16 * 1024);
}

}  // namespace

TEST_CASE("sniff_media decides the format from the bytes") {
  struct Case {
    const char* file;
    MediaKind kind;
    const char* detail;
  };
  const Case cases[] = {
      {"tests/fixtures/media/cbr.mp3", MediaKind::kMp3, ""},
      {"tests/fixtures/media/vbr-noxing.mp3", MediaKind::kMp3, ""},
      {"tests/fixtures/media/mp3-named.m4a", MediaKind::kMp3, ""},
      {"tests/fixtures/media/aac.m4a", MediaKind::kMp4, "M4A "},
      {"tests/fixtures/media/video.mov", MediaKind::kMp4, "qt  "},
      {"tests/fixtures/media/vorbis.ogg", MediaKind::kOgg, "vorbis"},
      {"tests/fixtures/media/opus.opus", MediaKind::kOgg, "opus"},
      {"tests/fixtures/media/flac.flac", MediaKind::kFlac, ""},
      {"tests/fixtures/media/wav.wav", MediaKind::kWav, ""},
      {"tests/fixtures/media/aiff.aiff", MediaKind::kAiff, ""},
      {"tests/fixtures/media/random.mp3", MediaKind::kUnknown, ""},
      {"tests/fixtures/media/text.m4a", MediaKind::kUnknown, ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const auto sniffed = podsmith::sniff_media(stream_head(c.file));
    CHECK(sniffed.kind == c.kind);
    CHECK(sniffed.detail == c.detail);
  }
}

TEST_CASE("sniff_media does not take one stray sync word for MP3") {
  std::string bytes(4096, 'x');
  bytes[100] = '\xFF';
  bytes[101] = '\xFB';  // a valid-looking MPEG-1 Layer III header...
  bytes[102] = '\x90';
  bytes[103] = '\x00';  // ...not followed by another frame
  CHECK(podsmith::sniff_media(bytes).kind == MediaKind::kUnknown);
  CHECK(podsmith::sniff_media("").kind == MediaKind::kUnknown);
}

TEST_CASE("id3v2_tag_size reads the syncsafe size and the footer flag") {
  CHECK(podsmith::id3v2_tag_size(std::string("ID3\x04\x00\x00\x00\x00\x02\x01", 10)) == 10 + 257);
  CHECK(podsmith::id3v2_tag_size(std::string("ID3\x04\x00\x10\x00\x00\x00\x0A", 10)) == 10 + 10 + 10);
  CHECK(podsmith::id3v2_tag_size(std::string("ID3\x03\x00\x00\x00\x00\x80\x00", 10)) == 0);  // not syncsafe
  CHECK(podsmith::id3v2_tag_size("ID3") == 0);
  CHECK(podsmith::id3v2_tag_size("RIFF0000WAVE") == 0);
}
