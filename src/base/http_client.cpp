// The only file that includes <curl/curl.h>: libcurl's handles, codes and callbacks
// are turned into HttpResponse and Error here and nowhere else.
#include "podsmith/base/http_client.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <set>

#include "podsmith/base/file_io.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRetryAfterS = 30;

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && to_lower(a) == to_lower(b);
}

// curl_global_init is not thread-safe on every build; a function-local static is
// initialised exactly once even when threads race to it.
CURLcode init_curl_once() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  return code;
}

// "URL: what", with the URL as redact_url prints it.
Error make_error(ErrorCode code, const std::string& url, const std::string& what) {
  return Error{code, redact_url(url) + ": " + what, "", 0, 0};
}

// What went wrong in one attempt, and whether another attempt may help.
enum class Retry { kNo, kAlways, kIfIdempotent };

// The state of one http_download across its attempts.
struct Download {
  std::string path;
  std::string part;            // path + ".part"
  std::string validator_file;  // part + ".validator"
  std::string validator;       // If-Range of the answer that began .part; empty: none known
  std::FILE* file = nullptr;   // .part, open while a body arrives

  int64_t initial = -1;        // bytes in .part when the call began (-1: not looked yet)
  int64_t resumed = 0;         // of those, still in .part (0 once .part starts over)
  bool started_over = false;   // .part was discarded once for an answer that did not fit

  // Of the attempt in flight.
  int64_t offset = 0;          // bytes in .part when the attempt began: the Range asked for
  int64_t written = 0;         // bytes appended since
  int64_t expected = -1;       // the whole file's size as the answer says; -1: unknown
  bool decided = false;        // the answer's first body byte (or its end) was seen
  bool to_file = false;        // its body goes to .part (a 2xx)
  bool too_large = false;      // the file passed max_file_bytes
  std::string file_error;      // .part could not be written: why
  std::string range_error;     // a 206 that does not continue .part: what it said

  bool complete = false;
  int64_t size = 0;

  ~Download() { close(); }
  bool close() {
    if (!file) return true;
    const bool ok = std::fclose(file) == 0;
    file = nullptr;
    return ok;
  }
};

// One request through all its attempts. Held by unique_ptr: libcurl keeps its address.
struct Transfer {
  const HttpRequest* request = nullptr;
  const HttpOptions* options = nullptr;
  bool progress_bytes = false;  // call options->progress with bytes (http_fetch)
  size_t index = 0;             // position in the caller's list, for upload_progress

  std::FILE* upload = nullptr;  // request->body_file, open during an attempt
  int64_t upload_offset = 0;    // where in it the body begins
  int64_t upload_length = 0;    // and how many bytes it has
  int64_t upload_left = 0;      // of those, not yet handed to libcurl
  std::string start_error;      // why the attempt could not start

  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};

  // Of the attempt in flight.
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // of the response being read
  std::string location;  // Location of the latest response, for messages
  bool too_large = false;
  curl_off_t reported_now = -1;
  curl_off_t reported_total = -1;
  curl_off_t reported_sent = -1;
  std::exception_ptr callback_error;

  std::unique_ptr<Download> download;  // http_download: the body goes to a file

  int attempts = 0;
  Clock::time_point not_before{};
  std::optional<Result<HttpResponse>> result;

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() { release(); }

  void release() {
    if (easy) curl_easy_cleanup(easy);  // also removes it from a multi handle
    easy = nullptr;
    curl_slist_free_all(header_list);
    header_list = nullptr;
    if (upload) std::fclose(upload);
    upload = nullptr;
    if (download) download->close();
  }
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t length = size * count;
  const std::string_view line = trim(std::string_view(data, length));
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100 Continue): only the last one counts.
    t->headers.clear();
    return length;
  }
  if (line.empty()) return length;
  const char first = data[0];
  if ((first == ' ' || first == '\t') && !t->headers.empty()) {  // obsolete line folding
    t->headers.back().second += ' ';
    t->headers.back().second += line;
    return length;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return length;
  std::string name = to_lower(trim(line.substr(0, colon)));
  std::string value(trim(line.substr(colon + 1)));
  if (name == "location") t->location = value;
  t->headers.emplace_back(std::move(name), std::move(value));
  return length;
}

// "bytes 1000-1099/200000", "bytes 1000-1099/*" or "bytes */200000" (RFC 9110
// 14.4); -1 for a part given as "*". False when it is none of these.
bool parse_content_range(std::string_view value, int64_t* first, int64_t* last, int64_t* total) {
  auto number = [](std::string_view s, int64_t* out) {
    if (s == "*") {
      *out = -1;
      return true;
    }
    if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    *out = std::stoll(std::string(s));
    return true;
  };
  value = trim(value);
  if (!value.starts_with("bytes ")) return false;
  value.remove_prefix(6);
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos || !number(trim(value.substr(slash + 1)), total)) return false;
  const std::string_view range = trim(value.substr(0, slash));
  if (range == "*") {
    *first = *last = -1;
    return true;
  }
  const size_t dash = range.find('-');
  return dash != std::string_view::npos && number(range.substr(0, dash), first) &&
         number(range.substr(dash + 1), last) && *first >= 0 && *last >= *first;
}

