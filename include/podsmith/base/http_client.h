/// Fetches http and https URLs: one request, or many in parallel with a bound.
/// Every network operation of podsmith that speaks HTTP goes through here, so the
/// rules live in one place: only http and https (also after a redirect; never
/// file:, ftp: or others), TLS verification always on, timeouts, a body size limit
/// enforced while receiving, retries of transient failures with backoff, and no
/// credentials in error messages. It does not parse what it fetches or print
/// anything; the only files it writes are those http_download is asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith {

struct HttpRequest {
  /// "GET", "HEAD" (sent without reading a body), "POST", "PUT", "DELETE", or any
  /// other token (sent as is).
  std::string method = "GET";
  /// An absolute http:// or https:// URL. User info in it (user:password@) is
  /// used for the request and never appears in an error message.
  std::string url;
  /// Sent as given, after ours; a header given here replaces ours of the same name
  /// (User-Agent, Accept-Encoding, Content-Type). Range, If-None-Match,
  /// If-Modified-Since, Authorization and the like go here. A name that is not a
  /// single token, or a line break in a value, fails the request before it is sent.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Sent when not empty. With POST and no Content-Type header, curl sends
  /// application/x-www-form-urlencoded; with other methods, none.
  std::string body;
  /// A local file sent as the body instead (uploads of any size: read as it is
  /// sent, reopened for each attempt). Without a Content-Type header none is sent.
  std::string body_file;
  /// Only these bytes of body_file are sent: `body_file_length` of them from
  /// `body_file_offset` (one part of an S3 multipart upload). Default 0 and -1:
  /// the whole file. A range that ends past the end of the file fails the
  /// request before it is sent (the file changed).
  int64_t body_file_offset = 0;
  int64_t body_file_length = -1;
  /// Credentials sent with HTTP basic authentication, or signed (aws_sigv4). They
  /// never appear in an error message. Empty user: none (user info in the URL, or
  /// the netrc file with HttpOptions::use_netrc, still apply).
  std::string user;
  std::string password;
  /// Sign the request with AWS Signature Version 4 instead of basic
  /// authentication: "aws:amz:REGION:SERVICE" (libcurl's CURLOPT_AWS_SIGV4), with
  /// user = access key id and password = secret key. Headers given here that start
  /// with x-amz- are signed too.
  std::string aws_sigv4;
};

struct HttpResponse {
  int status = 0;  // the final response's status; 304, 404, 503... are responses, not errors
  /// The final response's headers in the order received, names in lowercase
  /// (those of redirects and of 100 Continue are dropped).
  std::vector<std::pair<std::string, std::string>> headers;
  /// Decoded when the server compressed it (gzip, deflate); empty for HEAD.
  std::string body;
  std::string effective_url;  // the URL of the final response, after redirects
  int redirects = 0;          // how many were followed

  /// The first value of the header `name` (any case); nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
};

/// "podsmith/<version> (+https://github.com/podsmith)".
std::string default_user_agent();

struct HttpOptions {
  /// Giving up on connecting (DNS, TCP and TLS handshake). Default 10 s.
  int connect_timeout_s = 10;
  /// The whole transfer of one attempt, connecting included; 0: no limit (a
  /// stall still ends it, see below). Default 60 s.
  int timeout_s = 60;
  /// Abort when less than one byte per second arrives for this long. Default 20 s.
  int low_speed_timeout_s = 20;
  /// The largest body accepted (after decoding). A larger body aborts the transfer
  /// as soon as the limit is passed, whatever Content-Length said. Default 64 MiB.
  size_t max_body_bytes = size_t{64} * 1024 * 1024;
  /// Redirects followed before giving up (only to http and https). Default 5.
  int max_redirects = 5;
  /// When false, a 3xx is returned as the response, Location header and all.
  bool follow_redirects = true;
  /// Further attempts after a transient failure: could not resolve or connect, a
  /// timeout, a connection cut short, or a status 429, 502, 503 or 504 (after the
  /// last attempt such a status is returned as the response). A POST or PATCH is
  /// retried only when it cannot have reached the server (connect failures, 429,
  /// 503). Default 2.
  int retries = 2;
  /// Wait before the first retry; each further one waits twice as long as the
  /// one before. A Retry-After in seconds (at most 30) lengthens a wait, never
  /// shortens it. Default 500 ms.
  int retry_delay_ms = 500;
  /// Default default_user_agent().
  std::string user_agent = default_user_agent();
  /// Ask for a compressed body (gzip, deflate) and decode it. Turn off where the
  /// Content-Length must be the stored size, as for a HEAD on an enclosure.
  /// Default true.
  bool accept_gzip = true;
  /// PEM file of certificate authorities to trust instead of the system's, for a
  /// private CA (and tests). Verification stays on. Default empty: the system's.
  std::string ca_file;
  /// Look up credentials for the URL's host in a netrc file when the request
  /// carries none: `netrc_file`, or else $NETRC, or else ~/.netrc. Default false.
  bool use_netrc = false;
  std::string netrc_file;
  /// Called as request bodies are sent (body or body_file) with (index of the
  /// request: its position in http_fetch_all's list, 0 for http_fetch; bytes sent
  /// so far in this attempt; bytes to send). Called on the calling thread; an
  /// exception it throws stops every transfer of the call and propagates.
  std::function<void(size_t index, int64_t sent, int64_t total)> upload_progress;
  /// Send request bodies at most this fast, in bytes per second, each transfer
  /// on its own (libcurl's CURLOPT_MAX_SEND_SPEED_LARGE). Default 0: no limit.
  int64_t max_send_bytes_per_s = 0;
  /// http_fetch calls it as the body arrives with (bytes received, bytes expected
  /// or 0 when unknown; both as sent, before decoding); http_fetch_all with (requests finished, requests in
  /// all) after each one. Called on the calling thread; an exception it throws
  /// stops every transfer of the call and propagates. Default none.
  /// http_download calls it as http_fetch does, counting the whole file (bytes
  /// already in the .part file included); http_download_all as http_fetch_all.
  std::function<void(int64_t done, int64_t total)> progress;
  /// http_download and http_download_all call it as a file's bytes arrive with
  /// (index of the download, 0 for http_download; bytes of the file so far,
  /// resumed ones included; the file's size, or 0 while unknown), and once more
  /// with (size, size) when the file is complete. As `progress`: on the calling
  /// thread, and an exception stops every transfer and propagates. Default none.
  std::function<void(size_t index, int64_t done, int64_t total)> download_progress;
  /// The largest file http_download writes, bytes resumed from a .part included.
  /// Not max_body_bytes, which bounds memory: a file bounds disk, and episodes
  /// are routinely larger than 64 MiB (a 3-hour 1080p video is 5 GiB or more),
  /// so the default, 16 GiB, is above any real episode yet stops a server that
  /// sends without end before it fills a disk. A larger file stops the transfer
  /// and is an error (kInvalidInput); its .part file is removed. 0: no limit.
  int64_t max_file_bytes = int64_t{16} * 1024 * 1024 * 1024;
};

