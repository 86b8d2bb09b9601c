// The media probe: the one place that speaks TagLib. It decides the format from
// the bytes (media_sniff), reads tags, pictures and chapters with TagLib, and takes
// durations from the exact source for each format: libmpg123 for MP3
// (mpeg_duration), the track's edit list or media header for MPEG-4 (mp4_boxes),
// sample counts for FLAC, WAV and AIFF, granule positions for Ogg.
//
// Most files have a plain layout: one ID3v2 tag and a Layer III stream, an iTunes
// ilst, one Vorbis comment, a WAVE file's fmt and data chunks. For those, podsmith's
// own readers (id3v2.h, mpeg_duration.h, mp4_boxes.h, container_readers.h) give
// the same MediaInfo several times faster, which is what `probe` of a thousand
// files and a cold `build` spend their time on. Each read_plain_*() below returns
// false, having changed nothing, for any file it does not read exactly as TagLib
// and libmpg123 do; the TagLib path then reads it as before. The tests probe every
// fixture and generated variants both ways and compare (ProbeOptions::plain_readers).
#include "podsmith/media/media_probe.h"

#include <taglib/aifffile.h>
#include <taglib/attachedpictureframe.h>
#include <taglib/chapterframe.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/id3v2framefactory.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/oggflacfile.h>
#include <taglib/opusfile.h>
#include <taglib/speexfile.h>
#include <taglib/tableofcontentsframe.h>
#include <taglib/textidentificationframe.h>
#include <taglib/unknownframe.h>
#include <taglib/tpropertymap.h>
#include <taglib/urllinkframe.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/xingheader.h>
#include <taglib/xiphcomment.h>
#include <taglib/tiostream.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "media/byte_source.h"
#include "media/container_readers.h"
#include "media/id3v2.h"
#include "media/image_info.h"
#include "media/mapped_file.h"
#include "media/media_sniff.h"
#include "media/mp4_boxes.h"
#include "media/mpeg_duration.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace {

// Bytes read from the start of the audio stream to recognise its format.
constexpr size_t kSniffBytes = 16 * 1024;
// Enough for every signature but MPEG audio's (an Ogg page's first packet
// included: 27 + 255 lacing values + 8).
constexpr size_t kMagicBytes = 512;
// Artwork larger than this on either side is reported as suspicious.
constexpr int kMaxSaneArtworkPx = 10000;

// TagLib reads the file through the ByteSource's window: its many small reads
// and seeks to the end then cost no system calls.
class ByteSourceStream : public TagLib::IOStream {
 public:
  explicit ByteSourceStream(ByteSource& source) : source_(source) {}
  TagLib::FileName name() const override { return source_.path().c_str(); }
  TagLib::ByteVector readBlock(unsigned long length) override {
    const auto want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(length),
                                                            std::max<int64_t>(source_.size() - position_, 0)));
    TagLib::ByteVector out(static_cast<unsigned int>(want), '\0');
    const size_t got = source_.read_at(position_, out.data(), want);
    out.resize(static_cast<unsigned int>(got));
    position_ += static_cast<int64_t>(got);
    return out;
  }
  void writeBlock(const TagLib::ByteVector&) override {}
  void insert(const TagLib::ByteVector&, unsigned long, unsigned long) override {}
  void removeBlock(unsigned long, unsigned long) override {}
  bool readOnly() const override { return true; }
  bool isOpen() const override { return true; }
  void seek(long offset, Position p) override {
    const int64_t base = p == Beginning ? 0 : p == Current ? position_ : source_.size();
    position_ = std::max<int64_t>(0, base + offset);
  }
  void clear() override {}
  long tell() const override { return static_cast<long>(position_); }
  long length() override { return static_cast<long>(source_.size()); }
  void truncate(long) override {}

 private:
  ByteSource& source_;
  int64_t position_ = 0;
};

// One opened media file: its bytes and what they are.
struct Opened {
  std::shared_ptr<ByteSource> source;
  Sniffed sniffed;
  std::unique_ptr<TagLib::IOStream> stream_;

  TagLib::IOStream* stream() {
    stream_ = std::make_unique<ByteSourceStream>(*source);
    return stream_.get();
  }
};

// TagLib's UTF-16 strings to our UTF-8, the one border crossing for text.
std::string to_utf8(const TagLib::String& s) { return s.to8Bit(true); }

// Apple's WFED (podcast feed URL) frame is written two ways: iTunes makes it a
// text frame (an encoding byte, then the URL), other taggers a URL frame (the
// URL alone). TagLib always parses it as text, garbling the second kind, so
// this factory keeps WFED's bytes for read_podcast_url() to decide.
// TagLib 1.13 keeps the name Frame::Header protected; take the type from the
// signature of the virtual we override.
template <class>
struct FirstArgument;
template <class R, class C, class A>
struct FirstArgument<R (C::*)(A) const> {
  using type = A;
};
struct FrameFactoryBase : TagLib::ID3v2::FrameFactory {
  using HeaderPointer = FirstArgument<decltype(&FrameFactoryBase::updateFrame)>::type;
};

class PodcastFrameFactory : public FrameFactoryBase {
 protected:
  bool updateFrame(HeaderPointer header) const override {
    if (header->frameID() == "WFED") return false;  // keep as an UnknownFrame
    return FrameFactoryBase::updateFrame(header);
  }
};

const PodcastFrameFactory& podcast_frame_factory() {
  static const PodcastFrameFactory factory;
  return factory;
}

std::string read_podcast_url(const TagLib::ID3v2::Frame& frame) {
  const auto* raw = dynamic_cast<const TagLib::ID3v2::UnknownFrame*>(&frame);
  if (!raw) return to_utf8(frame.toString());
  const TagLib::ByteVector data = raw->data();
  if (data.isEmpty()) return {};
  const auto encoding = static_cast<unsigned char>(data[0]);
  if (encoding > 3) return to_utf8(TagLib::String(data, TagLib::String::Latin1));  // a URL frame
  TagLib::String text(data.mid(1), static_cast<TagLib::String::Type>(encoding));
  std::string url = to_utf8(text);
  return url.substr(0, url.find('\0'));  // text frames may end with a NUL
}

int64_t samples_to_ms(uint64_t samples, int rate) {
  if (rate <= 0) return 0;
  return static_cast<int64_t>((samples * 1000 + static_cast<uint64_t>(rate) / 2) /
                              static_cast<uint64_t>(rate));
}

std::string lowercase_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// Collects warnings and cleans every string that enters the MediaInfo.
class Reader {
 public:
  Reader(MediaInfo* info, const ProbeOptions& options) : info_(info), options_(options) {}

  void warn(std::string message) {
    if (std::find(info_->warnings.begin(), info_->warnings.end(), message) ==
        info_->warnings.end())
      info_->warnings.push_back(std::move(message));
  }

  // Valid UTF-8 without control characters, trimmed, cut to the size limit.
  std::string text(std::string_view raw, std::string_view what) {
    std::string cleaned;
    std::string_view clean = raw;
    if (!is_clean_text(raw)) {  // the rare case: copy and clean
      bool changed = false;
      cleaned = clean_text(raw, &changed);
      if (changed)
        warn(std::string(what) + " had invalid UTF-8 or control characters; they were cleaned");
      clean = cleaned;
    }
    clean = trim(clean);
    if (clean.size() > options_.max_tag_bytes) {
      warn(std::string(what) + " is " + std::to_string(clean.size()) + " bytes; kept the first " +
           std::to_string(options_.max_tag_bytes));
      clean = utf8_prefix(clean, options_.max_tag_bytes);
    }
    return std::string(clean);
  }
  std::string text(const std::string& raw, std::string_view what) {
    return text(std::string_view(raw), what);
  }
  std::string text(const TagLib::String& raw, std::string_view what) {
    return text(to_utf8(raw), what);
  }

  Artwork picture(const TagLib::ByteVector& data, const TagLib::String& declared_mime,
                  std::string kind, std::string_view what) {
    return picture(std::string_view(data.data(), data.size()), to_utf8(declared_mime), std::move(kind), what);
  }
  Artwork picture(std::string_view data, const std::string& declared_mime, std::string kind, std::string_view what) {
    Artwork art;
    art.size_bytes = static_cast<int64_t>(data.size());
    art.kind = std::move(kind);
    const ImageInfo image = read_image_info(data);
    art.mime_type = image.mime_type.empty() ? text(declared_mime, what) : image.mime_type;
    art.width = image.width;
    art.height = image.height;
    if (image.mime_type.empty()) {
      warn(std::string(what) + " is not a JPEG, PNG, GIF or BMP image (" +
           std::to_string(art.size_bytes) + " bytes)");
    } else if (image.width == 0 || image.height == 0) {
      warn(std::string(what) + " (" + image.mime_type +
           ") has a header that cannot be read or declares an absurd size");
    } else if (image.width > kMaxSaneArtworkPx || image.height > kMaxSaneArtworkPx) {
      warn(std::string(what) + " declares " + std::to_string(image.width) + "x" +
           std::to_string(image.height) + " px");
    }
    return art;
  }

