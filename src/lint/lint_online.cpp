// The online rules: what a directory finds when it follows the feed's URLs. Every
// URL is fetched once, in parallel with a bound, through the HTTP client; the answers
// become findings at the element that named the URL. Three rounds: the enclosures
// (a HEAD and a two-byte Range request each, bodies capped at 1 MiB so that a server
// that ignores ranges does not send a whole episode), then the artwork (its first
// 64 KB), chapters, transcripts and the feed itself, then a conditional GET of the
// feed with the validators it gave.
#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "media/image_info.h"
#include "lint/lint_rules.h"
#include "podsmith/workspace/chapters.h"
#include "podsmith/base/http_client.h"
#include "podsmith/base/text.h"
#include "podsmith/workspace/transcripts.h"

namespace podsmith {
namespace lint {
namespace {

HttpRequest request(std::string method, std::string url,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.headers = std::move(headers);
  return r;
}

constexpr Rule kRules[] = {
    {"apple/enclosure-reachable", Severity::kError, kApple | kPsp1 | kSpotify,
     "each enclosure answers a HEAD request with 2xx", nullptr, nullptr},
    {"apple/enclosure-byte-ranges", Severity::kError, kApple | kPsp1 | kSpotify,
     "each enclosure's server answers a Range request with 206 (Apple requires byte ranges)", nullptr, nullptr},
    {"apple/enclosure-length-match", Severity::kError, kApple | kPsp1 | kSpotify,
     "each enclosure's Content-Length is its length attribute", nullptr, nullptr},
    {"apple/enclosure-content-type", Severity::kWarning, kApple | kPsp1 | kSpotify,
     "each enclosure is served with the type the feed declares", nullptr, nullptr},
    {"apple/artwork-reachable", Severity::kError, kApple | kPsp1 | kSpotify, "the artwork can be fetched", nullptr,
     nullptr},
    {"apple/artwork-format", Severity::kError, kApple | kPsp1 | kSpotify,
     "the artwork is a JPEG or PNG whose URL's extension matches", nullptr, nullptr},
    {"apple/artwork-dimensions", Severity::kError, kApple | kPsp1, "the artwork is square, 1400 to 3000 px", nullptr,
     nullptr},
    {"apple/artwork-colour", Severity::kError, kApple | kPsp1, "the artwork is RGB (not greyscale or CMYK)", nullptr,
     nullptr},
    {"apple/artwork-alpha", Severity::kWarning, kApple | kPsp1, "the artwork has no alpha channel", nullptr, nullptr},
    {"podcastindex/chapters-reachable", Severity::kError, kPodcastIndex, "the JSON chapters can be fetched", nullptr,
     nullptr},
    {"podcastindex/chapters-valid", Severity::kError, kPodcastIndex, "the JSON chapters are valid", nullptr, nullptr},
    {"podcastindex/transcript-reachable", Severity::kError, kPsp1 | kPodcastIndex, "each transcript can be fetched",
     nullptr, nullptr},
    {"podcastindex/transcript-content", Severity::kWarning, kPsp1 | kPodcastIndex,
     "each transcript is of the type it is declared as", nullptr, nullptr},
    {"rss/feed-reachable", Severity::kError, kAllSets, "the feed can be fetched from its URL", nullptr, nullptr},
    {"rss/feed-cache-validators", Severity::kWarning, kAllSets, "the feed is served with an ETag or a Last-Modified",
     nullptr, nullptr},
    {"rss/feed-conditional-get", Severity::kWarning, kAllSets,
     "the feed's server answers a conditional GET with 304 Not Modified", nullptr, nullptr},
};

constexpr size_t kArtworkHeadBytes = 64 * 1024;
constexpr size_t kRangeRoundMaxBytes = 1024 * 1024;

bool is_http(std::string_view url) {
  const std::string scheme = url_scheme(url);
  return scheme == "http" || scheme == "https";
}

bool ok_status(const Result<HttpResponse>& r) { return r && r->status >= 200 && r->status <= 299; }

std::string failure(const Result<HttpResponse>& r, std::string_view what) {
  if (!r) return r.error().message;
  return std::string(what) + " was answered HTTP " + std::to_string(r->status);
}

std::string mime_of(const HttpResponse& r) {
  const std::string type = r.header("content-type").value_or("");
  return ascii_lower(trim(std::string_view(type).substr(0, type.find(';'))));
}

// Types that name the same kind of file ("audio/x-m4a" and "audio/mp4").
std::string media_family(std::string_view type) {
  const std::string t = ascii_lower(trim(type.substr(0, type.find(';'))));
  if (t == "audio/mpeg" || t == "audio/mp3" || t == "audio/mpeg3" || t == "audio/x-mpeg" || t == "audio/x-mp3")
    return "mp3";
  if (t == "audio/x-m4a" || t == "audio/m4a" || t == "audio/mp4" || t == "audio/aac" || t == "audio/x-aac")
    return "m4a";
  if (t == "video/mp4" || t == "video/x-m4v" || t == "video/m4v") return "mp4";
  return t;
}

// A Content-Range's total ("bytes 0-1/77983" -> 77983); -1 when absent or "*".
int64_t content_range_total(const HttpResponse& r) {
  const std::string range = r.header("content-range").value_or("");
  const size_t slash = range.rfind('/');
  if (slash == std::string::npos) return -1;
  int64_t total = 0;
  const std::string_view digits = trim(std::string_view(range).substr(slash + 1));
  if (digits.empty()) return -1;
  for (char ch : digits) {
    if (ch < '0' || ch > '9' || total > (INT64_MAX - 9) / 10) return -1;
    total = total * 10 + (ch - '0');
  }
  return total;
}

int64_t content_length(const HttpResponse& r) {
  const std::string v = r.header("content-length").value_or("");
  if (v.empty()) return -1;
  int64_t n = 0;
  for (char ch : trim(v)) {
    if (ch < '0' || ch > '9' || n > (INT64_MAX - 9) / 10) return -1;
    n = n * 10 + (ch - '0');
  }
  return n;
}

// The component count of a JPEG's frame header (SOFn), which stb_image's info call
// reports as 3 for CMYK and YCCK (4 components) too; 0 when not found.
int jpeg_components(std::string_view b) {
  size_t i = 2;  // after SOI
  while (i + 4 <= b.size()) {
    if (static_cast<unsigned char>(b[i]) != 0xFF) return 0;
    const auto marker = static_cast<unsigned char>(b[i + 1]);
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length
      i += 2;
      continue;
    }
    const size_t length =
        static_cast<size_t>(static_cast<unsigned char>(b[i + 2])) << 8 | static_cast<unsigned char>(b[i + 3]);
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) return i + 9 < b.size() ? static_cast<unsigned char>(b[i + 9]) : 0;
    if (marker == 0xDA || length < 2) return 0;  // scan data before a frame header: give up
    i += 2 + length;
  }
  return 0;
}

struct Target {
  std::string url;
  const FeedElement* at = nullptr;
};

// First element per URL, in document order.
class Targets {
 public:
  void add(std::string_view url, const FeedElement* at) {
    if (!is_http(url)) return;  // rss/url-valid reports it
    if (seen_.emplace(std::string(url), list_.size()).second) list_.push_back({std::string(url), at});
  }
  const std::vector<Target>& list() const { return list_; }

