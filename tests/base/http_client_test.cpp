// The HTTP client against real servers on loopback: tests/servers/odd_http.py for
// servers that misbehave on purpose, and Debian's nginx for what a well-run podcast
// host answers (206, ETag, 304, gzip). No mocks.
#include "podsmith/base/http_client.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "servers/loopback_server.h"
#include "test_support.h"

using podsmith::ErrorCode;
using podsmith::http_fetch;
using podsmith::http_fetch_all;
using podsmith::HttpOptions;
using podsmith::HttpRequest;
using podsmith::HttpResponse;
using podsmith::test::NginxServer;
using podsmith::test::OddHttpServer;

namespace {

// One server per test process, started on first use and stopped at exit.
OddHttpServer& odd() {
  static OddHttpServer server;
  return server;
}

OddHttpServer& odd_tls() {
  static OddHttpServer server(/*tls=*/true);
  return server;
}

// Short waits so that retries and timeouts do not slow the suite.
HttpOptions fast() {
  HttpOptions o;
  o.retry_delay_ms = 10;
  o.connect_timeout_s = 5;
  o.timeout_s = 10;
  return o;
}

HttpRequest get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

HttpResponse fetch_ok(const HttpRequest& request, const HttpOptions& options = fast()) {
  auto result = http_fetch(request, options);
  INFO(request.url << ": " << (result ? "" : result.error().message));
  REQUIRE(result);
  return std::move(result).value();
}

std::string fetch_error(const HttpRequest& request, const HttpOptions& options = fast()) {
  auto result = http_fetch(request, options);
  INFO(request.url);
  REQUIRE_FALSE(result);
  return result.error().message;
}

int requests_seen(const std::string& key) {
  return std::stoi(fetch_ok(get(odd().url("/count/" + key))).body);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("http_fetch returns the body, the final headers in lowercase, and says it is podsmith", "[http]") {
  auto hello = fetch_ok(get(odd().url("/hello")));
  CHECK(hello.status == 200);
  CHECK(hello.body == "hello\n");
  CHECK(hello.effective_url == odd().url("/hello"));
  CHECK(hello.redirects == 0);
  CHECK(hello.header("Content-Type") == "text/plain");
  CHECK(hello.header("CONTENT-LENGTH") == "6");
  CHECK_FALSE(hello.header("etag"));

  auto headers = fetch_ok(get(odd().url("/headers")));
  CHECK(headers.header("x-mixed-case") == "Value");
  CHECK(headers.header("X-Twice") == "one");  // the first of a repeated header
  CHECK(std::count_if(headers.headers.begin(), headers.headers.end(),
                      [](const auto& h) { return h.first == "x-twice"; }) == 2);

  auto echo = nlohmann::json::parse(fetch_ok(get(odd().url("/echo"))).body);
  CHECK(echo["method"] == "GET");
  CHECK(echo["headers"]["user-agent"] == podsmith::default_user_agent());
  CHECK(podsmith::default_user_agent().rfind("podsmith/0.", 0) == 0);
  CHECK(echo["headers"]["accept-encoding"].get<std::string>().find("gzip") != std::string::npos);
  CHECK_FALSE(echo["headers"].contains("expect"));
}

TEST_CASE("http_fetch sends the method, headers and body it is given", "[http]") {
  HttpRequest post = get(odd().url("/echo"));
  post.method = "POST";
  post.body = "hub.mode=publish&hub.url=https%3A%2F%2Fexample.org%2Ffeed.xml";
  post.headers = {{"Authorization", "Bearer t0ken"}, {"User-Agent", "custom/1"}, {"X-Empty", ""}};
  auto echo = nlohmann::json::parse(fetch_ok(post).body);
  CHECK(echo["method"] == "POST");
  CHECK(echo["body"] == post.body);
  CHECK(echo["headers"]["content-type"] == "application/x-www-form-urlencoded");
  CHECK(echo["headers"]["authorization"] == "Bearer t0ken");
  CHECK(echo["headers"]["user-agent"] == "custom/1");  // a given header replaces ours
  CHECK(echo["headers"]["x-empty"] == "");

  HttpRequest put = get(odd().url("/echo"));
  put.method = "PUT";
  put.body = std::string(3 * 1024 * 1024, 'p');  // large enough that curl would ask "Expect: 100-continue"
  auto put_echo = nlohmann::json::parse(fetch_ok(put).body);
  CHECK(put_echo["method"] == "PUT");
  CHECK(put_echo["body"].get<std::string>().size() == put.body.size());
  CHECK_FALSE(put_echo["headers"].contains("content-type"));
  CHECK_FALSE(put_echo["headers"].contains("expect"));

  HttpRequest del = get(odd().url("/echo"));
  del.method = "DELETE";
  CHECK(nlohmann::json::parse(fetch_ok(del).body)["method"] == "DELETE");
}

TEST_CASE("http_fetch streams a file as the body, with credentials and upload progress", "[http]") {
  podsmith::test::TempDir dir;
  std::string bytes(2 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + i % 26);
  const std::string file = dir.write("episode.mp3", bytes);

  HttpRequest put = get(odd().url("/echo"));
  put.method = "PUT";
  put.body_file = file;
  put.user = "producer";
  put.password = "s3cret:with colon";
  put.headers = {{"Content-Type", "audio/mpeg"}};
  HttpOptions options = fast();
  std::vector<std::pair<size_t, int64_t>> seen;
  options.upload_progress = [&](size_t index, int64_t sent, int64_t total) {
    CHECK(total == static_cast<int64_t>(bytes.size()));
    seen.emplace_back(index, sent);
  };
  auto echo = nlohmann::json::parse(fetch_ok(put, options).body);
  CHECK(echo["method"] == "PUT");
  CHECK(echo["body"] == bytes);
  CHECK(echo["headers"]["content-type"] == "audio/mpeg");
  CHECK(echo["headers"]["content-length"] == std::to_string(bytes.size()));
  // "producer:s3cret:with colon" in base64.
  CHECK(echo["headers"]["authorization"] == "Basic cHJvZHVjZXI6czNjcmV0OndpdGggY29sb24=");
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back() == std::pair<size_t, int64_t>{0, static_cast<int64_t>(bytes.size())});

  // Another method with a file body, in a batch: the index names the request.
  HttpRequest post = put;
  post.method = "POST";
  post.user.clear();
  std::vector<HttpRequest> batch = {get(odd().url("/hello")), post};
  seen.clear();
  auto results = http_fetch_all(batch, options);
  REQUIRE(results[1]);
  auto post_echo = nlohmann::json::parse(results[1]->body);
  CHECK(post_echo["method"] == "POST");
  CHECK(post_echo["body"].get<std::string>().size() == bytes.size());
  CHECK_FALSE(post_echo["headers"].contains("authorization"));
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back().first == 1);
}