/// Sends `request` and returns the final response, whatever its status. On a
/// transport failure, after the retries, returns an Error whose message names the
/// URL as redact_url prints it and what happened ("timed out after 60 s", "body larger
/// than 67108864 bytes", "redirect to a non-http(s) URL refused", "TLS certificate
/// verification failed", ...); its code is kInvalidInput for a URL, header or
/// redirect podsmith refuses and for a body over the limit, and kUnreadable for
/// every failure to connect, send or receive. After retries the message ends with
/// "(N attempts)".
Result<HttpResponse> http_fetch(const HttpRequest& request, const HttpOptions& options = {});

/// Sends every request with at most `parallel` (at least 1) in flight at a time,
/// reusing connections, and returns their results in the order of `requests`. One
/// failure does not stop the others; each result is as http_fetch's.
std::vector<Result<HttpResponse>> http_fetch_all(const std::vector<HttpRequest>& requests,
                                                 const HttpOptions& options = {}, int parallel = 8);

/// What http_download did. The response is the final one, as http_fetch returns
/// it, except that its body is empty when the file was written (an error page,
/// as a 404's, is kept up to max_body_bytes).
struct HttpDownload {
  HttpResponse response;
  /// True when the whole file is at the path given (renamed from PATH.part).
  /// False for an answer that is not the file (404, 410, 500 after the retries,
  /// ...): response.status says which, and PATH.part is kept as it was.
  bool complete = false;
  int64_t size_bytes = 0;     // of the file at PATH when complete, else of PATH.part
  /// Bytes that were in PATH.part when the call began and were not fetched
  /// again (0 when the server sent the whole file, also after a resume refused).
  int64_t resumed_bytes = 0;
};

/// Fetches `request` (a GET; no Range header of its own) into the file `path`,
/// streaming: the body goes to PATH.part as it arrives, never into memory, and
/// PATH.part is renamed to `path` (replacing a file there) only once it is
/// complete. Everything http_fetch promises holds (http/https only, redirects,
/// timeouts, retries with backoff, TLS verification, no credentials in messages),
/// with these differences:
/// - Resumable. When PATH.part exists (from an attempt cut short, in this call or
///   an earlier one), the request asks for the rest: "Range: bytes=N-", with
///   If-Range carrying the strong ETag (or else the Last-Modified) of the answer
///   that began the file, kept beside it in PATH.part.validator. A 206 from N
///   appends; a 200 (the server ignores ranges, or the file changed since)
///   starts PATH.part over; a 416 whose Content-Range says the file is N bytes
///   means PATH.part was complete already; another 416, or a 206 from elsewhere
///   than N, discards PATH.part and starts over once. Each retry resumes from
///   what arrived, so a cut connection costs only the bytes in flight.
/// - The body is kept exactly as stored: no Accept-Encoding is sent.
/// - A 2xx whose body ends short of its Content-Length or Content-Range is a
///   transient failure (retried, resuming), not a response.
/// - options.timeout_s bounds each attempt; set it to 0 for files that may take
///   longer and rely on low_speed_timeout_s to end a stalled one.
/// - options.max_file_bytes, not max_body_bytes, bounds the file.
/// Errors, after the retries, as http_fetch's; besides, kUnreadable when PATH.part
/// cannot be written or renamed (the message names it and says why, as "No space
/// left on device"), and kInvalidInput for a request that is not a plain GET.
/// PATH.part is kept after a failure so that the next call resumes it.
Result<HttpDownload> http_download(const HttpRequest& request, const std::string& path,
                                   const HttpOptions& options = {});

/// One file for http_download_all: the request and the path to write.
struct HttpDownloadRequest {
  HttpRequest request;
  std::string path;
};

/// Runs every download as http_download does, with at most `parallel` (at least
/// 1) in flight at a time, and returns their results in the order of `downloads`.
/// One failure does not stop the others. A second download to a path already in
/// the list fails with kInvalidInput (the two would append to one .part file).
std::vector<Result<HttpDownload>> http_download_all(const std::vector<HttpDownloadRequest>& downloads,
                                                    const HttpOptions& options = {}, int parallel = 4);

/// `url` fit to print: user info removed, and the values of query parameters whose
/// names suggest a secret (token, key, secret, password, signature, credential,
/// auth) replaced by "REDACTED". Not a URL parser: leaves anything else as it is.
std::string redact_url(std::string_view url);

}  // namespace podsmith
