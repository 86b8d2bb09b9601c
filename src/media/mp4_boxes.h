/// Reads the structure TagLib does not expose from an MPEG-4/QuickTime file: each
/// track's handler (sound, video, text), timescale, duration and edit list, the
/// movie's duration, and Nero chapters (moov/udta/chpl). Also what the probe needs
/// to read the iTunes tags (moov/udta/meta/ilst) without TagLib when TagLib would
/// read the same atoms: the items' data atoms, as TagLib's MP4::Tag reads them.
/// Reads box headers and the moov box only; never the media data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/byte_source.h"
#include "podsmith/base/error.h"

namespace podsmith {

struct Mp4Track {
  uint32_t id = 0;
  std::string handler;        // "soun", "vide", "text", "sbtl", ...
  std::string sample_entry;   // first stsd entry: "mp4a", "alac", "avc1", "hvc1", ...
  uint32_t timescale = 0;     // mdhd
  uint64_t duration = 0;      // mdhd, in timescale units
  bool has_edit = false;      // an edit list with one media segment was found
  uint64_t edit_duration = 0; // that segment's duration, in the movie timescale
  int64_t edit_media_time = 0;// where it starts in the media, in the track timescale
  uint32_t sample_rate_hz = 0;// audio sample entries only
  uint16_t channels = 0;
};

struct Mp4NeroChapter {
  int64_t start_ms = 0;
  std::string title;          // as stored (UTF-8 by convention; callers clean it)
};

/// An atom type as a number: its four bytes, big-endian ("moov" is 0x6D6F6F76).
constexpr uint32_t mp4_fourcc(std::string_view type) {
  uint32_t n = 0;
  for (char c : type) n = n << 8 | static_cast<uint8_t>(c);
  return type.size() == 4 ? n : 0;
}

/// One atom inside Mp4Structure::moov, by position.
struct Mp4Atom {
  uint32_t type = 0;          // mp4_fourcc()
  size_t body_offset = 0;     // in moov: where the atom's payload starts (after its header)
  size_t body_size = 0;
};

struct Mp4Structure {
  std::string major_brand;
  uint32_t movie_timescale = 0;
  uint64_t movie_duration = 0;
  std::vector<Mp4Track> tracks;
  std::vector<Mp4NeroChapter> chapters;

  // For the probe's own tag reading.
  std::string moov;                 // the moov box's payload
  bool atoms_as_taglib = false;     // TagLib's MP4 parser reads the file as valid, with
                                    // exactly these atoms: every atom lies inside its
                                    // parent and the file, children fill their parent
                                    // exactly, no 64-bit or open-ended sizes, no top-level
                                    // atoms but ftyp, moov, mdat, free, skip, wide, uuid
  std::vector<Mp4Atom> ilst;        // the items of the first moov/udta/meta/ilst
  uint32_t taglib_sample_rate_hz = 0;  // what TagLib's MP4::Properties reports (0: none)
};

/// The data atoms of an ilst item (`body`: the item's payload), as TagLib's
/// MP4::Tag reads them: each one's type flags and payload (after type and
/// locale). nullopt where TagLib would stop early: a child that is not a data
/// atom, shorter than 12 bytes or running past the item.
struct Mp4Data {
  uint32_t type = 0;          // 1: UTF-8 text, 13: JPEG, 14: PNG, ...
  std::string_view payload;
};
std::optional<std::vector<Mp4Data>> mp4_item_data(std::string_view body);

/// A freeform ("----") item's mean and name, or nullopt when malformed.
std::optional<std::pair<std::string_view, std::string_view>> mp4_freeform_name(std::string_view body);

/// Reads the file's structure. Returns kCorrupt when there is no readable moov box.
Result<Mp4Structure> read_mp4_structure(ByteSource& source);

/// The presentation length of `track` in milliseconds: the edit list's segment
/// when there is one, else the media duration. 0 when unknown.
int64_t track_duration_ms(const Mp4Structure& mp4, const Mp4Track& track);

}  // namespace podsmith