TEST_CASE("a body file that cannot be read fails the request with its name", "[http]") {
  HttpRequest put = get(odd().url("/echo"));
  put.method = "PUT";
  put.body_file = "/nonexistent/episode.mp3";
  const std::string message = fetch_error(put);
  CHECK(message.find("/nonexistent/episode.mp3") != std::string::npos);
  CHECK(message.find("No such file") != std::string::npos);
}

TEST_CASE("credentials from a netrc file are used only when asked for", "[http]") {
  podsmith::test::TempDir dir;
  const std::string netrc = dir.write("netrc", "machine 127.0.0.1 login netrc-user password netrc-pass\n");
  HttpOptions options = fast();
  options.netrc_file = netrc;
  auto without = nlohmann::json::parse(fetch_ok(get(odd().url("/echo")), options).body);
  CHECK_FALSE(without["headers"].contains("authorization"));
  options.use_netrc = true;
  auto with = nlohmann::json::parse(fetch_ok(get(odd().url("/echo")), options).body);
  // "netrc-user:netrc-pass" in base64.
  CHECK(with["headers"]["authorization"] == "Basic bmV0cmMtdXNlcjpuZXRyYy1wYXNz");
}

TEST_CASE("a header that would smuggle in another is refused before sending", "[http]") {
  struct Case {
    std::string name;
    std::string value;
    std::string want;
  };
  const Case cases[] = {
      {"X-A", "1\r\nX-Injected: yes", "the value of header X-A holds a line break"},
      {"X-A", "1\nGET /other HTTP/1.1", "the value of header X-A holds a line break"},
      {"X-A: b", "1", "the header name 'X-A: b' is not a single token"},
      {"", "1", "the header name '' is not a single token"},
  };
  for (const Case& c : cases) {
    HttpRequest r = get(odd().url("/echo"));
    r.headers = {{c.name, c.value}};
    CHECK(fetch_error(r) == odd().url("/echo") + ": " + c.want);
  }
  HttpRequest bad_method = get(odd().url("/echo"));
  bad_method.method = "GET /x HTTP/1.1\r\nX:";
  CHECK_THAT(fetch_error(bad_method), Catch::EndsWith("the method is not a single token"));
}

TEST_CASE("an HTTP error status is a response, not an Error", "[http]") {
  for (int status : {204, 304, 401, 404, 410, 500}) {
    auto r = fetch_ok(get(odd().url("/status/" + std::to_string(status))));
    CHECK(r.status == status);
  }
}

TEST_CASE("HEAD reads the headers and no body", "[http]") {
  HttpRequest head = get(odd().url("/big/5000"));
  head.method = "HEAD";
  auto r = fetch_ok(head);
  CHECK(r.status == 200);
  CHECK(r.header("content-length") == "5000");
  CHECK(r.body.empty());
}

TEST_CASE("a server that answers 200 to a Range request is reported as it answered", "[http]") {
  HttpRequest range = get(odd().url("/range-ignored"));
  range.headers = {{"Range", "bytes=0-1"}};
  auto r = fetch_ok(range);
  CHECK(r.status == 200);  // lint --online turns this into a finding: Apple needs 206
  CHECK(r.body.size() == 1024);
  CHECK_FALSE(r.header("content-range"));
}

TEST_CASE("a Content-Length that lies is caught either way", "[http]") {
  SECTION("says 10 and sends 1000: exactly 10 bytes are taken") {
    auto r = fetch_ok(get(odd().url("/cl-says-10-sends-1000")));
    CHECK(r.body == "0123456789");
  }
  SECTION("says 1000, sends 10 and closes: an error, retried as transient") {
    HttpOptions o = fast();
    o.retries = 1;
    const std::string message = fetch_error(get(odd().url("/cl-says-1000-sends-10")), o);
    CHECK_THAT(message, Catch::Contains("/cl-says-1000-sends-10: connection closed before the whole body arrived"));
    CHECK_THAT(message, Catch::Contains("(2 attempts)"));
  }
}