std::optional<std::string> header_of(const Transfer& t, std::string_view name) {
  for (const auto& [n, value] : t.headers) {
    if (n == name) return value;
  }
  return std::nullopt;
}

// What If-Range may carry to make sure resumed bytes are of the same file: a
// strong ETag, else Last-Modified (RFC 9110 13.1.5: never a weak ETag).
std::string validator_of(const Transfer& t) {
  if (auto etag = header_of(t, "etag"); etag && !etag->empty() && !etag->starts_with("W/")) return *etag;
  return header_of(t, "last-modified").value_or("");
}

void remove_file(const std::string& path) { std::remove(path.c_str()); }

// Writes (or, when there is none, removes) the validator kept beside .part, so that
// a later call resumes only the same file. Written after .part was (re)started: a
// crash in between leaves an older validator, which makes the server send the
// whole file again, never splices two files.
void store_validator(Download& d, std::string validator) {
  d.validator = std::move(validator);
  if (d.validator.empty()) {
    remove_file(d.validator_file);
  } else {
    (void)write_file_atomically(d.validator_file, d.validator + "\n");  // without it, resumes are unchecked
  }
}

// The first body byte of an answer to http_download: a 2xx goes to .part (a 206
// appends, anything else starts it over); other answers stay in memory. False
// aborts the transfer.
bool begin_download_body(Transfer& t) {
  Download& d = *t.download;
  d.decided = true;
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return true;
  d.to_file = true;
  const int64_t limit = t.options->max_file_bytes;
  if (status == 206) {
    int64_t first = 0, last = 0, total = 0;
    const auto range = header_of(t, "content-range");
    if (!range || !parse_content_range(*range, &first, &last, &total) || first != d.offset) {
      d.range_error = "answered " + (range ? "Content-Range: " + clean_text(*range) : std::string("206 without a Content-Range")) +
                      " to Range: bytes=" + std::to_string(d.offset) + "-";
      return false;
    }
    d.expected = total;
    d.file = std::fopen(d.part.c_str(), "ab");
    if (d.file && d.validator.empty()) store_validator(d, validator_of(t));
  } else {
    d.offset = 0;
    d.resumed = 0;
    d.file = std::fopen(d.part.c_str(), "wb");
    const curl_off_t announced = [&] {
      curl_off_t v = -1;
      curl_easy_getinfo(t.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &v);
      return v;
    }();
    d.expected = announced >= 0 ? static_cast<int64_t>(announced) : -1;
    if (d.file) store_validator(d, validator_of(t));
  }
  if (!d.file) {
    d.file_error = std::strerror(errno);
    return false;
  }
  if (limit > 0 && d.expected > limit) {
    d.too_large = true;
    return false;
  }
  return true;
}

// The body of an answer to http_download: a 2xx to .part, others into memory.
size_t on_download_body(Transfer* t, char* data, size_t length) {
  Download& d = *t->download;
  if (!d.decided && !begin_download_body(*t)) return 0;
  if (!d.to_file) return std::string::npos;  // not the file: kept in memory below
  if (std::fwrite(data, 1, length, d.file) != length) {
    d.file_error = std::strerror(errno);
    return 0;
  }
  d.written += static_cast<int64_t>(length);
  const int64_t limit = t->options->max_file_bytes;
  if (limit > 0 && d.offset + d.written > limit) {
    d.too_large = true;
    return 0;
  }
  return length;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t length = size * count;
  if (t->download) {
    if (const size_t n = on_download_body(t, data, length); n != std::string::npos) return n;
  }
  const size_t limit = t->options->max_body_bytes;
  if (t->body.empty()) {
    // Refuse early what announces itself as too large; what does not announce
    // itself, or lies, is caught below as it arrives.
    curl_off_t announced = -1;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
    if (announced > 0 && static_cast<uint64_t>(announced) > limit) {
      t->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    if (announced > 0) t->body.reserve(static_cast<size_t>(announced));
  }
  if (length > limit - t->body.size()) {
    t->too_large = true;
    return 0;
  }
  t->body.append(data, length);
  return length;
}

// Reads the body's range of the file, and nothing past it.
size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t wanted = std::min(size * count, static_cast<size_t>(std::max<int64_t>(t->upload_left, 0)));
  if (wanted == 0) return 0;
  const size_t n = std::fread(buffer, 1, wanted, t->upload);
  if (n == 0 && std::ferror(t->upload)) return CURL_READFUNC_ABORT;
  t->upload_left -= static_cast<int64_t>(n);
  return n;
}

