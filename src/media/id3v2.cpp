#include "media/id3v2.h"

#include <algorithm>
#include <array>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

// ID3v2 text encodings.
constexpr int kLatin1 = 0;
constexpr int kUtf16 = 1;    // with a byte order mark
constexpr int kUtf16Be = 2;
constexpr int kUtf8 = 3;

uint8_t byte_at(std::string_view b, size_t i) { return static_cast<uint8_t>(b[i]); }

void append_utf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// UTF-16 code units from b[0..] (big- or little-endian) to UTF-8, up to the first
// 0 unit (TagLib's String cuts there). nullopt for an unpaired surrogate, which
// TagLib turns into an empty string through an exception.
std::optional<std::string> utf16_to_utf8(std::string_view b, bool big_endian) {
  std::string out;
  out.reserve(b.size());
  const auto unit = [&](size_t i) -> uint32_t {
    const uint32_t hi = byte_at(b, i + (big_endian ? 0 : 1)), lo = byte_at(b, i + (big_endian ? 1 : 0));
    return hi << 8 | lo;
  };
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    uint32_t cp = unit(i);
    if (cp == 0) break;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return std::nullopt;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 3 >= b.size()) return std::nullopt;
      const uint32_t low = unit(i + 2);
      if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    }
    append_utf8(&out, cp);
  }
  return out;
}

// TagLib's String(bytes, encoding).to8Bit(true), or nullopt where TagLib would
// give something this function does not reproduce (invalid UTF-8 or UTF-16, an
// odd UTF-16 length, a missing byte order mark).
std::optional<std::string> decode(std::string_view b, int encoding) {
  switch (encoding) {
    case kLatin1: {
      std::string out;
      out.reserve(b.size());
      for (char c : b) {
        if (c == '\0') break;
        append_utf8(&out, static_cast<uint8_t>(c));
      }
      return out;
    }
    case kUtf8:
      if (!is_valid_utf8(b)) return std::nullopt;
      return std::string(b.substr(0, b.find('\0')));
    case kUtf16: {
      if (b.empty()) return std::string();
      if (b.size() % 2 != 0) return std::nullopt;
      if (byte_at(b, 0) == 0xFF && byte_at(b, 1) == 0xFE) return utf16_to_utf8(b.substr(2), false);
      if (byte_at(b, 0) == 0xFE && byte_at(b, 1) == 0xFF) return utf16_to_utf8(b.substr(2), true);
      return std::nullopt;
    }
    case kUtf16Be:
      if (b.size() % 2 != 0) return std::nullopt;
      return utf16_to_utf8(b, true);
    default: return std::nullopt;
  }
}

size_t alignment(int encoding) { return encoding == kLatin1 || encoding == kUtf8 ? 1 : 2; }

// ByteVector::find(delimiter, start, align): the delimiter (`align` zero bytes)
// at start, start + align, ...
size_t find_delimiter(std::string_view v, size_t start, size_t align) {
  for (size_t i = start; i + align <= v.size(); i += align) {
    if (v[i] == '\0' && (align == 1 || v[i + 1] == '\0')) return i;
  }
  return std::string_view::npos;
}

// ByteVectorList::split(v, delimiter, align) without a maximum.
std::vector<std::string_view> split(std::string_view v, size_t align) {
  std::vector<std::string_view> pieces;
  size_t previous = 0;
  for (size_t at = find_delimiter(v, 0, align); at != std::string_view::npos;) {
    pieces.push_back(v.substr(previous, at - previous));
    previous = at + align;
    at = find_delimiter(v, previous, align);
  }
  if (previous < v.size()) pieces.push_back(v.substr(previous));
  return pieces;
}

// TextIdentificationFrame::fieldList() for a frame body. `txxx`: keep an empty
// first piece (the description) and read only that one.
std::optional<std::vector<std::string>> text_values(std::string_view body, bool txxx = false) {
  std::vector<std::string> values;
  if (body.size() < 2) return values;
  const int encoding = byte_at(body, 0);
  if (encoding > kUtf8) return std::nullopt;
  const size_t align = alignment(encoding);
  // Nulls at the end go, then the length is rounded up to whole characters.
  size_t length = body.size() - 1;
  while (length > 0 && body[length] == '\0') --length;
  while (length % align != 0) ++length;
  const std::vector<std::string_view> pieces = split(body.substr(1, length), align);
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (pieces[i].empty() && !(i == 0 && txxx)) continue;
    // TagLib versions differ in how later UTF-16 strings without a byte order mark
    // use the first one's; with their own, they agree.
    if (encoding == kUtf16 && !values.empty() &&
        !(pieces[i].size() >= 2 && ((byte_at(pieces[i], 0) == 0xFF && byte_at(pieces[i], 1) == 0xFE) ||
                                    (byte_at(pieces[i], 0) == 0xFE && byte_at(pieces[i], 1) == 0xFF))))
      return std::nullopt;
    auto value = decode(pieces[i], encoding);
    if (!value) return std::nullopt;
    values.push_back(std::move(*value));
    if (txxx) break;
  }
  return values;
}

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ' ';
    out += values[i];
  }
  return out;
}

