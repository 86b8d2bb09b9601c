/// Gets a feed's bytes from a file or an http(s) URL, for lint and import: one
/// place that decides what an argument means. Remote feeds go through the HTTP
/// client (timeouts, size limit, redirects only to http/https, gzip).
#pragma once

#include <string>

#include "podsmith/base/error.h"

namespace podsmith {

struct FeedBytes {
  std::string bytes;
  std::string url;  // the final URL after redirects; empty for a file
};

/// True when `argument` is an http:// or https:// URL.
bool is_feed_url(const std::string& argument);

/// Reads the file, or fetches the URL (a non-2xx answer is an error naming the
/// status). Errors name the file or the URL (without credentials).
Result<FeedBytes> load_feed(const std::string& file_or_url);

}  // namespace podsmith