// curl rewinds the body when it must send it again (authentication, a redirect);
// offsets are within the body, which may begin inside the file.
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  const int64_t done = t->upload_length - t->upload_left;
  const int64_t target = origin == SEEK_SET   ? static_cast<int64_t>(offset)
                         : origin == SEEK_CUR ? done + static_cast<int64_t>(offset)
                                              : t->upload_length + static_cast<int64_t>(offset);
  if (target < 0 || target > t->upload_length) return CURL_SEEKFUNC_FAIL;
  if (fseeko(t->upload, static_cast<off_t>(t->upload_offset + target), SEEK_SET) != 0) return CURL_SEEKFUNC_FAIL;
  t->upload_left = t->upload_length - target;
  return CURL_SEEKFUNC_OK;
}

int on_progress(void* user, curl_off_t dl_total, curl_off_t dl_now, curl_off_t ul_total, curl_off_t ul_now) {
  auto* t = static_cast<Transfer*>(user);
  try {
    const HttpOptions& o = *t->options;
    if (o.upload_progress && ul_total > 0 && ul_now != t->reported_sent) {
      t->reported_sent = ul_now;
      o.upload_progress(t->index, static_cast<int64_t>(ul_now), static_cast<int64_t>(ul_total));
    }
    if (t->download) {
      // The whole file, resumed bytes included, and only once the answer is the file.
      const Download& d = *t->download;
      if (!d.to_file) return 0;
      const curl_off_t done = d.offset + d.written;
      const curl_off_t total = d.expected > 0 ? d.expected : 0;
      if (done == t->reported_now && total == t->reported_total) return 0;
      t->reported_now = done;
      t->reported_total = total;
      if (t->progress_bytes && o.progress) o.progress(done, total);
      if (o.download_progress) o.download_progress(t->index, done, total);
      return 0;
    }
    if (!t->progress_bytes || !o.progress) return 0;
    if (dl_now == t->reported_now && dl_total == t->reported_total) return 0;
    t->reported_now = dl_now;
    t->reported_total = dl_total;
    o.progress(static_cast<int64_t>(dl_now), static_cast<int64_t>(dl_total));
  } catch (...) {
    // An exception must not cross libcurl's C frames: stop, and rethrow later.
    t->callback_error = std::current_exception();
    return 1;
  }
  return 0;
}

// Checks the URL before anything is sent. curl would refuse other schemes too (we
// restrict CURLOPT_PROTOCOLS_STR), but this way the message says why.
std::optional<Error> check_url(const std::string& url) {
  CURLU* u = curl_url();
  if (!u) return Error{ErrorCode::kInvalidInput, "out of memory", "", 0, 0};
  std::optional<Error> error;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    error = make_error(ErrorCode::kInvalidInput, url, "not a valid absolute URL");
  } else {
    char* scheme = nullptr;
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || !scheme ||
        (std::strcmp(scheme, "http") != 0 && std::strcmp(scheme, "https") != 0)) {
      error = make_error(ErrorCode::kInvalidInput, url, "only http and https URLs are fetched");
    }
    curl_free(scheme);
  }
  curl_url_cleanup(u);
  return error;
}

// A line break in a header would let its value smuggle in headers (or a request)
// of its own; a colon in a name would split it.
std::optional<std::string> check_headers(const HttpRequest& request, const HttpOptions& options) {
  auto breaks_line = [](std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; };
  if (breaks_line(options.user_agent)) return "the User-Agent holds a line break";
  if (breaks_line(request.method) || request.method.find(' ') != std::string::npos) {
    return "the method is not a single token";
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || breaks_line(name) || name.find_first_of(": \t") != std::string::npos) {
      return "the header name '" + clean_text(name) + "' is not a single token";
    }
    if (breaks_line(value)) return "the value of header " + name + " holds a line break";
  }
  return std::nullopt;
}

