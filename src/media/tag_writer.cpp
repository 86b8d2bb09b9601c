// Writes MediaTags with TagLib. The only file of the writer that includes TagLib:
// it edits a copy of the file held in memory (a ByteVectorStream), so the file
// on disk is replaced in one atomic rename or not at all.
#include "podsmith/media/tag_writer.h"

#include <taglib/attachedpictureframe.h>
#include <taglib/chapterframe.h>
#include <taglib/commentsframe.h>
#include <taglib/flacfile.h>
#include <taglib/flacpicture.h>
#include <taglib/id3v2framefactory.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4coverart.h>
#include <taglib/mp4file.h>
#include <taglib/mp4item.h>
#include <taglib/mp4tag.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/podcastframe.h>
#include <taglib/tableofcontentsframe.h>
#include <taglib/tbytevectorstream.h>
#include <taglib/textidentificationframe.h>
#include <taglib/urllinkframe.h>
#include <taglib/vorbisfile.h>
#include <taglib/xiphcomment.h>

#include <algorithm>
#include <cstdio>

#include "media/image_info.h"
#include "media/media_sniff.h"
#include "media/mp4_chapter_box.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace {

Error error_for(ErrorCode code, const std::string& name, std::string message) {
  Error e;
  e.code = code;
  e.file = name;
  e.message = std::move(message);
  return e;
}

TagLib::String utf8(const std::string& s) { return TagLib::String(s, TagLib::String::UTF8); }

TagLib::ByteVector byte_vector(std::string_view bytes) {
  return TagLib::ByteVector(bytes.data(), static_cast<unsigned int>(bytes.size()));
}

std::string picture_mime(const Picture& picture) {
  const std::string sniffed = read_image_info(picture.bytes).mime_type;
  return sniffed.empty() ? picture.mime_type : sniffed;
}

// The cover and each chapter's image, fitted to the size limits once.
struct FittedPictures {
  std::optional<Picture> artwork;
  std::vector<std::optional<Picture>> chapters;
};

Result<FittedPictures> fit_pictures(const MediaTags& tags, const std::string& name,
                                    std::vector<std::string>* notes) {
  FittedPictures out;
  auto fit = [&](const Picture& in, const std::string& what) -> Result<Picture> {
    std::string note;
    auto fitted = fit_artwork(in, &note);
    if (!fitted) {
      Error e = fitted.error();
      e.file = name;
      e.message = what + ": " + e.message;
      return e;
    }
    if (!note.empty()) notes->push_back(what + ": " + note);
    fitted->mime_type = picture_mime(*fitted);
    return fitted;
  };
  if (tags.artwork) {
    auto fitted = fit(*tags.artwork, "artwork");
    if (!fitted) return fitted.error();
    out.artwork = std::move(*fitted);
  }
  for (size_t i = 0; i < tags.chapters.size(); ++i) {
    if (!tags.chapters[i].image) {
      out.chapters.emplace_back();
      continue;
    }
    auto fitted = fit(*tags.chapters[i].image, "chapter " + std::to_string(i + 1) + " image");
    if (!fitted) return fitted.error();
    out.chapters.emplace_back(std::move(*fitted));
  }
  return out;
}

