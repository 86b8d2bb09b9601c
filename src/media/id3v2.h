/// A reader for the plain ID3v2.3/2.4 tags most podcast files carry (text frames,
/// comments, pictures, Apple's TDES and WFED), giving what TagLib 1.13 gives for
/// them: the same frames, the same strings, the same first values of its property
/// map. It reads no tag that would need more (unsynchronisation, extended headers,
/// compressed, encrypted or grouped frames, ID3v2.2, the v2.3 day and time frames,
/// chapters, TXXX frames that name a property the probe reads, numeric genres,
/// invalid text): read_plain_id3v2() then returns nullopt and the caller asks
/// TagLib. Pure functions over bytes; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace podsmith {

struct Id3Picture {
  std::string mime_type;  // as declared (Latin-1, as UTF-8)
  int type = 0;           // the ID3 picture type byte (3: front cover)
  std::string_view data;  // the image bytes, inside the tag given
};

struct PlainId3v2 {
  /// The first value TagLib's PropertyMap holds for `key` ("TITLE", "ARTIST",
  /// "ALBUM", "ALBUMARTIST", "COMMENT", "GENRE", "DATE", "SUBTITLE", "TRACKNUMBER",
  /// "DISCNUMBER", "PODCASTDESC", "PODCASTURL"), "" when none.
  std::string first_value(std::string_view key) const;

  /// How many frames the tag holds (of any kind). Without any, TagLib counts the
  /// tag as empty and takes a file's properties from its other tags.
  size_t frames = 0;
  std::optional<std::string> tdes;  // the first TDES frame's text (values joined by " ")
  std::optional<std::string> wfed;  // the first WFED frame's URL (see read_plain_id3v2)
  std::vector<Id3Picture> pictures;  // APIC frames, in file order

  std::vector<std::pair<std::string_view, std::string>> values;  // property, value; first wins
};

/// Reads `tag`: the whole tag from its "ID3" header on (header, frames, padding,
/// footer). wfed_as_text: WFED is a text frame, as TagLib's default frame factory
/// reads it (its values also go to PODCASTURL); otherwise its bytes are read as
/// iTunes writes it (an encoding byte, then text) or as a URL frame (the URL
/// alone), whichever they are, and PODCASTURL stays empty.
/// nullopt: not a tag this reader reads exactly as TagLib does.
std::optional<PlainId3v2> read_plain_id3v2(std::string_view tag, bool wfed_as_text);

}  // namespace podsmith
