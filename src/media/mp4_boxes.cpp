#include "media/mp4_boxes.h"

#include <climits>
#include <initializer_list>
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

constexpr uint32_t kMoov = mp4_fourcc("moov"), kUdta = mp4_fourcc("udta"), kMdia = mp4_fourcc("mdia"),
                   kMeta = mp4_fourcc("meta"), kIlst = mp4_fourcc("ilst"), kStbl = mp4_fourcc("stbl"),
                   kMinf = mp4_fourcc("minf"), kMoof = mp4_fourcc("moof"), kTraf = mp4_fourcc("traf"),
                   kTrak = mp4_fourcc("trak"), kStsd = mp4_fourcc("stsd"), kHdlr = mp4_fourcc("hdlr"),
                   kMdhd = mp4_fourcc("mdhd");

// The atoms TagLib's MP4 parser descends into.
bool taglib_container(uint32_t type) {
  for (uint32_t c : {kMoov, kUdta, kMdia, kMeta, kIlst, kStbl, kMinf, kMoof, kTraf, kTrak, kStsd})
    if (type == c) return true;
  return false;
}

bool taglib_atom_name(std::string_view type) {
  for (char c : type)
    if ((c < ' ' || c > '~') && c != '\251') return false;
  return true;
}

// Where TagLib starts reading the children of container `type` in its payload `b`:
// after stsd's version, flags and count; after meta's version and flags unless
// the meta is a QuickTime one without them (a child's type follows at once).
size_t children_start(std::string_view b, uint32_t type) {
  if (type == kStsd) return 8;
  if (type != kMeta) return 0;
  const uint32_t next = b.size() >= 8 ? be32(b, 4) : 0;
  for (std::string_view child : {"hdlr", "ilst", "mhdr", "ctry", "lang"})
    if (next == mp4_fourcc(child)) return 0;
  return 4;
}

// Calls visit(child) for each child of container `parent` in `moov`, as TagLib's
// parser would read them; false (having visited some) when they do not fill it
// exactly with plain 32-bit sizes, or when visit returns false.
template <class Visit>
bool for_each_child(std::string_view moov, const Mp4Atom& parent, Visit visit) {
  const std::string_view b = moov.substr(parent.body_offset, parent.body_size);
  size_t i = children_start(b, parent.type);
  if (i > b.size()) return false;
  while (i < b.size()) {
    if (b.size() - i < 8) return false;
    const uint32_t size = be32(b, i);
    if (size < 8 || size > b.size() - i) return false;
    const std::string_view name = b.substr(i + 4, 4);
    if (!taglib_atom_name(name)) return false;
    if (!visit(Mp4Atom{mp4_fourcc(name), parent.body_offset + i + 8, size - 8})) return false;
    i += size;
  }
  return true;
}

// Checks the whole tree under container `atom` (TagLib reads all of it).
bool tree_as_taglib(std::string_view moov, const Mp4Atom& atom, int depth) {
  if (depth > 32) return false;
  return for_each_child(moov, atom, [&](const Mp4Atom& child) {
    return !taglib_container(child.type) || tree_as_taglib(moov, child, depth + 1);
  });
}

// The first child of `parent` named `type` (TagLib's Atom::find), if any; the
// tree has been checked, so children read well.
std::optional<Mp4Atom> first_child(std::string_view moov, const Mp4Atom& parent, uint32_t type) {
  std::optional<Mp4Atom> found;
  for_each_child(moov, parent, [&](const Mp4Atom& child) {
    if (child.type == type) found = child;
    return !found;
  });
  return found;
}

std::optional<Mp4Atom> find_path(std::string_view moov, Mp4Atom atom, std::initializer_list<uint32_t> path) {
  for (uint32_t type : path) {
    auto next = first_child(moov, atom, type);
    if (!next) return std::nullopt;
    atom = *next;
  }
  return atom;
}

// The sample rate TagLib's MP4::Properties reads: from the first track whose
// handler is "soun" (giving up at a track without mdia/hdlr or at a bad mdhd),
// in the mp4a or (88-byte) alac sample description. UINT32_MAX: cannot tell.
uint32_t taglib_sample_rate(std::string_view moov, const Mp4Atom& root) {
  std::optional<uint32_t> rate;
  for_each_child(moov, root, [&](const Mp4Atom& trak) {
    if (trak.type != kTrak) return true;
    const auto hdlr = find_path(moov, trak, {kMdia, kHdlr});
    if (!hdlr) {
      rate = 0;
      return false;
    }
    const std::string_view h = moov.substr(hdlr->body_offset, hdlr->body_size);
    if (h.size() < 12 || h.substr(8, 4) != "soun") return true;
    rate = 0;
    const auto mdhd = find_path(moov, trak, {kMdia, kMdhd});
    if (!mdhd) return false;
    if (mdhd->body_size < 1) {
      rate = UINT32_MAX;
      return false;
    }
    if (moov[mdhd->body_offset] == 1 ? mdhd->body_size < 36 : mdhd->body_size < 20) return false;
    const auto stsd = find_path(moov, trak, {kMdia, kMinf, kStbl, kStsd});
    if (!stsd) return false;
    const std::string_view d = moov.substr(stsd->body_offset, stsd->body_size);  // TagLib's offsets - 8
    if (d.size() >= 16 && d.substr(12, 4) == "mp4a") rate = d.size() >= 42 ? be32(d, 38) : UINT32_MAX;
    if (d.size() >= 16 && d.substr(12, 4) == "alac" && stsd->body_size + 8 == 88 && d.substr(48, 4) == "alac")
      rate = be32(d, 76);
    return false;
  });
  return rate.value_or(0);
}

}  // namespace