// Each chapter's end: as given, else the next chapter's start (the last: its own).
std::vector<int64_t> chapter_ends(const std::vector<TaggedChapter>& chapters) {
  std::vector<int64_t> ends;
  for (size_t i = 0; i < chapters.size(); ++i) {
    int64_t end = chapters[i].end_ms;
    if (end <= 0) end = i + 1 < chapters.size() ? chapters[i + 1].start_ms : chapters[i].start_ms;
    ends.push_back(std::max(end, chapters[i].start_ms));
  }
  return ends;
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// ---- MP3: ID3v2.3 ------------------------------------------------------------

// ID3v2.3 has Latin-1 and UTF-16 only: ASCII text goes as Latin-1 (one byte a
// character), the rest as UTF-16 with a BOM.
TagLib::String::Type id3_encoding(const std::string& s) {
  return is_ascii(s) ? TagLib::String::Latin1 : TagLib::String::UTF16;
}

TagLib::ID3v2::TextIdentificationFrame* text_frame(const char* id, const std::string& value) {
  auto* frame = new TagLib::ID3v2::TextIdentificationFrame(id, id3_encoding(value));
  frame->setText(utf8(value));
  return frame;
}

TagLib::ID3v2::AttachedPictureFrame* picture_frame(
    const Picture& picture, TagLib::ID3v2::AttachedPictureFrame::Type type) {
  auto* frame = new TagLib::ID3v2::AttachedPictureFrame();
  frame->setTextEncoding(TagLib::String::Latin1);
  frame->setMimeType(picture.mime_type);
  frame->setType(type);
  frame->setPicture(byte_vector(picture.bytes));
  return frame;
}

// The frames podsmith owns in an ID3v2 tag: removed before writing, so a second
// run writes the same tag. TYER/TDAT/TIME are what TagLib makes of TDRC in v2.3.
constexpr const char* kOwnedId3Frames[] = {"TIT2", "TPE1", "TALB", "TDRC", "TYER", "TDAT", "TIME",
                                           "TRDA", "COMM", "TCON", "TRCK", "WFED", "PCST", "TGID"};

Result<std::string> render_mp3_whole(std::string_view bytes, const std::string& name,
                                     const MediaTags& tags, const FittedPictures& pictures) {
  TagLib::ByteVectorStream stream(byte_vector(bytes));
  TagLib::MPEG::File file(&stream, TagLib::ID3v2::FrameFactory::instance(), false);
  if (!file.isValid()) return error_for(ErrorCode::kCorrupt, name, "TagLib cannot read this MP3");
  TagLib::ID3v2::Tag* tag = file.ID3v2Tag(true);
  for (const char* id : kOwnedId3Frames) tag->removeFrames(id);
  if (pictures.artwork) tag->removeFrames("APIC");  // else the file's own cover stays
  if (tags.replace_chapters) {
    tag->removeFrames("CHAP");
    tag->removeFrames("CTOC");
  }

  // The cover first, right after the frames podsmith keeps: a file tagged again
  // without a cover keeps its APIC in that place, so its bytes come out the same.
  if (pictures.artwork)
    tag->addFrame(picture_frame(*pictures.artwork, TagLib::ID3v2::AttachedPictureFrame::FrontCover));
  if (!tags.title.empty()) tag->addFrame(text_frame("TIT2", tags.title));
  if (!tags.artist.empty()) tag->addFrame(text_frame("TPE1", tags.artist));
  if (!tags.album.empty()) tag->addFrame(text_frame("TALB", tags.album));
  // TDRC is ID3v2.4's; saving as v2.3, TagLib turns "2006-01-12" into TYER 2006
  // and TDAT 1201 (day then month), as v2.3 wants.
  if (!tags.date.empty()) tag->addFrame(text_frame("TDRC", tags.date));
  if (!tags.comment.empty()) {
    auto* comment = new TagLib::ID3v2::CommentsFrame(id3_encoding(tags.comment));
    comment->setLanguage("XXX");  // ID3's "unknown language"
    comment->setText(utf8(tags.comment));
    tag->addFrame(comment);
  }
  if (!tags.genre.empty()) tag->addFrame(text_frame("TCON", tags.genre));
  if (tags.track > 0) tag->addFrame(text_frame("TRCK", std::to_string(tags.track)));

  if (tags.replace_chapters && !tags.chapters.empty()) {
    const std::vector<int64_t> ends = chapter_ends(tags.chapters);
    TagLib::ByteVectorList ids;
    for (size_t i = 0; i < tags.chapters.size(); ++i) {
      const TaggedChapter& chapter = tags.chapters[i];
      if (chapter.start_ms < 0 || ends[i] > int64_t{0xFFFFFFFE})
        return error_for(ErrorCode::kInvalidInput, name,
                         "chapter " + std::to_string(i + 1) + " lies outside what ID3 CHAP can hold");
      TagLib::ByteVector id = byte_vector("chp" + std::to_string(i));
      ids.append(id);
      TagLib::ID3v2::FrameList embedded;
      embedded.append(text_frame("TIT2", chapter.title));
      if (!chapter.url.empty()) {
        auto* link = new TagLib::ID3v2::UserUrlLinkFrame(TagLib::String::Latin1);
        link->setUrl(utf8(chapter.url));
        embedded.append(link);
      }
      if (pictures.chapters[i])
        embedded.append(picture_frame(*pictures.chapters[i], TagLib::ID3v2::AttachedPictureFrame::Other));
      // 0xFFFFFFFF: no byte offsets, players go by the times.
      tag->addFrame(new TagLib::ID3v2::ChapterFrame(
          id, static_cast<unsigned>(chapter.start_ms), static_cast<unsigned>(ends[i]), 0xFFFFFFFF,
          0xFFFFFFFF, embedded));
    }
    // One top-level, ordered table of contents naming every chapter: players
    // ignore CHAP frames that no CTOC reaches.
    auto* toc = new TagLib::ID3v2::TableOfContentsFrame("toc", ids);
    toc->setIsTopLevel(true);
    toc->setIsOrdered(true);
    tag->addFrame(toc);
  }
  // WFED: iTunes writes it as a text frame (an encoding byte, then the URL), and
  // TagLib, eyeD3 and Apple's apps read it so; mutagen reads it as a URL frame and
  // sees an empty URL. No one layout satisfies both, so podsmith writes Apple's.
  if (!tags.feed_url.empty()) tag->addFrame(text_frame("WFED", tags.feed_url));
  if (tags.podcast) tag->addFrame(new TagLib::ID3v2::PodcastFrame());
  if (!tags.guid.empty()) tag->addFrame(text_frame("TGID", tags.guid));

  if (!file.save(TagLib::MPEG::File::ID3v2, TagLib::File::StripOthers, TagLib::ID3v2::v3,
                 TagLib::File::DoNotDuplicate))
    return error_for(ErrorCode::kCorrupt, name, "TagLib could not write the ID3v2 tag");
  const TagLib::ByteVector* data = stream.data();
  return std::string(data->data(), data->size());
}

// TagLib rewrites the ID3v2 tag at the start and strips an ID3v1 tag at the end;
// the audio between is only copied. So it gets the tag and the first 64 KiB of
// audio (enough to find the first frame) instead of a 100 MB episode, and the
// rest is copied after the new tag here: two copies of the file in memory, not four.
Result<std::string> render_mp3(std::string_view bytes, const std::string& name,
                               const MediaTags& tags, const FittedPictures& pictures) {
  constexpr size_t kHeadBytes = 64 * 1024;
  const size_t tag_end = static_cast<size_t>(std::min<int64_t>(id3v2_tag_size(bytes), static_cast<int64_t>(bytes.size())));
  size_t end = bytes.size();
  if (end >= tag_end + 128 && bytes.substr(end - 128, 3) == "TAG") end -= 128;  // ID3v1
  // An APE tag (rare in MP3) ends before ID3v1: TagLib strips it from the whole file.
  const bool ape = end >= tag_end + 32 && bytes.substr(end - 32, 8) == "APETAGEX";
  if (ape || end - tag_end <= 2 * kHeadBytes) return render_mp3_whole(bytes, name, tags, pictures);
  auto head = render_mp3_whole(bytes.substr(0, tag_end + kHeadBytes), name, tags, pictures);
  if (!head) return head;
  const auto new_tag = static_cast<size_t>(id3v2_tag_size(*head));
  // TagLib wrote the new tag, then the audio it was given as it was.
  if (head->size() != new_tag + kHeadBytes || head->compare(new_tag, kHeadBytes, bytes.substr(tag_end, kHeadBytes)) != 0)
    return render_mp3_whole(bytes, name, tags, pictures);
  std::string out;
  out.reserve(new_tag + end - tag_end);
  out.append(*head, 0, new_tag);
  out.append(bytes.substr(tag_end, end - tag_end));
  return out;
}

// ---- MP4: iTunes atoms, Nero chapters ---------------------------------------

constexpr const char* kOwnedMp4Items[] = {"\251nam", "\251ART", "\251alb", "\251day",
                                          "\251cmt", "\251gen", "trkn", "purl", "pcst", "egid"};

Result<std::string> render_mp4(std::string_view bytes, const std::string& name,
                               const MediaTags& tags, const FittedPictures& pictures) {
  TagLib::ByteVectorStream stream(byte_vector(bytes));
  std::string out;
  {
    TagLib::MP4::File file(&stream, false);
    if (!file.isValid() || !file.tag())
      return error_for(ErrorCode::kCorrupt, name, "TagLib cannot read this MPEG-4 file");
    TagLib::MP4::Tag* tag = file.tag();
    for (const char* item : kOwnedMp4Items) tag->removeItem(item);
    auto text = [&](const char* item, const std::string& value) {
      if (!value.empty()) tag->setItem(item, TagLib::StringList(utf8(value)));
    };
    text("\251nam", tags.title);
    text("\251ART", tags.artist);
    text("\251alb", tags.album);
    text("\251day", tags.date);
    text("\251cmt", tags.comment);
    text("\251gen", tags.genre);
    if (tags.track > 0) tag->setItem("trkn", TagLib::MP4::Item(tags.track, 0));
    if (pictures.artwork) {
      const auto format = pictures.artwork->mime_type == "image/png" ? TagLib::MP4::CoverArt::PNG
                                                                    : TagLib::MP4::CoverArt::JPEG;
      TagLib::MP4::CoverArtList covers;
      covers.append(TagLib::MP4::CoverArt(format, byte_vector(pictures.artwork->bytes)));
      tag->setItem("covr", covers);
    }
    text("purl", tags.feed_url);
    if (tags.podcast) tag->setItem("pcst", TagLib::MP4::Item(true));
    text("egid", tags.guid);
    if (!file.save()) return error_for(ErrorCode::kCorrupt, name, "TagLib could not write the MP4 tags");
    const TagLib::ByteVector* data = stream.data();
    out.assign(data->data(), data->size());
  }
  if (!tags.replace_chapters) return out;
  std::vector<NeroChapter> nero;
  for (const TaggedChapter& chapter : tags.chapters) nero.push_back({chapter.start_ms, chapter.title});
  auto with_chapters = replace_nero_chapters(std::move(out), nero);
  if (!with_chapters) {
    Error e = with_chapters.error();
    e.file = name;
    return e;
  }
  return std::move(*with_chapters);
}

// ---- Ogg Vorbis, Opus, FLAC: Vorbis comments --------------------------------

std::string chapter_time(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

TagLib::FLAC::Picture* flac_picture(const Picture& picture) {
  auto* out = new TagLib::FLAC::Picture();
  out->setType(TagLib::FLAC::Picture::FrontCover);
  out->setMimeType(picture.mime_type);
  out->setData(byte_vector(picture.bytes));
  const ImageInfo info = read_image_info(picture.bytes);
  out->setWidth(info.width);
  out->setHeight(info.height);
  out->setColorDepth(info.components * 8);
  return out;
}

// The Vorbis comment fields podsmith owns, and the chapters (the chapter
// extension's CHAPTERnnn, CHAPTERnnnNAME, CHAPTERnnnURL, as ffmpeg reads them).
void write_xiph(TagLib::Ogg::XiphComment* comment, const MediaTags& tags) {
  for (const char* field : {"TITLE", "ARTIST", "ALBUM", "DATE", "COMMENT", "DESCRIPTION", "GENRE",
                            "TRACKNUMBER", "PODCASTURL", "PODCAST", "PODCASTGUID"})
    comment->removeFields(field);
  std::vector<TagLib::String> old_chapters;
  for (const auto& [key, values] : comment->fieldListMap())
    if (tags.replace_chapters && key.startsWith("CHAPTER")) old_chapters.push_back(key);
  for (const TagLib::String& key : old_chapters) comment->removeFields(key);
  auto set = [&](const char* field, const std::string& value) {
    if (!value.empty()) comment->addField(field, utf8(value));
  };
  set("TITLE", tags.title);
  set("ARTIST", tags.artist);
  set("ALBUM", tags.album);
  set("DATE", tags.date);
  set("COMMENT", tags.comment);
  set("GENRE", tags.genre);
  if (tags.track > 0) set("TRACKNUMBER", std::to_string(tags.track));
  set("PODCASTURL", tags.feed_url);
  if (tags.podcast) set("PODCAST", "1");
  set("PODCASTGUID", tags.guid);
  for (size_t i = 0; tags.replace_chapters && i < tags.chapters.size(); ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "CHAPTER%03zu", i + 1);
    const std::string prefix = key;
    set(key, chapter_time(tags.chapters[i].start_ms));
    set((prefix + "NAME").c_str(), tags.chapters[i].title);
    set((prefix + "URL").c_str(), tags.chapters[i].url);
  }
}

template <class OggFile>
Result<std::string> render_ogg(std::string_view bytes, const std::string& name,
                               const MediaTags& tags, const FittedPictures& pictures) {
  TagLib::ByteVectorStream stream(byte_vector(bytes));
  {
    OggFile file(&stream, false);
    if (!file.isValid() || !file.tag())
      return error_for(ErrorCode::kCorrupt, name, "TagLib cannot read this Ogg file");
    TagLib::Ogg::XiphComment* comment = file.tag();
    write_xiph(comment, tags);
    if (pictures.artwork) {
      comment->removeAllPictures();
      comment->addPicture(flac_picture(*pictures.artwork));
    }
    if (!file.save()) return error_for(ErrorCode::kCorrupt, name, "TagLib could not write the Ogg tags");
  }
  const TagLib::ByteVector* data = stream.data();
  return std::string(data->data(), data->size());
}

Result<std::string> render_flac(std::string_view bytes, const std::string& name,
                                const MediaTags& tags, const FittedPictures& pictures) {
  TagLib::ByteVectorStream stream(byte_vector(bytes));
  {
    TagLib::FLAC::File file(&stream, TagLib::ID3v2::FrameFactory::instance(), false);
    if (!file.isValid()) return error_for(ErrorCode::kCorrupt, name, "TagLib cannot read this FLAC file");
    write_xiph(file.xiphComment(true), tags);
    if (pictures.artwork) {
      file.removePictures();
      file.addPicture(flac_picture(*pictures.artwork));
    }
    if (!file.save()) return error_for(ErrorCode::kCorrupt, name, "TagLib could not write the FLAC tags");
  }
  const TagLib::ByteVector* data = stream.data();
  return std::string(data->data(), data->size());
}

}  // namespace

