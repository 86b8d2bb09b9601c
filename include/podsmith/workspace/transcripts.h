/// Transcript files for podcast:transcript (Podcasting 2.0): the MIME type to declare
/// for a file, and a light check that a file is what its type says, so a feed does
/// not point players at a transcript they cannot read. Not a WebVTT or SRT parser:
/// only the start of the file and its encoding are checked. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "podsmith/base/error.h"

namespace podsmith {

/// The podcast:transcript type for a file name or URL, by its extension (any case;
/// a URL's query and fragment are ignored): .vtt "text/vtt", .srt
/// "application/x-subrip", .json "application/json", .html/.htm "text/html", .txt
/// "text/plain". Empty for any other extension.
std::string transcript_type_for(std::string_view file_name);

/// Checks that `content` looks like a transcript of `type` (parameters such as
/// "; charset=utf-8" and the case of the type are ignored). Returns std::nullopt when
/// it does, else the first problem found as an Error naming `file` and, where there
/// is one, the line and column (1-based, in UTF-8 characters; a leading byte order
/// mark is not counted):
///  - every type: the content is empty (kEmpty) or is not valid UTF-8 (kInvalidInput);
///  - text/vtt: the first line must be "WEBVTT", alone or followed by a space or tab;
///  - application/x-subrip (also application/srt, text/srt): after any blank lines,
///    the first cue must be a number on its own line, then a
///    "HH:MM:SS,mmm --> HH:MM:SS,mmm" line whose end is not before its start;
///  - application/json: the first non-blank character must be '{'.
/// text/html, text/plain and types this function does not know get only the
/// every-type checks.
std::optional<Error> check_transcript(std::string_view content, std::string_view type, const std::string& file);

}  // namespace podsmith
