#include "podsmith/publish/notify.h"

#include <catch2/catch.hpp>

using podsmith::make_pings;
using podsmith::PublishSettings;
using podsmith::query_encode;

TEST_CASE("query_encode leaves only unreserved characters") {
  CHECK(query_encode("https://example.org/feeds/a b.xml?x=1&y=ü") ==
        "https%3A%2F%2Fexample.org%2Ffeeds%2Fa%20b.xml%3Fx%3D1%26y%3D%C3%BC");
  CHECK(query_encode("AZaz09-._~") == "AZaz09-._~");
}

TEST_CASE("make_pings builds the WebSub, Podcast Index and Podping requests") {
  PublishSettings s;
  s.podcast_index = true;
  s.podcast_index_url = "http://127.0.0.1:9/api/1.0/hub/pubnotify";
  s.podping = true;
  s.podping_url = "http://127.0.0.1:9/?key=1";
  bool missing = true;
  const auto pings = make_pings("https://example.org/feeds/show.xml", {"https://hub.example/"}, s, "tok", "music",
                                &missing);
  CHECK_FALSE(missing);
  REQUIRE(pings.size() == 3);
  CHECK(pings[0].service == "websub");
  CHECK(pings[0].request.method == "POST");
  CHECK(pings[0].request.url == "https://hub.example/");
  CHECK(pings[0].request.body == "hub.mode=publish&hub.url=https%3A%2F%2Fexample.org%2Ffeeds%2Fshow.xml");
  CHECK(pings[1].service == "podcastindex");
  CHECK(pings[1].request.method == "GET");
  CHECK(pings[1].request.url ==
        "http://127.0.0.1:9/api/1.0/hub/pubnotify?url=https%3A%2F%2Fexample.org%2Ffeeds%2Fshow.xml");
  CHECK(pings[2].service == "podping");
  CHECK(pings[2].request.url ==
        "http://127.0.0.1:9/?key=1&url=https%3A%2F%2Fexample.org%2Ffeeds%2Fshow.xml&reason=update&medium=music");
  REQUIRE(pings[2].request.headers.size() == 1);
  CHECK(pings[2].request.headers[0] == std::pair<std::string, std::string>{"Authorization", "tok"});
}

TEST_CASE("make_pings leaves out what is not configured, and Podping without a token") {
  PublishSettings s;
  s.websub = false;
  s.podping = true;
  bool missing = false;
  CHECK(make_pings("https://example.org/f.xml", {"https://hub.example/"}, s, "", "", &missing).empty());
  CHECK(missing);
  s.podping = false;
  CHECK(make_pings("https://example.org/f.xml", {}, s, "", "", &missing).empty());
  CHECK_FALSE(missing);
}
