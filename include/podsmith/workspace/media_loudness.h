/// For `build --lint`'s loudness rules: the loudness of a feed's local media,
/// measured once per file version and kept in the probe cache
/// (.podsmith/probe-cache.json, keyed as build keys it: path, size, mtime), so a
/// later lint of unchanged media decodes nothing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"
#include "podsmith/base/model.h"

namespace podsmith {

struct FeedMediaLoudness {
  double target_lufs = -16;    // the feed's [loudness] (or [encode]) target
  double true_peak_dbtp = -1;  // ... and ceiling
  std::map<std::string, MediaInfo> by_url;  // enclosure URL -> its file's MediaInfo with loudness
  std::vector<Error> errors;   // files that could not be measured (silent, not decodable)
};

/// Measures the media of `show`'s episodes (those with a local file) in the workspace
/// at `root`, on every core, reusing and updating the probe cache.
FeedMediaLoudness measure_feed_media(const std::string& root, const Show& show);

}  // namespace podsmith