bool has_header(const HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

// Sets up a fresh easy handle for the next attempt of `t`.
bool start_attempt(Transfer& t) {
  t.release();
  t.body.clear();
  t.headers.clear();
  t.location.clear();
  t.too_large = false;
  t.reported_now = t.reported_total = t.reported_sent = -1;
  t.errbuf[0] = '\0';
  t.start_error.clear();
  ++t.attempts;

  const HttpRequest& r = *t.request;
  const HttpOptions& o = *t.options;
  curl_off_t upload_size = -1;
  if (!r.body_file.empty()) {
    t.upload = std::fopen(r.body_file.c_str(), "rb");
    struct stat st {};
    if (!t.upload || fstat(fileno(t.upload), &st) != 0 || !S_ISREG(st.st_mode)) {
      t.start_error = "cannot read " + r.body_file + ": " +
                      (t.upload ? std::string("not a regular file") : std::string(std::strerror(errno)));
      return false;
    }
    const int64_t file_size = static_cast<int64_t>(st.st_size);
    t.upload_offset = r.body_file_offset;
    t.upload_length = r.body_file_length < 0 ? file_size - r.body_file_offset : r.body_file_length;
    if (t.upload_offset < 0 || t.upload_length < 0 || t.upload_offset > file_size ||
        t.upload_length > file_size - t.upload_offset) {
      t.start_error = "cannot read bytes " + std::to_string(t.upload_offset) + " to " +
                      std::to_string(t.upload_offset + t.upload_length) + " of " + r.body_file + ": it has " +
                      std::to_string(file_size);
      return false;
    }
    if (t.upload_offset > 0 && fseeko(t.upload, static_cast<off_t>(t.upload_offset), SEEK_SET) != 0) {
      t.start_error = "cannot read " + r.body_file + ": " + std::strerror(errno);
      return false;
    }
    t.upload_left = t.upload_length;
    upload_size = static_cast<curl_off_t>(t.upload_length);
  }
  if (t.download) {
    Download& d = *t.download;
    d.offset = d.written = 0;
    d.expected = -1;
    d.decided = d.to_file = d.too_large = false;
    d.file_error.clear();
    d.range_error.clear();
    struct stat st {};
    if (::stat(d.part.c_str(), &st) == 0) {
      if (!S_ISREG(st.st_mode)) {
        t.start_error = d.part + " is not a regular file";
        return false;
      }
      d.offset = static_cast<int64_t>(st.st_size);
    }
    if (d.initial < 0) {
      // The first attempt: what an earlier call left, and the validator it kept.
      d.initial = d.resumed = d.offset;
      if (d.offset > 0) {
        if (auto kept = read_file(d.validator_file)) d.validator = std::string(trim(*kept));
      }
    }
  }

  t.easy = curl_easy_init();
  if (!t.easy) return false;
  CURL* e = t.easy;

  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  // Only http and https, also after a redirect: never file:, ftp:, scp:, ...
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, o.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(o.max_redirects));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // safe with threads; timeouts still work
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o.connect_timeout_s));
  curl_easy_setopt(e, CURLOPT_TIMEOUT, static_cast<long>(o.timeout_s));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_timeout_s));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_file.c_str());
  curl_easy_setopt(e, CURLOPT_USERAGENT, o.user_agent.c_str());
  // A download keeps the bytes as stored: Content-Length and ranges count them.
  if (o.accept_gzip && !t.download) curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  if (!r.user.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, r.user.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, r.password.c_str());
  }
  if (!r.aws_sigv4.empty()) curl_easy_setopt(e, CURLOPT_AWS_SIGV4, r.aws_sigv4.c_str());
  if (o.max_send_bytes_per_s > 0) {
    curl_easy_setopt(e, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(o.max_send_bytes_per_s));
  }
  if (o.use_netrc) {
    curl_easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
    const char* from_env = std::getenv("NETRC");
    const std::string file = !o.netrc_file.empty() ? o.netrc_file : from_env ? from_env : "";
    if (!file.empty()) curl_easy_setopt(e, CURLOPT_NETRC_FILE, file.c_str());
  }

  const std::string method = r.method.empty() ? std::string("GET") : r.method;
  const bool with_body = !r.body.empty() || t.upload;
  if (t.upload) {
    // CURLOPT_UPLOAD sends a PUT; CUSTOMREQUEST below names another method.
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, upload_size);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, &t);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, &t);
    if (method != "PUT") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else if (method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && !with_body) {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (method == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
  } else {
    // CUSTOMREQUEST, not POST, for the rest; curl keeps it across redirects, which
    // is right for PUT and DELETE.
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (!t.upload && (with_body || method == "POST")) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
  }

  auto add = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(t.header_list, line.c_str());
    if (next) t.header_list = next;
  };
  // No "Expect: 100-continue" round trip; no form Content-Type on a PUT.
  if (!has_header(r, "Expect")) add("Expect:");
  if (with_body && method != "POST" && !has_header(r, "Content-Type")) add("Content-Type:");
  for (const auto& [name, value] : r.headers) {
    add(value.empty() ? name + ";" : name + ": " + value);  // "Name;" sends an empty value
  }
  if (t.download && t.download->offset > 0) {
    // The rest of the file, and only if it is still the file that began .part.
    add("Range: bytes=" + std::to_string(t.download->offset) + "-");
    if (!t.download->validator.empty()) add("If-Range: " + t.download->validator);
  }
  if (t.header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  return true;
}

curl_off_t info_off(CURL* e, CURLINFO what) {
  curl_off_t v = 0;
  curl_easy_getinfo(e, what, &v);
  return v;
}

bool is_idempotent(const std::string& method) {
  return method != "POST" && method != "PATCH";
}

