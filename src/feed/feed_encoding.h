/// Turns the bytes of a feed into UTF-8 for the XML parser. The encoding comes from
/// a byte-order mark, else from the pattern of the first bytes (UTF-16/32 without a
/// mark), else from the XML declaration, else from the bytes themselves: UTF-8 when
/// they are valid UTF-8, windows-1252 when they are not. ISO-8859-1 and US-ASCII are
/// read as windows-1252, as browsers do (WHATWG Encoding). Converts with glibc's
/// iconv. Internal to the RSS reader; no I/O. Never fails: what cannot be converted
/// becomes U+FFFD, and what was guessed or repaired is noted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace podsmith {

struct DecodedFeed {
  /// Valid UTF-8, without the byte-order mark. Every character of the input is one
  /// character here (an unconvertible one is U+FFFD) and line breaks are kept, so a
  /// line and column in `utf8` are the same line and column in the input. Whitespace
  /// before the XML declaration is kept (the XML parser accepts it).
  std::string utf8;
  /// What the bytes were read as: "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE",
  /// "UTF-32BE", "windows-1252", or the declared name iconv understood ("KOI8-R").
  std::string encoding;
  /// True when `utf8` is known to hold no character that clean_text removes (found
  /// while checking that UTF-8 bytes are UTF-8, at no extra cost); false when it
  /// does, or was not checked.
  bool clean = false;
  /// One sentence per guess or repair ("no encoding is declared and the bytes are not
  /// UTF-8: read as windows-1252"), for the reader's problems.
  std::vector<std::string> notes;
};

/// Takes the bytes by value: when they are UTF-8 already (most feeds), `utf8` is
/// that same buffer, moved, not copied (pass them with std::move).
DecodedFeed decode_feed(std::string bytes);

/// The code point a windows-1252 byte stands for, as WHATWG maps it: 0x80-0x9F
/// through the code page (0x92 is U+2019), the five bytes it leaves undefined to the
/// C1 control of the same value, every other byte to itself. For the numeric
/// references &#128;-&#159; too, which HTML reads the same way.
uint32_t windows1252_code_point(unsigned char byte);

/// Appends the UTF-8 form of `cp` (U+FFFD for a surrogate or a value past U+10FFFF).
void append_utf8(uint32_t cp, std::string* out);

}  // namespace podsmith
