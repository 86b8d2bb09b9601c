/// Reads the metadata of FLAC, Ogg (Vorbis, Opus) and RIFF/WAVE files the way
/// TagLib 1.13 reads it, for the plain layouts most files have: STREAMINFO, one
/// Vorbis comment and PICTURE blocks; the identification and comment packets and
/// the first and last page of a single Ogg stream; the fmt, data, fact and ID3
/// chunks of a WAVE file. The probe (media_probe.cpp) uses these instead of
/// TagLib when they return a value, and TagLib when they return nullopt: for
/// anything TagLib might read differently (damaged structures, ID3 or APE tags
/// where TagLib would merge them, pictures or chapters inside Vorbis comments).
/// Reads the file only through a ByteSource; never the audio.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "media/byte_source.h"

namespace podsmith {

/// A Vorbis comment as TagLib's Ogg::XiphComment keeps it: fields with
/// uppercase keys, in order, empty values and invalid keys dropped.
struct VorbisComment {
  std::vector<std::pair<std::string, std::string>> fields;
  /// The first value of `key` (uppercase), "" when none.
  std::string first_value(std::string_view key) const;
};

/// Parses a comment (vendor string, count, "KEY=value" fields). nullopt where
/// TagLib would read more (pictures, as METADATA_BLOCK_PICTURE or COVERART) or
/// something else (invalid UTF-8, keys with NUL bytes, a damaged count), or where
/// the probe would find chapters (CHAPTERnnn fields).
std::optional<VorbisComment> read_vorbis_comment(std::string_view data);

/// A FLAC PICTURE block (also the payload of METADATA_BLOCK_PICTURE).
struct FlacPicture {
  uint32_t type = 0;          // 3: front cover
  std::string mime_type;      // as declared
  std::string_view data;
};
/// nullopt when the lengths in the block do not add up (TagLib's
/// FLAC::Picture::parse() refuses some of those and, its sums being 32-bit,
/// accepts others).
std::optional<FlacPicture> read_flac_picture(std::string_view block);

struct PlainFlac {
  int sample_rate_hz = 0;
  int channels = 0;
  uint64_t sample_frames = 0;
  VorbisComment comment;                   // empty when the file has none
  std::vector<std::string> picture_blocks;  // PICTURE blocks' data, in order
};
/// A FLAC file that starts with "fLaC", has no ID3 tags and whose metadata blocks
/// TagLib reads as valid, with a STREAMINFO that gives a length.
std::optional<PlainFlac> read_plain_flac(ByteSource& source);

struct PlainOgg {
  std::string ident;     // packet 0: the identification header
  std::string comment;   // packet 1: the comment header
  int64_t first_granule = 0;  // of the first page
  int64_t last_granule = 0;   // of the last page (the last "OggS" in the file)
};
/// An Ogg file that starts with a page and whose first two packets come from
/// pages of one stream, complete and inside the file.
std::optional<PlainOgg> read_plain_ogg(ByteSource& source);

struct PlainWav {
  int format = 0;             // 1: PCM, 3: IEEE float
  int channels = 0;
  uint32_t sample_rate_hz = 0;
  uint64_t sample_frames = 0;
  int length_ms = 0;          // TagLib's lengthInMilliseconds()
  int bitrate_kbps = 0;       // TagLib's bitrate()
  int64_t id3_offset = -1;    // where the ID3 chunk's tag starts; -1: none
  uint32_t id3_chunk_bytes = 0;
  bool has_info = false;      // a LIST INFO chunk (TagLib reads its tags when the ID3 tag is empty)
};
/// A WAVE file whose chunks TagLib reads as PCM or float audio with a length.
std::optional<PlainWav> read_plain_wav(ByteSource& source);

}  // namespace podsmith
