// lint_online against real servers on loopback: nginx for what a good host does
// (206 ranges, ETag, 304) and odd_http.py for hosts that get it wrong.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "podsmith/base/ids.h"
#include "podsmith/lint/lint.h"
#include "podsmith/feed/rss_reader.h"
#include "servers/loopback_server.h"
#include "test_support.h"

using podsmith::Finding;
using podsmith::LintOptions;
using podsmith::test::NginxServer;
using podsmith::test::OddHttpServer;
using podsmith::test::TempDir;

namespace {

std::string png(uint32_t width, uint32_t height, char colour_type) {
  std::string b = "\x89PNG\r\n\x1A\n";
  b += std::string("\0\0\0\x0D", 4) + "IHDR";
  for (uint32_t v : {width, height})
    for (int shift = 24; shift >= 0; shift -= 8) b += static_cast<char>((v >> shift) & 0xFF);
  b += std::string(1, '\x08') + std::string(1, colour_type) + std::string(3, '\0');
  b += std::string(4, '\0');  // CRC, not checked by header readers
  b += std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
  return b;
}

// SOI and a baseline SOF0 segment of `components` components.
std::string jpeg(int width, int height, int components) {
  std::string b("\xFF\xD8\xFF\xC0", 4);
  const int length = 8 + 3 * components;
  for (int v : {length >> 8, length & 0xFF, 8, height >> 8, height & 0xFF, width >> 8, width & 0xFF, components})
    b += static_cast<char>(v);
  for (int c = 1; c <= components; ++c) b += std::string{static_cast<char>(c), '\x11', '\0'};
  return b;
}

struct Served {
  TempDir root;
  std::string feed_xml;
};

std::string item(const std::string& enclosure, const std::string& length, const std::string& type,
                 const std::string& image, const std::string& chapters, const std::string& transcript) {
  std::string x = "    <item>\n      <title>t</title>\n      <enclosure url=\"" + enclosure + "\" length=\"" + length +
                  "\" type=\"" + type + "\"/>\n";
  if (!image.empty()) x += "      <itunes:image href=\"" + image + "\"/>\n";
  if (!chapters.empty()) x += "      <podcast:chapters url=\"" + chapters + "\" type=\"application/json+chapters\"/>\n";
  if (!transcript.empty()) x += "      <podcast:transcript url=\"" + transcript + "\" type=\"text/vtt\"/>\n";
  return x + "    </item>\n";
}

std::vector<Finding> lint_online_text(const std::string& xml, LintOptions options) {
  auto doc = podsmith::read_feed(xml, "feed.xml");
  REQUIRE(doc.has_value());
  podsmith::OnlineLintOptions online;
  online.timeout_s = 10;
  return podsmith::lint_online(*doc, options, online);
}

// "rule url-part" for each finding whose message names `part`.
size_t count(const std::vector<Finding>& findings, const std::string& rule, const std::string& part) {
  size_t n = 0;
  for (const Finding& f : findings) n += f.rule == rule && f.message.find(part) != std::string::npos;
  return n;
}

}  // namespace