  MediaInfo& info() { return *info_; }
  bool plain_readers() const { return options_.plain_readers; }

 private:
  MediaInfo* info_;
  const ProbeOptions& options_;
};

// Up to 9 ASCII digits as a number; -1 for anything else.
int small_number(std::string_view s) {
  if (s.empty() || s.size() > 9) return -1;
  int n = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "3/10" -> 3 and 10. Anything unparsable counts as absent.
void parse_number_pair(const std::string& s, int* number, int* total) {
  // The usual "3" and "3/10" without sscanf (the same numbers); the rest with it.
  const size_t slash = s.find('/');
  const int plain_n = small_number(std::string_view(s).substr(0, slash));
  const int plain_t = slash == std::string::npos ? 0 : small_number(std::string_view(s).substr(slash + 1));
  if (plain_n >= 0 && plain_t >= 0) {
    *number = plain_n;
    *total = plain_t;
    return;
  }
  int n = 0, t = 0;
  if (!s.empty() && std::sscanf(s.c_str(), "%d/%d", &n, &t) >= 1) {
    *number = std::max(n, 0);
    *total = std::max(t, 0);
  }
}

std::string first_value(const TagLib::PropertyMap& map, const char* key) {
  const auto it = map.find(key);
  if (it == map.end() || it->second.isEmpty()) return {};
  return to_utf8(it->second.front());
}

// The fields every format shares, through TagLib's unified property names:
// first_value(key) gives the first value TagLib's property map holds for key.
template <class FirstValue>
void read_tag_fields(const FirstValue& first_value, Reader& r) {
  Tags& t = r.info().tags;
  t.title = r.text(first_value("TITLE"), "title tag");
  t.artist = r.text(first_value("ARTIST"), "artist tag");
  t.album = r.text(first_value("ALBUM"), "album tag");
  t.album_artist = r.text(first_value("ALBUMARTIST"), "album artist tag");
  t.comment = r.text(first_value("COMMENT"), "comment tag");
  t.genre = r.text(first_value("GENRE"), "genre tag");
  t.date = r.text(first_value("DATE"), "date tag");
  t.subtitle = r.text(first_value("SUBTITLE"), "subtitle tag");
  parse_number_pair(first_value("TRACKNUMBER"), &t.track, &t.track_total);
  parse_number_pair(first_value("DISCNUMBER"), &t.disc, &t.disc_total);
  if (t.track_total == 0) parse_number_pair(first_value("TRACKTOTAL"), &t.track_total, &t.track_total);
  if (t.disc_total == 0) parse_number_pair(first_value("DISCTOTAL"), &t.disc_total, &t.disc_total);
  // Podcast frames: TagLib maps ID3's TDES/WFED and MP4's desc/purl here.
  for (const char* key : {"PODCASTDESC", "DESCRIPTION"}) {
    if (t.description.empty()) t.description = r.text(first_value(key), "description tag");
  }
  t.podcast_url = r.text(first_value("PODCASTURL"), "podcast URL tag");
}

void read_common_tags(const TagLib::PropertyMap& map, Reader& r) {
  read_tag_fields([&](const char* key) { return first_value(map, key); }, r);
}

// The picture type byte as a number: a file may hold any of 256 values, and
// TagLib's enum has room only for 0-31, so a value such as 85 held in the enum
// type is undefined behaviour before the switch can say "other".
std::string id3_picture_kind(int type) {
  using T = TagLib::ID3v2::AttachedPictureFrame;
  switch (type) {
    case T::FrontCover: return "front_cover";
    case T::BackCover: return "back_cover";
    case T::FileIcon: return "file_icon";
    case T::Artist: return "artist";
    case T::LeadArtist: return "lead_artist";
    case T::Illustration: return "illustration";
    default: return "other";
  }
}

std::optional<Artwork> first_picture(const TagLib::ID3v2::FrameList& frames, Reader& r,
                                     std::string_view what) {
  for (TagLib::ID3v2::Frame* frame : frames) {
    if (auto* apic = dynamic_cast<TagLib::ID3v2::AttachedPictureFrame*>(frame))
      return r.picture(apic->picture(), apic->mimeType(), id3_picture_kind(static_cast<int>(apic->type())), what);
  }
  return std::nullopt;
}

std::string first_text(const TagLib::ID3v2::FrameList& frames) {
  return frames.isEmpty() ? std::string() : to_utf8(frames.front()->toString());
}

// A chapter's URL: a WXXX sub-frame, else any W*** URL frame.
std::string chapter_url(const TagLib::ID3v2::ChapterFrame& chap) {
  for (TagLib::ID3v2::Frame* frame : chap.embeddedFrameList()) {
    if (auto* user = dynamic_cast<TagLib::ID3v2::UserUrlLinkFrame*>(frame)) return to_utf8(user->url());
  }
  for (TagLib::ID3v2::Frame* frame : chap.embeddedFrameList()) {
    if (auto* url = dynamic_cast<TagLib::ID3v2::UrlLinkFrame*>(frame)) return to_utf8(url->url());
  }
  return {};
}

// ID3v2 chapters (CHAP), in the order of the top-level table of contents (CTOC,
// nested tables flattened) or, without one, by start time.
void read_id3_chapters(const TagLib::ID3v2::Tag& tag, Reader& r) {
  std::vector<const TagLib::ID3v2::ChapterFrame*> ordered;
  std::set<const TagLib::ID3v2::ChapterFrame*> seen;
  const TagLib::ID3v2::FrameList& tocs = tag.frameList("CTOC");
  const TagLib::ID3v2::TableOfContentsFrame* top = nullptr;
  for (TagLib::ID3v2::Frame* frame : tocs) {
    auto* toc = dynamic_cast<TagLib::ID3v2::TableOfContentsFrame*>(frame);
    if (toc && (toc->isTopLevel() || !top)) top = toc;
    if (top && top->isTopLevel()) break;
  }
  std::set<TagLib::ByteVector> visited_tocs;
  std::function<void(const TagLib::ID3v2::TableOfContentsFrame*)> walk =
      [&](const TagLib::ID3v2::TableOfContentsFrame* toc) {
        if (!visited_tocs.insert(toc->elementID()).second) return;  // a cycle of CTOCs
        for (const TagLib::ByteVector& id : toc->childElements()) {
          if (auto* chap = TagLib::ID3v2::ChapterFrame::findByElementID(&tag, id)) {
            if (seen.insert(chap).second) ordered.push_back(chap);
          } else if (auto* sub = TagLib::ID3v2::TableOfContentsFrame::findByElementID(&tag, id)) {
            walk(sub);
          }
        }
      };
  if (top) walk(top);
  std::vector<const TagLib::ID3v2::ChapterFrame*> rest;
  for (TagLib::ID3v2::Frame* frame : tag.frameList("CHAP")) {
    auto* chap = dynamic_cast<TagLib::ID3v2::ChapterFrame*>(frame);
    if (chap && !seen.count(chap)) rest.push_back(chap);
  }
  std::stable_sort(rest.begin(), rest.end(), [](auto* a, auto* b) { return a->startTime() < b->startTime(); });
  ordered.insert(ordered.end(), rest.begin(), rest.end());

  for (const TagLib::ID3v2::ChapterFrame* chap : ordered) {
    Chapter c;
    c.id = r.text(std::string_view(chap->elementID().data(), chap->elementID().size()), "chapter id");
    c.start_ms = chap->startTime();
    // 0xFFFFFFFF means "not given" for times as for offsets.
    c.end_ms = chap->endTime() == 0xFFFFFFFFu ? 0 : chap->endTime();
    c.title = r.text(first_text(chap->embeddedFrameList("TIT2")), "chapter title");
    c.url = r.text(chapter_url(*chap), "chapter URL");
    c.image = first_picture(chap->embeddedFrameList("APIC"), r, "chapter image");
    r.info().chapters.push_back(std::move(c));
  }
}

void read_id3v2(const TagLib::ID3v2::Tag& tag, Reader& r) {
  Tags& t = r.info().tags;
  // TDES and WFED are Apple's podcast frames; read them directly, whatever
  // TagLib's property map calls them.
  if (t.description.empty()) t.description = r.text(first_text(tag.frameList("TDES")), "description tag");
  if (t.podcast_url.empty()) {
    for (TagLib::ID3v2::Frame* frame : tag.frameList("WFED")) {
      t.podcast_url = r.text(read_podcast_url(*frame), "podcast URL tag");
      break;
    }
  }
  for (TagLib::ID3v2::Frame* frame : tag.frameList("APIC")) {
    auto* apic = dynamic_cast<TagLib::ID3v2::AttachedPictureFrame*>(frame);
    if (apic)
      r.info().artwork.push_back(r.picture(apic->picture(), apic->mimeType(),
                                           id3_picture_kind(static_cast<int>(apic->type())), "artwork"));
  }
  read_id3_chapters(tag, r);
}

// read_id3v2() for a tag podsmith read itself (it has no chapters).
void read_plain_id3v2_frames(const PlainId3v2& tag, Reader& r) {
  Tags& t = r.info().tags;
  if (t.description.empty()) t.description = r.text(tag.tdes.value_or(std::string()), "description tag");
  if (t.podcast_url.empty() && tag.wfed) t.podcast_url = r.text(*tag.wfed, "podcast URL tag");
  for (const Id3Picture& p : tag.pictures) {
    // As TagLib reads the byte: a char, signed.
    const int type = static_cast<signed char>(p.type);
    r.info().artwork.push_back(r.picture(p.data, p.mime_type, id3_picture_kind(type), "artwork"));
  }
}

// Vorbis comments: pictures (METADATA_BLOCK_PICTURE) and the CHAPTERnnn
// convention (CHAPTER001=00:01:02.500, CHAPTER001NAME=..., CHAPTER001URL=...).
void read_xiph(TagLib::Ogg::XiphComment* xiph, Reader& r) {
  if (!xiph) return;
  for (TagLib::FLAC::Picture* p : xiph->pictureList())
    r.info().artwork.push_back(r.picture(p->data(), p->mimeType(),
                                         p->type() == TagLib::FLAC::Picture::FrontCover ? "front_cover" : "other",
                                         "artwork"));
  const TagLib::Ogg::FieldListMap& fields = xiph->fieldListMap();
  for (int n = 0; n < 1000; ++n) {
    char key[16];
    std::snprintf(key, sizeof key, "CHAPTER%03d", n);
    const auto it = fields.find(key);
    if (it == fields.end() || it->second.isEmpty()) {
      if (n == 0) continue;  // numbering may start at 000 or 001
      break;
    }
    int h = 0, m = 0;
    double s = 0;
    if (std::sscanf(it->second.front().toCString(), "%d:%d:%lf", &h, &m, &s) != 3) {
      r.warn(std::string(key) + " is not a time (HH:MM:SS.mmm)");
      continue;
    }
    // In double: the hours are any int ("99999999:00:00" overflowed h * 3600), the
    // seconds any double (1e300, nan); a start outside 0 ms..1e15 ms is no time.
    const double start_ms = (h * 3600.0 + m * 60.0 + s) * 1000.0;
    if (!(start_ms >= 0 && start_ms < 1e15)) {
      r.warn(std::string(key) + " is not a time (HH:MM:SS.mmm)");
      continue;
    }
    Chapter c;
    c.start_ms = std::llround(start_ms);
    const auto name = fields.find(std::string(key) + "NAME");
    if (name != fields.end() && !name->second.isEmpty()) c.title = r.text(name->second.front(), "chapter title");
    const auto url = fields.find(std::string(key) + "URL");
    if (url != fields.end() && !url->second.isEmpty()) c.url = r.text(url->second.front(), "chapter URL");
    r.info().chapters.push_back(std::move(c));
  }
}

void read_flac_pictures(TagLib::FLAC::File& file, Reader& r) {
  for (TagLib::FLAC::Picture* p : file.pictureList())
    r.info().artwork.push_back(r.picture(p->data(), p->mimeType(),
                                         p->type() == TagLib::FLAC::Picture::FrontCover ? "front_cover" : "other",
                                         "artwork"));
}

Error corrupt(const std::string& path, const std::string& what) {
  return Error{ErrorCode::kCorrupt, what, path, 0, 0};
}

// TagLib's reading of an ID3v1 tag (Utils::findID3v1): "TAG" 128 bytes from the
// end, unless those bytes end an APE tag.
bool has_id3v1_tag(ByteSource& source) {
  const int64_t size = source.size();
  if (size >= 131) {
    const std::string_view b = source.view(size - 131, 8);
    return b.size() == 8 && b.substr(3, 3) == "TAG" && b != "APETAGEX";
  }
  return size >= 128 && source.view(size - 128, 3) == "TAG";
}

// Whether the probe trusts an MP3's Xing/Info or VBRI header, which declares
// `declared` bytes of audio where the file holds `audio_bytes`.
enum class HeaderFit { kTrusted, kCutShort, kJoined };
HeaderFit header_fit(int64_t declared, int64_t audio_bytes) {
  const int64_t slack = 4096 + declared / 50;  // trailing tags and junk
  if (declared > 0 && audio_bytes + 4096 < declared) return HeaderFit::kCutShort;
  if (declared > 0 && audio_bytes > declared + slack) return HeaderFit::kJoined;
  return HeaderFit::kTrusted;
}

std::optional<Error> read_mp3(Opened& in, Reader& r) {
  const std::string& path = in.source->path();
  MediaInfo& info = r.info();
  TagLib::MPEG::File file(in.stream(), const_cast<PodcastFrameFactory*>(&podcast_frame_factory()), true,
                          TagLib::AudioProperties::Average);
  if (!file.isValid() || !file.audioProperties())
    return corrupt(path, "no MPEG audio stream found in the MP3 file");
  read_common_tags(file.properties(), r);
  if (file.hasID3v2Tag()) read_id3v2(*file.ID3v2Tag(), r);

  // Where the audio stream ends: before an ID3v1 tag at the end.
  int64_t audio_end = info.size_bytes;
  if (file.hasID3v1Tag()) audio_end = info.size_bytes - 128;
  const int64_t audio_start = file.firstFrameOffset();
  const int64_t audio_bytes = std::max<int64_t>(audio_end - audio_start, 0);

  // Trust a LAME/Xing/Info or VBRI header's frame count only when the stream's
  // size agrees with the one it declares: a shorter file was cut off, a longer
  // one had more audio appended; both need their frames counted.
  MpegDurationOptions options;
  const TagLib::MPEG::XingHeader* xing = file.audioProperties()->xingHeader();
  std::string header_kind;
  if (xing && xing->isValid()) {
    header_kind = xing->type() == TagLib::MPEG::XingHeader::VBRI ? "vbri-header" : "xing-header";
    const int64_t declared = xing->totalSize();
    switch (header_fit(declared, audio_bytes)) {
      case HeaderFit::kCutShort:
        r.warn("the MP3 stream is cut short: its header declares " + std::to_string(declared) +
               " bytes of audio, the file holds " + std::to_string(audio_bytes) + "; frames were counted");
        break;
      case HeaderFit::kJoined:
        r.warn("the MP3 file holds " + std::to_string(audio_bytes) + " bytes of audio, its header declares " +
               std::to_string(declared) + " (joined files?); frames were counted");
        break;
      case HeaderFit::kTrusted: options.trust_header = true; break;
    }
  }
  auto measured = measure_mpeg_duration(*in.source, options);
  if (!measured) return measured.error();
  if (measured->samples == 0) return corrupt(path, "the MP3 stream holds no audio frames");
  info.sample_rate_hz = measured->sample_rate_hz;
  info.channels = measured->channels;
  info.duration_ms = samples_to_ms(static_cast<uint64_t>(measured->samples), measured->sample_rate_hz);
  info.duration_source = measured->from_header ? header_kind : "frame-scan";
  if (info.duration_ms > 0)
    info.bitrate_kbps = static_cast<int>((audio_bytes * 8 + info.duration_ms / 2) / info.duration_ms);
  info.codec = "mp3";
  info.container = "mp3";
  info.mime_type = "audio/mpeg";
  return std::nullopt;
}

// A stream without a Xing header at least this long has its frames walked in a
// mapping of the file rather than in copies of it (64 KiB pread()s). Measured:
// a 4 MB stream 0.3 ms instead of 0.5, a 64 MB one 2.6 ms instead of 7.4, where
// the page cache holds the file in large folios (the kernel maps them whole); the
// same either way (+-3%) for the benchmark's 128-300 KB files, or where the cache
// holds 4 KiB pages (~0.5 us each to map and unmap, as much as copying them);
// below ~100 KB mapping costs more. And in a build, which probes on every core,
// each unmapping interrupts the other cores to flush their TLBs (an IPI, dear in a
// virtual machine): small files are read, mapping starts at a megabyte. The mapped
// pages count in the process' RSS until the walk is done: clean page cache, which
// the kernel can reclaim.
constexpr int64_t kMapScanBytes = 1 << 20;

enum class MappedScan { kDone, kNotMapped, kFileChanged };

// plain_mpeg_duration() of the stream from `first` to `audio_end`, walked in a
// mapping of the file; kNotMapped, for the caller to walk it as usual, when mmap
// fails. kFileChanged when the file was cut short while it was mapped (SIGBUS,
// which read_guarded() turns into a return).
MappedScan scan_mapped(const Opened& in, const MpegFirstFrame& first, int64_t audio_end,
                       std::optional<MpegDuration>* measured) {
  const std::optional<MappedFile> map = MappedFile::map(in.source->fd(), in.source->size());
  if (!map) return MappedScan::kNotMapped;
  const std::string_view bytes = map->bytes();
  std::optional<MpegDuration> out;
  if (!read_guarded(bytes, [&] { out = plain_mpeg_duration(bytes, first, audio_end, true); }))
    return MappedScan::kFileChanged;
  *measured = out;
  return MappedScan::kDone;
}

// read_mp3() without TagLib and libmpg123, for the plain files where podsmith's
// own readers give what they give: one ID3v2.3/2.4 tag that id3v2.h reads at the
// start (or none), then a Layer III stream that mpeg_duration.h measures, then
// perhaps an ID3v1 tag. Returns false, having changed nothing, for any other file;
// true when it read the file, or found it changed while reading it (then *failed).
bool read_plain_mp3(Opened& in, Reader& r, std::optional<Error>* failed) {
  ByteSource& source = *in.source;
  const int64_t size = source.size();
  int64_t tag_end = 0;
  if (source.view(0, 3) == "ID3") {
    tag_end = id3v2_tag_size(source.view(0, 10));
    if (tag_end == 0 || tag_end >= size) return false;
  }
  const bool id3v1 = has_id3v1_tag(source);
  const int64_t audio_end = id3v1 ? size - 128 : size;
  if (audio_end - 32 >= 0 && source.view(audio_end - 32, 8) == "APETAGEX") return false;
  auto first = read_plain_first_frame(source, tag_end);
  if (!first) return false;
  const int64_t audio_bytes = std::max<int64_t>(audio_end - tag_end, 0);
  if (first->has_xing && header_fit(first->xing_bytes, audio_bytes) != HeaderFit::kTrusted) return false;
  std::optional<MpegDuration> measured;
  MappedScan mapped = MappedScan::kNotMapped;
  if (!first->has_xing && audio_end - first->offset >= kMapScanBytes)
    mapped = scan_mapped(in, *first, audio_end, &measured);
  if (mapped == MappedScan::kFileChanged) {
    *failed = Error{ErrorCode::kUnreadable, "the file changed while being read (it was cut short); probe it again",
                    source.path(), 0, 0};
    return true;
  }
  if (mapped == MappedScan::kNotMapped) measured = plain_mpeg_duration(source, *first, audio_end, true);
  if (!measured) return false;

  // The tag last: its bytes stay in the window while the fields are filled in.
  std::optional<PlainId3v2> tag;
  std::string big_tag;
  if (tag_end > 0) {
    std::string_view bytes = source.view(0, static_cast<size_t>(tag_end));
    if (bytes.size() != static_cast<size_t>(tag_end)) {
      big_tag.resize(static_cast<size_t>(tag_end));
      if (source.read_at(0, big_tag.data(), big_tag.size()) != big_tag.size()) return false;
      bytes = big_tag;
    }
    tag = read_plain_id3v2(bytes, false);
    if (!tag) return false;
  }
  // TagLib takes an MP3's properties from its ID3v2 tag unless that has no
  // frames, else from its ID3v1 tag (which podsmith leaves to TagLib).
  if (id3v1 && !(tag && tag->frames > 0)) return false;

  MediaInfo& info = r.info();
  read_tag_fields([&](const char* key) { return tag ? tag->first_value(key) : std::string(); }, r);
  if (tag) read_plain_id3v2_frames(*tag, r);
  info.sample_rate_hz = measured->sample_rate_hz;
  info.channels = measured->channels;
  info.duration_ms = samples_to_ms(static_cast<uint64_t>(measured->samples), measured->sample_rate_hz);
  info.duration_source = measured->from_header ? "xing-header" : "frame-scan";
  if (info.duration_ms > 0)
    info.bitrate_kbps = static_cast<int>((audio_bytes * 8 + info.duration_ms / 2) / info.duration_ms);
  info.codec = "mp3";
  info.container = "mp3";
  info.mime_type = "audio/mpeg";
  return true;
}

// A codec named by the file's own bytes (an MP4 sample entry, an AIFF-C
// compression type): kept when it is printable ASCII, as every registered one is;
// otherwise "unknown", so that MediaInfo holds only clean text (media_info.h) and
// `probe --json` and the probe cache stay valid JSON.
std::string codec_from_bytes(std::string_view raw) {
  const bool printable = std::all_of(raw.begin(), raw.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
  return printable ? std::string(raw) : "unknown";
}

std::string mp4_codec(const std::string& entry) {
  if (entry == "mp4a") return "aac";
  if (entry == "alac") return "alac";
  if (entry == ".mp3") return "mp3";
  if (entry == "ac-3") return "ac3";
  if (entry == "ec-3") return "eac3";
  if (entry == "fLaC") return "flac";
  if (entry == "Opus") return "opus";
  if (entry == "avc1" || entry == "avc3") return "h264";
  if (entry == "hvc1" || entry == "hev1") return "hevc";
  if (entry == "av01") return "av1";
  if (entry == "mp4v") return "mpeg4";
  if (entry == "vp09") return "vp9";
  return codec_from_bytes(entry);
}

// The iTunes items read_mp4() reads through TagLib, read from `mp4`'s ilst
// instead, when TagLib would read them the same way. Returns false, having
// changed nothing, when it would not (or might not).
bool read_plain_mp4_tags(const Mp4Structure& mp4, Reader& r) {
  if (!mp4.atoms_as_taglib) return false;
  // Each item TagLib reads as text (UTF-8 data atoms; any type for purl), by name.
  std::vector<std::pair<uint32_t, std::vector<std::string>>> texts;
  std::vector<std::pair<uint32_t, std::string>> numbers;  // trkn, disk as TagLib's "n/t"
  std::vector<std::string_view> covers;
  std::vector<uint32_t> names;
  const std::string_view moov = mp4.moov;
  constexpr uint32_t kGnre = mp4_fourcc("gnre"), kFree = mp4_fourcc("----"), kNam = mp4_fourcc("\251nam"),
                     kArt = mp4_fourcc("\251ART"), kAlb = mp4_fourcc("\251alb"), kAart = mp4_fourcc("aART"),
                     kCmt = mp4_fourcc("\251cmt"), kGen = mp4_fourcc("\251gen"), kDay = mp4_fourcc("\251day"),
                     kDesc = mp4_fourcc("desc"), kLdes = mp4_fourcc("ldes"), kPurl = mp4_fourcc("purl"),
                     kTrkn = mp4_fourcc("trkn"), kDisk = mp4_fourcc("disk"), kCovr = mp4_fourcc("covr");
  for (const Mp4Atom& item : mp4.ilst) {
    const uint32_t name = item.type;
    if (std::find(names.begin(), names.end(), name) != names.end()) return false;  // duplicates
    names.push_back(name);
    const std::string_view body = moov.substr(item.body_offset, item.body_size);
    if (name == kGnre) return false;  // an ID3v1 genre number TagLib turns into a name
    if (name == kFree) {
      // Freeform items: TagLib gives a property only for those in its table, and
      // of the fields read only ----:com.apple.iTunes:SUBTITLE is there.
      const auto freeform = mp4_freeform_name(body);
      if (!freeform) return false;
      if (freeform->first == "com.apple.iTunes" && freeform->second == "SUBTITLE") return false;
      continue;
    }
    const bool text = name == kNam || name == kArt || name == kAlb || name == kAart || name == kCmt ||
                      name == kGen || name == kDay || name == kDesc || name == kLdes || name == kPurl;
    if (!text && name != kTrkn && name != kDisk && name != kCovr) continue;  // gives none of the fields read
    const auto data = mp4_item_data(body);
    if (!data) return false;
    if (text) {
      std::vector<std::string> values;
      for (const Mp4Data& d : *data) {
        if (d.type != 1 && name != kPurl) continue;
        if (!is_valid_utf8(d.payload)) return false;
        values.emplace_back(d.payload.substr(0, d.payload.find('\0')));
      }
      if (!values.empty()) texts.emplace_back(name, std::move(values));
    } else if (name == kCovr) {
      for (const Mp4Data& d : *data)
        if (d.type == 13 || d.type == 14 || d.type == 27 || d.type == 12 || d.type == 0) covers.push_back(d.payload);
    } else if (!data->empty()) {
      const std::string_view p = data->front().payload;
      if (p.size() < 6) return false;
      const auto int16 = [&](size_t i) {  // TagLib reads the numbers as signed
        const auto hi = static_cast<uint8_t>(p[i]), lo = static_cast<uint8_t>(p[i + 1]);
        return static_cast<int16_t>(static_cast<uint16_t>(hi << 8 | lo));
      };
      numbers.emplace_back(name, std::to_string(int16(2)) + (int16(4) != 0 ? "/" + std::to_string(int16(4)) : ""));
    }
  }
  const auto values_of = [&](uint32_t name) -> const std::vector<std::string>* {
    for (const auto& [n, v] : texts)
      if (n == name) return &v;
    return nullptr;
  };
  const auto first_value = [&](std::string_view key) -> std::string {
    const std::pair<std::string_view, uint32_t> kKeys[] = {
        {"TITLE", kNam},   {"ARTIST", kArt},     {"ALBUM", kAlb},        {"ALBUMARTIST", kAart},
        {"COMMENT", kCmt}, {"GENRE", kGen},      {"DATE", kDay},         {"PODCASTDESC", kDesc},
        {"PODCASTURL", kPurl}, {"TRACKNUMBER", kTrkn}, {"DISCNUMBER", kDisk}};
    for (const auto& [k, name] : kKeys) {
      if (k != key) continue;
      for (const auto& [n, v] : numbers)
        if (n == name) return v;
      const auto* v = values_of(name);
      return v ? v->front() : std::string();
    }
    return {};
  };
  Tags& t = r.info().tags;
  read_tag_fields(first_value, r);
  for (const uint32_t key : {kLdes, kDesc}) {
    if (t.description.empty() && values_of(key)) t.description = r.text(values_of(key)->front(), "description tag");
  }
  if (t.podcast_url.empty() && values_of(kPurl)) t.podcast_url = r.text(values_of(kPurl)->front(), "podcast URL tag");
  for (std::string_view cover : covers) r.info().artwork.push_back(r.picture(cover, "", "front_cover", "artwork"));
  return true;
}

// The iTunes items through TagLib, and TagLib's sample rate (0 when none).
void read_mp4_tags(Opened& in, Reader& r, int* sample_rate_hz) {
  MediaInfo& info = r.info();
  TagLib::MP4::File file(in.stream(), true, TagLib::AudioProperties::Average);
  if (!file.isValid()) {
    r.warn("TagLib could not read the MPEG-4 tags");
    return;
  }
  read_common_tags(file.properties(), r);
  if (TagLib::MP4::Tag* tag = file.tag()) {
    Tags& t = info.tags;
    const auto& items = tag->itemMap();
    for (const char* key : {"ldes", "desc"}) {
      const auto it = items.find(key);
      if (t.description.empty() && it != items.end() && !it->second.toStringList().isEmpty())
        t.description = r.text(it->second.toStringList().front(), "description tag");
    }
    const auto purl = items.find("purl");
    if (t.podcast_url.empty() && purl != items.end() && !purl->second.toStringList().isEmpty())
      t.podcast_url = r.text(purl->second.toStringList().front(), "podcast URL tag");
    const auto covr = items.find("covr");
    if (covr != items.end()) {
      for (const TagLib::MP4::CoverArt& art : covr->second.toCoverArtList())
        info.artwork.push_back(r.picture(art.data(), "", "front_cover", "artwork"));
    }
  }
  if (file.audioProperties()) *sample_rate_hz = file.audioProperties()->sampleRate();
}

std::optional<Error> read_mp4(Opened& in, const std::string& brand, Reader& r) {
  const std::string& path = in.source->path();
  MediaInfo& info = r.info();
  auto structure = read_mp4_structure(*in.source);
  if (!structure) return structure.error();
  const Mp4Track* audio = nullptr;
  const Mp4Track* video = nullptr;
  for (const Mp4Track& t : structure->tracks) {
    if (t.handler == "soun" && !audio) audio = &t;
    if (t.handler == "vide" && !video) video = &t;
  }
  if (!audio && !video) return corrupt(path, "the MPEG-4 file has no audio or video track");

  int taglib_sample_rate = 0;
  if (r.plain_readers() && read_plain_mp4_tags(*structure, r)) {
    taglib_sample_rate = static_cast<int>(structure->taglib_sample_rate_hz);
  } else {
    read_mp4_tags(in, r, &taglib_sample_rate);
  }

  const std::string mp4_brand = structure->major_brand.empty() ? brand : structure->major_brand;
  info.has_video = video != nullptr;
  info.container = mp4_brand == "qt  " ? "mov" : "mp4";
  if (audio) {
    info.codec = mp4_codec(audio->sample_entry);
    info.sample_rate_hz = static_cast<int>(audio->sample_rate_hz);
    info.channels = audio->channels;
    // ALAC and high rates store the real rate elsewhere; TagLib knows it.
    if (taglib_sample_rate > 0) info.sample_rate_hz = taglib_sample_rate;
  }
  if (video) info.video_codec = mp4_codec(video->sample_entry);
  // The length people hear: the audio track's presentation (its edit list drops
  // the encoder's priming samples); for video, the longer of the two tracks.
  int64_t ms = audio ? track_duration_ms(*structure, *audio) : 0;
  if (video) ms = std::max(ms, track_duration_ms(*structure, *video));
  if (ms == 0 && structure->movie_timescale > 0)
    ms = static_cast<int64_t>(structure->movie_duration * 1000 / structure->movie_timescale);
  info.duration_ms = ms;
  info.duration_source = "container";
  if (ms > 0) info.bitrate_kbps = static_cast<int>((info.size_bytes * 8 + ms / 2) / ms);
  if (video) {
    info.mime_type = mp4_brand == "qt  " ? "video/quicktime"
                     : mp4_brand == "M4V " || mp4_brand == "M4VH" || mp4_brand == "M4VP" ? "video/x-m4v"
                                                                                        : "video/mp4";
  } else {
    info.mime_type = "audio/x-m4a";  // Apple's type for MPEG-4 audio, M4B included
  }

  for (const Mp4NeroChapter& nero : structure->chapters) {
    Chapter c;
    c.start_ms = nero.start_ms;
    c.title = r.text(nero.title, "chapter title");
    info.chapters.push_back(std::move(c));
  }
  return std::nullopt;
}

std::optional<Error> read_ogg(Opened& in, const std::string& codec, Reader& r) {
  const std::string& path = in.source->path();
  MediaInfo& info = r.info();
  std::unique_ptr<TagLib::Ogg::File> file;
  TagLib::Ogg::XiphComment* xiph = nullptr;
  if (codec == "vorbis") {
    auto f = std::make_unique<TagLib::Ogg::Vorbis::File>(in.stream());
    xiph = f->tag();
    file = std::move(f);
    info.mime_type = "audio/ogg";
  } else if (codec == "opus") {
    auto f = std::make_unique<TagLib::Ogg::Opus::File>(in.stream());
    xiph = f->tag();
    file = std::move(f);
    info.mime_type = "audio/opus";
  } else if (codec == "flac") {
    auto f = std::make_unique<TagLib::Ogg::FLAC::File>(in.stream());
    xiph = f->tag();
    file = std::move(f);
    info.mime_type = "audio/ogg";
  } else if (codec == "speex") {
    auto f = std::make_unique<TagLib::Ogg::Speex::File>(in.stream());
    xiph = f->tag();
    file = std::move(f);
    info.mime_type = "audio/ogg";
  } else {
    return Error{ErrorCode::kUnsupported, "an Ogg file whose first stream is not Vorbis, Opus, FLAC or Speex", path, 0, 0};
  }
  if (!file->isValid() || !file->audioProperties())
    return corrupt(path, "the Ogg " + codec + " stream cannot be read");
  const TagLib::AudioProperties* props = file->audioProperties();
  read_common_tags(file->properties(), r);
  read_xiph(xiph, r);
  info.container = "ogg";
  info.codec = codec;
  info.sample_rate_hz = props->sampleRate();
  info.channels = props->channels();
  // TagLib takes Ogg lengths from the last page's granule position (minus Opus's
  // pre-skip): exact, and it needs no decoding.
  info.duration_ms = props->lengthInMilliseconds();
  info.duration_source = "container";
  if (info.duration_ms > 0)
    info.bitrate_kbps = static_cast<int>((info.size_bytes * 8 + info.duration_ms / 2) / info.duration_ms);
  return std::nullopt;
}

std::optional<Error> read_flac(Opened& in, Reader& r) {
  const std::string& path = in.source->path();
  MediaInfo& info = r.info();
  TagLib::FLAC::File file(in.stream(), TagLib::ID3v2::FrameFactory::instance());
  if (!file.isValid() || !file.audioProperties()) return corrupt(path, "the FLAC stream cannot be read");
  const TagLib::FLAC::Properties* props = file.audioProperties();
  read_common_tags(file.properties(), r);
  read_xiph(file.xiphComment(), r);
  read_flac_pictures(file, r);
  if (file.hasID3v2Tag()) read_id3v2(*file.ID3v2Tag(), r);
  info.container = "flac";
  info.codec = "flac";
  info.mime_type = "audio/flac";
  info.sample_rate_hz = props->sampleRate();
  info.channels = props->channels();
  if (props->sampleFrames() > 0) {
    info.duration_ms = samples_to_ms(props->sampleFrames(), props->sampleRate());
  } else {
    r.warn("the FLAC stream does not record its length; estimated from the file size");
    info.duration_ms = props->lengthInMilliseconds();
  }
  info.duration_source = "container";
  if (info.duration_ms > 0)
    info.bitrate_kbps = static_cast<int>((info.size_bytes * 8 + info.duration_ms / 2) / info.duration_ms);
  return std::nullopt;
}

std::optional<Error> read_wav(Opened& in, Reader& r) {
  const std::string& path = in.source->path();
  MediaInfo& info = r.info();
  TagLib::RIFF::WAV::File file(in.stream());
  if (!file.isValid() || !file.audioProperties()) return corrupt(path, "the WAV file cannot be read");
  const TagLib::RIFF::WAV::Properties* props = file.audioProperties();
  read_common_tags(file.properties(), r);
  if (file.hasID3v2Tag()) read_id3v2(*file.ID3v2Tag(), r);
  info.container = "wav";
  // WAVE format tags: 1 PCM, 3 IEEE float, 0xFFFE extensible (PCM in practice).
  info.codec = props->format() == 3 ? "pcm-float" : props->format() == 1 || props->format() == 0xFFFE ? "pcm" : "wav-" + std::to_string(props->format());
  info.mime_type = "audio/wav";
  info.sample_rate_hz = props->sampleRate();
  info.channels = props->channels();
  info.duration_ms = props->sampleFrames() > 0 ? samples_to_ms(props->sampleFrames(), props->sampleRate())
                                               : props->lengthInMilliseconds();
  info.duration_source = "container";
  info.bitrate_kbps = props->bitrate();
  return std::nullopt;
}

std::optional<Error> read_aiff(Opened& in, Reader& r) {
  const std::string& path = in.source->path();
  MediaInfo& info = r.info();
  TagLib::RIFF::AIFF::File file(in.stream());
  if (!file.isValid() || !file.audioProperties()) return corrupt(path, "the AIFF file cannot be read");
  const TagLib::RIFF::AIFF::Properties* props = file.audioProperties();
  read_common_tags(file.properties(), r);
  if (file.hasID3v2Tag()) read_id3v2(*file.tag(), r);
  info.container = "aiff";
  const TagLib::ByteVector compression = props->compressionType();
  info.codec = props->isAiffC() ? "aifc-" + codec_from_bytes(std::string_view(compression.data(), compression.size()))
                                : "pcm";
  info.mime_type = "audio/aiff";
  info.sample_rate_hz = props->sampleRate();
  info.channels = props->channels();
  info.duration_ms = props->sampleFrames() > 0 ? samples_to_ms(props->sampleFrames(), props->sampleRate())
                                               : props->lengthInMilliseconds();
  info.duration_source = "container";
  info.bitrate_kbps = props->bitrate();
  return std::nullopt;
}

// read_ogg() without TagLib for a plain Vorbis or Opus stream (container_readers.h).
bool read_plain_ogg_file(Opened& in, const std::string& codec, Reader& r) {
  if (codec != "vorbis" && codec != "opus") return false;
  auto ogg = read_plain_ogg(*in.source);
  // Negative granule positions are TagLib's to judge, before any subtraction
  // (INT64_MIN minus anything overflows).
  if (!ogg || ogg->first_granule < 0 || ogg->last_granule < 0) return false;
  const bool vorbis = codec == "vorbis";
  const std::string_view ident = ogg->ident, comment = ogg->comment;
  std::optional<VorbisComment> xiph;
  int64_t frames = 0;
  int rate = 48000;  // TagLib's Opus rate, whatever the input's was
  int channels = 0;
  if (vorbis) {
    if (ident.size() < 28 || ident.substr(0, 7) != "\x01vorbis" || comment.substr(0, 7) != "\x03vorbis") return false;
    const uint32_t r32 = static_cast<uint8_t>(ident[12]) | static_cast<uint8_t>(ident[13]) << 8 |
                         static_cast<uint8_t>(ident[14]) << 16 | uint32_t{static_cast<uint8_t>(ident[15])} << 24;
    if (r32 == 0 || r32 > INT32_MAX) return false;
    rate = static_cast<int>(r32);
    channels = static_cast<uint8_t>(ident[11]);
    frames = ogg->last_granule - ogg->first_granule;
    xiph = read_vorbis_comment(comment.substr(7));
  } else {
    if (ident.size() < 19 || ident.substr(0, 8) != "OpusHead" || comment.substr(0, 8) != "OpusTags") return false;
    channels = static_cast<uint8_t>(ident[9]);
    const int pre_skip = static_cast<uint8_t>(ident[10]) | static_cast<uint8_t>(ident[11]) << 8;
    frames = ogg->last_granule - ogg->first_granule - pre_skip;
    xiph = read_vorbis_comment(comment.substr(8));
  }
  if (!xiph || frames <= 0) return false;
  // TagLib's arithmetic (Vorbis::Properties, Opus::Properties). A length past
  // INT_MAX ms (24.8 days) does not fit its int, and converting it would be
  // undefined behaviour here: such a file is left to TagLib.
  const double length = static_cast<double>(frames) * 1000.0 / rate;
  if (length + 0.5 >= 2147483648.0) return false;
  const int length_ms = static_cast<int>(length + 0.5);

  MediaInfo& info = r.info();
  read_tag_fields([&](const char* key) { return xiph->first_value(key); }, r);
  info.mime_type = vorbis ? "audio/ogg" : "audio/opus";
  info.container = "ogg";
  info.codec = codec;
  info.sample_rate_hz = rate;
  info.channels = channels;
  info.duration_ms = length_ms;
  info.duration_source = "container";
  if (info.duration_ms > 0)
    info.bitrate_kbps = static_cast<int>((info.size_bytes * 8 + info.duration_ms / 2) / info.duration_ms);
  return true;
}

// read_flac() without TagLib for a plain FLAC file (container_readers.h).
bool read_plain_flac_file(Opened& in, Reader& r) {
  auto flac = read_plain_flac(*in.source);
  if (!flac) return false;
  MediaInfo& info = r.info();
  read_tag_fields([&](const char* key) { return flac->comment.first_value(key); }, r);
  for (const std::string& block : flac->picture_blocks) {
    const FlacPicture p = *read_flac_picture(block);
    info.artwork.push_back(r.picture(p.data, p.mime_type, p.type == 3 ? "front_cover" : "other", "artwork"));
  }
  info.container = "flac";
  info.codec = "flac";
  info.mime_type = "audio/flac";
  info.sample_rate_hz = flac->sample_rate_hz;
  info.channels = flac->channels;
  info.duration_ms = samples_to_ms(flac->sample_frames, flac->sample_rate_hz);
  info.duration_source = "container";
  if (info.duration_ms > 0)
    info.bitrate_kbps = static_cast<int>((info.size_bytes * 8 + info.duration_ms / 2) / info.duration_ms);
  return true;
}

// read_wav() without TagLib for a plain WAVE file (container_readers.h), its
// tags in an ID3 chunk that id3v2.h reads.
bool read_plain_wav_file(Opened& in, Reader& r) {
  ByteSource& source = *in.source;
  auto wav = read_plain_wav(source);
  if (!wav) return false;
  std::optional<PlainId3v2> tag;
  std::string big_tag;
  if (wav->id3_offset >= 0) {
    const int64_t size = id3v2_tag_size(source.view(wav->id3_offset, 10));
    if (size == 0 || size > int64_t{wav->id3_chunk_bytes}) return false;
    std::string_view bytes = source.view(wav->id3_offset, static_cast<size_t>(size));
    if (bytes.size() != static_cast<size_t>(size)) {
      big_tag.resize(static_cast<size_t>(size));
      if (source.read_at(wav->id3_offset, big_tag.data(), big_tag.size()) != big_tag.size()) return false;
      bytes = big_tag;
    }
    tag = read_plain_id3v2(bytes, true);
    if (!tag) return false;
  }
  // Without an ID3 tag that has frames, TagLib reads the INFO list, which podsmith does not.
  if (wav->has_info && !(tag && tag->frames > 0)) return false;
  MediaInfo& info = r.info();
  read_tag_fields([&](const char* key) { return tag ? tag->first_value(key) : std::string(); }, r);
  if (tag) read_plain_id3v2_frames(*tag, r);
  info.container = "wav";
  info.codec = wav->format == 3 ? "pcm-float" : "pcm";
  info.mime_type = "audio/wav";
  info.sample_rate_hz = static_cast<int>(wav->sample_rate_hz);
  info.channels = wav->channels;
  info.duration_ms = samples_to_ms(wav->sample_frames, static_cast<int>(wav->sample_rate_hz));
  info.duration_source = "container";
  info.bitrate_kbps = wav->bitrate_kbps;
  return true;
}

// Fills in end times the file left open and drops chapters that start past the end.
void settle_chapters(MediaInfo& info, Reader& r) {
  auto& chapters = info.chapters;
  for (size_t i = 0; i < chapters.size(); ++i) {
    Chapter& c = chapters[i];
    const int64_t next = i + 1 < chapters.size() ? chapters[i + 1].start_ms : info.duration_ms;
    if (c.end_ms <= c.start_ms) c.end_ms = std::max(next, c.start_ms);
  }
  const auto past_end = [&](const Chapter& c) { return info.duration_ms > 0 && c.start_ms > info.duration_ms; };
  const auto dropped = std::count_if(chapters.begin(), chapters.end(), past_end);
  if (dropped > 0) {
    r.warn(std::to_string(dropped) + " chapter(s) start after the end of the audio and were left out");
    chapters.erase(std::remove_if(chapters.begin(), chapters.end(), past_end), chapters.end());
  }
}

Error io_error(const std::string& path, ErrorCode code, const std::string& what) {
  return Error{code, what + ": " + std::strerror(errno), path, 0, 0};
}

// The bytes of `count` MPEG audio frames in a row from `offset`, by their
// headers; 0 when they are not all there.
int64_t mpeg_frames_bytes(ByteSource& source, int64_t offset, int count) {
  int64_t at = offset;
  for (int n = 0; n < count; ++n) {
    const auto header = parse_mpeg_frame_header(source.view(at, 4));
    if (!header) return 0;
    at += header->length_bytes;
  }
  return at <= source.size() ? at - offset : 0;
}

// Checks the path, opens its bytes and decides the format from them.
// Directories a probe_each() thread has opened (O_PATH): probing "dir/name"
// then resolves one path component, not all of dir's, for its stat and its
// open. Closed when the thread is done.
class DirCache {
 public:
  DirCache() = default;
  DirCache(const DirCache&) = delete;
  DirCache& operator=(const DirCache&) = delete;
  ~DirCache() {
    for (const Entry& e : entries_) ::close(e.fd);
  }
  // A descriptor for `dir`, or -1 when it cannot be opened.
  int fd_for(std::string_view dir) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].dir != dir) continue;
      std::rotate(entries_.begin() + static_cast<ptrdiff_t>(i), entries_.begin() + static_cast<ptrdiff_t>(i) + 1,
                  entries_.end());  // most recently used last
      return entries_.back().fd;
    }
    const int fd = ::open(std::string(dir).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (entries_.size() == kMaxDirs) {
      ::close(entries_.front().fd);
      entries_.erase(entries_.begin());
    }
    entries_.push_back(Entry{std::string(dir), fd});
    return fd;
  }

 private:
  static constexpr size_t kMaxDirs = 8;
  struct Entry {
    std::string dir;
    int fd;
  };
  std::vector<Entry> entries_;
};