// The error of a failed attempt, and whether to try again.
std::pair<Error, Retry> describe_failure(const Transfer& t, CURLcode code) {
  const HttpRequest& r = *t.request;
  const HttpOptions& o = *t.options;
  const std::string detail = t.errbuf[0] ? std::string(t.errbuf) : std::string(curl_easy_strerror(code));
  const bool sent = info_off(t.easy, CURLINFO_PRETRANSFER_TIME_T) > 0;
  const Retry after_send = Retry::kIfIdempotent;
  const Retry before_send = Retry::kAlways;
  // Where a failure after a redirect happened is part of what happened.
  std::string where = redact_url(r.url);
  long redirects = 0;
  curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_COUNT, &redirects);
  char* effective = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
  if (redirects > 0 && effective && r.url != effective) {
    where = redact_url(r.url) + " (redirected to " + redact_url(effective) + ")";
  }
  auto unreadable = [&](const std::string& what, Retry retry) {
    return std::pair{Error{ErrorCode::kUnreadable, where + ": " + what, "", 0, 0}, retry};
  };
  auto refused = [&](const std::string& what) {
    return std::pair{Error{ErrorCode::kInvalidInput, where + ": " + what, "", 0, 0}, Retry::kNo};
  };

  switch (code) {
    case CURLE_WRITE_ERROR:
      if (t.too_large) {
        return refused("body larger than " + std::to_string(o.max_body_bytes) +
                       " bytes (the limit); transfer stopped");
      }
      return unreadable(detail, Retry::kNo);
    // These two name the redirect target themselves: the URL alone goes first.
    case CURLE_UNSUPPORTED_PROTOCOL:
      where = redact_url(r.url);
      return refused("redirect to a non-http(s) URL refused" +
                     (t.location.empty() ? std::string() : " (" + redact_url(t.location) + ")"));
    case CURLE_TOO_MANY_REDIRECTS:
      where = redact_url(r.url);
      return refused("more than " + std::to_string(o.max_redirects) + " redirects" +
                     (t.location.empty() ? std::string() : " (the last to " + redact_url(t.location) + ")"));
    case CURLE_URL_MALFORMAT:
      return refused("not a valid URL (" + detail + ")");
    case CURLE_COULDNT_RESOLVE_HOST:
      return unreadable("could not resolve the host (" + detail + ")", before_send);
    case CURLE_COULDNT_CONNECT:
      return unreadable("could not connect (" + detail + ")", before_send);
    case CURLE_OPERATION_TIMEDOUT: {
      if (std::strncmp(t.errbuf, "Operation too slow", 18) == 0) {
        return unreadable("stalled: less than 1 byte/s for " + std::to_string(o.low_speed_timeout_s) + " s",
                          after_send);
      }
      if (!sent) {
        const int limit_s = o.timeout_s > 0 ? std::min(o.connect_timeout_s, o.timeout_s) : o.connect_timeout_s;
        return unreadable("could not connect within " + std::to_string(limit_s) + " s", before_send);
      }
      return unreadable("timed out after " + std::to_string(o.timeout_s) + " s (" +
                            std::to_string(info_off(t.easy, CURLINFO_SIZE_DOWNLOAD_T)) + " bytes received)",
                        after_send);
    }
    case CURLE_PEER_FAILED_VERIFICATION:
      return unreadable("TLS certificate verification failed (" + detail + ")", Retry::kNo);
    case CURLE_SSL_CONNECT_ERROR:
      return unreadable("TLS handshake failed (" + detail + ")", Retry::kNo);
    case CURLE_SSL_CACERT_BADFILE:
      return unreadable("cannot use the CA file " + o.ca_file + " (" + detail + ")", Retry::kNo);
    case CURLE_PARTIAL_FILE:
      return unreadable("connection closed before the whole body arrived (" + detail + ")", after_send);
    case CURLE_GOT_NOTHING:
      return unreadable("the server closed the connection without answering", after_send);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return unreadable("connection failed (" + detail + ")", sent ? after_send : before_send);
    case CURLE_BAD_CONTENT_ENCODING:
      return unreadable("the compressed body could not be decoded (" + detail + ")", Retry::kNo);
    case CURLE_ABORTED_BY_CALLBACK:
      return unreadable("stopped by the progress callback", Retry::kNo);
    default:
      return unreadable(detail, Retry::kNo);
  }
}

std::optional<int> retry_after_s(const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (name != "retry-after") continue;
    if (value.empty() || value.size() > 6 ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;  // an HTTP date: ignored, our own backoff applies
    }
    return std::min(std::stoi(value), kMaxRetryAfterS);
  }
  return std::nullopt;
}

// How an attempt of http_download ended, before the rules every request shares.
struct DownloadStep {
  bool done = false;                             // t.result is set
  std::optional<std::pair<Error, Retry>> failure;  // else: as a failed attempt
};

// .part and its validator are discarded: the next attempt starts from byte 0.
void discard_part(Download& d) {
  remove_file(d.part);
  remove_file(d.validator_file);
  d.validator.clear();
  d.resumed = 0;
}

// .part holds the whole file: it becomes the file.
DownloadStep complete_download(Transfer& t, int64_t size) {
  Download& d = *t.download;
  DownloadStep step;
  if (std::rename(d.part.c_str(), d.path.c_str()) != 0) {
    step.failure = {Error{ErrorCode::kUnreadable, "cannot rename " + d.part + " to " + d.path + ": " + std::strerror(errno),
                          d.path, 0, 0},
                    Retry::kNo};
    return step;
  }
  remove_file(d.validator_file);
  d.complete = true;
  d.size = size;
  const HttpOptions& o = *t.options;
  if (o.progress && t.progress_bytes) o.progress(size, size);
  if (o.download_progress) o.download_progress(t.index, size, size);
  HttpResponse response;
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.headers = std::move(t.headers);
  char* effective = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
  response.effective_url = effective ? effective : t.request->url;
  long redirects = 0;
  curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_COUNT, &redirects);
  response.redirects = static_cast<int>(redirects);
  t.result = std::move(response);
  step.done = true;
  return step;
}