TEST_CASE("a server that never answers hits the timeout", "[http]") {
  HttpOptions o = fast();
  o.timeout_s = 1;
  o.retries = 0;
  const auto start = std::chrono::steady_clock::now();
  auto result = http_fetch(get(odd().url("/hang")), o);
  const double elapsed = seconds_since(start);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kUnreadable);
  CHECK(result.error().message == odd().url("/hang") + ": timed out after 1 s (0 bytes received)");
  CHECK(elapsed >= 0.9);
  CHECK(elapsed < 5);

  SECTION("after a redirect, the message says where it ended up") {
    CHECK(fetch_error(get(odd().url("/redirect?to=/hang")), o) ==
          odd().url("/redirect?to=/hang") + " (redirected to " + odd().url("/hang") +
              "): timed out after 1 s (0 bytes received)");
  }
  SECTION("and a timeout is retried") {
    o.retries = 1;
    const auto again = std::chrono::steady_clock::now();
    CHECK_THAT(fetch_error(get(odd().url("/hang")), o), Catch::EndsWith("(2 attempts)"));
    CHECK(seconds_since(again) >= 1.9);
  }
}

TEST_CASE("a server that never accepts the connection hits the connect timeout", "[http]") {
  // A listening socket whose accept queue is full: Linux drops further SYNs, so the
  // connect hangs as it does to a host that has gone away.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  REQUIRE(listen(listener, 0) == 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    fillers.push_back(fd);
  }
  HttpOptions o = fast();
  o.connect_timeout_s = 1;
  o.retries = 0;
  const auto start = std::chrono::steady_clock::now();
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
  CHECK(fetch_error(get(url), o) == url + ": could not connect within 1 s");
  CHECK(seconds_since(start) < 4);
  o.timeout_s = 0;  // no limit on the transfer (as import's downloads): the connect one still holds
  CHECK(fetch_error(get(url), o) == url + ": could not connect within 1 s");
  for (int fd : fillers) close(fd);
  close(listener);
}

TEST_CASE("a server that sends less than a byte a second is given up on", "[http]") {
  HttpOptions o = fast();
  o.low_speed_timeout_s = 1;
  o.retries = 0;
  const auto start = std::chrono::steady_clock::now();
  CHECK_THAT(fetch_error(get(odd().url("/drip")), o), Catch::EndsWith("/drip: stalled: less than 1 byte/s for 1 s"));
  CHECK(seconds_since(start) < 8);
}

TEST_CASE("redirects are followed to http and https only", "[http]") {
  SECTION("a chain is followed, and only the final response's headers are kept") {
    auto r = fetch_ok(get(odd().url("/chain/3")));
    CHECK(r.status == 200);
    CHECK(r.body == "end of chain\n");
    CHECK(r.redirects == 3);
    CHECK(r.effective_url == odd().url("/chain/0"));
    CHECK_FALSE(r.header("x-from-redirect"));
    CHECK_FALSE(r.header("location"));
  }
  SECTION("without follow_redirects the 3xx is the response") {
    HttpOptions o = fast();
    o.follow_redirects = false;
    auto r = fetch_ok(get(odd().url("/chain/3")), o);
    CHECK(r.status == 302);
    CHECK(r.header("location") == "/chain/2");
    CHECK(r.header("x-from-redirect") == "yes");
  }
  SECTION("a loop stops at max_redirects") {
    HttpOptions o = fast();
    o.max_redirects = 3;
    auto result = http_fetch(get(odd().url("/loop")), o);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::kInvalidInput);
    CHECK_THAT(result.error().message, Catch::Contains("/loop: more than 3 redirects"));
    CHECK(requests_seen("never-used") == 0);  // the server is still fine
  }
  SECTION("a redirect to any other scheme is refused before anything is read") {
    const char* targets[] = {"file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/",
                             "dict://127.0.0.1/", "scp://127.0.0.1/etc/passwd", "tftp://127.0.0.1/x",
                             "ldap://127.0.0.1/", "smb://127.0.0.1/x", "telnet://127.0.0.1/"};
    for (const std::string target : targets) {
      auto result = http_fetch(get(odd().url("/redirect?to=" + target)), fast());
      INFO(target);
      REQUIRE_FALSE(result);
      CHECK(result.error().code == ErrorCode::kInvalidInput);
      CHECK_THAT(result.error().message, Catch::Contains("redirect to a non-http(s) URL refused (" + target + ")"));
      CHECK_THAT(result.error().message, !Catch::Contains("root:"));
    }
  }
  SECTION("a first URL of any other scheme is refused without a request") {
    for (const std::string url : {"file:///etc/passwd", "ftp://127.0.0.1/", "FILE:///etc/passwd", "127.0.0.1/x",
                                  "", "http//missing-colon"}) {
      auto result = http_fetch(get(url), fast());
      INFO(url);
      REQUIRE_FALSE(result);
      CHECK(result.error().code == ErrorCode::kInvalidInput);
    }
    CHECK_THAT(fetch_error(get("file:///etc/passwd")),
               Catch::Equals("file:///etc/passwd: only http and https URLs are fetched"));
  }
}

TEST_CASE("a gzip-encoded body is asked for and decoded, and can be turned off", "[http]") {
  const std::string text = [] {
    std::string t;
    for (int i = 0; i < 400; ++i) t += "podsmith gzip test line\n";
    return t;
  }();
  auto zipped = fetch_ok(get(odd().url("/gzip")));
  CHECK(zipped.header("content-encoding") == "gzip");
  CHECK(std::stoul(*zipped.header("content-length")) < text.size());
  CHECK(zipped.body == text);

  HttpOptions plain = fast();
  plain.accept_gzip = false;
  auto unzipped = fetch_ok(get(odd().url("/gzip")), plain);
  CHECK_FALSE(unzipped.header("content-encoding"));
  CHECK(unzipped.body == text);
  auto echo = nlohmann::json::parse(fetch_ok(get(odd().url("/echo")), plain).body);
  CHECK_FALSE(echo["headers"].contains("accept-encoding"));

  HttpOptions once = fast();
  once.retries = 0;
  CHECK_THAT(fetch_error(get(odd().url("/bad-gzip")), once), Catch::Contains("could not be decoded"));
}