// Where open_media() finds a file: its path, and optionally the descriptor of its
// directory with its name in there (the same file: the path's directory opened).
struct Location {
  const std::string& path;
  int dir_fd = -1;
  const char* name = nullptr;
};

Result<Opened> open_media(const Location& where) {
  const std::string& path = where.path;
  struct stat st {};
  if (where.dir_fd >= 0 ? ::fstatat(where.dir_fd, where.name, &st, 0) != 0 : ::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Error{ErrorCode::kNotFound, "no such file", path, 0, 0};
    return io_error(path, ErrorCode::kUnreadable, "cannot read");
  }
  if (S_ISDIR(st.st_mode)) return Error{ErrorCode::kNotAFile, "is a directory, not a media file", path, 0, 0};
  if (!S_ISREG(st.st_mode)) return Error{ErrorCode::kNotAFile, "is not a regular file", path, 0, 0};
  if (st.st_size == 0) return Error{ErrorCode::kEmpty, "is empty (0 bytes)", path, 0, 0};
  auto source = ByteSource::open(path, st.st_size, where.dir_fd, where.name);
  if (!source) return source.error();
  Opened in;
  in.source = *source;

  // Skip leading ID3v2 tags (some files carry several), then look at the stream.
  int64_t offset = 0;
  for (int tags = 0;; ++tags) {
    const int64_t tag = id3v2_tag_size(in.source->view(offset, 10));
    if (tag == 0 || tags == 8 || offset + tag >= st.st_size) break;
    offset += tag;
  }
  // Magic numbers sit in the first bytes; only MPEG audio needs a longer look
  // (sniff_media decides the magic ones from 12 bytes, before searching frames).
  in.sniffed = sniff_media(in.source->view(offset, kMagicBytes));
  const MediaKind kind = in.sniffed.kind;
  if (kind == MediaKind::kMp3 || kind == MediaKind::kAdts || kind == MediaKind::kUnknown) {
    // sniff_media takes the first three MPEG frames in a row it finds, looking
    // from the first byte. When they start right at `offset`, as they do after a
    // tag, the bytes after them cannot change its answer: it gets theirs alone,
    // a few hundred bytes already read instead of 16 KiB more to copy. (A test
    // checks that both read the same frame lengths.)
    const int64_t frames = mpeg_frames_bytes(*in.source, offset, 3);
    in.sniffed = sniff_media(in.source->view(offset, frames > 0 ? static_cast<size_t>(frames) : kSniffBytes));
  }
  if (in.sniffed.kind == MediaKind::kUnknown)
    return Error{ErrorCode::kUnsupported,
                 "not an audio or video file podsmith can read (no MP3, MPEG-4, Ogg, FLAC, WAV or "
                 "AIFF signature in its bytes)",
                 path, 0, 0};
  if (in.sniffed.kind == MediaKind::kAdts)
    return Error{ErrorCode::kUnsupported,
                 "raw AAC (ADTS) is not supported; put the AAC stream in an .m4a container "
                 "(ffmpeg -i IN.aac -c copy OUT.m4a)",
                 path, 0, 0};
  return in;
}

