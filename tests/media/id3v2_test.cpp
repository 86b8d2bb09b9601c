#include "media/id3v2.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

std::string syncsafe(size_t n) {
  std::string b(4, '\0');
  for (int i = 3; i >= 0; --i, n >>= 7) b[static_cast<size_t>(i)] = static_cast<char>(n & 0x7F);
  return b;
}

std::string tag(const std::vector<std::pair<std::string, std::string>>& frames, int version = 4, int flags = 0,
                int frame_flags = 0) {
  std::string body;
  for (const auto& [id, data] : frames) {
    std::string size = syncsafe(data.size());
    if (version == 3) size = {0, 0, static_cast<char>(data.size() >> 8), static_cast<char>(data.size())};
    body += id + size + std::string(1, '\0') + std::string(1, static_cast<char>(frame_flags)) + data;
  }
  return "ID3" + std::string(1, static_cast<char>(version)) + std::string(1, '\0') +
         std::string(1, static_cast<char>(flags)) + syncsafe(body.size()) + body;
}

}  // namespace

TEST_CASE("read_plain_id3v2 gives the first value of each property, as TagLib's property map") {
  const std::string bytes =  // kept: the pictures point into it
      tag({{"TIT2", std::string("\3One\0Two", 8)},
           {"TIT2", "\3Three"},
           {"TDRC", "\3" "2024-05-01T10:00"},
           {"COMM", std::string("\3engdesc\0ignored", 16)},
           {"COMM", std::string("\3eng\0kept", 9)},
           {"TDES", std::string("\3a\0b", 4)},
           {"WFED", "https://example.org/feed.xml"},
           {"APIC", std::string("\0image/png\0\3\0PNGDATA", 20)}});
  const auto t = podsmith::read_plain_id3v2(bytes, false);
  REQUIRE(t);
  CHECK(t->first_value("TITLE") == "One");
  CHECK(t->first_value("DATE") == "2024-05-01 10:00");
  CHECK(t->first_value("COMMENT") == "kept");
  CHECK(t->first_value("PODCASTDESC") == "a");
  CHECK(t->tdes == "a b");
  CHECK(t->wfed == "https://example.org/feed.xml");
  CHECK(t->first_value("PODCASTURL").empty());  // WFED read as raw bytes
  REQUIRE(t->pictures.size() == 1);
  CHECK(t->pictures[0].mime_type == "image/png");
  CHECK(t->pictures[0].type == 3);
  CHECK(t->pictures[0].data == "PNGDATA");
  CHECK(t->frames == 8);

  const auto text_wfed = podsmith::read_plain_id3v2(tag({{"WFED", "\3https://a"}}), true);
  REQUIRE(text_wfed);
  CHECK(text_wfed->first_value("PODCASTURL") == "https://a");
  CHECK(text_wfed->wfed == "https://a");

  const auto v23 = podsmith::read_plain_id3v2(tag({{"TYER", std::string("\0" "2021", 5)}}, 3), false);
  REQUIRE(v23);
  CHECK(v23->first_value("DATE") == "2021");
}

TEST_CASE("read_plain_id3v2 leaves to TagLib what it does not read exactly as TagLib does") {
  struct Case {
    const char* what;
    std::string bytes;
  };
  const Case cases[] = {
      {"unsynchronisation", tag({{"TIT2", "\3x"}}, 4, 0x80)},
      {"an extended header", tag({{"TIT2", "\3x"}}, 4, 0x40)},
      {"ID3v2.2", tag({{"TIT2", "\3x"}}, 2)},
      {"a compressed frame", tag({{"TIT2", "\3x"}}, 4, 0, 0x08)},
      {"a grouped frame", tag({{"TIT2", "\3x"}}, 3, 0, 0x20)},
      {"chapters", tag({{"CHAP", std::string("c\0", 2) + std::string(16, '\0')}})},
      {"a table of contents", tag({{"CTOC", std::string("t\0\3\0", 4)}})},
      {"TXXX:DESCRIPTION", tag({{"TXXX", std::string("\3description\0d", 14)}})},
      {"a numeric genre", tag({{"TCON", "\3" "13"}})},
      {"a v2.3 date", tag({{"TYER", std::string("\0" "2021", 5)}, {"TDAT", std::string("\0" "0105", 5)}}, 3)},
      {"a v2.4 TYER", tag({{"TYER", std::string("\0" "2021", 5)}})},
      {"invalid UTF-8", tag({{"TIT2", "\3\xFF"}})},
      {"UTF-16 without a byte order mark", tag({{"TIT2", std::string("\1x\0", 3)}})},
      {"an unknown text encoding", tag({{"TIT2", "\5x"}})},
      {"a frame running past the tag", tag({{"TIT2", "\3x"}}).substr(0, 15)},
      {"a bad frame ID", tag({{"tit2", "\3x"}})},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    CHECK_FALSE(podsmith::read_plain_id3v2(c.bytes, false));
  }
}