TEST_CASE("lint --online checks enclosures, artwork, chapters and transcripts where they are served", "[lint][online]") {
  OddHttpServer odd;
  TempDir root;
  root.write("ep1.mp3", std::string(1000, 'a'));
  root.write("ep2.mp3", std::string(1000, 'b'));
  root.write("ep5.m4a", std::string(500, 'c'));
  root.write("art.jpg", jpeg(1400, 1400, 3));
  root.write("small.png", png(600, 600, 2));
  root.write("cmyk.jpg", jpeg(3000, 3000, 4));
  root.write("alpha.png", png(2000, 2000, 6));
  root.write("png-named.jpg", png(1400, 1400, 2));
  root.write("anim.gif", "GIF89a\x10\x00\x10\x00\x00\x00\x00");
  root.write("good.json", R"({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}]})");
  root.write("bad.json", "{ \"chapters\": [ not json");
  root.write("good.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n");
  root.write("bad.vtt", "1\n00:00:00,000 --> 00:00:01,000\nhello\n");
  NginxServer nginx(root.path());
  const std::string self = nginx.url("/feed.xml");
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
      "xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n"
      "  <channel>\n    <title>Online</title>\n"
      "    <atom:link href=\"" +
      self +
      "\" rel=\"self\" type=\"application/rss+xml\"/>\n"
      "    <itunes:image href=\"" +
      nginx.url("/art.jpg") + "\"/>\n" +
      item(nginx.url("/ep1.mp3"), "1000", "audio/mpeg", nginx.url("/small.png"), nginx.url("/good.json"),
           nginx.url("/good.vtt")) +
      item(nginx.url("/ep2.mp3"), "999", "audio/mpeg", nginx.url("/cmyk.jpg"), nginx.url("/bad.json"),
           nginx.url("/bad.vtt")) +
      item(nginx.url("/missing.mp3"), "1000", "audio/mpeg", nginx.url("/alpha.png"), nginx.url("/missing.json"),
           nginx.url("/missing.vtt")) +
      item(odd.url("/range-ignored"), "1024", "audio/mpeg", nginx.url("/png-named.jpg"), "", "") +
      item(nginx.url("/ep5.m4a"), "500", "audio/x-m4a", nginx.url("/anim.gif"), "", "") +
      item(nginx.url("/ep1.mp3"), "1000", "audio/mpeg", nginx.url("/small.png"), "", "") +  // fetched once
      "  </channel>\n</rss>\n";
  root.write("feed.xml", xml);

  LintOptions options;
  options.file = "feed.xml";
  size_t last_done = 0, last_total = 0;
  auto doc = podsmith::read_feed(xml, "feed.xml");
  REQUIRE(doc.has_value());
  podsmith::OnlineLintOptions online;
  online.timeout_s = 10;
  online.parallel = 3;
  online.progress = [&](size_t done, size_t total) {
    CHECK(done >= last_done);
    last_done = done;
    last_total = total;
  };
  const auto findings = podsmith::lint_online(*doc, options, online);
  INFO(podsmith::format_findings_text(findings));
  CHECK(last_done == last_total);
  CHECK(last_total == 2 * 5 + 6 + 3 + 3 + 2);  // enclosures twice, artwork, chapters, transcripts, the feed twice

  CHECK(count(findings, "apple/enclosure-length-match", "ep2.mp3") == 1);
  CHECK(count(findings, "apple/enclosure-reachable", "missing.mp3") == 1);
  CHECK(count(findings, "apple/enclosure-byte-ranges", "range-ignored") == 1);
  CHECK(count(findings, "apple/enclosure-content-type", "ep5.m4a") == 1);
  CHECK(count(findings, "apple/artwork-dimensions", "small.png") == 1);
  CHECK(count(findings, "apple/artwork-colour", "cmyk.jpg") == 1);
  CHECK(count(findings, "apple/artwork-alpha", "alpha.png") == 1);
  CHECK(count(findings, "apple/artwork-format", "png-named.jpg") == 1);
  CHECK(count(findings, "apple/artwork-format", "anim.gif") == 1);
  CHECK(count(findings, "podcastindex/chapters-valid", "bad.json") == 1);
  CHECK(count(findings, "podcastindex/chapters-reachable", "missing.json") == 1);
  CHECK(count(findings, "podcastindex/transcript-content", "bad.vtt") == 1);
  CHECK(count(findings, "podcastindex/transcript-reachable", "missing.vtt") == 1);
  CHECK(findings.size() == 13);  // nothing about ep1, art.jpg, good.json, good.vtt or the feed (ETag, 304)
  for (const Finding& f : findings) {
    CHECK(f.line > 0);
    CHECK(!f.hint.empty());
  }

  SECTION("rule sets select the online rules too") {
    LintOptions only_index = options;
    only_index.rule_sets = {"podcastindex"};
    const auto some = lint_online_text(xml, only_index);
    CHECK(some.size() == 4);  // chapters and transcripts only
  }
}

TEST_CASE("lint --online checks that the feed's server lets directories poll it cheaply", "[lint][online]") {
  OddHttpServer odd;
  const std::string xml = "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>";
  LintOptions options;
  options.rule_sets = {"rss"};

  options.fetched_from = odd.url("/hello");  // neither ETag nor Last-Modified
  auto findings = lint_online_text(xml, options);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule == "rss/feed-cache-validators");

  options.fetched_from = odd.url("/etag");  // ETag, Last-Modified and a 304
  CHECK(lint_online_text(xml, options).empty());

  // ETag and Last-Modified, but a full 200 again to a conditional GET.
  options.fetched_from = odd.url("/file/feed/100");
  findings = lint_online_text(xml, options);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule == "rss/feed-conditional-get");

  options.fetched_from = odd.url("/status/404");
  findings = lint_online_text(xml, options);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule == "rss/feed-reachable");
  CHECK(findings[0].message.find("404") != std::string::npos);

  options.fetched_from = "";  // a file without a self link: nothing to fetch
  CHECK(lint_online_text(xml, options).empty());
}
