#include "podsmith/feed/feed_source.h"

#include "podsmith/base/file_io.h"
#include "podsmith/base/http_client.h"

namespace podsmith {

bool is_feed_url(const std::string& argument) {
  return argument.rfind("https://", 0) == 0 || argument.rfind("http://", 0) == 0;
}

Result<FeedBytes> load_feed(const std::string& file_or_url) {
  if (!is_feed_url(file_or_url)) {
    auto bytes = read_file(file_or_url);
    if (!bytes) return bytes.error();
    return FeedBytes{std::move(*bytes), {}};
  }
  HttpRequest request;
  request.url = file_or_url;
  request.headers = {{"Accept", "application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"}};
  auto response = http_fetch(request);
  if (!response) return response.error();
  if (response->status < 200 || response->status > 299)
    return Error{ErrorCode::kUnreadable, "the server answered HTTP " + std::to_string(response->status),
                 redact_url(file_or_url), 0, 0};
  return FeedBytes{std::move(response->body), response->effective_url};
}

}  // namespace podsmith
