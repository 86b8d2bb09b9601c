#include "podsmith/media/media_probe.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <random>

#include <nlohmann/json.hpp>

#include "media/media_sniff.h"
#include "podsmith/media/probe_cache.h"
#include "podsmith/media/probe_report.h"
#include "podsmith/base/text.h"
#include "test_support.h"

using podsmith::ErrorCode;
using podsmith::MediaInfo;
using podsmith::probe;
using podsmith::test::check_readers_agree;
using podsmith::test::source_path;

namespace {

MediaInfo probe_ok(const std::string& relative) {
  auto result = probe(source_path(relative));
  if (!result) FAIL(result.error().to_string());
  return std::move(result).value();
}

bool has_warning_containing(const MediaInfo& info, const std::string& text) {
  return std::any_of(info.warnings.begin(), info.warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("probe measures every fixture within 50 ms of a full decode") {
  // durations.tsv holds ffmpeg's decoded sample counts, recorded when the
  // fixtures were made; it covers every format, VBR MP3 without a Xing header
  // and one that starts with 2 s of silence.
  const auto references = podsmith::test::reference_durations();
  REQUIRE(references.size() >= 20);
  for (const auto& [relative, ref] : references) {
    CAPTURE(relative, ref.duration_ms);
    const MediaInfo info = probe_ok(relative);
    CHECK(std::llabs(info.duration_ms - ref.duration_ms) <= 50);
    CHECK(info.sample_rate_hz == ref.sample_rate_hz);
    CHECK(info.size_bytes == static_cast<int64_t>(std::filesystem::file_size(source_path(relative))));
  }
}

TEST_CASE("probe counts the frames of a VBR MP3 that has no Xing header") {
  const MediaInfo info = probe_ok("tests/fixtures/media/vbr-noxing-silence.mp3");
  CHECK(info.duration_source == "frame-scan");
  // A first-frame estimate is more than twice the real length on this file.
  CHECK(info.duration_ms == Approx(27638).margin(50));
  const MediaInfo xing = probe_ok("tests/fixtures/media/vbr-xing.mp3");
  CHECK(xing.duration_source == "xing-header");
}

TEST_CASE("probe decides the MIME type from the content") {
  struct Case {
    const char* file;
    const char* mime;
    const char* container;
    const char* codec;
    bool video;
  };
  const Case cases[] = {
      {"tests/fixtures/media/cbr.mp3", "audio/mpeg", "mp3", "mp3", false},
      {"tests/fixtures/media/mp3-named.m4a", "audio/mpeg", "mp3", "mp3", false},
      {"tests/fixtures/media/aac.m4a", "audio/x-m4a", "mp4", "aac", false},
      {"tests/fixtures/media/alac.m4a", "audio/x-m4a", "mp4", "alac", false},
      {"tests/fixtures/media/m4b.m4b", "audio/x-m4a", "mp4", "aac", false},
      {"tests/fixtures/media/video.mp4", "video/mp4", "mp4", "aac", true},
      {"tests/fixtures/media/video.mov", "video/quicktime", "mov", "aac", true},
      {"tests/fixtures/media/vorbis.ogg", "audio/ogg", "ogg", "vorbis", false},
      {"tests/fixtures/media/opus.opus", "audio/opus", "ogg", "opus", false},
      {"tests/fixtures/media/flac.flac", "audio/flac", "flac", "flac", false},
      {"tests/fixtures/media/wav.wav", "audio/wav", "wav", "pcm", false},
      {"tests/fixtures/media/aiff.aiff", "audio/aiff", "aiff", "pcm", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const MediaInfo info = probe_ok(c.file);
    CHECK(info.mime_type == c.mime);
    CHECK(info.container == c.container);
    CHECK(info.codec == c.codec);
    CHECK(info.has_video == c.video);
    CHECK(info.channels >= 1);
    CHECK(info.bitrate_kbps > 0);
  }
  CHECK(probe_ok("tests/fixtures/media/video.mp4").video_codec == "h264");
}

TEST_CASE("probe warns when the extension disagrees with the content") {
  const MediaInfo info = probe_ok("tests/fixtures/media/mp3-named.m4a");
  CHECK(has_warning_containing(info, "extension is .m4a"));
  CHECK(probe_ok("tests/fixtures/media/cbr.mp3").warnings.empty());
}

TEST_CASE("probe reads tags with XML-special and non-ASCII characters as UTF-8") {
  const MediaInfo info = probe_ok("tests/fixtures/media/cbr.mp3");
  CHECK(info.tags.title == "Tom & Jerry <Live> \"Special\"");
  CHECK(info.tags.artist == "Zoë Ångström — 東京");
  CHECK(info.tags.album == "Cafés & Crème");
  CHECK(info.tags.comment == "a < b > c & \"d\"");
  CHECK(info.tags.date == "2024");
  CHECK(info.tags.track == 3);
  CHECK(info.tags.track_total == 10);
  CHECK(info.tags.disc == 1);
  CHECK(info.tags.disc_total == 2);
  const MediaInfo m4a = probe_ok("tests/fixtures/media/aac.m4a");
  CHECK(m4a.tags.title == "Ünïcödé — タイトル & <AAC>");
}

TEST_CASE("probe reads the podcast frames of the example episode") {
  const MediaInfo info = probe_ok("media/2006-01-mvp-award-beginnings.mp3");
  CHECK_FALSE(info.tags.title.empty());
  CHECK_FALSE(info.tags.subtitle.empty());      // TIT3
  CHECK_FALSE(info.tags.description.empty());   // TDES
  CHECK(info.tags.podcast_url == "https://channel8.example.org/feeds/channel8.xml");  // WFED
  REQUIRE(info.artwork.size() == 1);
  CHECK(info.artwork[0].mime_type == "image/jpeg");
  CHECK(info.artwork[0].width == 600);
  CHECK(info.artwork[0].height == 600);
  CHECK(info.artwork[0].kind == "front_cover");
  CHECK(info.artwork[0].size_bytes > 0);
}

TEST_CASE("probe reads ID3 and MP4 chapters in table-of-contents order") {
  const auto references = podsmith::test::reference_chapters();
  REQUIRE(references.size() >= 3);
  for (const auto& [relative, expected] : references) {
    CAPTURE(relative);
    const MediaInfo info = probe_ok(relative);
    REQUIRE(info.chapters.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(i);
      CHECK(info.chapters[i].start_ms == expected[i].start_ms);
      CHECK(std::llabs(info.chapters[i].end_ms - expected[i].end_ms) <= 50);
      CHECK(info.chapters[i].title == expected[i].title);
      CHECK(info.chapters[i].url == expected[i].url);
    }
  }
  const MediaInfo chaptered = probe_ok("tests/fixtures/media/chapters.mp3");
  REQUIRE(chaptered.chapters.size() == 3);
  REQUIRE(chaptered.chapters[2].image.has_value());
  CHECK(chaptered.chapters[2].image->mime_type == "image/png");
  CHECK(chaptered.chapters[2].image->width == 64);
}

TEST_CASE("probe reads embedded pictures in FLAC") {
  const MediaInfo info = probe_ok("tests/fixtures/media/flac.flac");
  REQUIRE(info.artwork.size() == 1);
  CHECK(info.artwork[0].mime_type == "image/png");
  CHECK(info.artwork[0].width == 64);
}

TEST_CASE("probe rejects what is not readable media with a clear error") {
  struct Case {
    const char* file;
    ErrorCode code;
    const char* says;
  };
  const Case cases[] = {
      {"tests/fixtures/media/does-not-exist.mp3", ErrorCode::kNotFound, "no such file"},
      {"tests/fixtures/media", ErrorCode::kNotAFile, "directory"},
      {"tests/fixtures/media/zero.mp3", ErrorCode::kEmpty, "empty"},
      {"tests/fixtures/media/random.mp3", ErrorCode::kUnsupported, "not an audio or video file"},
      {"tests/fixtures/media/text.m4a", ErrorCode::kUnsupported, "not an audio or video file"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const auto result = probe(source_path(c.file));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == c.code);
    CHECK(result.error().file == source_path(c.file));
    CHECK(result.error().message.find(c.says) != std::string::npos);
  }
}

TEST_CASE("probe reports an unreadable file") {
  podsmith::test::TempDir dir;
  const std::string path = dir.write("locked.mp3", podsmith::test::read_file(source_path("tests/fixtures/media/cbr.mp3")));
  ::chmod(path.c_str(), 0);
  // root reads anything, so the probe runs in a child that drops to nobody.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(90);
    const auto result = probe(path);
    ::_exit(!result && result.error().code == ErrorCode::kUnreadable &&
                    result.error().message.find("cannot open") != std::string::npos
                ? 0
                : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("probe measures what is left of an MP3 cut in half, and says so") {
  const MediaInfo info = probe_ok("tests/fixtures/media/truncated.mp3");
  CHECK(has_warning_containing(info, "cut short"));
  CHECK(info.duration_source == "frame-scan");
  CHECK(info.duration_ms == Approx(1648).margin(50));
}

TEST_CASE("probe cleans invalid UTF-8 and control characters in tags and warns") {
  const MediaInfo info = probe_ok("tests/fixtures/media/bad-tags.mp3");
  CHECK(has_warning_containing(info, "invalid UTF-8 or control characters"));
  for (const std::string* s : {&info.tags.title, &info.tags.artist, &info.tags.album}) {
    CHECK(podsmith::is_valid_utf8(*s));
    CHECK(std::none_of(s->begin(), s->end(), [](char c) { return c > 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r'; }));
  }
  CHECK(info.tags.album == "Album is fine");
}

TEST_CASE("probe cuts a 1 MB comment tag and warns") {
  const MediaInfo info = probe_ok("tests/fixtures/media/big-comment.mp3");
  CHECK(info.tags.comment.size() <= podsmith::ProbeOptions{}.max_tag_bytes);
  CHECK(info.tags.comment.size() > 1000);
  CHECK(has_warning_containing(info, "comment tag is"));
  CHECK(info.duration_ms == Approx(967).margin(50));
}

TEST_CASE("probe survives artwork that declares an absurd size") {
  const MediaInfo info = probe_ok("tests/fixtures/media/huge-artwork.mp3");
  REQUIRE(info.artwork.size() == 1);
  CHECK(info.artwork[0].mime_type == "image/png");
  CHECK(has_warning_containing(info, "artwork"));
}

TEST_CASE("probe_each delivers results in the order given, bad files included") {
  const std::vector<std::string> paths = {
      source_path("tests/fixtures/media/vbr-noxing-silence.mp3"), source_path("tests/fixtures/media/zero.mp3"),
      source_path("tests/fixtures/media/cbr.mp3"), source_path("tests/fixtures/media/nope.mp3"),
      source_path("tests/fixtures/media/opus.opus")};
  std::vector<size_t> order;
  std::vector<bool> ok;
  podsmith::probe_each(paths, [&](size_t index, podsmith::Result<MediaInfo> result) {
    order.push_back(index);
    ok.push_back(result.has_value());
    if (result) CHECK(result->path == paths[index]);
  }, {}, 3);
  CHECK(order == std::vector<size_t>{0, 1, 2, 3, 4});
  CHECK(ok == std::vector<bool>{true, false, true, false, true});
}

TEST_CASE("probe_each handles more files than its window, on one thread too") {
  std::vector<std::string> paths(100, source_path("tests/fixtures/media/cbr.mp3"));
  for (unsigned threads : {1u, 4u}) {
    size_t next = 0;
    podsmith::probe_each(paths, [&](size_t index, podsmith::Result<MediaInfo> result) {
      CHECK(index == next++);
      CHECK(result.has_value());
    }, {}, threads);
    CHECK(next == paths.size());
  }
}

namespace {

// An ID3v2.4 tag holding `frames` (id, body), then the audio of cbr.mp3.
std::string mp3_with_frames(const std::vector<std::pair<std::string, std::string>>& frames) {
  const auto syncsafe = [](size_t n) {
    std::string b(4, '\0');
    for (int i = 3; i >= 0; --i, n >>= 7) b[static_cast<size_t>(i)] = static_cast<char>(n & 0x7F);
    return b;
  };
  std::string body;
  for (const auto& [id, data] : frames) body += id + syncsafe(data.size()) + std::string(2, '\0') + data;
  const std::string audio = podsmith::test::read_file(source_path("tests/fixtures/media/cbr.mp3"));
  const auto skip = static_cast<size_t>(podsmith::id3v2_tag_size(audio));
  return std::string("ID3\x04\x00\x00", 6) + syncsafe(body.size()) + body + audio.substr(skip);
}

}  // namespace

TEST_CASE("probe reads WFED written as iTunes does (text) and as a URL frame") {
  podsmith::test::TempDir dir;
  const std::string url = "https://example.org/feed.xml";
  const std::string as_text = dir.write("text.mp3", mp3_with_frames({{"WFED", "\x03" + url + std::string(1, '\0')}}));
  const std::string as_url = dir.write("url.mp3", mp3_with_frames({{"WFED", url}}));
  const std::string utf16 = dir.write("utf16.mp3", mp3_with_frames({{"WFED", std::string("\x01\xFF\xFEh\0t\0t\0p\0:\0/\0/\0a\0", 19)}}));
  CHECK(probe(as_text)->tags.podcast_url == url);
  CHECK(probe(as_url)->tags.podcast_url == url);
  CHECK(probe(utf16)->tags.podcast_url == "http://a");
}

TEST_CASE("probe orders ID3 chapters by start time when there is no table of contents") {
  podsmith::test::TempDir dir;
  const auto chap = [](const std::string& id, uint32_t start, uint32_t end, const std::string& title) {
    std::string b = id + std::string(1, '\0');
    for (uint32_t v : {start, end, 0xFFFFFFFFu, 0xFFFFFFFFu})
      for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((v >> shift) & 0xFF);
    const std::string tit2 = "\x03" + title;
    std::string size(4, '\0');
    size[3] = static_cast<char>(tit2.size());
    return b + "TIT2" + size + std::string(2, '\0') + tit2;
  };
  const std::string path = dir.write("chaps.mp3", mp3_with_frames({{"CHAP", chap("b", 2000, 3000, "Second")},
                                                                    {"CHAP", chap("a", 0, 2000, "First")}}));
  const auto info = probe(path);
  REQUIRE(info);
  REQUIRE(info->chapters.size() == 2);
  CHECK(info->chapters[0].title == "First");
  CHECK(info->chapters[1].title == "Second");
  CHECK(info->chapters[1].end_ms == 3000);
}

// --- podsmith's own readers against TagLib and libmpg123 -----------------------
// probe() reads plain files itself (ProbeOptions::plain_readers); these cases
// read each file both ways and require the same MediaInfo, field for field, the
// same errors and the same cover art. Files the own readers leave to TagLib pass
// trivially: the point is that none is read differently.

namespace {

std::string syncsafe(size_t n) {
  std::string b(4, '\0');
  for (int i = 3; i >= 0; --i, n >>= 7) b[static_cast<size_t>(i)] = static_cast<char>(n & 0x7F);
  return b;
}

std::string big_endian(size_t n) {
  std::string b(4, '\0');
  for (int i = 3; i >= 0; --i, n >>= 8) b[static_cast<size_t>(i)] = static_cast<char>(n & 0xFF);
  return b;
}

// An ID3v2.3 or v2.4 tag of `frames` (id, body) with `padding` zero bytes.
std::string id3_tag(int version, const std::vector<std::pair<std::string, std::string>>& frames, size_t padding = 0) {
  std::string body;
  for (const auto& [id, data] : frames)
    body += id + (version == 4 ? syncsafe(data.size()) : big_endian(data.size())) + std::string(2, '\0') + data;
  body += std::string(padding, '\0');
  return "ID3" + std::string(1, static_cast<char>(version)) + std::string(2, '\0') + syncsafe(body.size()) + body;
}

// cbr.mp3's audio after `tag`.
std::string with_cbr_audio(const std::string& tag) {
  const std::string audio = podsmith::test::read_file(source_path("tests/fixtures/media/cbr.mp3"));
  return tag + audio.substr(static_cast<size_t>(podsmith::id3v2_tag_size(audio)));
}

// A text frame body: encoding byte, then the values in that encoding, NUL-separated.
std::string text_body(int encoding, const std::vector<std::u16string>& values) {
  std::string out(1, static_cast<char>(encoding));
  for (size_t i = 0; i < values.size(); ++i) {
    const std::u16string& v = values[i];
    if (encoding == 0) {
      if (i > 0) out += '\0';
      for (char16_t c : v) out += static_cast<char>(c & 0xFF);
    } else if (encoding == 3) {
      if (i > 0) out += '\0';
      for (char16_t c : v) {  // BMP only, no surrogates in these tests
        if (c < 0x80) {
          out += static_cast<char>(c);
        } else if (c < 0x800) {
          out += static_cast<char>(0xC0 | (c >> 6));
          out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (c >> 12));
          out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (c & 0x3F));
        }
      }
    } else {
      if (i > 0) out += std::string(2, '\0');
      const bool little = encoding == 1;
      if (encoding == 1) out += "\xFF\xFE";
      for (char16_t c : v) {
        const char hi = static_cast<char>(c >> 8), lo = static_cast<char>(c & 0xFF);
        out += little ? std::string{lo, hi} : std::string{hi, lo};
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("probe's own readers give what TagLib and libmpg123 give on every fixture and example episode") {
  size_t files = 0;
  for (const char* dir : {"tests/fixtures/media", "media"}) {
    for (const auto& entry : std::filesystem::directory_iterator(source_path(dir))) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || ext == ".tsv" || ext == ".md" || ext == ".vtt") continue;
      check_readers_agree(entry.path().string());
      ++files;
    }
  }
  CHECK(files >= 25);
}

TEST_CASE("probe's own readers agree with TagLib on damaged copies of the fixtures") {
  // Cut short and with bytes changed in the headers: whatever each way makes of
  // it, the two must make the same.
  podsmith::test::TempDir dir;
  std::mt19937 random(20240501);
  for (const char* name : {"cbr.mp3", "vbr-xing.mp3", "vbr-noxing.mp3", "aac.m4a", "alac.m4a", "m4b.m4b", "video.mp4",
                           "vorbis.ogg", "opus.opus", "flac.flac", "wav.wav"}) {
    const std::string bytes = podsmith::test::read_file(source_path(std::string("tests/fixtures/media/") + name));
    for (int n = 0; n < 12; ++n) {
      std::string copy = bytes;
      if (n % 3 == 0) {
        copy.resize(std::uniform_int_distribution<size_t>(copy.size() / 8, copy.size() - 1)(random));
      } else {
        const size_t head = std::min<size_t>(copy.size(), n % 3 == 1 ? 512 : 8192);
        for (int k = 0; k < 1 + n % 4; ++k)
          copy[std::uniform_int_distribution<size_t>(0, head - 1)(random)] = static_cast<char>(random() & 0xFF);
      }
      check_readers_agree(dir.write(std::to_string(n) + "-" + name, copy));
    }
  }
}

TEST_CASE("probe's own ID3v2 reader agrees with TagLib on the frames podcasts carry") {
  podsmith::test::TempDir dir;
  const std::string jpeg = podsmith::test::read_file(source_path("media/artwork/channel8.jpg"));
  struct Case {
    const char* what;
    int version;
    std::vector<std::pair<std::string, std::string>> frames;
  };
  const std::string long_text(300, 'x');  // a frame over 127 bytes (TagLib's iTunes size check)
  const Case cases[] = {
      {"UTF-8 text frames", 4,
       {{"TIT2", text_body(3, {u"Épisode 1"})}, {"TPE1", text_body(3, {u"Zoë"})}, {"TALB", text_body(3, {u"Show"})},
        {"TPE2", text_body(3, {u"Host"})}, {"TCON", text_body(3, {u"Podcast"})}, {"TDRC", text_body(3, {u"2024-05-01T10:00"})},
        {"TRCK", text_body(3, {u"3/10"})}, {"TPOS", text_body(3, {u"1/2"})}, {"TIT3", text_body(3, {u"Sub"})},
        {"TDES", text_body(3, {u"Long description"})}}},
      {"Latin-1, UTF-16 and UTF-16BE", 3,
       {{"TIT2", text_body(0, {u"Caf\u00e9"})}, {"TPE1", text_body(1, {u"\u6771\u4eac"})}, {"TALB", text_body(2, {u"Alb"})}}},
      {"several values, empty ones and trailing NULs", 4,
       {{"TIT2", text_body(3, {u"", u"Second", u"Third"}) + std::string(3, '\0')}, {"TPE1", text_body(1, {u"A", u"B"})},
        {"TALB", std::string(1, '\3')}, {"TCOM", text_body(3, {u"13"})}}},
      {"a v2.3 year", 3, {{"TIT2", text_body(1, {u"T"})}, {"TYER", text_body(0, {u"2021"})}}},
      {"v2.3 day and year: left to TagLib", 3, {{"TYER", text_body(0, {u"2021"})}, {"TDAT", text_body(0, {u"0105"})}}},
      {"comments with and without a description", 4,
       {{"COMM", std::string("\3eng") + std::string(1, '\0') + "first"},
        {"COMM", std::string("\1eng\xFF\xFE", 6) + std::string(2, '\0') + text_body(1, {u"second"}).substr(1)},
        {"COMM", std::string("\3engiTunNORM") + std::string(1, '\0') + " 0000"},
        {"COMM", std::string("\3engCOMMENT") + std::string(1, '\0') + "upper"}}},
      {"a comment without text", 4, {{"TIT2", text_body(3, {u"T"})}, {"COMM", std::string("\3eng", 4)}}},
      {"pictures", 4,
       {{"TIT2", text_body(3, {u"T"})},
        {"APIC", std::string("\0image/jpeg\0\3", 13) + std::string(1, '\0') + jpeg},
        {"APIC", std::string("\1image/jpeg\0\4", 13) + std::string("\xFF\xFE" "d\0\0\0", 6) + "notanimage"},
        {"APIC", std::string("\3\0\x12" "desc", 7) + std::string(1, '\0') + "data"}}},
      {"a frame over 127 bytes, then padding", 4, {{"TIT2", text_body(3, {u"T"})}, {"TDES", "\3" + long_text}}},
      {"WFED as a URL and as text", 4, {{"WFED", "https://example.org/a.xml"}, {"WFED", "\3https://b"}}},
      {"UTF-16 WFED", 3, {{"WFED", text_body(1, {u"http://c"})}}},
      {"TXXX frames", 4,
       {{"TXXX", std::string("\3major_brand") + std::string(1, '\0') + "M4A "}, {"TIT2", text_body(3, {u"T"})}}},
      {"TXXX naming a property read: left to TagLib", 4,
       {{"TXXX", std::string("\3DESCRIPTION") + std::string(1, '\0') + "d"}}},
      {"numeric genres: left to TagLib", 3, {{"TCON", text_body(0, {u"(186)"})}}},
      {"other frames", 4,
       {{"PRIV", std::string("owner\0data", 10)}, {"TSSE", text_body(0, {u"LAME"})},
        {"WXXX", std::string("\3\0https://x", 11)}, {"USLT", std::string("\3eng\0la", 7)}}},
      {"invalid UTF-8: left to TagLib", 4, {{"TIT2", "\3\xFF\xFE\xC3"}}},
      {"a tag that holds nothing the probe reads", 4, {{"TSSE", text_body(3, {u"x"})}}},
      {"an empty tag", 4, {}},
  };
  int n = 0;
  for (const Case& c : cases) {
    CAPTURE(c.what);
    for (const size_t padding : {size_t{0}, size_t{64}}) {
      check_readers_agree(dir.write(std::to_string(n++) + ".mp3", with_cbr_audio(id3_tag(c.version, c.frames, padding))));
    }
  }
}

TEST_CASE("probe's own ID3v2 reader agrees with TagLib on random tags") {
  // Frames drawn at random from those above, in random encodings and orders.
  podsmith::test::TempDir dir;
  std::mt19937 random(7);
  const std::string jpeg = podsmith::test::read_file(source_path("media/artwork/channel8.jpg"));
  const std::vector<std::u16string> texts = {u"Episode", u"", u"Zo\u00eb \u6771\u4eac", u"a < b", u"13",
                                             u"(13)Pop", u"2024-05-01T10:00", u"3/10", u" padded "};
  const char* ids[] = {"TIT2", "TPE1", "TALB", "TPE2", "TCON", "TDRC", "TIT3", "TRCK", "TPOS", "TDES", "TSSE", "TCOM"};
  const auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };
  for (int n = 0; n < 300; ++n) {
    std::vector<std::pair<std::string, std::string>> frames;
    const size_t count = pick(8);
    for (size_t k = 0; k < count; ++k) {
      const int encoding = static_cast<int>(pick(4));
      std::vector<std::u16string> values = {texts[pick(texts.size())]};
      if (pick(4) == 0) values.push_back(texts[pick(texts.size())]);
      if (encoding == 0)
        for (auto& v : values)
          for (auto& c : v)
            if (c > 0xFF) c = u'?';
      switch (pick(14)) {
        case 0: {  // a comment: description and text in the frame's encoding
          const std::string description = text_body(encoding, {pick(2) ? u"" : u"desc"});
          const std::string text = text_body(encoding, {values[0]});
          const std::string nul(encoding == 1 || encoding == 2 ? 2 : 1, '\0');
          frames.emplace_back("COMM", std::string(1, static_cast<char>(encoding)) + "eng" + description.substr(1) + nul +
                                          text.substr(1));
          break;
        }
        case 1: frames.emplace_back("WFED", pick(2) ? text_body(encoding, values) : "https://example.org/f"); break;
        case 2: frames.emplace_back("TXXX", std::string("\3") + (pick(2) ? "Foo" : "SUBTITLE") + std::string(1, '\0') + "v"); break;
        case 3: {
          const std::string data = pick(2) ? jpeg : std::string("not an image");
          frames.emplace_back("APIC", std::string("\0image/jpeg", 11) + std::string(1, '\0') +
                                          std::string(1, static_cast<char>(pick(5))) + "d" + std::string(1, '\0') + data);
          break;
        }
        case 4: frames.emplace_back("TDES", text_body(encoding, {std::u16string(200 + pick(100), u'x')})); break;
        case 5: frames.emplace_back("PRIV", std::string("owner\0", 6) + std::string(pick(300), 'p')); break;
        default: frames.emplace_back(ids[pick(std::size(ids))], text_body(encoding, values));
      }
    }
    const int version = pick(2) ? 4 : 3;
    std::string file = with_cbr_audio(id3_tag(version, frames, pick(3) * 100));
    if (pick(4) == 0) file += "TAG" + std::string(30, 'v') + std::string(95, '\0');  // an ID3v1 tag
    check_readers_agree(dir.write(std::to_string(n) + ".mp3", file));
  }
}

TEST_CASE("probe walks a long VBR MP3 without a Xing header in a mapping and counts what libmpg123 counts") {
  // vbr-noxing.mp3's frames over and over: over a megabyte, so the probe's own
  // reader walks them in a mapping of the file (mapped_file.h).
  const std::string fixture = podsmith::test::read_file(source_path("tests/fixtures/media/vbr-noxing.mp3"));
  const auto tag = static_cast<size_t>(podsmith::id3v2_tag_size(fixture));
  const std::string audio = fixture.substr(tag);
  std::string long_file = fixture.substr(0, tag);
  int copies = 0;
  for (; long_file.size() <= (size_t{1} << 20) + tag; ++copies) long_file += audio;
  podsmith::test::TempDir dir;
  const std::string path = dir.write("long.mp3", long_file);
  const auto once = probe(source_path("tests/fixtures/media/vbr-noxing.mp3"));
  const auto many = probe(path);
  REQUIRE(once);
  REQUIRE(many);
  CHECK(many->duration_source == "frame-scan");
  CHECK(many->duration_ms == Approx(copies * once->duration_ms).margin(copies / 2 + 1));
  check_readers_agree(path);
  // Cut short: no longer a stream of whole frames, libmpg123 decides, both ways alike.
  const std::string whole = podsmith::test::read_file(path);
  for (const size_t cut : {size_t{1}, size_t{417}, audio.size()})
    check_readers_agree(dir.write(std::to_string(cut) + ".mp3", whole.substr(0, whole.size() - cut)));
  // A byte changed: in a frame header part way (its bitrate, rate or mode), or anywhere.
  std::vector<size_t> syncs;
  for (size_t i = tag; i + 4 < whole.size(); ++i)
    if (whole[i] == '\xFF' && (static_cast<uint8_t>(whole[i + 1]) & 0xE0) == 0xE0) syncs.push_back(i);
  std::mt19937 random(4);
  for (int n = 0; n < 16; ++n) {
    std::string copy = whole;
    const size_t at = n % 2 == 0 ? syncs[std::uniform_int_distribution<size_t>(0, syncs.size() - 1)(random)] + 2 + n % 4 / 2
                                 : std::uniform_int_distribution<size_t>(tag, copy.size() - 1)(random);
    copy[at] = static_cast<char>(random() & 0xFF);
    check_readers_agree(dir.write("changed-" + std::to_string(n) + ".mp3", copy));
  }
}

TEST_CASE("probe reads track and disc numbers as sscanf's %d/%d does") {
  struct Case {
    const char* text;
    int number;
    int total;
  };
  const Case cases[] = {
      {"3", 3, 0},      {"3/10", 3, 10},   {"0012/0020", 12, 20},
      {" 4", 4, 0},     {"4 of 9", 4, 0},  {"4/", 4, 0},
      {"/9", 0, 0},     {"x", 0, 0},       {"-2/5", 0, 5},
      {"+3/+4", 3, 4},  {"7/ 8", 7, 8},    {"7 /8", 7, 0},
      {"٣/٤", 0, 0},    {"1234567890", 1234567890, 0},
      {"123456789/987654321", 123456789, 987654321},
  };
  podsmith::test::TempDir dir;
  int n = 0;
  for (const Case& c : cases) {
    CAPTURE(c.text);
    std::string text(1, '\3');
    text += c.text;
    const std::string path = dir.write(std::to_string(n++) + ".mp3",
                                       with_cbr_audio(id3_tag(4, {{"TIT2", "\3T"}, {"TRCK", text}, {"TPOS", text}})));
    const auto info = probe(path);
    REQUIRE(info);
    CHECK(info->tags.track == c.number);
    CHECK(info->tags.track_total == c.total);
    CHECK(info->tags.disc == c.number);
    CHECK(info->tags.disc_total == c.total);
    check_readers_agree(path);
  }
}

TEST_CASE("probe keeps its promises on the inputs its fuzzer broke them with") {
  // Minimised inputs from scripts/fuzz probe, kept in its corpus: each broke a
  // promise of MediaInfo (clean text, sane numbers) or tripped UBSan once. Both
  // ways of reading must give a clean result or an error; the ASan/UBSan run of
  // the tests catches undefined behaviour on the way.
  struct Case {
    const char* file;
    const char* codec;  // the codec read, or nullptr for an error
  };
  const Case cases[] = {
      // An MP4 sample entry of bytes that are not text came through as the codec.
      {"regress-mp4-codec-not-text", "unknown"},
      // An APIC picture type of 85 held in TagLib's enum (0-31): undefined behaviour.
      {"regress-id3-picture-type-85", nullptr},
      // TagLib reads this WAVE header's channel count 0xFE01 as -511 channels.
      {"regress-wav-negative-channels", nullptr},
      // Ogg granules that make 6.4e9 ms: past an int (undefined behaviour in the
      // plain reader's conversion); TagLib's own int overflows, so no audio.
      {"regress-ogg-length-past-int", nullptr},
  };
  for (const Case& c : cases) {
    for (const bool plain : {true, false}) {
      CAPTURE(c.file, plain);
      const std::string path = source_path(std::string("tests/fuzz/corpus/probe/") + c.file);
      podsmith::ProbeOptions options;
      options.plain_readers = plain;
      const auto info = probe(path, options);
      CHECK_NOTHROW(nlohmann::json::parse(podsmith::probe_json(info, path)));
      if (!c.codec) {
        REQUIRE_FALSE(info);
        CHECK(info.error().code == ErrorCode::kCorrupt);
        continue;
      }
      REQUIRE(info);
      CHECK(info->codec == c.codec);
      for (const std::string* s : {&info->container, &info->codec, &info->video_codec, &info->mime_type})
        CHECK(podsmith::is_clean_text(*s));
      CHECK(info->channels >= 0);
      CHECK(info->sample_rate_hz >= 0);
    }
  }
}

TEST_CASE("probe names an ID3 picture type past TagLib's list 'other'") {
  podsmith::test::TempDir dir;
  // APIC: Latin-1, "image/png", type 0x55, empty description, then the bytes.
  const std::string apic = std::string("\0image/png\0", 11) + "\x55" + std::string("\0", 1) + "\x89PNG";
  const std::string path = dir.write("type85.mp3", with_cbr_audio(id3_tag(4, {{"TIT2", "\3T"}, {"APIC", apic}})));
  for (const bool plain : {true, false}) {
    CAPTURE(plain);
    podsmith::ProbeOptions options;
    options.plain_readers = plain;
    const auto info = probe(path, options);
    REQUIRE(info);
    REQUIRE(info->artwork.size() == 1);
    CHECK(info->artwork[0].kind == "other");
  }
}

TEST_CASE("probe skips Vorbis-comment chapter times that are no time, with a warning") {
  // tests/fuzz/corpus/probe/regress-flac-chapter-hours-overflow: a FLAC file whose
  // CHAPTER001=99999999:00:00 overflowed h * 3600 in an int (UBSan; found while
  // fuzzing the probe, confirmed with the fuzz build's sanitizers), with two more
  // times that are not (00:00:1e300, -1:00:00) and one that is.
  const std::string path = source_path("tests/fuzz/corpus/probe/regress-flac-chapter-hours-overflow");
  const auto info = probe(path);
  REQUIRE(info);
  REQUIRE(info->chapters.size() == 1);
  CHECK(info->chapters[0].start_ms == 1500);
  CHECK(info->chapters[0].title == "Kept");
  for (const char* key : {"CHAPTER002", "CHAPTER003"}) {
    CAPTURE(key);
    CHECK(has_warning_containing(*info, std::string(key) + " is not a time"));
  }
  // 99999999 hours is a time, if not one in this file.
  CHECK(has_warning_containing(*info, "1 chapter(s) start after the end of the audio"));
}
