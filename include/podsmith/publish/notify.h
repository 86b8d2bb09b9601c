/// Telling the directories that a feed changed, once it is published: the WebSub
/// hubs the feed names (POST hub.mode=publish&hub.url=FEED), the Podcast Index
/// (GET pubnotify?url=FEED) and Podping (GET ?url=FEED&reason=update&medium=...
/// with the Authorization token). Builds the requests and sends them; a failure
/// is a result to report, never an exception.
#pragma once

#include <string>
#include <vector>

#include "podsmith/base/http_client.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {

struct Ping {
  std::string service;  // "websub", "podcastindex", "podping"
  HttpRequest request;
};

struct PingResult {
  std::string service;
  std::string url;      // as redact_url prints it
  bool ok = false;      // a 2xx answer
  int status = 0;       // 0 when there was no answer
  std::string message;  // what went wrong, when not ok
};

/// The pings for `feed_url` per `settings`: one per hub in `hubs` (when
/// settings.websub), the Podcast Index (settings.podcast_index), Podping
/// (settings.podping; needs `podping_token`, else it is left out and
/// `*missing_token` set). `medium` is the feed's podcast:medium (default podcast).
std::vector<Ping> make_pings(const std::string& feed_url, const std::vector<std::string>& hubs,
                             const PublishSettings& settings, const std::string& podping_token,
                             const std::string& medium, bool* missing_token);

/// Sends the pings in parallel and says how each went, in order.
std::vector<PingResult> send_pings(const std::vector<Ping>& pings, const HttpOptions& options = {});

/// `s` percent-encoded for a query string or form value (all but RFC 3986's
/// unreserved characters).
std::string query_encode(const std::string& s);

}  // namespace podsmith