 private:
  std::unordered_map<std::string, size_t> seen_;
  std::vector<Target> list_;
};

class OnlineCheck {
 public:
  OnlineCheck(const FeedDocument& doc, const LintOptions& options, const OnlineLintOptions& online)
      : doc_(doc),
        options_(options),
        online_(online),
        sets_(selected_sets(options.rule_sets)),
        check_(doc, options, &findings_) {}

  std::vector<Finding> run() {
    collect();
    total_ = 2 * enclosures_.list().size() + artwork_.list().size() + chapters_.list().size() +
             transcripts_.list().size() + (feed_url_.empty() ? 0 : 2);
    check_enclosures();
    check_second_round();
    std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.line, a.column, a.rule) < std::tie(b.line, b.column, b.rule);
    });
    return std::move(findings_);
  }

 private:
  bool enabled(std::string_view prefix) const {
    for (const Rule& r : kRules)
      if (r.id.substr(0, prefix.size()) == prefix && (r.sets & sets_)) return true;
    return false;
  }

  void report(std::string_view id, const FeedElement* at, std::string message, std::string hint = {}) {
    const Rule* rule = find_rule(id);
    if (!rule || !(rule->sets & sets_)) return;
    check_.set_rule(rule);
    check_.report(at, std::move(message), std::move(hint));
  }

  void collect() {
    const FeedElement& ch = *doc_.channel;
    if (enabled("apple/enclosure-"))
      for (const FeedElement* item : doc_.items)
        if (const FeedElement* e = item->child("", "enclosure")) enclosures_.add(attr(e, "url"), e);
    if (enabled("apple/artwork-")) {
      if (const FeedElement* img = ch.child(kItunesNs, "image")) artwork_.add(attr(img, "href"), img);
      for (const FeedElement* item : doc_.items)
        if (const FeedElement* img = item->child(kItunesNs, "image")) artwork_.add(attr(img, "href"), img);
    }
    if (enabled("podcastindex/chapters-"))
      for (const FeedElement* item : doc_.items)
        if (const FeedElement* e = item->child(kPodcastNs, "chapters")) chapters_.add(attr(e, "url"), e);
    if (enabled("podcastindex/transcript-"))
      for (const FeedElement* item : doc_.items)
        for (const FeedElement* t : item->children_named(kPodcastNs, "transcript")) transcripts_.add(attr(t, "url"), t);
    if (enabled("rss/feed-")) {
      const FeedElement* self = self_link(ch);
      feed_at_ = self ? self : &ch;
      std::string url = options_.fetched_from.empty() ? std::string(attr(self, "href")) : options_.fetched_from;
      if (is_http(url)) feed_url_ = std::move(url);
    }
  }

  HttpOptions http_options(size_t max_body, bool gzip) {
    HttpOptions o;
    o.timeout_s = online_.timeout_s;
    o.connect_timeout_s = std::min(10, online_.timeout_s);
    o.low_speed_timeout_s = std::min(20, online_.timeout_s);
    o.max_body_bytes = max_body;
    o.accept_gzip = gzip;
    o.ca_file = online_.ca_file;
    const size_t base = done_;
    if (online_.progress) {
      o.progress = [this, base](int64_t done, int64_t) { online_.progress(base + static_cast<size_t>(done), total_); };
    }
    return o;
  }

  std::vector<Result<HttpResponse>> fetch(const std::vector<HttpRequest>& requests, size_t max_body, bool gzip) {
    if (requests.empty()) return {};
    auto results = http_fetch_all(requests, http_options(max_body, gzip), std::max(1, online_.parallel));
    done_ += requests.size();
    if (online_.progress) online_.progress(done_, total_);
    return results;
  }

  // Round 1: HEAD for the size and type, then bytes=0-1, which Apple requires
  // servers to answer with 206 Partial Content. No gzip: the size must be the file's.
  void check_enclosures() {
    std::vector<HttpRequest> requests;
    for (const Target& t : enclosures_.list()) {
      requests.push_back(request("HEAD", t.url));
      requests.push_back(request("GET", t.url, {{"Range", "bytes=0-1"}}));
    }
    const auto results = fetch(requests, kRangeRoundMaxBytes, false);
    for (size_t i = 0; i < enclosures_.list().size(); ++i)
      check_enclosure(enclosures_.list()[i], results[2 * i], results[2 * i + 1]);
  }

  void check_enclosure(const Target& t, const Result<HttpResponse>& head, const Result<HttpResponse>& range) {
    const FeedElement* e = t.at;
    if (!ok_status(head)) {
      report("apple/enclosure-reachable", e, "the enclosure " + quote(t.url) + ": " + failure(head, "a HEAD request"),
             "directories check each episode with HEAD; the file must be there and public");
      return;
    }
    int64_t size = content_length(*head);
    if (!range) {
      const bool too_much = range.error().code == ErrorCode::kInvalidInput;
      report("apple/enclosure-byte-ranges", e,
             "the enclosure " + quote(t.url) + ": " +
                 (too_much ? "a request for 2 bytes was answered with more than 1 MiB: the server ignores Range"
                           : "the Range request failed: " + range.error().message),
             "serve media from a server that answers Range requests with 206 Partial Content");
    } else if (range->status != 206) {
      report("apple/enclosure-byte-ranges", e,
             "the enclosure " + quote(t.url) + " was answered HTTP " + std::to_string(range->status) +
                 " to a Range request, not 206 Partial Content",
             "Apple requires byte-range support: serve media from a server that answers Range with 206");
    } else if (size < 0) {
      size = content_range_total(*range);
    }
    const std::string_view declared = attr(e, "length");
    int64_t length = -1;
    if (!declared.empty() && declared.size() < 19 &&
        std::all_of(declared.begin(), declared.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      length = std::stoll(std::string(declared));
    if (size >= 0 && length >= 0 && size != length)
      report("apple/enclosure-length-match", e,
             "the enclosure " + quote(t.url) + " is " + std::to_string(size) + " bytes but length says " +
                 std::to_string(length),
             "set length=\"" + std::to_string(size) + "\" (the file's size in bytes)");
    const std::string served = mime_of(*head);
    const std::string_view type = attr(e, "type");
    if (!served.empty() && !type.empty() && media_family(served) != media_family(type))
      report("apple/enclosure-content-type", e,
             "the enclosure " + quote(t.url) + " is served as " + served + " but declared " + std::string(type),
             served == "application/octet-stream" || served == "binary/octet-stream"
                 ? "configure the server to send the media's own type (audio/mpeg for .mp3)"
                 : "make the feed's type and the server's Content-Type agree");
  }

  // Round 2 (artwork, chapters, transcripts, the feed) and round 3 (the conditional GET).
  void check_second_round() {
    std::vector<HttpRequest> requests;
    for (const Target& t : artwork_.list())
      requests.push_back(
          request("GET", t.url, {{"Range", "bytes=0-" + std::to_string(kArtworkHeadBytes - 1)}}));
    for (const Target& t : chapters_.list()) requests.push_back(request("GET", t.url));
    for (const Target& t : transcripts_.list()) requests.push_back(request("GET", t.url));
    if (!feed_url_.empty()) requests.push_back(request("GET", feed_url_));
    const auto results = fetch(requests, HttpOptions{}.max_body_bytes, true);
    size_t i = 0;
    for (const Target& t : artwork_.list()) check_artwork(t, results[i++]);
    for (const Target& t : chapters_.list()) check_chapters(t, results[i++]);
    for (const Target& t : transcripts_.list()) check_transcript(t, results[i++]);
    if (!feed_url_.empty()) check_feed(results[i]);
  }

  void check_artwork(const Target& t, const Result<HttpResponse>& r) {
    const FeedElement* e = t.at;
    if (!ok_status(r)) {
      report("apple/artwork-reachable", e, "the artwork " + quote(t.url) + ": " + failure(r, "the request"),
             "the artwork must be public at that URL; Apple fetches it with HEAD and GET");
      return;
    }
    const ImageInfo info = read_image_info(r->body);
    if (info.mime_type != "image/jpeg" && info.mime_type != "image/png") {
      report("apple/artwork-format", e,
             "the artwork " + quote(t.url) + " is " +
                 (info.mime_type.empty() ? "not an image podsmith recognizes" : info.mime_type) + ", not JPEG or PNG",
             "save the artwork as JPEG or PNG");
      return;
    }
    const std::string ext = url_extension(t.url);
    const bool jpeg = info.mime_type == "image/jpeg";
    if ((ext == "png" && jpeg) || ((ext == "jpg" || ext == "jpeg") && !jpeg))
      report("apple/artwork-format", e,
             "the artwork " + quote(t.url) + " is a " + (jpeg ? "JPEG" : "PNG") + " but its URL ends in ." + ext,
             std::string("\"Make sure the file type in the URL matches the actual file type\": name it .") +
                 (jpeg ? "jpg" : "png"));
    // A JPEG whose frame header lies past the first 64 KB (a large EXIF block) has
    // no size here; the size rules cannot judge it, and say nothing.
    if (info.width == 0) return;
    const std::string size = std::to_string(info.width) + "×" + std::to_string(info.height);
    if (info.width != info.height)
      report("apple/artwork-dimensions", e, "the artwork " + quote(t.url) + " is " + size + ", not square",
             "Apple takes square artwork, 1400×1400 to 3000×3000 px");
    else if (info.width < 1400 || info.width > 3000)
      report("apple/artwork-dimensions", e,
             "the artwork " + quote(t.url) + " is " + size + (info.width < 1400 ? ", smaller than" : ", larger than") +
                 " Apple's " + (info.width < 1400 ? "1400×1400" : "3000×3000"),
             "export the artwork at 3000×3000 px (at least 1400×1400)");
    const int components = jpeg ? std::max(info.components, jpeg_components(r->body)) : info.components;
    if (components == 1 || components == 2 || (jpeg && components == 4))
      report("apple/artwork-colour", e,
             "the artwork " + quote(t.url) + " is " + (components == 4 ? "CMYK" : "greyscale") + ", not RGB",
             "save it in the RGB colour space");
    else if (!jpeg && components == 4)
      report("apple/artwork-alpha", e, "the artwork " + quote(t.url) + " has an alpha channel",
             "save the PNG without transparency (or as a JPEG)");
  }

  void check_chapters(const Target& t, const Result<HttpResponse>& r) {
    if (!ok_status(r)) {
      report("podcastindex/chapters-reachable", t.at, "the chapters " + quote(t.url) + ": " + failure(r, "the request"),
             "publish the JSON chapters file at that URL");
      return;
    }
    const auto parsed = parse_chapters_json(r->body, t.url);
    if (!parsed)
      report("podcastindex/chapters-valid", t.at, "the chapters file is not valid: " + parsed.error().to_string(),
             "a JSON chapters file is {\"version\": \"1.2.0\", \"chapters\": [{\"startTime\": 0, \"title\": ...}]}");
  }

  void check_transcript(const Target& t, const Result<HttpResponse>& r) {
    if (!ok_status(r)) {
      report("podcastindex/transcript-reachable", t.at,
             "the transcript " + quote(t.url) + ": " + failure(r, "the request"), "publish the transcript at that URL");
      return;
    }
    const std::string_view declared = attr(t.at, "type");
    if (const std::optional<Error> problem = podsmith::check_transcript(r->body, declared, t.url)) {
      report("podcastindex/transcript-content", t.at,
             "the transcript is not " + std::string(declared) + ": " + problem->to_string(),
             "make type=\"...\" the file's real type, or fix the file");
      return;
    }
    // A server type that names something else (often text/html: an error page).
    const std::string served = mime_of(*r);
    if (!served.empty() && served != "application/octet-stream" && served != "binary/octet-stream" &&
        served != "text/plain" && served != ascii_lower(trim(declared.substr(0, declared.find(';')))))
      report("podcastindex/transcript-content", t.at,
             "the transcript " + quote(t.url) + " is served as " + served + " but declared " + std::string(declared),
             "configure the server to send the transcript's type");
  }

  void check_feed(const Result<HttpResponse>& r) {
    if (!ok_status(r)) {
      report("rss/feed-reachable", feed_at_, "the feed " + quote(feed_url_) + ": " + failure(r, "the request"),
             "the self link must be where the feed is served");
      return;
    }
    const std::optional<std::string> etag = r->header("etag");
    const std::optional<std::string> modified = r->header("last-modified");
    if (!etag && !modified) {
      report("rss/feed-cache-validators", feed_at_,
             "the feed " + quote(feed_url_) + " is served with neither an ETag nor a Last-Modified",
             "directories poll feeds often; validators let them ask \"has it changed?\" for free");
      return;
    }
    HttpRequest conditional = request("GET", feed_url_);
    if (etag) conditional.headers.emplace_back("If-None-Match", *etag);
    if (modified) conditional.headers.emplace_back("If-Modified-Since", *modified);
    const auto results = fetch({conditional}, HttpOptions{}.max_body_bytes, true);
    const Result<HttpResponse>& again = results.front();
    if (!again || again->status != 304)
      report("rss/feed-conditional-get", feed_at_,
             "the feed " + quote(feed_url_) + ": a conditional GET (" + (etag ? "If-None-Match" : "If-Modified-Since") +
                 ") " +
                 (again ? "was answered HTTP " + std::to_string(again->status) + ", not 304"
                        : "failed: " + again.error().message),
             "serve the feed so that an unchanged feed is answered 304 Not Modified");
  }

  const FeedDocument& doc_;
  const LintOptions& options_;
  const OnlineLintOptions& online_;
  unsigned sets_;
  std::vector<Finding> findings_;
  Check check_;
  Targets enclosures_, artwork_, chapters_, transcripts_;
  std::string feed_url_;
  const FeedElement* feed_at_ = nullptr;
  size_t total_ = 0;
  size_t done_ = 0;
};

}  // namespace

std::span<const Rule> online_rules() { return kRules; }

}  // namespace lint

std::vector<Finding> lint_online(const FeedDocument& doc, const LintOptions& options, const OnlineLintOptions& online) {
  if (!doc.channel) return {};
  return lint::OnlineCheck(doc, options, online).run();
}

}  // namespace podsmith
