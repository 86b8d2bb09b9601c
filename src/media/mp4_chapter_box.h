/// Writes Nero chapters (the `chpl` box in moov/udta) into an MPEG-4 file held in
/// memory, which TagLib does not do. Replacing the box changes moov's size, so when
/// moov comes before the media data every chunk offset (stco, co64) is moved by the
/// same amount; the media data itself is copied untouched. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith {

struct NeroChapter {
  int64_t start_ms = 0;
  std::string title;  // UTF-8; cut to 255 bytes at a character boundary
};

/// `file` with its moov/udta/chpl replaced by `chapters` (removed when empty;
/// udta is created when missing). Returns `file` unchanged when there is nothing
/// to do. Errors: kCorrupt for a box structure that does not add up or without a
/// moov; kUnsupported for a fragmented file (moof); kInvalidInput for more than
/// 255 chapters or a chunk offset that would pass 4 GiB in a 32-bit stco.
Result<std::string> replace_nero_chapters(std::string file, const std::vector<NeroChapter>& chapters);

}  // namespace podsmith
