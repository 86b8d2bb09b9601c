#include "podsmith/feed/rss_writer.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

podsmith::Episode episode(int i) {
  podsmith::Episode e;
  e.guid = "guid-" + std::to_string(i);
  e.title = "Episode " + std::to_string(i) + (i % 3 == 0 ? " & <friends>" : "");
  e.date = podsmith::Timestamp{1'700'000'000 - int64_t{i} * 86'400, 60};
  e.summary_html = "<p>Notes " + std::to_string(i) + "</p>";
  e.notes_html = e.summary_html;
  e.enclosure = podsmith::Enclosure{"https://example.org/media/" + std::to_string(i) + ".mp3", 1000 + i, "audio/mpeg"};
  e.duration_ms = 60'000 + i;
  if (i % 2 == 0) e.episode = i + 1;
  if (i % 5 == 0) {
    podsmith::Chapter c;
    c.title = "Start";
    e.chapters.push_back(c);
  }
  return e;
}

podsmith::Show show_of(int episodes) {
  podsmith::Show s;
  s.name = "show";
  s.title = "Show";
  s.description_html = "<p>About</p>";
  s.description_text = "About";
  s.base_url = "https://example.org/";
  s.feed_url = "https://example.org/feeds/show.xml";
  s.updated = podsmith::Timestamp{1'700'000'000, 0};
  for (int i = 0; i < episodes; ++i) s.episodes.push_back(episode(i));
  return s;
}

// The <item> of a one-episode feed, with the indentation it has there.
std::string item_of(int i) {
  podsmith::Show s = show_of(0);
  s.episodes.push_back(episode(i));
  const std::string feed = podsmith::write_rss(s);
  const size_t begin = feed.find("    <item>");
  const size_t end = feed.find("</item>\n", begin);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  return feed.substr(begin, end + 8 - begin);
}

}  // namespace

TEST_CASE("write_rss writes a long feed as the channel, then each item as a feed of one has it, in order") {
  // 70 items: more than the writer puts in one tree, so they come from several.
  const std::string empty = podsmith::write_rss(show_of(0));
  const std::string tail = "  </channel>\n</rss>\n";
  REQUIRE(empty.size() > tail.size());
  REQUIRE(empty.compare(empty.size() - tail.size(), tail.size(), tail) == 0);
  std::string expected = empty.substr(0, empty.size() - tail.size());
  for (int i = 0; i < 70; ++i) expected += item_of(i);
  expected += tail;
  CHECK(podsmith::write_rss(show_of(70)) == expected);
  CHECK(expected.find("<title>Episode 3 &amp; &lt;friends&gt;</title>") != std::string::npos);
}