TEST_CASE("transient statuses are retried with backoff; others are not", "[http]") {
  SECTION("which statuses, for which methods") {
    struct Case {
      std::string method;
      int code;
      int failures;
      int retries;
      int want_status;
      int want_requests;
    };
    const Case cases[] = {
        {"GET", 503, 2, 2, 200, 3},   // 503 then 503 then 200
        {"GET", 503, 3, 2, 503, 3},   // still 503 after the last retry: the response
        {"GET", 502, 1, 2, 200, 2},
        {"GET", 504, 1, 2, 200, 2},
        {"GET", 429, 1, 2, 200, 2},
        {"GET", 500, 1, 2, 500, 1},   // not transient
        {"GET", 404, 1, 2, 404, 1},
        {"GET", 503, 1, 0, 503, 1},   // retries = 0
        {"HEAD", 503, 1, 2, 200, 2},
        {"PUT", 502, 1, 2, 200, 2},
        {"POST", 503, 1, 2, 200, 2},  // the server did not take it: safe to repeat
        {"POST", 502, 1, 2, 502, 1},  // it may have: a POST is not repeated
    };
    int n = 0;
    for (const Case& c : cases) {
      const std::string key = "status-" + std::to_string(n++);
      HttpRequest r = get(odd().url("/flaky/" + key + "/" + std::to_string(c.failures) + "/" + std::to_string(c.code)));
      r.method = c.method;
      HttpOptions o = fast();
      o.retries = c.retries;
      auto response = fetch_ok(r, o);
      INFO(c.method << " " << c.code << " x" << c.failures);
      CHECK(response.status == c.want_status);
      CHECK(requests_seen(key) == c.want_requests);
    }
  }
  SECTION("the waits double from retry_delay_ms") {
    HttpOptions o = fast();
    o.retry_delay_ms = 200;
    const auto start = std::chrono::steady_clock::now();
    CHECK(fetch_ok(get(odd().url("/flaky/backoff/2/503")), o).status == 200);
    CHECK(seconds_since(start) >= 0.6);  // 200 ms + 400 ms
    CHECK(seconds_since(start) < 3);
  }
  SECTION("Retry-After lengthens the wait") {
    const auto start = std::chrono::steady_clock::now();
    CHECK(fetch_ok(get(odd().url("/retry-after/polite/1"))).status == 200);
    CHECK(seconds_since(start) >= 0.95);
  }
}

TEST_CASE("connection failures are retried and then reported", "[http]") {
  const int closed = podsmith::test::free_loopback_port();
  HttpOptions o = fast();
  o.retries = 2;
  const std::string message = fetch_error(get("http://127.0.0.1:" + std::to_string(closed) + "/x"), o);
  CHECK_THAT(message, Catch::StartsWith("http://127.0.0.1:" + std::to_string(closed) + "/x: could not connect"));
  CHECK_THAT(message, Catch::EndsWith("(3 attempts)"));

  o.retries = 0;
  CHECK_THAT(fetch_error(get(odd().url("/close")), o),
             Catch::EndsWith("/close: the server closed the connection without answering"));
}

TEST_CASE("a body over max_body_bytes stops the transfer, whatever Content-Length says", "[http]") {
  HttpOptions o = fast();
  o.max_body_bytes = 100'000;
  o.retries = 0;
  const std::string limit = "body larger than 100000 bytes (the limit); transfer stopped";

  CHECK(fetch_ok(get(odd().url("/big/100000")), o).body.size() == 100'000);  // exactly the limit is fine
  struct Case {
    std::string path;
    std::string how;
  };
  const Case cases[] = {
      {"/big/100001", "announced by Content-Length"},
      {"/endless", "no Content-Length, a body that never ends"},
      {"/endless-chunked", "chunked, never ends"},
      {"/gzip-bomb/50000000", "50 MB of zeros in a few KB of gzip: the limit counts decoded bytes"},
  };
  for (const Case& c : cases) {
    INFO(c.how);
    const auto start = std::chrono::steady_clock::now();
    auto result = http_fetch(get(odd().url(c.path)), o);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::kInvalidInput);
    CHECK(result.error().message == odd().url(c.path) + ": " + limit);
    CHECK(seconds_since(start) < 5);  // stopped, not timed out
  }
}

TEST_CASE("ETag, Last-Modified and a 304 to a conditional GET", "[http]") {
  auto first = fetch_ok(get(odd().url("/etag")));
  CHECK(first.status == 200);
  REQUIRE(first.header("etag"));
  REQUIRE(first.header("last-modified"));

  HttpRequest by_etag = get(odd().url("/etag"));
  by_etag.headers = {{"If-None-Match", *first.header("etag")}};
  auto again = fetch_ok(by_etag);
  CHECK(again.status == 304);
  CHECK(again.body.empty());

  HttpRequest by_date = get(odd().url("/etag"));
  by_date.headers = {{"If-Modified-Since", *first.header("last-modified")}};
  CHECK(fetch_ok(by_date).status == 304);
}