std::string ascii_upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// The properties the probe reads, and the text frames TagLib maps to them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kTextProperties = {{
    {"TIT2", "TITLE"},
    {"TPE1", "ARTIST"},
    {"TALB", "ALBUM"},
    {"TPE2", "ALBUMARTIST"},
    {"TCON", "GENRE"},
    {"TDRC", "DATE"},
    {"TIT3", "SUBTITLE"},
    {"TRCK", "TRACKNUMBER"},
    {"TPOS", "DISCNUMBER"},
    {"TDES", "PODCASTDESC"},
}};
constexpr std::array<std::string_view, 15> kReadProperties = {
    "TITLE",    "ARTIST",      "ALBUM",      "ALBUMARTIST", "COMMENT",     "GENRE",       "DATE",       "SUBTITLE",
    "TRACKNUMBER", "DISCNUMBER", "TRACKTOTAL", "DISCTOTAL", "PODCASTDESC", "DESCRIPTION", "PODCASTURL"};

// Date frames that TagLib merges into TDRC or maps to DATE differently between
// versions (ID3v2.3's day, time and recording dates; in a v2.4 tag, the v2.3
// frames and TagLib's old TRDC typo). A v2.3 TYER alone simply becomes TDRC.
bool merged_date_frame(std::string_view id, int version) {
  for (std::string_view c : {"TDAT", "TIME", "TRDA"})
    if (id == c) return true;
  return version == 4 && (id == "TYER" || id == "TRDC");
}

// TagLib's frame ID check; its versions disagree on whether '0' may occur.
bool valid_frame_id(std::string_view id, bool zero_allowed) {
  if (id.size() != 4) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '1' && c <= '9') || (zero_allowed && c == '0');
  });
}

uint32_t big_endian32(std::string_view b, size_t at) {
  return uint32_t{byte_at(b, at)} << 24 | uint32_t{byte_at(b, at + 1)} << 16 | uint32_t{byte_at(b, at + 2)} << 8 |
         byte_at(b, at + 3);
}

// A v2.4 frame's size (`rest`: the tag body from the frame's header on), with
// TagLib's fallback for iTunes, which writes v2.3 sizes into v2.4 tags. nullopt
// where TagLib's versions would disagree.
std::optional<uint32_t> v24_frame_size(std::string_view rest) {
  uint32_t size = 0;
  for (size_t i = 4; i < 8; ++i) {
    if (byte_at(rest, i) & 0x80) return std::nullopt;  // not syncsafe: TagLib guesses
    size = size << 7 | byte_at(rest, i);
  }
  if (size <= 127) return size;
  const auto id_at = [&](uint64_t at) { return at + 4 <= rest.size() ? rest.substr(at, 4) : std::string_view(); };
  const std::string_view next = id_at(uint64_t{size} + 10);
  if (valid_frame_id(next, false)) return size;
  if (valid_frame_id(next, true)) return std::nullopt;
  const std::string_view next_if_v23 = id_at(uint64_t{big_endian32(rest, 4)} + 10);
  if (valid_frame_id(next_if_v23, true)) return std::nullopt;  // TagLib takes the v2.3 size
  return size;
}

struct CommentFrame {
  std::string description;
  std::string text;
};

// CommentsFrame: encoding, language, description, text.
std::optional<CommentFrame> comment_frame(std::string_view body) {
  if (body.size() < 5) return std::nullopt;
  const int encoding = byte_at(body, 0);
  if (encoding > kUtf8) return std::nullopt;
  const size_t align = alignment(encoding);
  const std::string_view rest = body.substr(4);
  const size_t at = find_delimiter(rest, 0, align);
  // Without a delimiter, or with nothing after it, TagLib keeps both empty.
  if (at == std::string_view::npos || at + align >= rest.size()) return CommentFrame{};
  auto description = decode(rest.substr(0, at), encoding);
  auto text = decode(rest.substr(at + align), encoding);
  if (!description || !text) return std::nullopt;
  return CommentFrame{std::move(*description), std::move(*text)};
}

// AttachedPictureFrame: encoding, MIME type, picture type, description, data.
std::optional<Id3Picture> picture_frame(std::string_view body) {
  if (body.size() < 5) return std::nullopt;
  const int encoding = byte_at(body, 0);
  if (encoding > kUtf8) return std::nullopt;
  size_t pos = 1;
  Id3Picture picture;
  const size_t mime_end = find_delimiter(body, pos, 1);
  if (mime_end != std::string_view::npos) {
    picture.mime_type = *decode(body.substr(pos, mime_end - pos), kLatin1);
    pos = mime_end + 1;
  }
  if (pos + 1 >= body.size()) return std::nullopt;  // TagLib keeps no picture
  picture.type = byte_at(body, pos++);
  const size_t align = alignment(encoding);
  const size_t description_end = find_delimiter(body, pos, align);
  if (description_end != std::string_view::npos) pos = description_end + align;
  picture.data = body.substr(pos);
  return picture;
}