// Pictures as read_cover_art() collects them: whether each is the front cover, and its bytes.
using Pictures = std::vector<std::pair<bool, std::string>>;

std::optional<EmbeddedPicture> pick_picture(Pictures pictures) {
  // The front cover wins; else the first picture.
  std::stable_partition(pictures.begin(), pictures.end(), [](const auto& p) { return p.first; });
  for (auto& [front, data] : pictures) {
    const ImageInfo image = read_image_info(data);
    if (image.mime_type.empty()) continue;
    return EmbeddedPicture{image.mime_type, std::move(data)};
  }
  return std::nullopt;
}

void collect_id3_pictures(const TagLib::ID3v2::Tag& tag, Pictures* out) {
  for (TagLib::ID3v2::Frame* frame : tag.frameList("APIC")) {
    if (auto* apic = dynamic_cast<TagLib::ID3v2::AttachedPictureFrame*>(frame))
      out->emplace_back(apic->type() == TagLib::ID3v2::AttachedPictureFrame::FrontCover,
                        std::string(apic->picture().data(), apic->picture().size()));
  }
}

void collect_flac_pictures(const TagLib::List<TagLib::FLAC::Picture*>& list, Pictures* out) {
  for (TagLib::FLAC::Picture* p : list)
    out->emplace_back(p->type() == TagLib::FLAC::Picture::FrontCover, std::string(p->data().data(), p->data().size()));
}

