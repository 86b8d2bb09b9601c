/// Decides a media file's format from its first bytes (magic numbers and, for
/// MPEG audio, a run of consecutive valid frame headers), never from its name.
/// Pure functions over bytes; the caller reads the file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace podsmith {

enum class MediaKind { kUnknown, kMp3, kAdts, kMp4, kOgg, kFlac, kWav, kAiff };

struct Sniffed {
  MediaKind kind = MediaKind::kUnknown;
  std::string detail;  // MP4: the major brand ("M4A ", "isom", "qt  "); Ogg: the first
                       // stream's codec ("vorbis", "opus", "flac", "speex"); else empty
};

/// The size of the ID3v2 tag at the start of `head` (header, body and footer),
/// or 0 when `head` does not begin with one. Needs the first 10 bytes.
int64_t id3v2_tag_size(std::string_view head);

/// Identifies the format of `head`: the file's bytes from its start, or from just
/// after its leading ID3v2 tags. Give at least 16 KiB when the file has that many,
/// so an MPEG stream can be recognised by several consecutive frames.
Sniffed sniff_media(std::string_view head);

/// The file name extensions that usually hold `kind` ("mp3"; "m4a", "m4b", "mp4",
/// ...), lowercase without the dot, comma-separated. Used for the mismatch warning.
std::string_view usual_extensions(MediaKind kind);

/// "MP3", "MPEG-4", ... for messages.
std::string_view kind_name(MediaKind kind);

}  // namespace podsmith