TEST_CASE("credentials in a URL are used but never appear in an error message", "[http]") {
  const std::string with_user = "http://user:secret@127.0.0.1:" + std::to_string(odd().port());
  CHECK(fetch_ok(get(with_user + "/auth")).status == 200);
  CHECK(fetch_ok(get(odd().url("/auth"))).status == 401);

  HttpOptions o = fast();
  o.timeout_s = 1;
  o.retries = 0;
  const std::string message = fetch_error(get(with_user + "/hang?token=abc123&x=1"), o);
  CHECK_THAT(message, !Catch::Contains("secret"));
  CHECK_THAT(message, !Catch::Contains("abc123"));
  CHECK_THAT(message, Catch::StartsWith(odd().url("/hang?token=REDACTED&x=1: timed out")));

  // The refused Location loses its user info too.
  CHECK_THAT(fetch_error(get(odd().url("/redirect?to=ftp%3A%2F%2Fbob%3Ahunter2%40127.0.0.1%2F")), o),
             Catch::EndsWith("refused (ftp://127.0.0.1/)"));
}

TEST_CASE("redact_url removes user info and secret query values", "[http]") {
  struct Case {
    const char* url;
    const char* want;
  };
  const Case cases[] = {
      {"https://example.org/feed.xml", "https://example.org/feed.xml"},
      {"https://user:pass@example.org/x", "https://example.org/x"},
      {"https://user@example.org", "https://example.org"},
      {"https://a:b@c@example.org:8443/p?q#f", "https://example.org:8443/p?q#f"},
      {"https://example.org/p@q", "https://example.org/p@q"},  // an @ in the path is not user info
      {"https://example.org/?token=t&url=u", "https://example.org/?token=REDACTED&url=u"},
      {"https://b.s3.example/k?X-Amz-Signature=abc&X-Amz-Credential=AKIA%2F&X-Amz-Date=1#x",
       "https://b.s3.example/k?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&X-Amz-Date=1#x"},
      {"https://api.example/pubnotify?url=https%3A%2F%2Fe.org%2Ff.xml&apikey=K",
       "https://api.example/pubnotify?url=https%3A%2F%2Fe.org%2Ff.xml&apikey=REDACTED"},
      {"not a url", "not a url"},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    CHECK(podsmith::redact_url(c.url) == c.want);
  }
}

TEST_CASE("TLS verification is always on", "[http]") {
  HttpOptions o = fast();
  o.retries = 0;
  SECTION("a certificate no trusted CA signed is refused") {
    CHECK_THAT(fetch_error(get(odd_tls().url("/hello")), o),
               Catch::Contains("/hello: TLS certificate verification failed"));
  }
  SECTION("trusting its CA, the same server is fine") {
    o.ca_file = odd_tls().ca_file();
    CHECK(fetch_ok(get(odd_tls().url("/hello")), o).body == "hello\n");
  }
  SECTION("a trusted certificate for another name is refused") {
    o.ca_file = odd_tls().ca_file();
    const std::string url = "https://localhost:" + std::to_string(odd_tls().port()) + "/hello";
    CHECK_THAT(fetch_error(get(url), o), Catch::Contains("TLS certificate verification failed"));
  }
}

TEST_CASE("progress reports bytes for one request", "[http]") {
  HttpOptions o = fast();
  std::vector<std::pair<int64_t, int64_t>> calls;
  o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
  auto r = fetch_ok(get(odd().url("/big/3000000")), o);
  CHECK(r.body.size() == 3'000'000);
  REQUIRE_FALSE(calls.empty());
  CHECK(calls.back() == std::pair<int64_t, int64_t>{3'000'000, 3'000'000});
  CHECK(std::is_sorted(calls.begin(), calls.end()));
}

TEST_CASE("an exception from the progress callback stops the transfer and propagates", "[http]") {
  HttpOptions o = fast();
  o.progress = [](int64_t done, int64_t) {
    if (done > 0) throw std::runtime_error("cancelled by the user");
  };
  CHECK_THROWS_WITH(http_fetch(get(odd().url("/endless")), o), "cancelled by the user");
  const std::vector<HttpRequest> batch(4, get(odd().url("/slow/cancel/100")));
  CHECK_THROWS_WITH(http_fetch_all(batch, o, 2), "cancelled by the user");
}

TEST_CASE("http_fetch_all keeps request order, bounds what is in flight, and isolates failures", "[http]") {
  SECTION("a mixed batch") {
    std::vector<HttpRequest> requests;
    // Later requests are quicker, so that finishing order differs from request order.
    for (int i = 0; i < 12; ++i) {
      requests.push_back(get(odd().url("/slow/bounded/" + std::to_string(50 + (11 - i) * 20))));
    }
    requests.push_back(get(odd().url("/status/404")));
    requests.push_back(get("file:///etc/passwd"));
    requests.push_back(get(odd().url("/flaky/in-batch/1/503")));

    HttpOptions o = fast();
    std::vector<std::pair<int64_t, int64_t>> calls;
    o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
    auto results = http_fetch_all(requests, o, 3);
    REQUIRE(results.size() == requests.size());
    for (int i = 0; i < 12; ++i) {
      REQUIRE(results[i]);
      CHECK(results[i]->body == "/slow/bounded/" + std::to_string(50 + (11 - i) * 20));
    }
    REQUIRE(results[12]);
    CHECK(results[12]->status == 404);
    REQUIRE_FALSE(results[13]);
    CHECK(results[13].error().code == ErrorCode::kInvalidInput);
    REQUIRE(results[14]);
    CHECK(results[14]->status == 200);  // retried inside the batch

    CHECK(fetch_ok(get(odd().url("/peak/bounded"))).body == "3");
    REQUIRE(calls.size() == requests.size());
    CHECK(calls.back() == std::pair<int64_t, int64_t>{15, 15});
  }
  SECTION("parallel requests overlap") {
    std::vector<HttpRequest> slow(8, get(odd().url("/slow/overlap/500")));
    const auto start = std::chrono::steady_clock::now();
    auto all = http_fetch_all(slow, fast(), 8);
    CHECK(seconds_since(start) < 2.5);  // one after another would take 4 s
    CHECK(fetch_ok(get(odd().url("/peak/overlap"))).body == "8");
    for (const auto& r : all) CHECK(r);
  }
  SECTION("an empty batch is fine") { CHECK(http_fetch_all({}, fast()).empty()); }
}