// An ID3v2 tag's pictures as TagLib reads them, from the tag at `offset` (a
// leading tag, or a WAVE file's ID3 chunk); nullopt when id3v2.h does not read it.
std::optional<Pictures> plain_id3_pictures(ByteSource& source, int64_t offset, int64_t max_bytes) {
  const int64_t size = id3v2_tag_size(source.view(offset, 10));
  if (size == 0 || size > max_bytes) return std::nullopt;
  std::string big;
  std::string_view bytes = source.view(offset, static_cast<size_t>(size));
  if (bytes.size() != static_cast<size_t>(size)) {
    big.resize(static_cast<size_t>(size));
    if (source.read_at(offset, big.data(), big.size()) != big.size()) return std::nullopt;
    bytes = big;
  }
  auto tag = read_plain_id3v2(bytes, true);
  if (!tag) return std::nullopt;
  Pictures out;
  for (const Id3Picture& p : tag->pictures) out.emplace_back(p.type == 3, std::string(p.data));
  return out;
}

// The pictures read_cover_art() collects, for the files podsmith's own readers
// read (see probe()); nullopt for the others, which TagLib reads.
std::optional<Pictures> plain_pictures(Opened& in) {
  ByteSource& source = *in.source;
  switch (in.sniffed.kind) {
    case MediaKind::kMp3:
      if (source.view(0, 3) != "ID3") return std::nullopt;
      return plain_id3_pictures(source, 0, source.size());
    case MediaKind::kWav: {
      auto wav = read_plain_wav(source);
      if (!wav) return std::nullopt;
      if (wav->id3_offset < 0) return Pictures{};
      return plain_id3_pictures(source, wav->id3_offset, wav->id3_chunk_bytes);
    }
    case MediaKind::kFlac: {
      auto flac = read_plain_flac(source);
      if (!flac) return std::nullopt;
      Pictures out;
      for (const std::string& block : flac->picture_blocks) {
        const FlacPicture p = *read_flac_picture(block);
        out.emplace_back(p.type == 3, std::string(p.data));
      }
      return out;
    }
    case MediaKind::kMp4: {
      auto mp4 = read_mp4_structure(source);
      if (!mp4 || !mp4->atoms_as_taglib) return std::nullopt;
      Pictures out;
      bool seen = false;
      for (const Mp4Atom& item : mp4->ilst) {
        if (item.type != mp4_fourcc("covr")) continue;
        if (seen) return std::nullopt;  // duplicates: TagLib decides
        seen = true;
        const auto data = mp4_item_data(std::string_view(mp4->moov).substr(item.body_offset, item.body_size));
        if (!data) return std::nullopt;
        for (const Mp4Data& d : *data)
          if (d.type == 13 || d.type == 14 || d.type == 27 || d.type == 12 || d.type == 0)
            out.emplace_back(true, std::string(d.payload));
      }
      return out;
    }
    default: return std::nullopt;
  }
}

}  // namespace

