// The media probe: the one place that speaks TagLib. It decides the format from
// the bytes (media_sniff), reads tags, pictures and chapters with TagLib, and takes
// durations from the exact source for each format: libmpg123 for MP3
// (mpeg_duration), the track's edit list or media header for MPEG-4 (mp4_boxes),
// sample counts for FLAC, WAV and AIFF, granule positions for Ogg.
#include "podsmith/media_probe.h"

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
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "byte_source.h"
#include "image_info.h"
#include "media_sniff.h"
#include "mp4_boxes.h"
#include "mpeg_duration.h"
#include "podsmith/text.h"

namespace podsmith {
namespace {

// Bytes read from the start of the audio stream to recognise its format.
constexpr size_t kSniffBytes = 16 * 1024;
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
    bool changed = false;
    std::string clean = clean_text(raw, &changed);
    if (changed)
      warn(std::string(what) + " had invalid UTF-8 or control characters; they were cleaned");
    clean = std::string(trim(clean));
    if (clean.size() > options_.max_tag_bytes) {
      warn(std::string(what) + " is " + std::to_string(clean.size()) + " bytes; kept the first " +
           std::to_string(options_.max_tag_bytes));
      clean = std::string(utf8_prefix(clean, options_.max_tag_bytes));
    }
    return clean;
  }
  std::string text(const std::string& raw, std::string_view what) {
    return text(std::string_view(raw), what);
  }
  std::string text(const TagLib::String& raw, std::string_view what) {
    return text(to_utf8(raw), what);
  }

