/// Timed text cues from a WebVTT or SRT transcript, for the website: the cues as
/// start, end and text, and cues written back out as WebVTT (an SRT transcript
/// becomes a captions track a browser plays; a chapter list becomes a chapters
/// track). Reads cue timings and text only: no styling, regions or positions. No I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith {

struct Cue {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string text;  // the cue's lines joined by '\n'; VTT tags (<v Name>, <i>, ...) removed
  std::string voice; // a WebVTT <v Name> speaker, when the cue starts with one
};

/// Parses a WebVTT ("text/vtt") or SRT ("application/x-subrip", "application/srt",
/// "text/srt") transcript. Returns the cues in file order, or an Error naming `file`
/// and the line of the first cue timing that cannot be read or whose end is before
/// its start. WebVTT NOTE, STYLE and REGION blocks are skipped. A type other than
/// those is an Error (kUnsupported).
Result<std::vector<Cue>> parse_cues(std::string_view content, std::string_view type, const std::string& file);

/// True when parse_cues() reads `type`.
bool is_cue_type(std::string_view type);

/// "WEBVTT", a blank line, then each cue as "HH:MM:SS.mmm --> HH:MM:SS.mmm" and its
/// text (a voice as <v Name>), cues separated by blank lines. A "-->" or blank line
/// inside a cue's text is broken so it cannot end or forge a cue.
std::string write_webvtt(const std::vector<Cue>& cues);

}  // namespace podsmith
