#include "podsmith/publish/notify.h"

#include "podsmith/base/text.h"

namespace podsmith {

std::string query_encode(const std::string& s) { return percent_encode(s); }

namespace {

std::string with_query(const std::string& base, const std::string& query) {
  return base + (base.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

std::vector<Ping> make_pings(const std::string& feed_url, const std::vector<std::string>& hubs,
                             const PublishSettings& settings, const std::string& podping_token,
                             const std::string& medium, bool* missing_token) {
  std::vector<Ping> pings;
  if (settings.websub) {
    // W3C WebSub leaves publishing to the hub; the form below is what the
    // public hubs (Google's pubsubhubbub, Superfeedr, WebSubHub) accept.
    for (const std::string& hub : hubs) {
      Ping p{"websub", {}};
      p.request.method = "POST";
      p.request.url = hub;
      p.request.body = "hub.mode=publish&hub.url=" + query_encode(feed_url);
      pings.push_back(std::move(p));
    }
  }
  if (settings.podcast_index) {
    Ping p{"podcastindex", {}};
    p.request.url = with_query(settings.podcast_index_url, "url=" + query_encode(feed_url));
    pings.push_back(std::move(p));
  }
  if (missing_token) *missing_token = settings.podping && podping_token.empty();
  if (settings.podping && !podping_token.empty()) {
    Ping p{"podping", {}};
    p.request.url = with_query(settings.podping_url, "url=" + query_encode(feed_url) + "&reason=update&medium=" +
                                                         query_encode(medium.empty() ? "podcast" : medium));
    p.request.headers.emplace_back("Authorization", podping_token);
    pings.push_back(std::move(p));
  }
  return pings;
}

std::vector<PingResult> send_pings(const std::vector<Ping>& pings, const HttpOptions& options) {
  std::vector<HttpRequest> requests;
  for (const Ping& p : pings) requests.push_back(p.request);
  const auto results = http_fetch_all(requests, options);
  std::vector<PingResult> out;
  for (size_t i = 0; i < results.size(); ++i) {
    PingResult r;
    r.service = pings[i].service;
    r.url = redact_url(pings[i].request.url);
    if (!results[i]) {
      r.message = results[i].error().message;
    } else {
      r.status = results[i]->status;
      r.ok = r.status >= 200 && r.status <= 299;
      if (!r.ok) r.message = r.url + " answered HTTP " + std::to_string(r.status);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace podsmith
