#include "mp4_boxes.h"

#include <climits>
#include <string_view>

namespace podsmith {
namespace {

// A moov box larger than this is not read (real ones are a few MB at most).
constexpr uint64_t kMaxMoovBytes = 64ull << 20;

uint32_t be32(std::string_view b, size_t i) {
  return (uint32_t{static_cast<uint8_t>(b[i])} << 24) | (uint32_t{static_cast<uint8_t>(b[i + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(b[i + 2])} << 8) | uint32_t{static_cast<uint8_t>(b[i + 3])};
}
uint64_t be64(std::string_view b, size_t i) { return (uint64_t{be32(b, i)} << 32) | be32(b, i + 4); }
uint16_t be16(std::string_view b, size_t i) {
  return static_cast<uint16_t>((static_cast<uint8_t>(b[i]) << 8) | static_cast<uint8_t>(b[i + 1]));
}

// One box inside a buffer: its type and its payload (after the header).
struct Box {
  std::string_view type;
  std::string_view body;
};

// Iterates the boxes in `b`; stops quietly at the first malformed one.
template <class Visit>
void for_each_box(std::string_view b, Visit visit) {
  size_t i = 0;
  while (i + 8 <= b.size()) {
    uint64_t size = be32(b, i);
    size_t header = 8;
    if (size == 1) {
      if (i + 16 > b.size()) return;
      size = be64(b, i + 8);
      header = 16;
    } else if (size == 0) {
      size = b.size() - i;
    }
    if (size < header || size > b.size() - i) return;
    visit(Box{b.substr(i + 4, 4), b.substr(i + header, static_cast<size_t>(size) - header)});
    i += static_cast<size_t>(size);
  }
}

std::string_view find_box(std::string_view b, std::string_view type) {
  std::string_view found;
  bool done = false;
  for_each_box(b, [&](const Box& box) {
    if (!done && box.type == type) found = box.body, done = true;
  });
  return found;
}

// mvhd and mdhd share a layout: version, flags, times, timescale, duration.
bool read_header_times(std::string_view body, uint32_t* timescale, uint64_t* duration) {
  if (body.empty()) return false;
  if (body[0] == 1) {
    if (body.size() < 32) return false;
    *timescale = be32(body, 20);
    *duration = be64(body, 24);
  } else {
    if (body.size() < 20) return false;
    *timescale = be32(body, 12);
    *duration = be32(body, 16);
  }
  return true;
}

void read_edit_list(std::string_view elst, Mp4Track* track) {
  if (elst.size() < 8) return;
  const bool v1 = elst[0] == 1;
  const uint32_t count = be32(elst, 4);
  const size_t entry = v1 ? 20 : 12;
  size_t i = 8;
  for (uint32_t n = 0; n < count && i + entry <= elst.size(); ++n, i += entry) {
    const uint64_t duration = v1 ? be64(elst, i) : be32(elst, i);
    const int64_t media_time = v1 ? static_cast<int64_t>(be64(elst, i + 8))
                                  : static_cast<int32_t>(be32(elst, i + 4));
    if (media_time < 0) continue;  // an empty edit (a delay): not part of the media
    if (track->has_edit) {         // several segments: too clever to trust; use mdhd
      track->has_edit = false;
      return;
    }
    track->has_edit = true;
    track->edit_duration = duration;
    track->edit_media_time = media_time;
  }
}

Mp4Track read_track(std::string_view trak) {
  Mp4Track t;
  const std::string_view tkhd = find_box(trak, "tkhd");
  if (!tkhd.empty()) {
    const size_t at = tkhd[0] == 1 ? 20 : 12;
    if (tkhd.size() >= at + 4) t.id = be32(tkhd, at);
  }
  const std::string_view edts = find_box(trak, "edts");
  if (!edts.empty()) read_edit_list(find_box(edts, "elst"), &t);
  const std::string_view mdia = find_box(trak, "mdia");
  read_header_times(find_box(mdia, "mdhd"), &t.timescale, &t.duration);
  const std::string_view hdlr = find_box(mdia, "hdlr");
  if (hdlr.size() >= 12) t.handler = std::string(hdlr.substr(8, 4));
  const std::string_view stsd = find_box(find_box(find_box(mdia, "minf"), "stbl"), "stsd");
  if (stsd.size() >= 16) {
    const std::string_view entry = stsd.substr(8);  // version/flags, count, then entries
    const uint32_t size = be32(entry, 0);
    if (size >= 8 && size <= entry.size()) {
      t.sample_entry = std::string(entry.substr(4, 4));
      // An audio sample entry: 8 bytes header, 8 reserved+index, 8 version/
      // reserved, then channels (2), sample size (2), 4 reserved, rate (16.16).
      if (t.handler == "soun" && size >= 36) {
        t.channels = be16(entry, 24);
        t.sample_rate_hz = be32(entry, 32) >> 16;
      }
    }
  }
  return t;
}

// Nero chapters: version(1) flags(3) [reserved(4) when version 1] count(1), then
// per chapter: start in 100 ns units (8), title length (1), title.
std::vector<Mp4NeroChapter> read_chpl(std::string_view chpl) {
  std::vector<Mp4NeroChapter> out;
  if (chpl.size() < 5) return out;
  size_t i = chpl[0] == 1 ? 8 : 4;
  if (i >= chpl.size()) return out;
  const size_t count = static_cast<uint8_t>(chpl[i++]);
  for (size_t n = 0; n < count && i + 9 <= chpl.size(); ++n) {
    const uint64_t start = be64(chpl, i);
    const size_t len = static_cast<uint8_t>(chpl[i + 8]);
    i += 9;
    if (i + len > chpl.size()) break;
    out.push_back({static_cast<int64_t>(start / 10000), std::string(chpl.substr(i, len))});
    i += len;
  }
  return out;
}

}  // namespace

Result<Mp4Structure> read_mp4_structure(ByteSource& source) {
  const std::string& path = source.path();
  Mp4Structure out;
  std::string moov;
  // Walk the top-level boxes by their headers, reading only ftyp and moov.
  for (int64_t offset = 0; offset + 8 <= source.size();) {
    char header[16];
    if (source.read_at(offset, header, 8) != 8) break;
    uint64_t size = be32(std::string_view(header, 8), 0);
    const std::string type(header + 4, 4);
    uint64_t header_size = 8;
    if (size == 1) {
      if (source.read_at(offset + 8, header + 8, 8) != 8) break;
      size = be64(std::string_view(header, 16), 8);
      header_size = 16;
    }
    const bool last = size == 0;
    if (last) size = static_cast<uint64_t>(source.size() - offset);
    if (size < header_size) break;
    if (type == "ftyp" || type == "moov") {
      const uint64_t body = size - header_size;
      if (body > kMaxMoovBytes) break;
      std::string data(static_cast<size_t>(body), '\0');
      data.resize(source.read_at(offset + static_cast<int64_t>(header_size), data.data(), data.size()));
      if (type == "ftyp" && data.size() >= 4) out.major_brand = data.substr(0, 4);
      if (type == "moov") {
        moov = std::move(data);
        break;
      }
    }
    if (last || size > static_cast<uint64_t>(INT64_MAX - offset)) break;
    offset += static_cast<int64_t>(size);
  }
  if (moov.empty())
    return Error{ErrorCode::kCorrupt, "no moov box: the MPEG-4 file is incomplete", path, 0, 0};

  for_each_box(moov, [&](const Box& box) {
    if (box.type == "mvhd") read_header_times(box.body, &out.movie_timescale, &out.movie_duration);
    if (box.type == "trak") out.tracks.push_back(read_track(box.body));
    if (box.type == "udta") out.chapters = read_chpl(find_box(box.body, "chpl"));
  });
  return out;
}

int64_t track_duration_ms(const Mp4Structure& mp4, const Mp4Track& track) {
  constexpr uint64_t kMaxUnits = UINT64_MAX / 1000 - UINT32_MAX;  // no overflow below
  if (track.edit_duration > kMaxUnits || track.duration > kMaxUnits) return 0;
  if (track.has_edit && mp4.movie_timescale > 0 && track.edit_duration > 0)
    return static_cast<int64_t>((track.edit_duration * 1000 + mp4.movie_timescale / 2) /
                                mp4.movie_timescale);
  if (track.timescale == 0) return 0;
  return static_cast<int64_t>((track.duration * 1000 + track.timescale / 2) / track.timescale);
}

}  // namespace podsmith