TEST_CASE("against nginx: 206 ranges, HEAD sizes, ETag and 304, gzip feeds, a 301", "[http]") {
  podsmith::test::TempDir root;
  std::string media;
  for (int i = 0; i < 200'000; ++i) media += static_cast<char>((i * 7) % 251);
  root.write("media/ep1.mp3", media);
  const std::string feed = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>" +
                           std::string(2000, ' ') + "<title>Show</title></channel></rss>\n";
  root.write("feed.xml", feed);
  NginxServer nginx(root.path());

  HttpOptions o = fast();
  o.accept_gzip = false;  // enclosure checks want the stored size

  HttpRequest head = get(nginx.url("/media/ep1.mp3"));
  head.method = "HEAD";
  auto h = fetch_ok(head, o);
  CHECK(h.status == 200);
  CHECK(h.header("content-length") == std::to_string(media.size()));
  CHECK(h.header("content-type") == "audio/mpeg");
  CHECK(h.header("accept-ranges") == "bytes");
  CHECK(h.body.empty());

  HttpRequest range = get(nginx.url("/media/ep1.mp3"));
  range.headers = {{"Range", "bytes=1000-1099"}};
  auto r = fetch_ok(range, o);
  CHECK(r.status == 206);
  CHECK(r.header("content-range") == "bytes 1000-1099/" + std::to_string(media.size()));
  CHECK(r.body == media.substr(1000, 100));

  HttpRequest tail = get(nginx.url("/media/ep1.mp3"));
  tail.headers = {{"Range", "bytes=-10"}};
  CHECK(fetch_ok(tail, o).body == media.substr(media.size() - 10));

  auto plain = fetch_ok(get(nginx.url("/feed.xml")));
  CHECK(plain.status == 200);
  CHECK(plain.header("content-encoding") == "gzip");
  CHECK(plain.body == feed);
  const auto etag = plain.header("etag");
  const auto last_modified = plain.header("last-modified");
  REQUIRE(etag);
  REQUIRE(last_modified);

  HttpRequest by_etag = get(nginx.url("/feed.xml"));
  by_etag.headers = {{"If-None-Match", *etag}};
  auto not_modified = fetch_ok(by_etag, o);  // nginx weakens the ETag of a gzipped answer
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());

  HttpRequest by_date = get(nginx.url("/feed.xml"));
  by_date.headers = {{"If-Modified-Since", *last_modified}};
  CHECK(fetch_ok(by_date).status == 304);

  HttpRequest changed = get(nginx.url("/feed.xml"));
  changed.headers = {{"If-None-Match", "\"something-else\""}};
  CHECK(fetch_ok(changed).status == 200);

  auto moved = fetch_ok(get(nginx.url("/old-feed.xml")));
  CHECK(moved.status == 200);
  CHECK(moved.redirects == 1);
  CHECK(moved.effective_url == nginx.url("/feed.xml"));
  CHECK(moved.body == feed);

  CHECK(fetch_ok(get(nginx.url("/missing.mp3"))).status == 404);

  SECTION("many ranges in parallel") {
    std::vector<HttpRequest> requests;
    for (int i = 0; i < 40; ++i) {
      HttpRequest q = get(nginx.url("/media/ep1.mp3"));
      q.headers = {{"Range", "bytes=" + std::to_string(i * 1000) + "-" + std::to_string(i * 1000 + 499)}};
      requests.push_back(q);
    }
    auto results = http_fetch_all(requests, o, 4);
    for (int i = 0; i < 40; ++i) {
      REQUIRE(results[i]);
      CHECK(results[i]->status == 206);
      CHECK(results[i]->body == media.substr(static_cast<size_t>(i) * 1000, 500));
    }
  }
}

// ---- http_download -----------------------------------------------------------

namespace {

using podsmith::http_download;
using podsmith::http_download_all;
using podsmith::HttpDownload;
using podsmith::HttpDownloadRequest;

// The bytes odd_http.py's /file/KEY/N serves in version `version`.
std::string odd_file(size_t size, int version = 1) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7 + static_cast<size_t>(version) * 13) % 251);
  return out;
}

// What /file/KEY saw: one entry per request, {range, if-range, status}.
nlohmann::json file_log(const std::string& key) {
  return nlohmann::json::parse(fetch_ok(get(odd().url("/file-log/" + key))).body);
}

HttpDownload download_ok(const std::string& url, const std::string& path, const HttpOptions& options = fast()) {
  auto result = http_download(get(url), path, options);
  INFO(url << ": " << (result ? "" : result.error().message));
  REQUIRE(result);
  return std::move(result).value();
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

}  // namespace

