/// Measures a media file's loudness per ITU-R BS.1770-4 / EBU R128: integrated
/// loudness (LUFS), loudness range (LU), true peak (dBTP) and sample peak, by
/// decoding the whole file with FFmpeg's libraries. Reads only.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"

namespace podsmith {

/// Decodes `path` and measures it. Errors name the file: kUnsupported when it is
/// not audio FFmpeg can decode, kCorrupt when decoding fails part way, and
/// kInvalidInput when it is silent or shorter than one 400 ms block, so that its
/// integrated loudness is undefined.
Result<Loudness> measure_loudness(const std::string& path);

/// probe() and then measure_loudness() of every path, on up to `threads` threads
/// (0: one per core), filling MediaInfo::loudness. Each result goes to `sink` in the
/// order of `paths` as soon as it and all before it are done; `sink` runs on one
/// thread at a time (any of them). A file that probes but cannot be measured gives
/// the measuring error.
void probe_loudness_each(const std::vector<std::string>& paths,
                         const std::function<void(size_t index, Result<MediaInfo> result)>& sink,
                         unsigned threads = 0);

}  // namespace podsmith