Result<std::optional<EmbeddedPicture>> read_cover_art(const std::string& path, const ProbeOptions& options) {
  auto opened = open_media(Location{path});
  if (!opened) return opened.error();
  Opened& in = *opened;
  const Sniffed* sniffed = &in.sniffed;
  if (options.plain_readers) {
    if (auto plain = plain_pictures(in)) return pick_picture(std::move(*plain));
  }
  Pictures pictures;
  switch (sniffed->kind) {
    case MediaKind::kMp3: {
      TagLib::MPEG::File file(in.stream(), TagLib::ID3v2::FrameFactory::instance(), false);
      if (file.hasID3v2Tag()) collect_id3_pictures(*file.ID3v2Tag(), &pictures);
      break;
    }
    case MediaKind::kMp4: {
      TagLib::MP4::File file(in.stream(), false);
      if (file.isValid() && file.tag()) {
        const auto& items = file.tag()->itemMap();
        const auto covr = items.find("covr");
        if (covr != items.end())
          for (const TagLib::MP4::CoverArt& art : covr->second.toCoverArtList())
            pictures.emplace_back(true, std::string(art.data().data(), art.data().size()));
      }
      break;
    }
    case MediaKind::kFlac: {
      TagLib::FLAC::File file(in.stream(), TagLib::ID3v2::FrameFactory::instance(), false);
      collect_flac_pictures(file.pictureList(), &pictures);
      if (file.xiphComment()) collect_flac_pictures(file.xiphComment()->pictureList(), &pictures);
      if (file.hasID3v2Tag()) collect_id3_pictures(*file.ID3v2Tag(), &pictures);
      break;
    }
    case MediaKind::kOgg: {
      if (sniffed->detail == "vorbis") {
        TagLib::Ogg::Vorbis::File file(in.stream(), false);
        if (file.tag()) collect_flac_pictures(file.tag()->pictureList(), &pictures);
      } else if (sniffed->detail == "opus") {
        TagLib::Ogg::Opus::File file(in.stream(), false);
        if (file.tag()) collect_flac_pictures(file.tag()->pictureList(), &pictures);
      }
      break;
    }
    case MediaKind::kWav: {
      TagLib::RIFF::WAV::File file(in.stream(), false);
      if (file.hasID3v2Tag()) collect_id3_pictures(*file.ID3v2Tag(), &pictures);
      break;
    }
    case MediaKind::kAiff: {
      TagLib::RIFF::AIFF::File file(in.stream(), false);
      if (file.hasID3v2Tag()) collect_id3_pictures(*file.tag(), &pictures);
      break;
    }
    case MediaKind::kAdts:
    case MediaKind::kUnknown: break;
  }
  return pick_picture(std::move(pictures));
}