TEST_CASE("http_download streams the body into PATH.part and renames it only when complete", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep.mp3").string();
  HttpOptions o = fast();
  o.max_body_bytes = 1000;  // memory's limit: not the file's
  std::vector<std::pair<int64_t, int64_t>> calls;
  std::vector<int64_t> per_file;
  o.progress = [&](int64_t done, int64_t total) { calls.emplace_back(done, total); };
  o.download_progress = [&](size_t index, int64_t done, int64_t total) {
    CHECK(index == 0);
    CHECK(total == 3'000'000);
    per_file.push_back(done);
  };
  const HttpDownload d = download_ok(odd().url("/file/dl-basic/3000000"), path, o);
  CHECK(d.complete);
  CHECK(d.response.status == 200);
  CHECK(d.response.body.empty());
  CHECK(d.response.header("etag") == "\"dl-basic-v1\"");
  CHECK(d.size_bytes == 3'000'000);
  CHECK(d.resumed_bytes == 0);
  CHECK(podsmith::test::read_file(path) == odd_file(3'000'000));
  CHECK_FALSE(exists(path + ".part"));
  CHECK_FALSE(exists(path + ".part.validator"));
  REQUIRE_FALSE(calls.empty());
  CHECK(calls.back() == std::pair<int64_t, int64_t>{3'000'000, 3'000'000});
  CHECK(std::is_sorted(calls.begin(), calls.end()));
  REQUIRE_FALSE(per_file.empty());
  CHECK(per_file.back() == 3'000'000);
  CHECK(file_log("dl-basic").size() == 1);
}

