#include "media/container_readers.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "podsmith/media/media_probe.h"
#include "podsmith/media/probe_cache.h"
#include "test_support.h"

using podsmith::test::check_readers_agree;
using podsmith::test::source_path;

namespace {

std::string le32(uint32_t v) {
  return {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
}

std::string vorbis_comment(const std::vector<std::string>& fields) {
  std::string out = le32(6) + "vendor" + le32(static_cast<uint32_t>(fields.size()));
  for (const std::string& f : fields) out += le32(static_cast<uint32_t>(f.size())) + f;
  return out;
}

struct FlacBlock {
  int type;
  std::string data;
};

// flac.flac's metadata blocks and its audio.
std::pair<std::vector<FlacBlock>, std::string> flac_parts() {
  const std::string f = podsmith::test::read_file(source_path("tests/fixtures/media/flac.flac"));
  std::vector<FlacBlock> blocks;
  size_t at = 4;
  for (bool last = false; !last;) {
    const auto b = [&](size_t i) { return static_cast<uint8_t>(f[at + i]); };
    last = b(0) & 0x80;
    const size_t length = size_t{b(1)} << 16 | size_t{b(2)} << 8 | b(3);
    blocks.push_back({b(0) & 0x7F, f.substr(at + 4, length)});
    at += 4 + length;
  }
  return {blocks, f.substr(at)};
}

std::string flac_file(const std::vector<FlacBlock>& blocks, const std::string& audio) {
  std::string out = "fLaC";
  for (size_t i = 0; i < blocks.size(); ++i) {
    const size_t n = blocks[i].data.size();
    out += static_cast<char>(blocks[i].type | (i + 1 == blocks.size() ? 0x80 : 0));
    out += {static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
    out += blocks[i].data;
  }
  return out + audio;
}

std::string chunk(const std::string& name, const std::string& data, bool pad = true) {
  return name + le32(static_cast<uint32_t>(data.size())) + data + (pad && data.size() % 2 ? std::string(1, '\0') : "");
}

std::string riff(const std::string& chunks) { return "RIFF" + le32(static_cast<uint32_t>(4 + chunks.size())) + "WAVE" + chunks; }

}  // namespace

TEST_CASE("read_vorbis_comment keeps what TagLib keeps") {
  const auto c = podsmith::read_vorbis_comment(
      vorbis_comment({"title=One", "TITLE=", "Title=Two", "artist=A", "noequals", "=novalue", "dAtE=2024"}));
  REQUIRE(c);
  CHECK(c->first_value("TITLE") == "One");
  CHECK(c->fields.size() == 4);  // the empty value and the fields without a key go
  CHECK(c->first_value("DATE") == "2024");
  CHECK(c->first_value("ALBUM").empty());
  // Pictures, chapters, keys TagLib would drop or cut and invalid text: TagLib's.
  for (const char* field : {"METADATA_BLOCK_PICTURE=AAAA", "coverart=AAAA", "CHAPTER001=00:00:01.000",
                            "K\xC3\xA9Y=v", "TITLE=\xFF", "KEY~=v"}) {
    CAPTURE(field);
    CHECK_FALSE(podsmith::read_vorbis_comment(vorbis_comment({field})));
  }
  CHECK_FALSE(podsmith::read_vorbis_comment(le32(100) + "short"));
}

TEST_CASE("probe's own FLAC reader agrees with TagLib") {
  podsmith::test::TempDir dir;
  const auto [blocks, audio] = flac_parts();
  const auto with_comment = [&, &blocks = blocks](const std::vector<std::string>& fields) {
    std::vector<FlacBlock> b = blocks;
    for (FlacBlock& block : b)
      if (block.type == 4) block.data = vorbis_comment(fields);
    return b;
  };
  struct Case {
    const char* what;
    std::vector<FlacBlock> blocks;
    std::string tail;
  };
  std::vector<FlacBlock> two_comments = with_comment({"TITLE=first"});
  two_comments.push_back({4, vorbis_comment({"TITLE=second"})});
  std::vector<FlacBlock> no_comment;
  for (const FlacBlock& b : blocks)
    if (b.type != 4) no_comment.push_back(b);
  std::vector<FlacBlock> bad_picture = blocks;
  bad_picture.push_back({6, std::string(40, '\xFF')});
  std::vector<FlacBlock> empty_application = blocks;
  empty_application.push_back({2, ""});
  const std::vector<Case> cases = {
      {"the fixture", blocks, ""},
      {"fields of every kind", with_comment({"title=t", "TITLE=", "Artist=a", "ARTIST=b", "TRACKNUMBER=3/9",
                                             "DISCNUMBER=1", "TRACKTOTAL=12", "DESCRIPTION=d", "COMMENT=c",
                                             "SUBTITLE=s", "x=y", "GENRE=Podcast", "DATE=2024-05-01"}),
       ""},
      {"a key with a NUL", with_comment({std::string("TI\0TLE=x", 8)}), ""},
      {"two comment blocks", two_comments, ""},
      {"no comment block", no_comment, ""},
      {"a picture TagLib cannot parse", bad_picture, ""},
      {"an empty application block", empty_application, ""},
      {"an ID3v1 tag at the end", blocks, "TAG" + std::string(125, 'x')},
  };
  int n = 0;
  for (const Case& c : cases) {
    CAPTURE(c.what);
    check_readers_agree(dir.write(std::to_string(n++) + ".flac", flac_file(c.blocks, audio) + c.tail));
  }
}

TEST_CASE("probe's own WAVE reader agrees with TagLib") {
  podsmith::test::TempDir dir;
  const std::string wav = podsmith::test::read_file(source_path("tests/fixtures/media/wav.wav"));
  const std::string fmt = wav.substr(20, 16);
  const std::string data = wav.substr(44);
  std::string float_fmt = fmt;
  float_fmt[0] = 3;
  float_fmt[14] = 32;
  std::string extensible_fmt = fmt;
  extensible_fmt[0] = '\xFE';
  extensible_fmt[1] = '\xFF';
  const std::string id3 = "ID3\4" + std::string(2, '\0') + std::string("\0\0\0\x17", 4) + "TIT2" +
                          std::string("\0\0\0\x0d\0\0", 6) + "\3WAVE title!";
  const std::string info = "INFO" + chunk("INAM", std::string("info title\0", 11));
  struct Case {
    const char* what;
    std::string bytes;
  };
  const Case cases[] = {
      {"the fixture", wav},
      {"an odd data chunk with its pad byte", riff(chunk("fmt ", fmt) + chunk("data", data.substr(1)))},
      {"an odd data chunk without one", riff(chunk("fmt ", fmt) + chunk("data", data.substr(1), false))},
      {"an ID3 chunk", riff(chunk("fmt ", fmt) + chunk("data", data) + chunk("id3 ", id3))},
      {"an ID3 chunk and an INFO list", riff(chunk("fmt ", fmt) + chunk("LIST", info) + chunk("data", data) + chunk("ID3 ", id3))},
      {"an INFO list only", riff(chunk("fmt ", fmt) + chunk("data", data) + chunk("LIST", info))},
      {"float samples", riff(chunk("fmt ", float_fmt) + chunk("data", data))},
      {"float samples with a fact chunk", riff(chunk("fmt ", float_fmt) + chunk("fact", le32(1000)) + chunk("data", data))},
      {"WAVE_FORMAT_EXTENSIBLE", riff(chunk("fmt ", extensible_fmt) + chunk("data", data))},
      {"an empty data chunk first", riff(chunk("fmt ", fmt) + chunk("data", "") + chunk("data", data))},
      {"a data chunk longer than the file", riff(chunk("fmt ", fmt)) + "data" + le32(1u << 30) + data},
      {"an unknown chunk and trailing junk", riff(chunk("fmt ", fmt) + chunk("junk", "12345") + chunk("data", data)) + "xyz"},
      {"a chunk with a bad name", riff(chunk("fmt ", fmt) + chunk("d\x01ta", data))},
      {"no fmt chunk", riff(chunk("data", data))},
  };
  int n = 0;
  for (const Case& c : cases) {
    CAPTURE(c.what);
    check_readers_agree(dir.write(std::to_string(n++) + ".wav", c.bytes));
  }
}

TEST_CASE("probe's own Ogg reader finds the last page where TagLib does") {
  // TagLib looks for the last "OggS" in 1 KiB pieces back from the end and misses
  // one that straddles two pieces: files cut so that the last page header does.
  podsmith::test::TempDir dir;
  for (const char* name : {"opus.opus", "vorbis.ogg"}) {
    const std::string ogg = podsmith::test::read_file(source_path(std::string("tests/fixtures/media/") + name));
    std::vector<size_t> pages;
    for (size_t at = ogg.find("OggS"); at != std::string::npos; at = ogg.find("OggS", at + 1)) pages.push_back(at);
    REQUIRE(pages.size() >= 3);
    int n = 0;
    for (size_t p = pages.size() - 3; p < pages.size(); ++p) {
      for (size_t length = pages[p] + 1018; length <= pages[p] + 1026 && length <= ogg.size(); ++length)
        check_readers_agree(dir.write(std::to_string(n++) + "-" + name, ogg.substr(0, length)));
    }
  }
}

TEST_CASE("read_plain_ogg reads the first two packets and the last page's position") {
  const std::string path = source_path("tests/fixtures/media/vorbis.ogg");
  auto source = podsmith::ByteSource::open(path, static_cast<int64_t>(std::filesystem::file_size(path)));
  REQUIRE(source);
  const auto ogg = podsmith::read_plain_ogg(**source);
  REQUIRE(ogg);
  CHECK(ogg->ident.rfind("\x01vorbis", 0) == 0);
  CHECK(ogg->comment.rfind("\x03vorbis", 0) == 0);
  CHECK(ogg->first_granule == 0);
  CHECK(ogg->last_granule > 0);
  check_readers_agree(path);
  check_readers_agree(source_path("tests/fixtures/media/opus.opus"));
}

TEST_CASE("probe's own Ogg reader finds the last page among bytes that almost spell OggS") {
  // The last page is found by a search back from the end for "OggS": bytes
  // after it that start to spell it must not stop or fool the search.
  podsmith::test::TempDir dir;
  const std::string ogg = podsmith::test::read_file(source_path("tests/fixtures/media/vorbis.ogg"));
  const std::string tails[] = {"O",    "Og",     "Ogg",        "OOgg",           "OgOggOg", "gS",
                               "OggS", "OggSOg", "xOggS" + std::string(30, '\0'), std::string(2000, 'O') + "gg"};
  int n = 0;
  for (const std::string& tail : tails) {
    CAPTURE(tail.substr(0, 12));
    check_readers_agree(dir.write(std::to_string(n++) + ".ogg", ogg + tail));
    check_readers_agree(dir.write(std::to_string(n++) + ".ogg", ogg.substr(0, ogg.size() - 3) + tail));
  }
}

TEST_CASE("read_plain_wav leaves to TagLib a length or bitrate that does not fit an int") {
  // Found by scripts/fuzz container_readers (tests/fuzz/corpus/container_readers/
  // regress-wav-length-past-int): TagLib's int arithmetic, reproduced here, turned
  // 1.06e10 ms into an int (undefined behaviour; UBSan stops there).
  podsmith::test::TempDir dir;
  const std::string wav = podsmith::test::read_file(source_path("tests/fixtures/media/wav.wav"));
  std::string float_1hz = wav.substr(20, 16);
  float_1hz[0] = 3;                               // IEEE float
  float_1hz.replace(4, 4, le32(1));               // 1 Hz
  float_1hz[14] = 32;
  std::string pcm_4ghz = wav.substr(20, 16);
  pcm_4ghz[2] = 64;                               // 64 channels
  pcm_4ghz.replace(4, 4, le32(4000000000u));      // 4 GHz: one frame lasts 2.5e-7 ms
  pcm_4ghz[14] = 32;                              // 256 bytes a frame: 8.2e9 kbit/s
  const std::string cases[] = {
      riff(chunk("fmt ", float_1hz) + chunk("fact", le32(0xFFFFFFFFu)) + chunk("data", std::string(4, '\0'))),
      riff(chunk("fmt ", pcm_4ghz) + chunk("data", std::string(256, '\0'))),
      podsmith::test::read_file(source_path("tests/fuzz/corpus/container_readers/regress-wav-length-past-int")),
  };
  int n = 0;
  for (const std::string& bytes : cases) {
    CAPTURE(n);
    const std::string path = dir.write(std::to_string(n++) + ".wav", bytes);
    auto source = podsmith::ByteSource::open(path, static_cast<int64_t>(bytes.size()));
    REQUIRE(source);
    CHECK_FALSE(podsmith::read_plain_wav(**source));
    for (const bool plain : {true, false}) {
      podsmith::ProbeOptions options;
      options.plain_readers = plain;
      const auto info = podsmith::probe(path, options);
      if (info) CHECK(info->bitrate_kbps >= 0);
    }
  }
}
