/// Chapter lists kept beside the media: the `<ep>.chapters.txt` a producer writes by
/// hand, and Podcasting 2.0 JSON chapters (the file podcast:chapters points to), read
/// from an imported show or written by `build`. Parsing and formatting only: no I/O,
/// no clock, no locale. Chapters from the media's own tags come from probe().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"

namespace podsmith {

/// The version string write_chapters_json() puts in "version" (the JSON chapters
/// format 1.2; the spec's examples write it "1.2.0").
inline constexpr std::string_view kJsonChaptersVersion = "1.2.0";

/// The MIME type for podcast:chapters' type attribute ("JSON prefered,
/// 'application/json+chapters'", Podcasting 2.0 podcast:chapters).
inline constexpr std::string_view kJsonChaptersType = "application/json+chapters";

/// Parses a `<ep>.chapters.txt`: one chapter per line, a time, whitespace, the title,
/// and optionally a link in angle brackets at the end:
///
///     # comment lines and blank lines are ignored
///     00:00:00 Intro
///     12:30 Topic one                       (MM:SS)
///     1:02:03.500 Topic two <https://example.com/two>
///
/// Times are H:MM:SS or MM:SS (hours up to three digits, minutes and seconds two
/// digits and below 60), optionally with up to three decimals (".5" is 500 ms). A
/// trailing `<...>` without spaces inside is the chapter's link and must be an http or
/// https URL. A UTF-8 byte order mark and CRLF line ends are accepted. Titles are
/// passed through clean_text() and trimmed. Each chapter's end_ms is the next one's
/// start_ms; the last one's is 0 ("the end of the episode": the caller sets it).
/// An empty file gives no chapters.
///
/// On failure returns an Error{kInvalidInput} naming `file`, the line and the column
/// (1-based, counted in UTF-8 characters) of the first problem: a malformed time,
/// minutes or seconds >= 60, a missing title, a time not after the previous line's,
/// or a link that is not http(s).
Result<std::vector<Chapter>> parse_chapters_txt(std::string_view text, const std::string& file);

/// Parses a Podcasting 2.0 JSON chapters file: an object with a "chapters" array of
/// objects with "startTime" (seconds, required) and optional "endTime", "title",
/// "url", "img" (-> image_url) and "toc". "version" and the other optional properties
/// are not checked. Chapters with "toc": false are left out: they are silent markers
/// (an image or location change inside a chapter) that Chapter cannot mark as
/// hidden, and writing them back as visible chapters would be wrong. Chapters are
/// returned sorted by start (stable); end_ms is "endTime" when it is after the start,
/// else the next chapter's start, else 0 for the last one. Titles and links are
/// passed through clean_text() and trimmed; null counts as absent.
///
/// On failure returns an Error{kInvalidInput} naming `file`: for malformed JSON
/// with the line and column (1-based, UTF-8 characters) where the parser stopped (for
/// a number too large for a double, such as 1e400, line and column 0 and the number
/// in the message); for
/// a well-formed file of the wrong shape (no "chapters" array, a startTime that is
/// not a number >= 0, a title that is not a string...) with the JSON path in the
/// message ("chapters[2].startTime ...") and line and column 0.
Result<std::vector<Chapter>> parse_chapters_json(std::string_view json, const std::string& file);

/// A JSON chapters file (version kJsonChaptersVersion) for `chapters`, in the order
/// given: per chapter "startTime", "endTime" (only when end_ms > start_ms), "title",
/// "img" (image_url, when set) and "url" (when set). Indented by two spaces, ending
/// in a newline, and byte-for-byte the same for the same input. Strings that are not
/// valid UTF-8 get U+FFFD.
std::string write_chapters_json(const std::vector<Chapter>& chapters);

/// Milliseconds as decimal seconds, the way write_chapters_json() writes times:
/// no exponent, no trailing zeros, at most three decimals. 0 -> "0", 1 -> "0.001",
/// 12500 -> "12.5", 750250 -> "750.25", 3600000 -> "3600", -1500 -> "-1.5".
std::string format_seconds(int64_t ms);

}  // namespace podsmith