namespace {

Result<MediaInfo> probe_at(const Location& where, const ProbeOptions& options) {
  const std::string& path = where.path;
  auto opened = open_media(where);
  if (!opened) return opened.error();
  Opened& in = *opened;
  const Sniffed& sniffed = in.sniffed;

  MediaInfo info;
  info.path = path;
  info.size_bytes = in.source->size();
  Reader r(&info, options);
  std::optional<Error> failed;
  try {
    switch (sniffed.kind) {
      case MediaKind::kMp3:
        if (!(options.plain_readers && read_plain_mp3(in, r, &failed))) failed = read_mp3(in, r);
        break;
      case MediaKind::kMp4: failed = read_mp4(in, sniffed.detail, r); break;
      case MediaKind::kOgg:
        if (!(options.plain_readers && read_plain_ogg_file(in, sniffed.detail, r)))
          failed = read_ogg(in, sniffed.detail, r);
        break;
      case MediaKind::kFlac:
        if (!(options.plain_readers && read_plain_flac_file(in, r))) failed = read_flac(in, r);
        break;
      case MediaKind::kWav:
        if (!(options.plain_readers && read_plain_wav_file(in, r))) failed = read_wav(in, r);
        break;
      case MediaKind::kAiff: failed = read_aiff(in, r); break;
      case MediaKind::kAdts:
      case MediaKind::kUnknown: break;
    }
  } catch (const std::exception& e) {
    // TagLib does not throw by design, but allocation can; keep the one file's failure local.
    failed = Error{ErrorCode::kCorrupt, std::string("cannot read: ") + e.what(), path, 0, 0};
  }
  if (failed) return *failed;
  if (info.duration_ms <= 0) return corrupt(path, "the " + std::string(kind_name(sniffed.kind)) + " file holds no audio");
  // TagLib reads some header fields as signed numbers (a WAVE file's channel count
  // 0xFE01 is -511 channels) and passes them on; such a header is damaged.
  if (info.channels < 0 || info.sample_rate_hz < 0 || info.bitrate_kbps < 0)
    return corrupt(path, "the " + std::string(kind_name(sniffed.kind)) + " file's header is damaged: it declares " +
                             std::to_string(info.channels) + " channels at " + std::to_string(info.sample_rate_hz) +
                             " Hz, " + std::to_string(info.bitrate_kbps) + " kbit/s");
  settle_chapters(info, r);

  const std::string ext = lowercase_extension(path);
  if (!ext.empty()) {
    const std::string_view usual = usual_extensions(sniffed.kind);
    bool matches = false;
    for (size_t start = 0; start <= usual.size();) {
      const size_t comma = std::min(usual.find(',', start), usual.size());
      if (usual.substr(start, comma - start) == ext) matches = true;
      start = comma + 1;
    }
    if (!matches)
      r.warn("the file is " + std::string(kind_name(sniffed.kind)) + " but its extension is ." + ext +
             "; its type is " + info.mime_type);
  }
  return info;
}

// probe() of `path` through the directories `dirs` holds open.
Result<MediaInfo> probe_in(DirCache& dirs, const std::string& path, const ProbeOptions& options) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash + 1 == path.size()) return probe_at(Location{path}, options);
  const char* name = path.c_str() + slash + 1;
  if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) return probe_at(Location{path}, options);
  const int dir_fd = dirs.fd_for(slash == 0 ? std::string_view("/") : std::string_view(path).substr(0, slash));
  return probe_at(dir_fd >= 0 ? Location{path, dir_fd, name} : Location{path}, options);
}

}  // namespace