DownloadStep finish_download_attempt(Transfer& t, CURLcode code) {
  Download& d = *t.download;
  DownloadStep step;
  const std::string where = redact_url(t.request->url);
  auto fail = [&](ErrorCode error_code, const std::string& what, Retry retry) {
    step.failure = {Error{error_code, where + ": " + what, "", 0, 0}, retry};
    return step;
  };
  if (!d.close() && d.file_error.empty()) d.file_error = std::strerror(errno);
  if (!d.file_error.empty()) return fail(ErrorCode::kUnreadable, "cannot write " + d.part + ": " + d.file_error, Retry::kNo);
  if (d.too_large) {
    discard_part(d);
    return fail(ErrorCode::kInvalidInput,
                "file larger than " + std::to_string(t.options->max_file_bytes) + " bytes (the limit); transfer stopped",
                Retry::kNo);
  }
  // An answer that does not continue .part: start over, once, without spending a retry.
  auto start_over = [&](const std::string& what) {
    discard_part(d);
    if (d.started_over) return fail(ErrorCode::kUnreadable, what, Retry::kNo);
    d.started_over = true;
    --t.attempts;
    return fail(ErrorCode::kUnreadable, what + "; started over", Retry::kAlways);
  };
  if (!d.range_error.empty()) return start_over(d.range_error);
  if (code != CURLE_OK) return step;  // .part keeps what arrived; the next attempt resumes

  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status <= 299) {
    if (!d.decided) {
      // No body at all: an empty file, unless a 206 (which must send bytes).
      if (status == 206) return start_over("answered 206 without a body to Range: bytes=" + std::to_string(d.offset) + "-");
      d.decided = d.to_file = true;
      std::FILE* empty = std::fopen(d.part.c_str(), "wb");
      if (!empty || std::fclose(empty) != 0)
        return fail(ErrorCode::kUnreadable, "cannot write " + d.part + ": " + std::strerror(errno), Retry::kNo);
      d.offset = 0;
      d.resumed = 0;
      d.expected = 0;
      store_validator(d, validator_of(t));
    }
    const int64_t size = d.offset + d.written;
    if (d.expected >= 0 && size < d.expected) {
      return fail(ErrorCode::kUnreadable,
                  "the body ended after " + std::to_string(size) + " of " + std::to_string(d.expected) + " bytes",
                  Retry::kIfIdempotent);
    }
    if (d.expected >= 0 && size > d.expected) {
      return start_over("sent " + std::to_string(size) + " bytes of a file said to be " + std::to_string(d.expected));
    }
    return complete_download(t, size);
  }
  if (status == 416 && d.offset > 0) {
    // Nothing is left after byte N: complete if the file is N bytes, else .part is not of it.
    int64_t first = 0, last = 0, total = -1;
    const auto range = header_of(t, "content-range");
    if (range && parse_content_range(*range, &first, &last, &total) && total == d.offset) {
      return complete_download(t, d.offset);
    }
    return start_over("answered 416 to Range: bytes=" + std::to_string(d.offset) + "- (the file is " +
                      (total >= 0 ? std::to_string(total) + " bytes" : std::string("of unknown size")) + ")");
  }
  return step;  // not the file: a response, or a transient status to retry
}

// Ends the attempt in flight: either stores t.result, or returns the delay before
// the next attempt.
std::optional<std::chrono::milliseconds> finish_attempt(Transfer& t, CURLcode code) {
  const HttpOptions& o = *t.options;
  const bool idempotent = is_idempotent(t.request->method);
  std::optional<int> server_delay_s;
  std::optional<std::pair<Error, Retry>> failure;
  if (t.download) {
    DownloadStep step = finish_download_attempt(t, code);
    if (step.done) return std::nullopt;
    failure = std::move(step.failure);
  }
  const bool attempts_left = t.attempts <= o.retries;

  if (code == CURLE_OK && !failure) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    const bool transient = status == 429 || status == 503 ||
                           (idempotent && (status == 502 || status == 504));
    if (!transient || !attempts_left) {
      HttpResponse response;
      response.status = static_cast<int>(status);
      response.headers = std::move(t.headers);
      response.body = std::move(t.body);
      char* effective = nullptr;
      curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
      response.effective_url = effective ? effective : t.request->url;
      long redirects = 0;
      curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_COUNT, &redirects);
      response.redirects = static_cast<int>(redirects);
      t.result = std::move(response);
      return std::nullopt;
    }
    server_delay_s = retry_after_s(t.headers);
  } else {
    auto [error, retry] = failure ? std::move(*failure) : describe_failure(t, code);
    const bool may_retry = retry == Retry::kAlways || (retry == Retry::kIfIdempotent && idempotent);
    if (!may_retry || !attempts_left) {
      if (t.attempts > 1) error.message += " (" + std::to_string(t.attempts) + " attempts)";
      t.result = std::move(error);
      return std::nullopt;
    }
  }
  // 0.5 s, 1 s, 2 s, ... with the defaults; the shift is capped against overflow.
  const int doublings = std::clamp(t.attempts - 1, 0, 16);
  auto delay = std::chrono::milliseconds(static_cast<int64_t>(std::max(o.retry_delay_ms, 0)) << doublings);
  if (server_delay_s) delay = std::max(delay, std::chrono::milliseconds(int64_t{*server_delay_s} * 1000));
  return delay;
}

