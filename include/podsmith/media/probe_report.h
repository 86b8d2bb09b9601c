/// Turns probe results into what `podsmith probe` prints: an aligned block of
/// text for people, or a JSON object for programs (the keys are listed in the
/// README and do not change). Pure formatting; no I/O.
#pragma once

#include <string>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"

namespace podsmith {

/// One JSON object (indented by two spaces, no trailing newline). A failed probe
/// gives {"path", "error", "error_code"}; a successful one every field of
/// MediaInfo, leaving out tags that are absent.
std::string probe_json(const Result<MediaInfo>& result, const std::string& path);

/// A block of "  label   value" lines under the path, ending in a newline. Long
/// or multi-line tag values are shown on one line, cut to fit. A failed probe
/// gives the path and the error. Warnings are not included: callers print them.
std::string probe_text(const Result<MediaInfo>& result, const std::string& path);

/// 3725500 ms -> "01:02:05.500".
std::string format_clock(int64_t ms);

/// The lowercase name of an error code: "not_found", "corrupt", ...
std::string error_code_name(ErrorCode code);

}  // namespace podsmith