Result<std::string> render_tags(std::string_view bytes, const std::string& name,
                                const MediaTags& tags, TagWriteResult* result) {
  TagWriteResult local;
  if (!result) result = &local;
  if (bytes.empty()) return error_for(ErrorCode::kEmpty, name, "the file is empty");
  // Skip leading ID3v2 tags to see what the audio is (an MP3, but also a FLAC or
  // an AAC stream some tool put an ID3v2 tag in front of).
  size_t at = 0;
  while (at < bytes.size()) {
    const int64_t size = id3v2_tag_size(bytes.substr(at));
    if (size <= 0) break;
    at += static_cast<size_t>(std::min<int64_t>(size, static_cast<int64_t>(bytes.size() - at)));
  }
  const Sniffed sniffed = sniff_media(bytes.substr(at, 64 * 1024));
  std::vector<std::string> notes;
  auto pictures = fit_pictures(tags, name, &notes);

  Result<std::string> out = error_for(ErrorCode::kUnsupported, name, "");
  switch (sniffed.kind) {
    case MediaKind::kMp3:
      result->format = "MP3";
      if (!pictures) return pictures.error();
      out = render_mp3(bytes, name, tags, *pictures);
      break;
    case MediaKind::kMp4:
      result->format = "MPEG-4";
      if (!pictures) return pictures.error();
      out = render_mp4(bytes, name, tags, *pictures);
      break;
    case MediaKind::kFlac:
      result->format = "FLAC";
      if (at > 0)
        return error_for(ErrorCode::kUnsupported, name,
                         "tags are not supported for a FLAC file that starts with an ID3v2 tag");
      if (!pictures) return pictures.error();
      out = render_flac(bytes, name, tags, *pictures);
      break;
    case MediaKind::kOgg:
      if (sniffed.detail == "vorbis") {
        result->format = "Ogg Vorbis";
        if (!pictures) return pictures.error();
        out = render_ogg<TagLib::Ogg::Vorbis::File>(bytes, name, tags, *pictures);
      } else if (sniffed.detail == "opus") {
        result->format = "Ogg Opus";
        if (!pictures) return pictures.error();
        out = render_ogg<TagLib::Ogg::Opus::File>(bytes, name, tags, *pictures);
      } else {
        return error_for(ErrorCode::kUnsupported, name,
                         "tags are not supported for Ogg " +
                             (sniffed.detail.empty() ? std::string("streams of this codec") : sniffed.detail));
      }
      break;
    case MediaKind::kUnknown:
      return error_for(ErrorCode::kUnsupported, name, "not a media file podsmith can tag");
    default:
      return error_for(ErrorCode::kUnsupported, name,
                       "tags are not supported for " + std::string(kind_name(sniffed.kind)) +
                           " (podsmith tags MP3, MPEG-4, Ogg Vorbis, Ogg Opus and FLAC)");
  }
  if (out) result->notes = std::move(notes);
  return out;
}

Result<TagWriteResult> write_tags(const std::string& path, const MediaTags& tags,
                                  const TagWriteOptions& options) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  TagWriteResult result;
  auto tagged = render_tags(*bytes, path, tags, &result);
  if (!tagged) return tagged.error();
  if (*tagged == *bytes) {
    result.status = WriteStatus::kUnchanged;
    return result;
  }
  if (options.dry_run) {
    result.status = WriteStatus::kUpdated;
    return result;
  }
  auto written = write_file_atomically(path, *tagged);
  if (!written) return written.error();
  result.status = *written;
  return result;
}

std::string cut_comment(std::string_view text, size_t max_bytes) {
  text = trim(text);
  if (text.size() <= max_bytes) return std::string(text);
  static constexpr std::string_view kEllipsis = "\u2026";
  if (max_bytes < kEllipsis.size()) return {};
  std::string_view cut = utf8_prefix(text, max_bytes - kEllipsis.size());
  const size_t space = cut.find_last_of(" \n\t");
  if (space != std::string_view::npos && space > cut.size() / 2) cut = cut.substr(0, space);
  cut = trim(cut);
  return std::string(cut) + std::string(kEllipsis);
}

}  // namespace podsmith