// The first value of `genre` that TagLib would rewrite (ID3v1 numbers, "(12)").
bool numeric_genre(const std::vector<std::string>& values) {
  return std::any_of(values.begin(), values.end(), [](const std::string& v) {
    const size_t first = v.find_first_not_of(" \t\n\v\f\r");
    return first != std::string::npos && (v[first] == '(' || v[first] == '+' || v[first] == '-' ||
                                          (v[first] >= '0' && v[first] <= '9'));
  });
}

}  // namespace

std::string PlainId3v2::first_value(std::string_view key) const {
  for (const auto& [k, v] : values)
    if (k == key) return v;
  return {};
}

std::optional<PlainId3v2> read_plain_id3v2(std::string_view tag, bool wfed_as_text) {
  if (tag.size() < 10 || tag.substr(0, 3) != "ID3") return std::nullopt;
  const int version = byte_at(tag, 3);
  const uint8_t flags = byte_at(tag, 5);
  if (version != 3 && version != 4) return std::nullopt;
  if ((flags & ~(version == 4 ? 0x10 : 0x00)) != 0) return std::nullopt;  // only a v2.4 footer
  uint32_t size = 0;
  for (size_t i = 6; i < 10; ++i) {
    if (byte_at(tag, i) & 0x80) return std::nullopt;
    size = size << 7 | byte_at(tag, i);
  }
  if (tag.size() < 10 + size_t{size}) return std::nullopt;
  const std::string_view body = tag.substr(10, size);
  // TagLib takes the footer's 10 bytes off the frames' room, though they follow the body.
  const size_t frames_end = (flags & 0x10) && body.size() >= 10 ? body.size() - 10 : body.size();
  if (frames_end < 10) return std::nullopt;

  PlainId3v2 out;
  const auto add = [&](std::string_view key, std::vector<std::string> values) {
    if (!values.empty()) out.values.emplace_back(key, std::move(values.front()));
  };
  for (size_t pos = 0; pos < frames_end - 10;) {
    if (body[pos] == '\0') break;  // padding
    const std::string_view rest = body.substr(pos);
    const std::string_view id = rest.substr(0, 4);
    if (!valid_frame_id(id, false) || merged_date_frame(id, version)) return std::nullopt;
    std::optional<uint32_t> frame_size = version == 4 ? v24_frame_size(rest) : std::optional(big_endian32(rest, 4));
    if (!frame_size || *frame_size == 0 || uint64_t{*frame_size} + 10 > rest.size()) return std::nullopt;
    if (byte_at(rest, 9) != 0) return std::nullopt;  // compressed, encrypted, grouped, unsynchronised
    const std::string_view frame = rest.substr(10, *frame_size);
    pos += size_t{*frame_size} + 10;
    ++out.frames;

    if (id == "CHAP" || id == "CTOC") return std::nullopt;  // chapters: TagLib
    if (id == "COMM") {
      auto comment = comment_frame(frame);
      if (!comment) return std::nullopt;
      const std::string key = ascii_upper(comment->description);
      if (key.empty() || key == "COMMENT") out.values.emplace_back("COMMENT", std::move(comment->text));
      continue;
    }
    if (id == "APIC") {
      auto picture = picture_frame(frame);
      if (!picture) return std::nullopt;
      out.pictures.push_back(std::move(*picture));
      continue;
    }
    if (id == "WFED") {
      if (wfed_as_text) {
        auto values = text_values(frame);
        if (!values) return std::nullopt;
        if (!out.wfed) out.wfed = join(*values);
        add("PODCASTURL", std::move(*values));
      } else if (!out.wfed) {
        if (frame.empty()) {
          out.wfed = std::string();
        } else {
          const int encoding = byte_at(frame, 0);
          auto url = encoding > kUtf8 ? decode(frame, kLatin1) : decode(frame.substr(1), encoding);
          if (!url) return std::nullopt;
          out.wfed = std::move(*url);
        }
      }
      continue;
    }
    if (id == "TXXX") {
      auto description = text_values(frame, true);
      if (!description) return std::nullopt;
      const std::string key = description->empty() ? std::string() : ascii_upper(description->front());
      if (std::find(kReadProperties.begin(), kReadProperties.end(), key) != kReadProperties.end()) return std::nullopt;
      continue;
    }
    const std::string_view text_id = version == 3 && id == "TYER" ? std::string_view("TDRC") : id;
    const auto text = std::find_if(kTextProperties.begin(), kTextProperties.end(),
                                   [&](const auto& p) { return p.first == text_id; });
    if (text == kTextProperties.end()) continue;  // a frame that gives none of the properties read
    auto values = text_values(frame);
    if (!values) return std::nullopt;
    if (id == "TCON" && numeric_genre(*values)) return std::nullopt;
    if (text_id == "TDRC") {
      for (std::string& v : *values)
        if (const size_t t = v.find('T'); t != std::string::npos) v[t] = ' ';
    }
    if (id == "TDES" && !out.tdes) out.tdes = join(*values);
    add(text->second, std::move(*values));
  }
  return out;
}

}  // namespace podsmith