// The multi handle of one run. Whichever way run() ends, every easy handle is
// cleaned up (which takes it out of the multi) before the multi handle goes.
struct MultiHandle {
  std::vector<std::unique_ptr<Transfer>>& transfers;
  CURLM* multi = curl_multi_init();
  ~MultiHandle() {
    for (auto& t : transfers) t->release();
    if (multi) curl_multi_cleanup(multi);
  }
};

// Runs every transfer to its result, at most `parallel` at a time.
void run(std::vector<std::unique_ptr<Transfer>>& transfers, int parallel, const HttpOptions& options,
         bool progress_per_request) {
  MultiHandle holder{transfers};
  std::deque<Transfer*> waiting;
  size_t finished = 0;
  auto done = [&] {
    ++finished;
    if (progress_per_request && options.progress) {
      options.progress(static_cast<int64_t>(finished), static_cast<int64_t>(transfers.size()));
    }
  };
  for (auto& t : transfers) {
    if (t->result) {
      done();
    } else {
      waiting.push_back(t.get());
    }
  }
  if (!holder.multi) {
    for (Transfer* t : waiting) t->result = make_error(ErrorCode::kUnreadable, t->request->url, "out of memory");
    return;
  }
  parallel = std::max(parallel, 1);
  curl_multi_setopt(holder.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(parallel));

  int in_flight = 0;
  while (finished < transfers.size()) {
    const auto now = Clock::now();
    for (auto it = waiting.begin(); it != waiting.end() && in_flight < parallel;) {
      Transfer& t = **it;
      if (t.not_before > now) {
        ++it;
        continue;
      }
      it = waiting.erase(it);
      if (!start_attempt(t) || curl_multi_add_handle(holder.multi, t.easy) != CURLM_OK) {
        t.result = make_error(ErrorCode::kUnreadable, t.request->url,
                              t.start_error.empty() ? "libcurl could not start the transfer" : t.start_error);
        t.release();
        done();
        continue;
      }
      ++in_flight;
    }

    int running = 0;
    curl_multi_perform(holder.multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(holder.multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      const CURLcode code = msg->data.result;
      curl_multi_remove_handle(holder.multi, msg->easy_handle);
      --in_flight;
      if (t->callback_error) std::rethrow_exception(t->callback_error);
      if (auto delay = finish_attempt(*t, code)) {
        t->not_before = Clock::now() + *delay;
        waiting.push_back(t);
      } else {
        t->release();
        done();
      }
    }
    if (finished == transfers.size()) break;

    // Sleep until there is network activity, or the next retry is due.
    auto wait = std::chrono::milliseconds(1000);
    const auto after = Clock::now();
    for (Transfer* t : waiting) {
      if (in_flight >= parallel) break;
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(t->not_before - after);
      wait = std::min(wait, std::max(until, std::chrono::milliseconds(0)));
    }
    if (wait.count() > 0) curl_multi_poll(holder.multi, nullptr, 0, static_cast<int>(wait.count()), nullptr);
  }
}

// A transfer for `request`, already holding its result when it cannot start.
std::unique_ptr<Transfer> make_transfer(const HttpRequest& request, const HttpOptions& options) {
  auto t = std::make_unique<Transfer>();
  t->request = &request;
  t->options = &options;
  if (const CURLcode init = init_curl_once(); init != CURLE_OK) {
    t->result = make_error(ErrorCode::kUnreadable, request.url,
                           std::string("libcurl could not be initialised: ") + curl_easy_strerror(init));
  } else if (auto error = check_url(request.url)) {
    t->result = std::move(*error);
  } else if (auto bad = check_headers(request, options)) {
    t->result = make_error(ErrorCode::kInvalidInput, request.url, *bad);
  }
  return t;
}

// A transfer for `download`, already holding its result when it cannot start.
std::unique_ptr<Transfer> make_download_transfer(const HttpRequest& request, const std::string& path,
                                                 const HttpOptions& options) {
  auto t = make_transfer(request, options);
  if (t->result) return t;
  auto refuse = [&](const std::string& why) {
    t->result = make_error(ErrorCode::kInvalidInput, request.url, why);
    return std::move(t);
  };
  if (!request.method.empty() && request.method != "GET") return refuse("a download is a GET, not " + request.method);
  if (!request.body.empty() || !request.body_file.empty()) return refuse("a download sends no body");
  if (has_header(request, "Range") || has_header(request, "If-Range"))
    return refuse("a download asks for its own ranges (to resume); give no Range header");
  if (path.empty()) return refuse("no file to download into");
  t->download = std::make_unique<Download>();
  t->download->path = path;
  t->download->part = path + ".part";
  t->download->validator_file = t->download->part + ".validator";
  return t;
}

Result<HttpDownload> download_result(Transfer& t) {
  Result<HttpResponse>& result = *t.result;
  if (!result) return result.error();
  HttpDownload out;
  out.response = std::move(*result);
  if (t.download) {
    out.complete = t.download->complete;
    out.resumed_bytes = t.download->complete ? t.download->resumed : 0;
    if (out.complete) {
      out.size_bytes = t.download->size;
    } else {
      struct stat st {};
      out.size_bytes = ::stat(t.download->part.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
      out.resumed_bytes = std::min(t.download->resumed, out.size_bytes);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  const std::string wanted = to_lower(name);
  for (const auto& [n, value] : headers) {
    if (n == wanted) return value;
  }
  return std::nullopt;
}

std::string default_user_agent() {
  return std::string("podsmith/") + PODSMITH_VERSION + " (+https://github.com/podsmith)";
}

Result<HttpResponse> http_fetch(const HttpRequest& request, const HttpOptions& options) {
  std::vector<std::unique_ptr<Transfer>> transfers;
  transfers.push_back(make_transfer(request, options));
  transfers.front()->progress_bytes = true;
  run(transfers, 1, options, /*progress_per_request=*/false);
  return std::move(*transfers.front()->result);
}

std::vector<Result<HttpResponse>> http_fetch_all(const std::vector<HttpRequest>& requests,
                                                 const HttpOptions& options, int parallel) {
  std::vector<std::unique_ptr<Transfer>> transfers;
  transfers.reserve(requests.size());
  for (const HttpRequest& request : requests) {
    transfers.push_back(make_transfer(request, options));
    transfers.back()->index = transfers.size() - 1;
  }
  run(transfers, parallel, options, /*progress_per_request=*/true);
  std::vector<Result<HttpResponse>> results;
  results.reserve(transfers.size());
  for (auto& t : transfers) results.push_back(std::move(*t->result));
  return results;
}

Result<HttpDownload> http_download(const HttpRequest& request, const std::string& path, const HttpOptions& options) {
  std::vector<std::unique_ptr<Transfer>> transfers;
  transfers.push_back(make_download_transfer(request, path, options));
  transfers.front()->progress_bytes = true;
  run(transfers, 1, options, /*progress_per_request=*/false);
  return download_result(*transfers.front());
}

std::vector<Result<HttpDownload>> http_download_all(const std::vector<HttpDownloadRequest>& downloads,
                                                    const HttpOptions& options, int parallel) {
  std::vector<std::unique_ptr<Transfer>> transfers;
  transfers.reserve(downloads.size());
  std::set<std::string> paths;
  for (const HttpDownloadRequest& d : downloads) {
    transfers.push_back(make_download_transfer(d.request, d.path, options));
    transfers.back()->index = transfers.size() - 1;
    // Two transfers appending to one .part would interleave their bytes.
    if (!paths.insert(d.path).second && !transfers.back()->result) {
      transfers.back()->result = make_error(ErrorCode::kInvalidInput, d.request.url,
                                            "another download of this call writes " + d.path);
      transfers.back()->download.reset();
    }
  }
  run(transfers, parallel, options, /*progress_per_request=*/true);
  std::vector<Result<HttpDownload>> results;
  results.reserve(transfers.size());
  for (auto& t : transfers) results.push_back(download_result(*t));
  return results;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  const size_t scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const size_t host_start = scheme_end + 3;
    const size_t authority_end = std::min(out.find_first_of("/?#", host_start), out.size());
    const size_t at = out.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
    if (at != std::string::npos && at >= host_start && at < authority_end) {
      out.erase(host_start, at + 1 - host_start);
    }
  }
  const size_t query = out.find('?');
  if (query == std::string::npos) return out;
  const size_t fragment = std::min(out.find('#', query), out.size());
  static const char* const kSecretWords[] = {"token", "key", "secret", "password", "passwd",
                                             "signature", "credential", "auth", "sig"};
  std::string result = out.substr(0, query + 1);
  std::string_view rest = std::string_view(out).substr(query + 1, fragment - query - 1);
  bool first = true;
  while (true) {
    const size_t amp = rest.find('&');
    const std::string_view param = rest.substr(0, amp);
    if (!first) result += '&';
    first = false;
    const size_t eq = param.find('=');
    const std::string name = to_lower(param.substr(0, eq));
    const bool secret = eq != std::string_view::npos &&
                        std::any_of(std::begin(kSecretWords), std::end(kSecretWords),
                                    [&](const char* w) { return name.find(w) != std::string::npos; });
    if (secret) {
      result += param.substr(0, eq + 1);
      result += "REDACTED";
    } else {
      result += param;
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  result += out.substr(fragment);
  return result;
}

}  // namespace podsmith
