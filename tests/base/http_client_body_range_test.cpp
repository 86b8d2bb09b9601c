// http_fetch sending a range of a file as the body (HttpRequest::body_file_offset
// and body_file_length, as S3's UploadPart does), against tests/servers/odd_http.py.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "podsmith/base/http_client.h"
#include "servers/loopback_server.h"
#include "test_support.h"

using podsmith::HttpOptions;
using podsmith::HttpRequest;

namespace {

podsmith::test::OddHttpServer& echo_server() {
  static podsmith::test::OddHttpServer server;
  return server;
}

HttpRequest put_range(const std::string& file, int64_t offset, int64_t length) {
  HttpRequest r;
  r.method = "PUT";
  r.url = echo_server().url("/echo");
  r.body_file = file;
  r.body_file_offset = offset;
  r.body_file_length = length;
  return r;
}

}  // namespace

TEST_CASE("http_fetch sends only the range of a body file asked for", "[http]") {
  podsmith::test::TempDir dir;
  std::string bytes(300'000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  const std::string file = dir.write("episode.mp3", bytes);

  HttpOptions options;
  options.retry_delay_ms = 10;
  std::vector<std::pair<int64_t, int64_t>> seen;
  options.upload_progress = [&](size_t, int64_t sent, int64_t total) { seen.emplace_back(sent, total); };

  auto middle = podsmith::http_fetch(put_range(file, 100'001, 150'000), options);
  REQUIRE(middle);
  auto echo = nlohmann::json::parse(middle->body);
  CHECK(echo["headers"]["content-length"] == "150000");
  CHECK(echo["body"] == bytes.substr(100'001, 150'000));
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back() == std::pair<int64_t, int64_t>{150'000, 150'000});

  // A length of -1: the rest of the file; several ranges of one file at once.
  std::vector<HttpRequest> batch = {put_range(file, 250'000, -1), put_range(file, 0, 1), put_range(file, 0, 0)};
  auto results = podsmith::http_fetch_all(batch, options, 3);
  REQUIRE(results.size() == 3);
  for (const auto& r : results) REQUIRE(r);
  CHECK(nlohmann::json::parse(results[0]->body)["body"] == bytes.substr(250'000));
  CHECK(nlohmann::json::parse(results[1]->body)["body"] == bytes.substr(0, 1));
  CHECK(nlohmann::json::parse(results[2]->body)["body"] == "");
}

TEST_CASE("a body range past the end of its file fails before anything is sent", "[http]") {
  podsmith::test::TempDir dir;
  const std::string file = dir.write("short.mp3", std::string(1000, 'x'));
  for (const auto& [offset, length] : {std::pair<int64_t, int64_t>{900, 101}, {1001, -1}, {-1, 10}}) {
    INFO(offset << "+" << length);
    auto r = podsmith::http_fetch(put_range(file, offset, length));
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("short.mp3"));
    CHECK_THAT(r.error().message, Catch::Contains("it has 1000"));
  }
}
