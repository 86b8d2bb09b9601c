#include "podsmith/media/tag_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "media/media_sniff.h"
#include "media/mp4_chapter_box.h"
#include "podsmith/media/media_probe.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::ErrorCode;
using podsmith::MediaTags;
using podsmith::Picture;
using podsmith::TaggedChapter;
using podsmith::WriteStatus;
using podsmith::write_tags;
using podsmith::test::source_path;
using podsmith::test::TempDir;

namespace {

std::string fixture(const std::string& name) { return source_path("tests/fixtures/" + name); }

Picture picture_file(const std::string& name, const std::string& mime) {
  return Picture{mime, podsmith::test::read_file(fixture("tag/" + name))};
}

MediaTags sample_tags() {
  MediaTags tags;
  tags.title = "Episode 7: Tags & <Chapters> — é";
  tags.artist = "Ada Example";
  tags.album = "The Tiny Show";
  tags.date = "2024-05-12";  // day >= 10: see tag_roundtrip.py on eyeD3 and TDAT
  tags.comment = "Notes as plain text. Second sentence, with ünïcode.";
  tags.track = 7;
  tags.artwork = picture_file("cover.jpg", "image/jpeg");
  tags.feed_url = "https://example.org/show/feeds/show.xml";
  tags.guid = "6c1f5b0e-8a43-4f7d-9e2b-3d5c7a9e1f00";
  TaggedChapter intro;
  intro.start_ms = 0;
  intro.end_ms = 1000;
  intro.title = "Intro";
  TaggedChapter middle;
  middle.start_ms = 1000;
  middle.end_ms = 2000;
  middle.title = "Middle — ünïcode";
  middle.url = "https://example.org/show/links?a=1&b=2";
  middle.image = picture_file("chapter.png", "image/png");
  TaggedChapter last;
  last.start_ms = 2000;
  last.end_ms = 3000;
  last.title = "The end";
  tags.chapters = {intro, middle, last};
  return tags;
}

nlohmann::json expected_json(const MediaTags& tags, int64_t last_end_ms) {
  nlohmann::json chapters = nlohmann::json::array();
  for (size_t i = 0; i < tags.chapters.size(); ++i) {
    const TaggedChapter& c = tags.chapters[i];
    chapters.push_back({{"start_ms", c.start_ms},
                        {"end_ms", i + 1 == tags.chapters.size() ? last_end_ms : c.end_ms},
                        {"title", c.title},
                        {"url", c.url},
                        {"image", c.image ? nlohmann::json(fixture("tag/chapter.png")) : nlohmann::json()}});
  }
  return {{"title", tags.title},       {"artist", tags.artist},
          {"album", tags.album},       {"date", tags.date},
          {"comment", tags.comment},   {"genre", tags.genre},
          {"track", tags.track},       {"artwork", fixture("tag/cover.jpg")},
          {"artwork_mime", "image/jpeg"}, {"feed_url", tags.feed_url},
          {"guid", tags.guid},         {"podcast", tags.podcast},
          {"chapters", chapters}};
}

// Runs tests/media/tag_roundtrip.py: eyeD3, mutagen and ffprobe read `files`.
void check_other_readers(const TempDir& dir, const nlohmann::json& expected,
                         const std::vector<std::string>& files) {
  const std::string want = dir.write("expected.json", expected.dump());
  std::string command = "/usr/bin/python3 -B " + source_path("tests/media/tag_roundtrip.py") + " " + want;
  for (const std::string& f : files) command += " '" + f + "'";
  command += " > " + (dir.path() / "readers.txt").string() + " 2>&1";
  const int status = std::system(command.c_str());
  INFO(podsmith::test::read_file((dir.path() / "readers.txt").string()));
  CHECK(status == 0);
}

// The MPEG audio frames: the file without its leading ID3v2 tags and trailing
// ID3v1 tag.
std::string mp3_audio(const std::string& bytes) {
  size_t begin = 0;
  while (int64_t size = podsmith::id3v2_tag_size(std::string_view(bytes).substr(begin)))
    begin += static_cast<size_t>(size);
  size_t end = bytes.size();
  if (end >= begin + 128 && bytes.compare(end - 128, 3, "TAG") == 0) end -= 128;
  return bytes.substr(begin, end - begin);
}

// The payload of every top-level mdat box, in order.
std::string mp4_media_data(const std::string& bytes) {
  std::string out;
  size_t at = 0;
  while (at + 8 <= bytes.size()) {
    uint64_t size = 0;
    for (int i = 0; i < 4; ++i) size = size << 8 | static_cast<uint8_t>(bytes[at + i]);
    size_t header = 8;
    if (size == 1) {
      size = 0;
      for (int i = 8; i < 16; ++i) size = size << 8 | static_cast<uint8_t>(bytes[at + i]);
      header = 16;
    } else if (size == 0) {
      size = bytes.size() - at;
    }
    if (bytes.compare(at + 4, 4, "mdat") == 0) out += bytes.substr(at + header, size - header);
    at += size;
  }
  return out;
}

std::string copy_fixture(const TempDir& dir, const std::string& media, const std::string& as) {
  const std::string path = (dir.path() / as).string();
  fs::copy_file(fixture("media/" + media), path);
  return path;
}

int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

TEST_CASE("tag writer writes ID3v2.3 that TagLib, eyeD3, mutagen and ffprobe read back") {
  TempDir dir;
  const MediaTags tags = sample_tags();
  // cbr.mp3 has ID3v2.4 tags of its own; vbr-xing.mp3 ID3v2.3 and an ID3v1 tag;
  // chapters.mp3 other chapters (chp1..chp3) and a CTOC of its own.
  std::vector<std::string> files;
  // long.mp3: cbr.mp3's audio eight times over (past the 128 KiB where only the
  // head of the file goes through TagLib), and an ID3v1 tag at the end.
  {
    const std::string cbr = podsmith::test::read_file(fixture("media/cbr.mp3"));
    const auto tag_size = static_cast<size_t>(podsmith::id3v2_tag_size(cbr));
    std::string long_mp3 = cbr.substr(0, tag_size);
    for (int i = 0; i < 8; ++i) long_mp3 += cbr.substr(tag_size);
    long_mp3 += "TAG" + std::string(125, ' ');
    dir.write("long.mp3", long_mp3);
  }
  for (const char* name : {"cbr.mp3", "vbr-xing.mp3", "chapters.mp3", "long.mp3"}) {
    const std::string path = fs::exists(dir.path() / name) ? (dir.path() / name).string()
                                                           : copy_fixture(dir, name, name);
    const std::string before = podsmith::test::read_file(path);
    auto result = write_tags(path, tags);
    REQUIRE(result);
    CHECK(result->status == WriteStatus::kUpdated);
    CHECK(result->format == "MP3");
    CHECK(result->notes.empty());  // the cover is within the limits
    const std::string after = podsmith::test::read_file(path);
    CHECK(after.substr(0, 4) == std::string("ID3\x03", 4));
    CHECK(after.compare(after.size() - 128, 3, "TAG") != 0);  // ID3v1 stripped
    CHECK(mp3_audio(after) == mp3_audio(before));  // the audio frames, byte for byte
    files.push_back(path);

    // TagLib, through the probe's TagLib path.
    podsmith::ProbeOptions taglib_only;
    taglib_only.plain_readers = false;
    for (const auto& options : {podsmith::ProbeOptions{}, taglib_only}) {
      auto info = podsmith::probe(path, options);
      REQUIRE(info);
      CHECK(info->tags.title == tags.title);
      CHECK(info->tags.artist == tags.artist);
      CHECK(info->tags.album == tags.album);
      CHECK(info->tags.comment == tags.comment);
      CHECK(info->tags.genre == "Podcast");
      CHECK(info->tags.track == 7);
      CHECK(info->tags.date.substr(0, 4) == "2024");
      CHECK(info->tags.podcast_url == tags.feed_url);
      REQUIRE(info->artwork.size() == 1);
      CHECK(info->artwork[0].mime_type == "image/jpeg");
      CHECK(info->artwork[0].width == 300);
      REQUIRE(info->chapters.size() == 3);
      for (size_t i = 0; i < 3; ++i) {
        CHECK(info->chapters[i].title == tags.chapters[i].title);
        CHECK(info->chapters[i].start_ms == tags.chapters[i].start_ms);
        CHECK(info->chapters[i].end_ms == tags.chapters[i].end_ms);
        CHECK(info->chapters[i].url == tags.chapters[i].url);
        CHECK(info->chapters[i].image.has_value() == tags.chapters[i].image.has_value());
      }
    }
  }
  check_other_readers(dir, expected_json(tags, 3000), files);
}

TEST_CASE("tag writer leaves a file that already has the tags untouched") {
  TempDir dir;
  for (const char* name : {"cbr.mp3", "aac.m4a", "vorbis.ogg", "opus.opus", "flac.flac"}) {
    INFO(name);
    const std::string path = copy_fixture(dir, name, name);
    REQUIRE(write_tags(path, sample_tags()));
    const std::string once = podsmith::test::read_file(path);
    const int64_t mtime = mtime_ns(path);
    podsmith::TagWriteOptions dry;
    dry.dry_run = true;
    auto dry_run = write_tags(path, sample_tags(), dry);
    REQUIRE(dry_run);
    CHECK(dry_run->status == WriteStatus::kUnchanged);
    auto again = write_tags(path, sample_tags());
    REQUIRE(again);
    CHECK(again->status == WriteStatus::kUnchanged);
    CHECK(podsmith::test::read_file(path) == once);
    CHECK(mtime_ns(path) == mtime);
  }
}

TEST_CASE("tag writer's dry run reports a change and writes nothing") {
  TempDir dir;
  const std::string path = copy_fixture(dir, "cbr.mp3", "ep.mp3");
  const std::string before = podsmith::test::read_file(path);
  podsmith::TagWriteOptions dry;
  dry.dry_run = true;
  auto result = write_tags(path, sample_tags(), dry);
  REQUIRE(result);
  CHECK(result->status == WriteStatus::kUpdated);
  CHECK(podsmith::test::read_file(path) == before);
}

TEST_CASE("tag writer replaces its own tags and keeps the others") {
  TempDir dir;
  const std::string path = copy_fixture(dir, "cbr.mp3", "ep.mp3");
  REQUIRE(write_tags(path, sample_tags()));
  MediaTags fewer = sample_tags();
  fewer.chapters.clear();
  fewer.comment.clear();
  fewer.guid.clear();
  fewer.title = "Renamed";
  auto result = write_tags(path, fewer);
  REQUIRE(result);
  CHECK(result->status == WriteStatus::kUpdated);
  auto info = podsmith::probe(path);
  REQUIRE(info);
  CHECK(info->tags.title == "Renamed");
  CHECK(info->tags.comment.empty());
  CHECK(info->chapters.empty());
  CHECK(info->tags.disc == 1);  // cbr.mp3's TPOS 1/2 is not podsmith's: kept
  // No artwork given: the file's own cover stays.
  MediaTags no_art = fewer;
  no_art.artwork.reset();
  REQUIRE(write_tags(path, no_art));
  info = podsmith::probe(path);
  REQUIRE(info);
  CHECK(info->artwork.size() == 1);
}

TEST_CASE("tag writer writes iTunes atoms and Nero chapters into an M4A without moving its audio") {
  TempDir dir;
  const MediaTags tags = sample_tags();
  std::vector<std::string> files;
  // aac.m4a: moov after mdat (ffmpeg's default); m4b.m4b: a chpl and a chapter
  // track of its own; the faststart copy puts moov first, so the chunk offsets move.
  const std::string faststart = (dir.path() / "faststart.m4a").string();
  REQUIRE(std::system(("ffmpeg -nostdin -v error -i '" + fixture("media/aac.m4a") +
                       "' -c copy -map_metadata -1 -movflags +faststart '" + faststart + "'")
                          .c_str()) == 0);
  for (const std::string& path : {copy_fixture(dir, "aac.m4a", "aac.m4a"), faststart}) {
    const std::string before = podsmith::test::read_file(path);
    auto result = write_tags(path, tags);
    REQUIRE(result);
    CHECK(result->format == "MPEG-4");
    CHECK(result->status == WriteStatus::kUpdated);
    const std::string after = podsmith::test::read_file(path);
    CHECK(mp4_media_data(after) == mp4_media_data(before));
    auto info = podsmith::probe(path);
    REQUIRE(info);
    CHECK(info->tags.title == tags.title);
    CHECK(info->tags.podcast_url == tags.feed_url);
    REQUIRE(info->chapters.size() == 3);
    CHECK(info->chapters[1].title == tags.chapters[1].title);
    CHECK(info->chapters[1].start_ms == 1000);
    files.push_back(path);
  }
  // ffmpeg decodes the moved file to the same audio as the original: the
  // chunk offsets were moved with moov.
  auto md5 = [&](const std::string& path) {
    std::string command = "ffmpeg -nostdin -v error -i '" + path + "' -map 0:a -f md5 - > '" +
                          (dir.path() / "md5.txt").string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    return podsmith::test::read_file((dir.path() / "md5.txt").string());
  };
  CHECK(md5(faststart) == md5(fixture("media/aac.m4a")));
  // The last chapter of an M4A ends where the audio does (Nero chapters have no end).
  check_other_readers(dir, expected_json(tags, 3000), {files[0]});
}

TEST_CASE("tag writer writes Vorbis comments with chapters into Ogg and FLAC") {
  TempDir dir;
  const MediaTags tags = sample_tags();
  std::vector<std::string> files;
  for (const char* name : {"vorbis.ogg", "opus.opus", "flac.flac"}) {
    const std::string path = copy_fixture(dir, name, name);
    auto result = write_tags(path, tags);
    REQUIRE(result);
    CHECK(result->status == WriteStatus::kUpdated);
    auto info = podsmith::probe(path);
    REQUIRE(info);
    CHECK(info->tags.title == tags.title);
    CHECK(info->tags.album == tags.album);
    REQUIRE(info->chapters.size() == 3);
    CHECK(info->chapters[2].title == "The end");
    CHECK(info->chapters[2].start_ms == 2000);
    REQUIRE(info->artwork.size() == 1);
    CHECK(info->artwork[0].width == 300);
    files.push_back(path);
  }
  check_other_readers(dir, expected_json(tags, 3000), files);
}

TEST_CASE("tag writer scales a cover larger than 1400 px down to a JPEG") {
  TempDir dir;
  const std::string path = copy_fixture(dir, "cbr.mp3", "ep.mp3");
  MediaTags tags = sample_tags();
  tags.artwork = picture_file("big-cover.png", "image/png");
  auto result = write_tags(path, tags);
  REQUIRE(result);
  REQUIRE(result->notes.size() == 1);
  CHECK(result->notes[0].find("artwork: scaled from 2000x1500") == 0);
  auto info = podsmith::probe(path);
  REQUIRE(info);
  REQUIRE(info->artwork.size() == 1);
  CHECK(info->artwork[0].mime_type == "image/jpeg");
  CHECK(info->artwork[0].width == 1400);
  CHECK(info->artwork[0].height == 1050);
  CHECK(info->artwork[0].size_bytes <= podsmith::kMaxArtworkBytes);
}

TEST_CASE("tag writer re-encodes a cover within 1400 px but over 300 KB until it fits") {
  TempDir dir;
  // 1000x1000 of noise at JPEG's best quality: about 1 MB, which no quality of 90
  // to 60 brings under 300 KB at that size, so the cover is also scaled down.
  const std::string noise = (dir.path() / "noise.jpg").string();
  REQUIRE(std::system(("ffmpeg -nostdin -v error -y -f lavfi -i "
                       "'nullsrc=s=1000x1000,geq=random(1)*255:random(1)*255:random(1)*255' "
                       "-frames:v 1 -q:v 1 '" + noise + "'").c_str()) == 0);
  const Picture big{"image/jpeg", podsmith::test::read_file(noise)};
  REQUIRE(big.bytes.size() > 600000);
  std::string note;
  auto fitted = podsmith::fit_artwork(big, &note);
  REQUIRE(fitted);
  CHECK(fitted->mime_type == "image/jpeg");
  CHECK(static_cast<int64_t>(fitted->bytes.size()) <= podsmith::kMaxArtworkBytes);
  CHECK(note.find("scaled from 1000x1000") == 0);
  // Fitting again changes nothing: the result is within the limits.
  auto again = podsmith::fit_artwork(*fitted, &note);
  REQUIRE(again);
  CHECK(again->bytes == fitted->bytes);
  CHECK(note.empty());
}

TEST_CASE("fit_artwork keeps a small cover and refuses what is not an image") {
  const Picture small = picture_file("cover.jpg", "image/jpeg");
  std::string note = "x";
  auto kept = podsmith::fit_artwork(small, &note);
  REQUIRE(kept);
  CHECK(kept->bytes == small.bytes);
  CHECK(note.empty());
  auto bad = podsmith::fit_artwork(Picture{"image/jpeg", "not an image"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kCorrupt);
}

TEST_CASE("tag writer leaves bad input as it was") {
  TempDir dir;
  struct Case {
    const char* fixture;
    ErrorCode code;
    const char* message;
  };
  const Case cases[] = {
      {"random.mp3", ErrorCode::kUnsupported, "not a media file"},
      {"text.m4a", ErrorCode::kUnsupported, "not a media file"},
      {"wav.wav", ErrorCode::kUnsupported, "not supported for WAV"},
      {"aiff.aiff", ErrorCode::kUnsupported, "not supported for AIFF"},
      {"zero.mp3", ErrorCode::kEmpty, "empty"},
  };
  for (const Case& c : cases) {
    INFO(c.fixture);
    const std::string path = copy_fixture(dir, c.fixture, c.fixture);
    const std::string before = podsmith::test::read_file(path);
    auto result = write_tags(path, sample_tags());
    REQUIRE_FALSE(result);
    CHECK(result.error().code == c.code);
    CHECK(result.error().to_string().find(path) == 0);
    CHECK(result.error().message.find(c.message) != std::string::npos);
    CHECK(podsmith::test::read_file(path) == before);
  }
  // A cover that is not an image: nothing written.
  const std::string path = copy_fixture(dir, "cbr.mp3", "ep.mp3");
  const std::string before = podsmith::test::read_file(path);
  MediaTags tags = sample_tags();
  tags.artwork = Picture{"image/jpeg", "garbage"};
  auto result = write_tags(path, tags);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kCorrupt);
  CHECK(result.error().message.find("artwork") == 0);
  CHECK(podsmith::test::read_file(path) == before);
}

TEST_CASE("cut_comment cuts plain text at a word, within the limit") {
  CHECK(podsmith::cut_comment("  short  ") == "short");
  const std::string cut = podsmith::cut_comment("one two three four", 14);
  CHECK(cut == "one two\u2026");
  CHECK(cut.size() <= 14);
  // A multi-byte character is never split.
  const std::string accents = podsmith::cut_comment("ééééééééé", 8);
  CHECK(accents == "éé\u2026");
}

TEST_CASE("Nero chapter box: at most 255 chapters, and a file without moov is refused") {
  const std::string m4a = podsmith::test::read_file(fixture("media/aac.m4a"));
  std::vector<podsmith::NeroChapter> many(256, podsmith::NeroChapter{0, "x"});
  auto too_many = podsmith::replace_nero_chapters(m4a, many);
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == ErrorCode::kInvalidInput);
  many.pop_back();
  CHECK(podsmith::replace_nero_chapters(m4a, many));
  // No chapters and no chpl: the bytes as they were.
  auto none = podsmith::replace_nero_chapters(m4a, {});
  REQUIRE(none);
  CHECK(*none == m4a);
  // A title over 255 bytes is cut at a character boundary, and removing the
  // chapters again gives back the original bytes.
  auto long_title = podsmith::replace_nero_chapters(m4a, {{0, std::string(300, 'a') + "é"}});
  REQUIRE(long_title);
  auto removed = podsmith::replace_nero_chapters(*long_title, {});
  REQUIRE(removed);
  CHECK(*removed == m4a);  // aac.m4a has a udta (ffmpeg's tags): only chpl came and went
  auto cut = podsmith::replace_nero_chapters(m4a, {{0, std::string(254, 'a') + "é"}});
  REQUIRE(cut);
  CHECK(cut->find(std::string(254, 'a') + "\xC3") == std::string::npos);
  auto no_moov = podsmith::replace_nero_chapters(std::string("\0\0\0\x08" "free", 8), {{0, "a"}});
  REQUIRE_FALSE(no_moov);
  CHECK(no_moov.error().code == ErrorCode::kCorrupt);
}