Result<MediaInfo> probe(const std::string& path, const ProbeOptions& options) {
  return probe_at(Location{path}, options);
}

void probe_each(const std::vector<std::string>& paths,
                const std::function<void(size_t, Result<MediaInfo>)>& sink,
                const ProbeOptions& options, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<size_t>(paths.size(), 1)));
  if (threads == 1) {
    DirCache dirs;
    for (size_t i = 0; i < paths.size(); ++i) sink(i, probe_in(dirs, paths[i], options));
    return;
  }
  // The calling thread probes too, between deliveries, with threads - 1 helpers.
  // Results wait in a ring of `window` slots until all earlier ones are
  // delivered; nobody takes file i before i - window is delivered, which bounds
  // memory. Files are handed out and results handed back through atomics, and a
  // thread sleeps (and is woken) only when it has nothing else to do: a mutex
  // and a wake-up per file cost about as much as probing a small file.
  struct Slot {
    std::optional<Result<MediaInfo>> result;
    std::atomic<bool> ready{false};
  };
  constexpr size_t kNobody = SIZE_MAX;
  const size_t n = paths.size();
  const size_t window = size_t{threads} * 16;
  std::unique_ptr<Slot[]> ring(new Slot[window]);
  std::atomic<size_t> next_to_take{0};
  std::atomic<size_t> delivered{0};
  std::atomic<int> helpers_waiting{0};
  std::atomic<size_t> deliverer_waits_for{kNobody};

  const auto probe_into_ring = [&](DirCache& dirs, size_t i) {
    Slot& slot = ring[i % window];
    slot.result.emplace(probe_in(dirs, paths[i], options));
    slot.ready.store(true);
    if (deliverer_waits_for.load() == i) slot.ready.notify_one();
  };
  const auto helper = [&] {
    DirCache dirs;
    for (;;) {
      const size_t i = next_to_take.fetch_add(1);
      if (i >= n) return;
      for (size_t d = delivered.load(); i >= d + window; d = delivered.load()) {
        ++helpers_waiting;
        if (delivered.load() == d) delivered.wait(d);
        --helpers_waiting;
      }
      probe_into_ring(dirs, i);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(helper);
  DirCache dirs;
  for (size_t d = 0; d < n;) {
    Slot& slot = ring[d % window];
    if (slot.ready.load()) {
      Result<MediaInfo> result = std::move(*slot.result);
      slot.result.reset();
      slot.ready.store(false);
      delivered.store(++d);
      if (helpers_waiting.load() > 0) delivered.notify_all();
      sink(d - 1, std::move(result));
      continue;
    }
    size_t i = next_to_take.load();
    if (i < n && i < d + window) {
      if (next_to_take.compare_exchange_weak(i, i + 1)) probe_into_ring(dirs, i);
      continue;
    }
    deliverer_waits_for.store(d);
    if (!slot.ready.load()) slot.ready.wait(false);
    deliverer_waits_for.store(kNobody);
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace podsmith