Result<Mp4Structure> read_mp4_structure(ByteSource& source) {
  const std::string& path = source.path();
  Mp4Structure out;
  std::string moov;
  // Walk the top-level boxes by their headers, reading only ftyp and moov, and
  // checking on the way that TagLib would read the same atoms.
  bool as_taglib = true;
  bool seen_moov = false;
  // (Written as a difference: a 64-bit box size can take offset to INT64_MAX,
  // where offset + 8 would overflow.)
  for (int64_t offset = 0; source.size() - offset >= 8;) {
    char header[16];
    if (source.read_at(offset, header, 8) != 8) break;
    uint64_t size = be32(std::string_view(header, 8), 0);
    const std::string type(header + 4, 4);
    uint64_t header_size = 8;
    if (size == 1) {
      as_taglib = false;
      if (source.read_at(offset + 8, header + 8, 8) != 8) break;
      size = be64(std::string_view(header, 16), 8);
      header_size = 16;
    }
    const bool last = size == 0;
    if (last) {
      as_taglib = false;
      size = static_cast<uint64_t>(source.size() - offset);
    }
    if (size < header_size) {
      as_taglib = false;
      break;
    }
    if (size > static_cast<uint64_t>(source.size() - offset) || !taglib_atom_name(type) ||
        (taglib_container(mp4_fourcc(type)) && (type != "moov" || seen_moov)))
      as_taglib = false;
    if ((type == "ftyp" || type == "moov") && !seen_moov) {
      const uint64_t body = size - header_size;
      if (body > kMaxMoovBytes) break;
      std::string data(static_cast<size_t>(body), '\0');
      data.resize(source.read_at(offset + static_cast<int64_t>(header_size), data.data(), data.size()));
      if (type == "ftyp" && data.size() >= 4) out.major_brand = data.substr(0, 4);
      if (type == "moov") {
        moov = std::move(data);
        seen_moov = true;
      }
    }
    if (last || size > static_cast<uint64_t>(INT64_MAX - offset)) break;
    offset += static_cast<int64_t>(size);
    if (!as_taglib && seen_moov) break;  // nothing more to learn
  }
  if (moov.empty())
    return Error{ErrorCode::kCorrupt, "no moov box: the MPEG-4 file is incomplete", path, 0, 0};

  for_each_box(moov, [&](const Box& box) {
    if (box.type == "mvhd") read_header_times(box.body, &out.movie_timescale, &out.movie_duration);
    if (box.type == "trak") out.tracks.push_back(read_track(box.body));
    if (box.type == "udta") out.chapters = read_chpl(find_box(box.body, "chpl"));
  });

  const Mp4Atom root{kMoov, 0, moov.size()};
  if (as_taglib && tree_as_taglib(moov, root, 0)) {
    const uint32_t rate = taglib_sample_rate(moov, root);
    if (rate != UINT32_MAX) {
      out.atoms_as_taglib = true;
      out.taglib_sample_rate_hz = rate;
      if (auto ilst = find_path(moov, root, {kUdta, kMeta, kIlst}))
        for_each_child(moov, *ilst, [&](const Mp4Atom& item) { return out.ilst.push_back(item), true; });
    }
  }
  out.moov = std::move(moov);
  return out;
}

std::optional<std::vector<Mp4Data>> mp4_item_data(std::string_view body) {
  std::vector<Mp4Data> out;
  for (size_t i = 0; i < body.size();) {
    if (body.size() - i < 16) return std::nullopt;
    const uint32_t size = be32(body, i);
    if (size < 16 || size > body.size() - i || body.substr(i + 4, 4) != "data") return std::nullopt;
    out.push_back(Mp4Data{be32(body, i + 8), body.substr(i + 16, size - 16)});
    i += size;
  }
  return out;
}

std::optional<std::pair<std::string_view, std::string_view>> mp4_freeform_name(std::string_view body) {
  std::string_view parts[2];
  size_t i = 0;
  for (int n = 0; n < 2; ++n) {
    if (body.size() - i < 12) return std::nullopt;
    const uint32_t size = be32(body, i);
    if (size < 12 || size > body.size() - i || body.substr(i + 4, 4) != (n == 0 ? "mean" : "name")) return std::nullopt;
    parts[n] = body.substr(i + 12, size - 12);
    i += size;
  }
  return std::pair{parts[0], parts[1]};
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
