// libFuzzer target for the transcript check (src/workspace/transcripts.*: the
// start of a WebVTT or SRT file, JSON, and the encoding of any): the input is a
// transcript file, checked as every type podsmith knows; its first line is also
// tried as a file name or URL for transcript_type_for(). Whatever the bytes,
// nothing crashes or trips a sanitizer, and a problem found names the file with
// a sane line and column.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "podsmith/workspace/transcripts.h"

using namespace podsmith;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  const std::string file = "media/ep1.transcript";
  for (const std::string_view type : {"text/vtt", "application/x-subrip", "application/srt", "text/srt",
                                      "application/json", "text/html", "text/plain", "TEXT/VTT; charset=utf-8",
                                      "application/x-unknown"}) {
    const std::optional<Error> problem = check_transcript(bytes, type, file);
    if (!problem) continue;
    fuzz::check_error(*problem);
    FUZZ_REQUIRE(problem->file == file);
    // Lines and columns count from 1 inside the content.
    FUZZ_REQUIRE(problem->line <= static_cast<int>(size) + 1 && problem->column <= static_cast<int>(size) + 1);
  }
  const std::string type = transcript_type_for(bytes.substr(0, bytes.find('\n')));
  FUZZ_REQUIRE(type.empty() || type == "text/vtt" || type == "application/x-subrip" || type == "application/json" ||
          type == "text/html" || type == "text/plain");
  return 0;
}
