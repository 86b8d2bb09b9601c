/// Reads what is in a media file: container, codec, exact duration, bitrate,
/// sample rate, channels, size, the MIME type for an RSS enclosure, tags, artwork
/// and chapters. The format is decided by the file's bytes, never its extension.
/// Reads only; never writes to the file.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"

namespace podsmith {

struct ProbeOptions {
  /// Tag values longer than this are cut (at a UTF-8 boundary) with a warning.
  /// Default: 64 KiB, far above any directory's limit.
  size_t max_tag_bytes = 64 * 1024;
  /// Read the plain layouts most files have (MP3 with an ID3v2 tag, M4A, Ogg
  /// Vorbis and Opus, FLAC, WAV) with podsmith's own readers, which give the same
  /// MediaInfo as TagLib and libmpg123 several times faster; any other file, or
  /// one they are not sure of, goes to TagLib and libmpg123 as before. false:
  /// TagLib and libmpg123 read every file (for tests that check that both ways
  /// agree). Default: true.
  bool plain_readers = true;
};

/// Probes one file. On failure returns an Error whose file is `path` and whose
/// code says why (kNotFound, kNotAFile, kUnreadable, kEmpty, kUnsupported,
/// kCorrupt). Problems that still leave a usable result (a cleaned tag, an
/// extension that disagrees with the content) are MediaInfo::warnings.
Result<MediaInfo> probe(const std::string& path, const ProbeOptions& options = {});

/// An embedded picture's bytes, for extraction.
struct EmbeddedPicture {
  std::string mime_type;  // from the bytes: "image/jpeg", "image/png", ...
  std::string bytes;
};

/// The front cover embedded in the media file (ID3 APIC, MP4 covr, FLAC or Ogg
/// picture), or else its first picture; nullopt when it has none. Errors as probe().
/// Of `options`, only plain_readers counts.
Result<std::optional<EmbeddedPicture>> read_cover_art(const std::string& path, const ProbeOptions& options = {});

/// Probes every path on up to `threads` threads (0: one per core) and hands each
/// result to `sink` in the order of `paths`, as soon as it and all before it are
/// done, so memory stays bounded however many files there are. `sink` runs on
/// the calling thread. A bad file does not stop the others.
void probe_each(const std::vector<std::string>& paths,
                const std::function<void(size_t index, Result<MediaInfo> result)>& sink,
                const ProbeOptions& options = {}, unsigned threads = 0);

}  // namespace podsmith