TEST_CASE("a cut connection is retried from the byte where it stopped, with If-Range", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep.mp3").string();
  const HttpDownload d = download_ok(odd().url("/file/dl-cut/300000?cut=100000"), path);
  CHECK(d.complete);
  CHECK(d.response.status == 206);
  CHECK(d.resumed_bytes == 0);  // nothing was there when the call began
  CHECK(podsmith::test::read_file(path) == odd_file(300'000));
  const auto log = file_log("dl-cut");
  REQUIRE(log.size() == 2);
  CHECK(log[0]["range"].is_null());
  CHECK(log[1]["range"] == "bytes=100000-");
  CHECK(log[1]["if-range"] == "\"dl-cut-v1\"");
  CHECK(log[1]["status"] == 206);
}

TEST_CASE("an interrupted download is resumed by the next call, without fetching its bytes again", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep.mp3").string();
  HttpOptions once = fast();
  once.retries = 0;
  const std::string url = odd().url("/file/dl-resume/300000?cut=120000");
  auto cut = http_download(get(url), path, once);
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code == ErrorCode::kUnreadable);
  CHECK_FALSE(exists(path));
  CHECK(std::filesystem::file_size(path + ".part") == 120'000);
  CHECK(podsmith::test::read_file(path + ".part.validator") == "\"dl-resume-v1\"\n");

  const HttpDownload d = download_ok(url, path, once);
  CHECK(d.complete);
  CHECK(d.resumed_bytes == 120'000);
  CHECK(d.size_bytes == 300'000);
  CHECK(podsmith::test::read_file(path) == odd_file(300'000));
  CHECK_FALSE(exists(path + ".part.validator"));
  const auto log = file_log("dl-resume");
  REQUIRE(log.size() == 2);
  CHECK(log[1]["range"] == "bytes=120000-");
  CHECK(log[1]["if-range"] == "\"dl-resume-v1\"");
}

TEST_CASE("a file that changed since the partial download starts over instead of splicing", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep.mp3").string();
  HttpOptions once = fast();
  once.retries = 0;
  const std::string url = odd().url("/file/dl-change/200000?cut=50000&change=1");
  REQUIRE_FALSE(http_download(get(url), path, once));
  const HttpDownload d = download_ok(url, path, once);
  CHECK(d.response.status == 200);  // If-Range did not match: the whole new version
  CHECK(d.resumed_bytes == 0);
  CHECK(podsmith::test::read_file(path) == odd_file(200'000, 2));
  const auto log = file_log("dl-change");
  REQUIRE(log.size() == 2);
  CHECK(log[1]["if-range"] == "\"dl-change-v1\"");
  CHECK(log[1]["status"] == 200);
}

TEST_CASE("answers that do not continue the .part make the download start over", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep.mp3").string();
  SECTION("200 to a Range request") {
    dir.write("ep.mp3.part", std::string(100, 'g'));
    const HttpDownload d = download_ok(odd().url("/range-ignored"), path);
    CHECK(d.response.status == 200);
    CHECK(d.resumed_bytes == 0);
    std::string expected;
    for (int i = 0; i < 4; ++i) {
      for (int b = 0; b < 256; ++b) expected += static_cast<char>(b);
    }
    CHECK(podsmith::test::read_file(path) == expected);
  }
  SECTION("206 from another byte than asked for") {
    dir.write("ep.mp3.part", std::string(100, 'g'));
    const HttpDownload d = download_ok(odd().url("/file/dl-bad-range/5000?bad_range=1"), path);
    CHECK(d.complete);
    CHECK(podsmith::test::read_file(path) == odd_file(5000));
    const auto log = file_log("dl-bad-range");
    REQUIRE(log.size() == 2);
    CHECK(log[0]["range"] == "bytes=100-");
    CHECK(log[1]["range"].is_null());  // the .part was discarded
  }
}

TEST_CASE("an HTTP error is a response: no file, and the .part is kept", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep.mp3").string();
  dir.write("ep.mp3.part", "partial");
  const HttpDownload d = download_ok(odd().url("/status/404"), path);
  CHECK_FALSE(d.complete);
  CHECK(d.response.status == 404);
  CHECK(d.response.body == "status 404\n");
  CHECK(d.size_bytes == 7);
  CHECK_FALSE(exists(path));
  CHECK(podsmith::test::read_file(path + ".part") == "partial");
}

TEST_CASE("a download has its own size limit, and stops a body without end", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "endless.bin").string();
  HttpOptions o = fast();
  o.max_file_bytes = 1'000'000;
  auto r = http_download(get(odd().url("/endless")), path, o);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(r.error().message, Catch::Contains("file larger than 1000000 bytes"));
  CHECK_FALSE(exists(path + ".part"));
  // Announced as too large: refused before a byte is written.
  r = http_download(get(odd().url("/file/dl-too-big/2000000")), path, o);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("file larger than"));
  CHECK_FALSE(exists(path + ".part"));
}

TEST_CASE("http_download refuses what is not a plain GET, and names the file it cannot write", "[http]") {
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep.mp3").string();
  HttpRequest put = get(odd().url("/hello"));
  put.method = "PUT";
  auto r = http_download(put, path, fast());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  HttpRequest ranged = get(odd().url("/hello"));
  ranged.headers = {{"Range", "bytes=0-1"}};
  r = http_download(ranged, path, fast());
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("Range"));
  r = http_download(get("file:///etc/passwd"), path, fast());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK_FALSE(exists(path + ".part"));

  const std::string nowhere = (dir.path() / "no-such-dir/ep.mp3").string();
  const std::string with_secret = "http://user:hunter2@127.0.0.1:" + std::to_string(odd().port()) + "/hello";
  r = http_download(get(with_secret), nowhere, fast());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kUnreadable);
  CHECK_THAT(r.error().message, Catch::Contains("cannot write " + nowhere + ".part: No such file or directory"));
  CHECK_THAT(r.error().message, !Catch::Contains("hunter2"));
}

TEST_CASE("against nginx: downloads resume with real 206s, and a complete .part is answered 416", "[http]") {
  podsmith::test::TempDir root;
  std::string media;
  for (int i = 0; i < 200'000; ++i) media += static_cast<char>((i * 11) % 253);
  root.write("media/ep1.mp3", media);
  for (int i = 2; i <= 6; ++i) root.write("media/ep" + std::to_string(i) + ".mp3", media.substr(0, 10'000 * i));
  NginxServer nginx(root.path());
  podsmith::test::TempDir dir;
  const std::string path = (dir.path() / "ep1.mp3").string();
  const std::string url = nginx.url("/media/ep1.mp3");

  SECTION("a partial file is completed from where it stopped") {
    dir.write("ep1.mp3.part", media.substr(0, 70'000));
    const HttpDownload d = download_ok(url, path);
    CHECK(d.response.status == 206);
    CHECK(d.response.header("content-range") == "bytes 70000-199999/200000");
    CHECK(d.resumed_bytes == 70'000);
    CHECK(podsmith::test::read_file(path) == media);
  }
  SECTION("a .part that is already whole is renamed after a 416") {
    dir.write("ep1.mp3.part", media);
    const HttpDownload d = download_ok(url, path);
    CHECK(d.complete);
    CHECK(d.response.status == 416);
    CHECK(d.resumed_bytes == 200'000);
    CHECK(podsmith::test::read_file(path) == media);
  }
  SECTION("a .part longer than the file is discarded") {
    dir.write("ep1.mp3.part", media + "0123456789");
    const HttpDownload d = download_ok(url, path);
    CHECK(d.response.status == 200);
    CHECK(d.resumed_bytes == 0);
    CHECK(podsmith::test::read_file(path) == media);
  }
  SECTION("http_download_all: in parallel, in order, with per-file progress") {
    std::vector<HttpDownloadRequest> downloads;
    for (int i = 1; i <= 6; ++i) {
      downloads.push_back({get(nginx.url("/media/ep" + std::to_string(i) + ".mp3")),
                           (dir.path() / ("ep" + std::to_string(i) + ".mp3")).string()});
    }
    downloads.push_back({get(nginx.url("/media/missing.mp3")), (dir.path() / "missing.mp3").string()});
    downloads.push_back({get(nginx.url("/media/ep2.mp3")), downloads[1].path});  // one .part for two
    HttpOptions o = fast();
    std::map<size_t, int64_t> last;
    int64_t finished = 0;
    o.download_progress = [&](size_t index, int64_t done, int64_t) { last[index] = done; };
    o.progress = [&](int64_t done, int64_t total) {
      CHECK(total == 8);
      finished = done;
    };
    const auto results = http_download_all(downloads, o, 2);
    REQUIRE(results.size() == 8);
    for (int i = 0; i < 6; ++i) {
      REQUIRE(results[i]);
      CHECK(results[i]->complete);
      CHECK(podsmith::test::read_file(downloads[i].path) == (i == 0 ? media : media.substr(0, 10'000 * (i + 1))));
      CHECK(last[i] == static_cast<int64_t>(i == 0 ? media.size() : 10'000 * (i + 1)));
    }
    REQUIRE(results[6]);
    CHECK_FALSE(results[6]->complete);
    CHECK(results[6]->response.status == 404);
    REQUIRE_FALSE(results[7]);
    CHECK(results[7].error().code == ErrorCode::kInvalidInput);
    CHECK(finished == 8);
  }
}
