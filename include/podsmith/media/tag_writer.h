/// Writes a podcast episode's tags and chapters into its media file without
/// re-encoding it: ID3v2.3 in an MP3 (CHAP frames under one CTOC, APIC, WFED, PCST,
/// TGID), iTunes atoms and a Nero `chpl` chapter box in an MP4/M4A, Vorbis comments
/// (CHAPTERxxx) in Ogg Vorbis, Opus and FLAC. Only the tags change: the audio bytes
/// are copied as they were. The file is replaced atomically, and a file that already
/// holds exactly these tags is not touched. Reads nothing but the file it tags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/file_io.h"

namespace podsmith {

/// An image to embed: the cover, or a chapter's image.
struct Picture {
  std::string mime_type;  // "image/jpeg" or "image/png"; empty: decided from the bytes
  std::string bytes;
};

/// One chapter to write, in play order.
struct TaggedChapter {
  int64_t start_ms = 0;
  int64_t end_ms = 0;     // 0: the next chapter's start (the last: its own start)
  std::string title;
  std::string url;        // empty: none
  std::optional<Picture> image;
};

/// The tags podsmith owns in a media file. Empty strings and 0 mean "none": the
/// old value is removed, not kept, so tagging twice is idempotent. Two exceptions
/// keep what the file has: no `artwork` keeps its own pictures, and
/// `replace_chapters = false` its own chapters.
struct MediaTags {
  std::string title;
  std::string artist;           // the episode's author
  std::string album;            // the show's title
  std::string date;             // "2006-01-12" or "2006"
  std::string comment;          // plain text; see cut_comment()
  std::string genre = "Podcast";
  int track = 0;                // the episode number
  std::optional<Picture> artwork;
  std::vector<TaggedChapter> chapters;
  bool replace_chapters = true; // false: the file's own chapters stay as they are
  std::string feed_url;         // WFED / purl
  bool podcast = true;          // PCST / pcst
  std::string guid;             // TGID / egid
};

/// The largest cover podsmith embeds: a bigger one is scaled down and stored as
/// JPEG, so tags do not eat into the first minute of a download.
constexpr int kMaxArtworkPixels = 1400;
constexpr int64_t kMaxArtworkBytes = 300 * 1000;
/// The longest comment written, in bytes (see cut_comment()).
constexpr size_t kMaxCommentBytes = 1000;

struct TagWriteOptions {
  bool dry_run = false;  // compute and compare, write nothing
};

struct TagWriteResult {
  WriteStatus status = WriteStatus::kUnchanged;  // kUpdated or kUnchanged (in a dry run:
                                                 // what would happen)
  std::string format;                  // "MP3", "MPEG-4", "Ogg Vorbis", "Ogg Opus", "FLAC"
  std::vector<std::string> notes;      // what was adapted, one line each ("artwork scaled
                                       // from 3000x3000 (2.1 MB) to ...")
};

/// Writes `tags` into the media file at `path`, replacing the tags podsmith owns
/// (see MediaTags) and keeping every other tag. The new file is built in memory,
/// written to a temporary file beside `path`, flushed and renamed over it; when
/// its bytes equal the old ones nothing is written. On error the file is left as
/// it was. Errors: kNotFound, kNotAFile, kUnreadable, kEmpty; kUnsupported for a
/// file that is not media or a format without a tag writer here (WAV, AIFF, ADTS
/// AAC), naming the format; kCorrupt when the file cannot be parsed or an image
/// cannot be decoded; kInvalidInput for what the format cannot hold (more than 255
/// chapters in an MP4).
Result<TagWriteResult> write_tags(const std::string& path, const MediaTags& tags,
                                  const TagWriteOptions& options = {});

/// The same over bytes in memory: the whole file `bytes` with `tags` written.
/// `name` is the file name used in errors. Pure.
Result<std::string> render_tags(std::string_view bytes, const std::string& name,
                                const MediaTags& tags, TagWriteResult* result = nullptr);

/// Plain text cut to at most `max_bytes` of UTF-8, at the last space (or line
/// break) before the limit when there is one, ending in "…" when cut.
std::string cut_comment(std::string_view text, size_t max_bytes = kMaxCommentBytes);

/// `picture` when it is within kMaxArtworkPixels on both sides and kMaxArtworkBytes;
/// else scaled down (aspect kept) and encoded as JPEG at the best quality that fits
/// both limits. `note` (may be null) says what changed. kCorrupt when the bytes are
/// not a JPEG or PNG podsmith can decode.
Result<Picture> fit_artwork(const Picture& picture, std::string* note = nullptr);

}  // namespace podsmith