  Artwork picture(const TagLib::ByteVector& data, const TagLib::String& declared_mime,
                  std::string kind, std::string_view what) {
    Artwork art;
    art.size_bytes = data.size();
    art.kind = std::move(kind);
    const ImageInfo image = read_image_info(std::string_view(data.data(), data.size()));
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

 private:
  MediaInfo* info_;
  const ProbeOptions& options_;
};

// "3/10" -> 3 and 10. Anything unparsable counts as absent.
void parse_number_pair(const std::string& s, int* number, int* total) {
  int n = 0, t = 0;
  if (std::sscanf(s.c_str(), "%d/%d", &n, &t) >= 1) {
    *number = std::max(n, 0);
    *total = std::max(t, 0);
  }
}

std::string first_value(const TagLib::PropertyMap& map, const char* key) {
  const auto it = map.find(key);
  if (it == map.end() || it->second.isEmpty()) return {};
  return to_utf8(it->second.front());
}

// The fields every format shares, through TagLib's unified property names.
void read_common_tags(const TagLib::PropertyMap& map, Reader& r) {
  Tags& t = r.info().tags;
  t.title = r.text(first_value(map, "TITLE"), "title tag");
  t.artist = r.text(first_value(map, "ARTIST"), "artist tag");
  t.album = r.text(first_value(map, "ALBUM"), "album tag");
  t.album_artist = r.text(first_value(map, "ALBUMARTIST"), "album artist tag");
  t.comment = r.text(first_value(map, "COMMENT"), "comment tag");
  t.genre = r.text(first_value(map, "GENRE"), "genre tag");
  t.date = r.text(first_value(map, "DATE"), "date tag");
  t.subtitle = r.text(first_value(map, "SUBTITLE"), "subtitle tag");
  parse_number_pair(first_value(map, "TRACKNUMBER"), &t.track, &t.track_total);
  parse_number_pair(first_value(map, "DISCNUMBER"), &t.disc, &t.disc_total);
  if (t.track_total == 0) parse_number_pair(first_value(map, "TRACKTOTAL"), &t.track_total, &t.track_total);
  if (t.disc_total == 0) parse_number_pair(first_value(map, "DISCTOTAL"), &t.disc_total, &t.disc_total);
  // Podcast frames: TagLib maps ID3's TDES/WFED and MP4's desc/purl here.
  for (const char* key : {"PODCASTDESC", "DESCRIPTION"}) {
    if (t.description.empty()) t.description = r.text(first_value(map, key), "description tag");
  }
  t.podcast_url = r.text(first_value(map, "PODCASTURL"), "podcast URL tag");
}

std::string id3_picture_kind(TagLib::ID3v2::AttachedPictureFrame::Type type) {
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
      return r.picture(apic->picture(), apic->mimeType(), id3_picture_kind(apic->type()), what);
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
                                           id3_picture_kind(apic->type()), "artwork"));
  }
  read_id3_chapters(tag, r);
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
    Chapter c;
    c.start_ms = static_cast<int64_t>(std::llround((h * 3600 + m * 60 + s) * 1000));
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
    const int64_t slack = 4096 + declared / 50;  // trailing tags and junk
    if (declared > 0 && audio_bytes + 4096 < declared) {
      r.warn("the MP3 stream is cut short: its header declares " + std::to_string(declared) +
             " bytes of audio, the file holds " + std::to_string(audio_bytes) + "; frames were counted");
    } else if (declared > 0 && audio_bytes > declared + slack) {
      r.warn("the MP3 file holds " + std::to_string(audio_bytes) + " bytes of audio, its header declares " +
             std::to_string(declared) + " (joined files?); frames were counted");
    } else {
      options.trust_header = true;
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
  return entry;
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

  TagLib::MP4::File file(in.stream(), true, TagLib::AudioProperties::Average);
  if (file.isValid()) {
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
  } else {
    r.warn("TagLib could not read the MPEG-4 tags");
  }

  const std::string mp4_brand = structure->major_brand.empty() ? brand : structure->major_brand;
  info.has_video = video != nullptr;
  info.container = mp4_brand == "qt  " ? "mov" : "mp4";
  if (audio) {
    info.codec = mp4_codec(audio->sample_entry);
    info.sample_rate_hz = static_cast<int>(audio->sample_rate_hz);
    info.channels = audio->channels;
    // ALAC and high rates store the real rate elsewhere; TagLib knows it.
    if (file.isValid() && file.audioProperties() && file.audioProperties()->sampleRate() > 0)
      info.sample_rate_hz = file.audioProperties()->sampleRate();
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
  info.codec = props->isAiffC() ? "aifc-" + to_utf8(TagLib::String(props->compressionType(), TagLib::String::Latin1)) : "pcm";
  info.mime_type = "audio/aiff";
  info.sample_rate_hz = props->sampleRate();
  info.channels = props->channels();
  info.duration_ms = props->sampleFrames() > 0 ? samples_to_ms(props->sampleFrames(), props->sampleRate())
                                               : props->lengthInMilliseconds();
  info.duration_source = "container";
  info.bitrate_kbps = props->bitrate();
  return std::nullopt;
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

// Checks the path, opens its bytes and decides the format from them.
Result<Opened> open_media(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Error{ErrorCode::kNotFound, "no such file", path, 0, 0};
    return io_error(path, ErrorCode::kUnreadable, "cannot read");
  }
  if (S_ISDIR(st.st_mode)) return Error{ErrorCode::kNotAFile, "is a directory, not a media file", path, 0, 0};
  if (!S_ISREG(st.st_mode)) return Error{ErrorCode::kNotAFile, "is not a regular file", path, 0, 0};
  if (st.st_size == 0) return Error{ErrorCode::kEmpty, "is empty (0 bytes)", path, 0, 0};
  auto source = ByteSource::open(path, st.st_size);
  if (!source) return source.error();
  Opened in;
  in.source = *source;

  // Skip leading ID3v2 tags (some files carry several), then look at the stream.
  int64_t offset = 0;
  std::string head(kSniffBytes, '\0');
  for (int tags = 0;; ++tags) {
    head.resize(kSniffBytes);
    head.resize(in.source->read_at(offset, head.data(), head.size()));
    const int64_t tag = id3v2_tag_size(head);
    if (tag == 0 || tags == 8 || offset + tag >= st.st_size) break;
    offset += tag;
  }
  in.sniffed = sniff_media(head);
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

std::optional<EmbeddedPicture> pick_picture(std::vector<std::pair<bool, TagLib::ByteVector>> pictures) {
  // The front cover wins; else the first picture.
  std::stable_partition(pictures.begin(), pictures.end(), [](const auto& p) { return p.first; });
  for (const auto& [front, data] : pictures) {
    const ImageInfo image = read_image_info(std::string_view(data.data(), data.size()));
    if (image.mime_type.empty()) continue;
    return EmbeddedPicture{image.mime_type, std::string(data.data(), data.size())};
  }
  return std::nullopt;
}

void collect_id3_pictures(const TagLib::ID3v2::Tag& tag, std::vector<std::pair<bool, TagLib::ByteVector>>* out) {
  for (TagLib::ID3v2::Frame* frame : tag.frameList("APIC")) {
    if (auto* apic = dynamic_cast<TagLib::ID3v2::AttachedPictureFrame*>(frame))
      out->emplace_back(apic->type() == TagLib::ID3v2::AttachedPictureFrame::FrontCover, apic->picture());
  }
}

void collect_flac_pictures(const TagLib::List<TagLib::FLAC::Picture*>& list,
                           std::vector<std::pair<bool, TagLib::ByteVector>>* out) {
  for (TagLib::FLAC::Picture* p : list) out->emplace_back(p->type() == TagLib::FLAC::Picture::FrontCover, p->data());
}

}  // namespace

Result<std::optional<EmbeddedPicture>> read_cover_art(const std::string& path) {
  auto opened = open_media(path);
  if (!opened) return opened.error();
  Opened& in = *opened;
  const Sniffed* sniffed = &in.sniffed;
  std::vector<std::pair<bool, TagLib::ByteVector>> pictures;
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
          for (const TagLib::MP4::CoverArt& art : covr->second.toCoverArtList()) pictures.emplace_back(true, art.data());
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

Result<MediaInfo> probe(const std::string& path, const ProbeOptions& options) {
  auto opened = open_media(path);
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
      case MediaKind::kMp3: failed = read_mp3(in, r); break;
      case MediaKind::kMp4: failed = read_mp4(in, sniffed.detail, r); break;
      case MediaKind::kOgg: failed = read_ogg(in, sniffed.detail, r); break;
      case MediaKind::kFlac: failed = read_flac(in, r); break;
      case MediaKind::kWav: failed = read_wav(in, r); break;
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

void probe_each(const std::vector<std::string>& paths,
                const std::function<void(size_t, Result<MediaInfo>)>& sink,
                const ProbeOptions& options, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<size_t>(paths.size(), 1)));
  // Results wait in a window until all earlier ones are delivered; workers stop
  // taking new files while the window is full, which bounds memory.
  const size_t window = size_t{threads} * 16;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::optional<Result<MediaInfo>>> slots(paths.size());
  size_t next_to_take = 0;
  size_t next_to_deliver = 0;

  auto worker = [&] {
    for (;;) {
      size_t index;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return next_to_take >= paths.size() || next_to_take < next_to_deliver + window; });
        if (next_to_take >= paths.size()) return;
        index = next_to_take++;
      }
      Result<MediaInfo> result = probe(paths[index], options);
      {
        std::lock_guard lock(mutex);
        slots[index].emplace(std::move(result));
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
  while (next_to_deliver < paths.size()) {
    std::optional<Result<MediaInfo>> ready;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return slots[next_to_deliver].has_value(); });
      ready = std::move(slots[next_to_deliver]);
      slots[next_to_deliver].reset();
    }
    sink(next_to_deliver, std::move(*ready));
    {
      std::lock_guard lock(mutex);
      ++next_to_deliver;
    }
    changed.notify_all();
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace podsmith
