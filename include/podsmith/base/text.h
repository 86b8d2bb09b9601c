/// Text hygiene for strings that come from outside (tags, feeds, file names):
/// making them valid UTF-8 that XML 1.0 can carry, and cutting them at a
/// character boundary. Pure functions; no locale, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace podsmith {

/// Returns `in` as valid UTF-8 that XML 1.0 accepts: each invalid byte sequence
/// (overlong forms, surrogates, code points above U+10FFFF, truncated sequences)
/// becomes U+FFFD; control characters other than tab, newline and carriage
/// return, and the non-characters U+FFFE/U+FFFF, are removed. Sets *changed (when
/// given) to whether anything was replaced or removed.
std::string clean_text(std::string_view in, bool* changed = nullptr);

/// True when clean_text(in) would return `in` unchanged: valid UTF-8 holding no
/// character that clean_text removes. Reads printable ASCII eight bytes at a time,
/// so that callers can skip the copy for the common case.
bool is_clean_text(std::string_view in);

/// True when `in` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view in);

/// Decodes the UTF-8 sequence that starts at in[at] (at < in.size()): returns its
/// length in bytes (1 to 4) and sets *cp to its code point. Returns 0, leaving *cp
/// unchanged, when the bytes there are not a valid, shortest-form sequence (an
/// overlong form, a surrogate, a value past U+10FFFF, a stray or truncated byte).
size_t decode_utf8(std::string_view in, size_t at, uint32_t* cp);

/// The longest prefix of the valid UTF-8 string `in` that is at most `max_bytes`
/// long and does not split a character.
std::string_view utf8_prefix(std::string_view in, size_t max_bytes);

/// `in` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view in);

/// `in` percent-encoded (RFC 3986): every byte but the unreserved characters
/// (A-Z a-z 0-9 - . _ ~) and those in `keep` as %XX with uppercase hex. With keep
/// "/" it is a URL path; with none, a query or form value.
std::string percent_encode(std::string_view in, std::string_view keep = {});

/// `in` with each %XX decoded; nullopt when a % is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view in);

/// `bytes` as lowercase hexadecimal, two digits a byte (digests: "d41d8c...").
std::string hex_lower(std::string_view bytes);

/// Levenshtein distance between two byte strings.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` by edit_distance (ASCII case ignored), if it
/// is within `max_distance`; else empty. For "did you mean ...?" hints.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates,
                          size_t max_distance = 3);

}  // namespace podsmith
