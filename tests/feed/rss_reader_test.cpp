#include "podsmith/feed/rss_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include "feed/feed_encoding.h"
#include "feed/html_entities.h"
#include "podsmith/base/dates.h"
#include "podsmith/base/text.h"
#include "test_support.h"

using podsmith::FeedDocument;
using podsmith::FeedElement;
using podsmith::read_feed;

namespace {

std::string fixture(const std::string& name) {
  return podsmith::test::read_file(podsmith::test::source_path("tests/fixtures/feeds/" + name));
}

FeedDocument read_ok(const std::string& bytes, const podsmith::ReadOptions& options = {}) {
  auto r = read_feed(bytes, "feed.xml", options);
  if (!r) FAIL(r.error().to_string());
  return std::move(r).value();
}

FeedDocument read_fixture(const std::string& name, const podsmith::ReadOptions& options = {}) {
  auto r = read_feed(fixture(name), name, options);
  if (!r) FAIL(r.error().to_string());
  return std::move(r).value();
}

bool has_problem(const FeedDocument& doc, const std::string& needle) {
  for (const podsmith::Error& e : doc.problems)
    if (e.message.find(needle) != std::string::npos) return true;
  return false;
}

// Calls f on every string in the tree and in the model.
void each_string(const FeedElement& e, const std::function<void(std::string_view)>& f) {
  f(e.ns()), f(e.name()), f(e.prefix()), f(e.text());
  for (const auto& [name, value] : e.attributes()) f(name), f(value);
  for (const FeedElement& c : e.children()) each_string(c, f);
}

void each_string(const FeedDocument& doc, const std::function<void(std::string_view)>& f) {
  each_string(doc.rss, f);
  const podsmith::Show& s = doc.show;
  for (const std::string* v : {&s.title, &s.subtitle, &s.description_html, &s.description_text, &s.link, &s.language,
                               &s.copyright, &s.author, &s.owner_name, &s.owner_email, &s.image, &s.feed_url,
                               &s.new_feed_url, &s.podcast_guid, &s.websub_hub, &s.keywords})
    f(*v);
  for (const podsmith::Episode& e : s.episodes)
    for (const std::string* v : {&e.guid, &e.title, &e.subtitle, &e.author, &e.link, &e.notes_html, &e.summary_html,
                                 &e.summary_text, &e.enclosure.url, &e.enclosure.type, &e.image, &e.chapters_url})
      f(*v);
  for (const podsmith::Error& p : doc.problems) f(p.message);
}

size_t total_text_bytes(const FeedDocument& doc) {
  size_t n = 0;
  each_string(doc, [&n](std::string_view s) { n += s.size(); });
  return n;
}

// A feed of `items` items in the style the writer uses, for size tests.
std::string generated_feed(int items) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
      "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">\n<channel>\n<title>Generated</title>\n"
      "<link>https://gen.example/</link>\n<description>Many items.</description>\n";
  for (int i = items; i >= 1; --i) {
    const std::string n = std::to_string(i);
    out += "<item><title>Episode " + n + "</title><guid isPermaLink=\"false\">gen-" + n +
           "</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate><description><![CDATA[<p>Notes for episode " + n +
           " &amp; friends.</p>]]></description><enclosure url=\"https://gen.example/" + n +
           ".mp3\" length=\"" + n + "000\" type=\"audio/mpeg\"/><itunes:duration>" + n +
           "</itunes:duration><itunes:episode>" + n + "</itunes:episode></item>\n";
  }
  return out + "</channel>\n</rss>\n";
}

}  // namespace

TEST_CASE("every fixture feed parses, with its host's values", "[reader]") {
  struct Case {
    const char* file;
    const char* encoding;
    const char* title;
    size_t episodes;
    const char* first_guid;
    const char* first_title;
    const char* first_date;  // RFC 3339, "" to skip
    const char* first_url;
    int64_t first_length;
    int64_t first_duration_ms;
    const char* problem;  // a substring of one problem; nullptr when there should be none
  };
  const Case cases[] = {
      {"libsyn.xml", "UTF-8", "Gravel Road Gardening", 2, "9b1c2e8f-3a4d-4e6f-8a1b-2c3d4e5f6a7b",
       "Ep. 42 - Mulch Is Not a Personality", "2024-05-14T08:00:00Z",
       "https://traffic.libsyn.com/secure/gravelroadgardening/GRG_042.mp3?dest-id=918273", 43417600, 2712000, nullptr},
      {"anchor.xml", "UTF-8", "Night Shift Snacks", 2, "5f0c3a9e-7b1d-4c2e-9f8a-0d1e2f3a4b5c",
       "The Granola Bar Tier List", "2024-06-03T10:00:00Z",
       "https://anchor.fm/s/f00dcafe/podcast/play/88776655/"
       "https%3A%2F%2Fd3ctxlq1ktw2nl.cloudfront.net%2Fstaging%2F2024-5-3%2F381234-44100-2-abc.mp3",
       31004160, 1937000, nullptr},
      {"buzzsprout.xml", "UTF-8", "Small Claims, Big Feelings", 1, "Buzzsprout-15000001",
       "1. The Case of the Borrowed Lawnmower", "2024-06-13T06:00:00-04:00",
       "https://www.buzzsprout.com/2233445/15000001-the-case-of-the-borrowed-lawnmower.mp3", 28201442, 1956000,
       "without an xmlns:atom declaration"},
      {"transistor.xml", "UTF-8", "The Quiet Compiler", 2, "7e1f0a2b-93c4-4d5e-a6f7-08192a3b4c5d",
       "Register Allocation Without Tears", "2024-06-12T13:00:00-07:00",
       "https://media.transistor.fm/ab12cd34/ef56ab78.mp3", 56098231, 2345000, nullptr},
      {"megaphone.xml", "UTF-8", "Broken Compass", 2, "bb22cc33-dd44-11ee-ee55-ff6677889900",
       "Chapter 2: The Fog Horn", "2024-06-10T04:00:00Z",
       "https://traffic.megaphone.fm/BRKN9876543210.mp3?updated=1718000000", 0, 3120000, nullptr},
      {"podbean.xml", "UTF-8", "Sunday Bakes with Oma", 2, "sundaybakes.podbean.com/8d9e0f1a-2b3c-4d5e-6f70-8192a3b4c5d6",
       "Sachertorte & the Great Apricot Argument", "2024-06-08T06:00:00-07:00",
       "https://mcdn.podbean.com/mf/web/ab12cd/Sachertorte.mp3", 50412337, 3150000, "bare &"},
      {"castopod.xml", "UTF-8", "Fediverse Field Notes", 1,
       "https://podcasts.example.coop/@fediverse_field_notes/episodes/moderer-sans-s-epuiser",
       "Mod\xC3\xA9rer sans s'\xC3\xA9puiser", "2024-06-17T07:30:00+02:00",
       "https://podcasts.example.coop/@fediverse_field_notes/episodes/moderer-sans-s-epuiser.mp3", 24000000, 1500000,
       "is not the standard URI"},
      {"powerpress.xml", "UTF-8", "Parish Hall Radio", 2, "https://parishhallradio.example.org/?p=1187",
       "The Hedge Strikes Back", "2024-06-05T12:00:00Z",
       "https://media.blubrry.com/parishhallradio/parishhallradio.example.org/wp-content/uploads/2024/06/PHR-088.mp3",
       26001234, 1625000, nullptr},
      {"seriously-simple.xml", "UTF-8", "Trail Running for Slow People", 1,
       "https://slowtrails.example.com/?post_type=podcast&p=412", "Ep 9: Downhill Is a Skill (Apparently)",
       "2024-06-10T09:00:00Z", "https://slowtrails.example.com/podcast-download/412/ep-9-downhill.mp3", 33554432,
       2097000, nullptr},
      {"apple-sample.xml", "UTF-8", "Tide Pool Trails", 3, "D03EEC9B-B1B4-475B-92C8-54F853FA2A22",
       "Tide Pools Are Calling", "2019-01-08T01:15:00Z", "https://www.example.com/podcasts/tidepools/Trailer.mp3", 498537,
       1079000, nullptr},
      {"minimal.xml", "UTF-8", "Minimal", 1, "", "One", "", "https://minimal.example/1.mp3", 1000, 0, nullptr},
      {"podcasting20.xml", "UTF-8", "Value for Value Gardening", 1, "v4v-ep-031", "Compost Thermodynamics",
       "2024-06-11T08:00:00Z", "https://v4v.example.org/media/031.mp3", 42424242, 4242500, nullptr},
      {"guids.xml", "UTF-8", "Reruns Forever", 5, "", "Episode 4 (no guid)", "2024-06-09T20:00:00+01:00",
       "https://reruns.example.net/audio/ep4.mp3", 1000004, 0, nullptr},
      {"entities.xml", "UTF-8", "Caf\xC3\xA9 Society \xE2\x80\x94 Q&A", 1, "cafe-1",
       "Don\xE2\x80\x99t Order the \xE2\x80\x9CSpecial\xE2\x80\x9D", "2024-06-14T18:00:00+02:00",
       "https://cafesociety.example.fr/ep1.mp3?a=1&b=2", 2000000, 0, "&bogus; is not an entity"},
      {"relative-urls.xml", "UTF-8", "Homebrew Hosting", 4, "hb-1", "Absolute path", "2024-04-01T10:00:00Z",
       "https://homebrew.example.org/media/hb-1.mp3", 101, 0, "is relative: read as"},
      {"stray-spaces.xml", "UTF-8", "Copy-Paste Radio", 1, "cpr-1", "Episode One", "2024-06-12T07:00:00-05:00",
       "https://copypaste.example.com/media/Episode%201%20Final%20FINAL.mp3", 1234567, 754000, "has spaces"},
      {"bom-utf8.xml", "UTF-8", "Ma\xC3\xB1" "ana Mornings", 1, "mm-1", "Caf\xC3\xA9 con leche",
       "2024-06-15T09:00:00+02:00", "https://manana.example.es/ep1.mp3", 4242, 0, nullptr},
      {"blank-lines.xml", "UTF-8", "Stray Newline FM", 1, "sn-1", "Echo", "2024-06-15T09:00:00+02:00",
       "https://strayfm.example.com/ep1.mp3", 4242, 0, nullptr},
      {"utf16le.xml", "UTF-16LE", "\xC3\x9C" "bersetzt: Zwei Stimmen", 1, "zs-1", "Folge 1: Gr\xC3\xBC\xC3\x9F Gott",
       "2024-06-15T09:00:00+02:00", "https://zwei.example.de/ep1.mp3", 4242, 0, nullptr},
      {"utf16be-nobom.xml", "UTF-16BE", "Big Endian Hour", 1, "be-1", "Na\xC3\xAFve", "2024-06-15T09:00:00+02:00",
       "https://bigendian.example.com/ep1.mp3", 4242, 0, "no byte-order mark"},
      {"latin1-declared.xml", "windows-1252", "Radio C\xC3\xB4te d\xE2\x80\x99" "Azur", 1, "rc-1",
       "L\xE2\x80\x99\xC3\xA9t\xC3\xA9 \xC3\xA0 Nice", "2024-06-15T09:00:00+02:00",
       "https://cotedazur.example.fr/ep1.mp3", 4242, 0, nullptr},
      {"windows-1252-declared.xml", "windows-1252", "The \xE2\x80\x9C" "Budget\xE2\x80\x9D Show", 1, "bs-1",
       "Is \xE2\x82\xAC" "1 Coffee \xE2\x80\x9CWorth It\xE2\x80\x9D?", "2024-06-15T09:00:00+02:00",
       "https://budget.example.co.uk/ep1.mp3", 4242, 0, nullptr},
      {"windows-1252-undeclared.xml", "windows-1252", "Se\xC3\xB1or Sof\xC3\xA1", 1, "ss-1",
       "El sof\xC3\xA1 \xE2\x80\x9Cperfecto\xE2\x80\x9D", "2024-06-15T09:00:00+02:00", "https://sofa.example.es/ep1.mp3",
       4242, 0, "no encoding is declared and the bytes are not UTF-8: read as windows-1252"},
      {"latin1-mislabelled-utf8.xml", "UTF-8", "Z\xC3\xBCrich Zuh\xC3\xB6ren", 1, "zz-1",
       "Fondue f\xC3\xBCr Anf\xC3\xA4nger", "2024-06-15T09:00:00+02:00", "https://zuerich.example.ch/ep1.mp3", 4242, 0,
       "declares ISO-8859-1 but its bytes are UTF-8"},
      {"utf8-with-cp1252-bytes.xml", "UTF-8", "Mixed Bag", 1, "mb-1",
       "Pasted from Word: \xE2\x80\x9Csmart quotes\xE2\x80\x9D \xE2\x80\x93 and 5\xE2\x82\xAC",
       "2024-06-15T09:00:00+02:00", "https://mixedbag.example.com/ep1.mp3", 4242, 0, "4 bytes are not UTF-8"},
      {"odd-prefixes.xml", "UTF-8", "Prefix Roulette", 2, "pr-1", "Spin One", "2024-06-20T12:00:00Z",
       "https://roulette.example.com/1.mp3", 600000, 600000, nullptr},
      {"wrong-namespace-uris.xml", "UTF-8", "Almost Right", 1, "ar-1", "Close Enough", "2024-06-22T12:00:00Z",
       "https://almostright.example.com/1.mp3", 61000, 61000, "is not the standard URI"},
      {"unknown-elements.xml", "UTF-8", "Acme Audio Extras", 1, "acme-1", "Extra Extra", "2024-06-23T12:00:00Z",
       "https://acme.example/1.mp3", 1, 0, nullptr},
      {"dates.xml", "UTF-8", "Date Salad", 9, "d1", "two-digit year", "2024-06-29T10:00:00Z", "", 0, 0,
       "\"last Tuesday-ish\" is not an RFC 2822 date"},
      {"values.xml", "UTF-8", "Values Gone Wild", 6, "v1", "seconds", "", "https://wild.example/1.mp3", 0, 3600000,
       "is not a positive integer"},
      {"unescaped-html.xml", "UTF-8", "Raw Markup Weekly", 1, "rm-1", "Tags Everywhere", "2024-06-30T12:00:00Z",
       "https://rawmarkup.example/1.mp3", 10, 0, "neither escaped nor in CDATA"},
      {"billion-laughs.xml", "UTF-8", "&lol9;", 1, "&lol9;", "&lol9;", "", "https://laughs.example/&lol9;.mp3", 1, 0,
       "the DOCTYPE is ignored"},
      {"xxe.xml", "UTF-8", "&xxe;", 1, "xxe-1", "Item &xxe;", "", "https://xxe.example/1.mp3", 1, 0,
       "the DOCTYPE is ignored"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const FeedDocument doc = read_fixture(c.file);
    CHECK(doc.encoding == c.encoding);
    REQUIRE(doc.channel != nullptr);
    CHECK(doc.show.title == c.title);
    REQUIRE(doc.show.episodes.size() == c.episodes);
    CHECK(doc.items.size() == c.episodes);
    const podsmith::Episode& e = doc.show.episodes.front();
    CHECK(e.guid == c.first_guid);
    CHECK(e.title == c.first_title);
    if (*c.first_date) {
      REQUIRE(e.date);
      CHECK(podsmith::format_rfc3339(*e.date) == c.first_date);
    }
    CHECK(e.enclosure.url == c.first_url);
    CHECK(e.enclosure.length_bytes == c.first_length);
    CHECK(e.duration_ms == c.first_duration_ms);
    if (c.problem) {
      CHECK(has_problem(doc, c.problem));
    } else {
      for (const podsmith::Error& p : doc.problems) FAIL_CHECK(p.to_string());
    }
    for (const podsmith::Error& p : doc.problems) CHECK(p.file == c.file);
    each_string(doc, [](std::string_view s) { CHECK(podsmith::is_valid_utf8(s)); });
  }
}

TEST_CASE("the reader fills the show from a host's channel", "[reader]") {
  const FeedDocument libsyn = read_fixture("libsyn.xml");
  const podsmith::Show& s = libsyn.show;
  CHECK(s.link == "https://gravelroadgardening.com");
  CHECK(s.description_html == "<p>Two neighbours on a dry hillside try to grow vegetables where nothing wants to grow.</p>");
  CHECK(s.description_text == "Two neighbours on a dry hillside try to grow vegetables where nothing wants to grow.");
  CHECK(s.language == "en");
  CHECK(s.copyright == "Copyright 2024 Marta Ilves");
  CHECK(s.author == "Marta Ilves and Joe Prent");
  CHECK(s.owner_name == "Marta Ilves");
  CHECK(s.owner_email == "marta@gravelroadgardening.com");
  CHECK(s.image == "https://ssl-static.libsyn.com/p/assets/1/2/3/4/gravelroad_3000.jpg");
  REQUIRE(s.categories.size() == 1);
  CHECK(s.categories[0].name == "Leisure");
  CHECK(s.categories[0].subcategory == "Home & Garden");
  CHECK(s.explicit_content == false);
  CHECK(s.type == "episodic");
  CHECK(s.feed_url == "https://gravelroadgardening.libsyn.com/rss");
  CHECK_FALSE(s.locked);
  CHECK(s.locked_owner == "marta@gravelroadgardening.com");
  CHECK(s.keywords == "garden,vegetables,drought,soil");
  REQUIRE(s.updated);
  CHECK(podsmith::format_rfc2822(*s.updated) == "Tue, 14 May 2024 08:05:12 +0000");
  const podsmith::Episode& e = s.episodes[0];
  CHECK(e.link == "https://gravelroadgardening.com/episode-42");
  CHECK(e.image == "https://ssl-static.libsyn.com/p/assets/1/2/3/4/ep42.jpg");
  CHECK(e.season == 3);
  CHECK(e.episode == 42);
  CHECK(e.episode_type == "full");
  CHECK(e.subtitle == "Joe defends wood chips. Marta defends gravel.");
  CHECK(e.keywords == "mulch,wood chips,gravel");
  CHECK(e.enclosure.type == "audio/mpeg");
  CHECK(e.notes_html.rfind("<p>Joe defends wood chips.", 0) == 0);

  const FeedDocument anchor = read_fixture("anchor.xml");
  CHECK(anchor.show.websub_hub == "https://pubsubhubbub.appspot.com/");
  CHECK(anchor.show.explicit_content == false);  // "No"
  REQUIRE(anchor.show.categories.size() == 2);
  CHECK(anchor.show.categories[1].name == "Health & Fitness");
  CHECK(anchor.show.categories[1].subcategory == "Nutrition");
  // No content:encoded: the notes are the description.
  CHECK(anchor.show.episodes[0].notes_html == anchor.show.episodes[0].summary_html);
  CHECK(anchor.show.episodes[1].episode_type == "trailer");
  CHECK(anchor.show.episodes[1].enclosure.type == "audio/x-m4a");

  const FeedDocument transistor = read_fixture("transistor.xml");
  CHECK(transistor.show.new_feed_url == "https://feeds.transistor.fm/the-quiet-compiler");
  CHECK(transistor.show.podcast_guid == "1c9a7e36-5a0e-5f5c-8a51-0c6e0d3b8f11");
  CHECK(transistor.show.locked);
  CHECK(transistor.show.subtitle == "Slow conversations about fast code.");
  CHECK(transistor.show.copyright == "\xC2\xA9 2024 Quiet Compiler LLC");
  CHECK_FALSE(transistor.show.complete);
  CHECK(transistor.show.episodes[0].notes_html.find("<ul><li>00:00 Intro</li>") != std::string::npos);
  CHECK(transistor.show.episodes[0].summary_html ==
        "<p>Graph colouring, linear scan, and why your laptop fan cares.</p>");
  REQUIRE(transistor.show.episodes[0].transcripts.size() == 2);
  CHECK(transistor.show.episodes[0].transcripts[1].type == "text/vtt");
  CHECK(transistor.show.episodes[1].episode_type == "bonus");

  const FeedDocument megaphone = read_fixture("megaphone.xml");
  // Escaped HTML, not CDATA: decoded once, so the notes are HTML.
  CHECK(megaphone.show.episodes[0].summary_html.rfind("<p>Edwin hears a horn that isn't his.</p>", 0) == 0);
  CHECK(megaphone.show.image.find("&max-w=3000&max-h=3000") != std::string::npos);
  CHECK(megaphone.show.type == "serial");

  const FeedDocument buzzsprout = read_fixture("buzzsprout.xml");
  REQUIRE(buzzsprout.show.funding.size() == 1);
  CHECK(buzzsprout.show.funding[0].url == "https://www.buzzsprout.com/2233445/support");
  CHECK(buzzsprout.show.funding[0].text == "Support the show");
  REQUIRE(buzzsprout.show.persons.size() == 1);
  CHECK(buzzsprout.show.persons[0].name == "Ada Whitcombe");
  CHECK(buzzsprout.show.persons[0].img == "https://example.net/ada.jpg");
  const podsmith::Episode& b = buzzsprout.show.episodes[0];
  CHECK(b.chapters_url == "https://www.buzzsprout.com/2233445/15000001/chapters.json");
  REQUIRE(b.transcripts.size() == 2);
  CHECK(b.transcripts[1].rel == "captions");
  CHECK(b.transcripts[1].language == "en");
  CHECK(b.transcripts[1].type == "application/x-subrip");

  const FeedDocument ssp = read_fixture("seriously-simple.xml");
  CHECK(ssp.show.explicit_content == false);  // "clean"
  CHECK(ssp.show.copyright == "\xC2\xA9 2024 Slow Trails");
  CHECK(ssp.show.categories.at(0).subcategory == "Running");

  const FeedDocument podbean = read_fixture("podbean.xml");
  CHECK(podbean.show.owner_name == "Tobi Hainz");
  CHECK(podbean.show.owner_email.empty());
  CHECK_FALSE(podbean.show.episodes[0].block);
}

TEST_CASE("the reader fills Podcasting 2.0 values and simple chapters", "[reader]") {
  const FeedDocument doc = read_fixture("podcasting20.xml");
  const podsmith::Show& s = doc.show;
  CHECK(s.podcast_guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810");
  CHECK(s.locked);
  CHECK(s.locked_owner == "owner@v4v.example.org");
  CHECK(s.medium == "podcast");
  CHECK(s.update_frequency == "Weekly on Tuesdays");
  CHECK(s.update_rrule == "FREQ=WEEKLY;BYDAY=TU");
  CHECK(s.license == "V4V-1.0");
  CHECK(s.license_url == "https://v4v.example.org/license");
  REQUIRE(s.funding.size() == 2);
  CHECK(s.funding[1].text == "Patreon");
  REQUIRE(s.persons.size() == 2);
  CHECK(s.persons[0].role == "host");
  CHECK(s.persons[0].href == "https://v4v.example.org/rosa");
  CHECK(s.persons[1].group == "writing");
  CHECK(s.websub_hub == "https://hub.v4v.example.org/");
  CHECK(s.explicit_content == true);
  CHECK(s.block);
  CHECK(s.complete);
  const podsmith::Episode& e = s.episodes.at(0);
  CHECK(e.season == 2);  // podcast:season when there is no itunes:season
  CHECK(e.episode == 31);
  CHECK(e.explicit_content == true);  // "yes"
  CHECK(e.image == "https://v4v.example.org/031.png");
  CHECK(e.chapters_url == "https://v4v.example.org/031/chapters.json");
  REQUIRE(e.transcripts.size() == 2);
  CHECK(e.transcripts[0].rel == "captions");
  REQUIRE(e.persons.size() == 1);
  CHECK(e.persons[0].name == "Tom Ferreira");
  CHECK(e.persons[0].role == "guest");
  CHECK(e.block);
  CHECK(e.keywords == "compost, heat");
  REQUIRE(e.chapters.size() == 3);
  CHECK(e.chapters[1].start_ms == 150500);
  CHECK(e.chapters[1].end_ms == 3900000);
  CHECK(e.chapters[1].title == "Heat");
  CHECK(e.chapters[1].url == "https://v4v.example.org/heat");
  CHECK(e.chapters[1].image_url == "https://v4v.example.org/heat.png");
  CHECK(e.chapters[2].end_ms == e.duration_ms);
  // What the model has no field for stays in the tree.
  const FeedElement* value = doc.channel->child(podsmith::kPodcastNs, "value");
  REQUIRE(value != nullptr);
  CHECK(value->children_named(podsmith::kPodcastNs, "valueRecipient").size() == 2);
  CHECK(*value->children()[1].attribute("fee") == "true");
  const FeedElement* alternate = doc.items[0]->child(podsmith::kPodcastNs, "alternateEnclosure");
  REQUIRE(alternate != nullptr);
  CHECK(alternate->children_named(podsmith::kPodcastNs, "source").size() == 2);
}

TEST_CASE("the reader decodes XML and HTML entities and CDATA, and keeps a bare & and unknown entities", "[reader]") {
  const FeedDocument doc = read_fixture("entities.xml");
  CHECK(doc.show.description_html ==
        "Notes\xC2\xA0" "from a caf\xC3\xA9 in Lille \xE2\x80\xA6 with AT&T-sized opinions & \xC2\xA9 nobody.");
  CHECK(doc.show.author == "Ren\xC3\xA9" "e & Lo\xC3\xAF" "c");
  const podsmith::Episode& e = doc.show.episodes.at(0);
  // &#146; and friends are windows-1252 to every browser, not C1 controls.
  CHECK(e.title == "Don\xE2\x80\x99t Order the \xE2\x80\x9CSpecial\xE2\x80\x9D");
  CHECK(e.summary_html ==
        "<p>Double-escaped: &nbsp; and &amp; stay one level escaped.</p> Unknown: &bogus; \xEF\xBF\xBD \xEF\xBF\xBD "
        "\xF0\x9F\xA5\x90");
  CHECK(e.notes_html == "<p>CDATA keeps &nbsp; &amp; <b>markup</b> exactly: & and &eacute; are not decoded here.</p>");
  CHECK(e.summary_text == "Part one and part two");  // CDATA sections merged with the text around them
  CHECK(e.enclosure.url == "https://cafesociety.example.fr/ep1.mp3?a=1&b=2");
  CHECK(has_problem(doc, "bare &"));
  // Positions point at the character: line 4 is "<title>Caf&eacute; Society &mdash; Q&A</title>".
  bool found = false;
  for (const podsmith::Error& p : doc.problems) {
    if (p.message.find("bare &") == std::string::npos || p.line != 4) continue;
    found = true;
    CHECK(p.column == 37);
  }
  CHECK(found);
}

TEST_CASE("html_entity_utf8 knows the HTML 4 set", "[reader]") {
  CHECK(podsmith::html_entity_utf8("nbsp") == "\xC2\xA0");
  CHECK(podsmith::html_entity_utf8("eacute") == "\xC3\xA9");
  CHECK(podsmith::html_entity_utf8("Eacute") == "\xC3\x89");
  CHECK(podsmith::html_entity_utf8("mdash") == "\xE2\x80\x94");
  CHECK(podsmith::html_entity_utf8("hellip") == "\xE2\x80\xA6");
  CHECK(podsmith::html_entity_utf8("euro") == "\xE2\x82\xAC");
  CHECK(podsmith::html_entity_utf8("zwnj") == "\xE2\x80\x8C");
  CHECK(podsmith::html_entity_utf8("apos") == "'");
  CHECK(podsmith::html_entity_utf8("AMP") == "&");
  CHECK(podsmith::html_entity_utf8("NBSP").empty());
  CHECK(podsmith::html_entity_utf8("lol9").empty());
  CHECK(podsmith::html_entity_utf8("").empty());
}

TEST_CASE("the reader matches namespaces by URI, never by prefix", "[reader]") {
  const FeedDocument doc = read_fixture("odd-prefixes.xml");
  CHECK(doc.show.author == "Pat Prefix");  // it:author; itunes: is bound to another URI here
  CHECK(doc.show.explicit_content == true);
  CHECK(doc.show.image == "https://roulette.example.com/cover.jpg");
  CHECK(doc.show.feed_url == "https://roulette.example.com/rss");
  CHECK(doc.show.podcast_guid == "0f0e0d0c-0b0a-5908-8706-050403020100");
  const podsmith::Episode& one = doc.show.episodes.at(0);
  CHECK(one.notes_html == "<p>Content under c:</p>");
  CHECK(one.duration_ms == 600000);  // x:duration, declared on the item
  CHECK(one.episode == 1);
  REQUIRE(one.persons.size() == 1);
  CHECK(doc.show.episodes.at(1).title == "Spin Two");  // the first <title> is in another namespace
  const FeedElement* other = doc.channel->child("http://example.com/not-itunes", "author");
  REQUIRE(other != nullptr);
  CHECK(other->prefix() == "itunes");
  CHECK(other->text() == "Not an iTunes author");
  const FeedElement* duration = doc.items[0]->child(podsmith::kItunesNs, "duration");
  REQUIRE(duration != nullptr);
  CHECK(duration->prefix() == "x");

  const FeedDocument wrong = read_fixture("wrong-namespace-uris.xml");
  CHECK(wrong.show.author == "Alma Wright");
  CHECK(wrong.show.explicit_content == false);
  CHECK(wrong.channel->child(podsmith::kPodcastNs, "locked") != nullptr);
  CHECK(wrong.show.episodes.at(0).notes_html == "<p>Read anyway.</p>");
  CHECK(wrong.show.episodes.at(0).duration_ms == 61000);
}

TEST_CASE("every problem of the reader says its kind", "[reader]") {
  using podsmith::ProblemKind;
  const auto kinds_of = [](const FeedDocument& doc) {
    std::vector<ProblemKind> out;
    for (const podsmith::FeedProblem& p : doc.problems) out.push_back(p.kind);
    return out;
  };
  const auto has_kind = [&](const FeedDocument& doc, ProblemKind kind) {
    const auto kinds = kinds_of(doc);
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  };
  // The misspelt URIs are misspellings; the podcast namespace's old home is an alias.
  const FeedDocument wrong = read_fixture("wrong-namespace-uris.xml");
  CHECK(kinds_of(wrong) == std::vector<ProblemKind>{ProblemKind::kNamespaceUri, ProblemKind::kNamespaceAlias,
                                                    ProblemKind::kNamespaceUri});
  CHECK(wrong.problems[1].message.find("github.com/Podcastindex-org") != std::string::npos);

  const FeedDocument doc = read_ok(
      "<rss version=\"2.0\"><channel><title>A & B &bogus;</title><itunes:author>x</itunes:author>"
      "<description><p>Hi</p></description><link>/rel</link>"
      "<item><pubDate>soon</pubDate><itunes:explicit>maybe</itunes:explicit></item></channel></rss>");
  for (const auto& [kind, words] : std::vector<std::pair<ProblemKind, std::string>>{
           {ProblemKind::kBareAmpersand, "bare &"},
           {ProblemKind::kUndefinedEntity, "&bogus;"},
           {ProblemKind::kUndeclaredPrefix, "prefix itunes"},
           {ProblemKind::kUnescapedHtml, "neither escaped nor in CDATA"},
           {ProblemKind::kRelativeUrl, "relative"},
           {ProblemKind::kDate, "not an RFC 2822 date"},
           {ProblemKind::kValue, "maybe"}}) {
    CAPTURE(words);
    bool found = false;
    for (const podsmith::FeedProblem& p : doc.problems)
      if (p.kind == kind) found = found || p.message.find(words) != std::string::npos;
    CHECK(found);
  }
  CHECK(has_kind(read_fixture("atom.xml"), ProblemKind::kNotRss));
  CHECK(has_kind(read_fixture("billion-laughs.xml"), ProblemKind::kDoctype));
  CHECK(has_kind(read_fixture("windows-1252-undeclared.xml"), ProblemKind::kEncoding));

  // The "and N more" line counts the ones left out, under their kind.
  std::string amps = "<rss><channel><title>";
  for (int i = 0; i < 10; ++i) amps += "a & b ";
  const FeedDocument many = read_ok(amps + "</title></channel></rss>");
  REQUIRE_FALSE(many.problems.empty());
  CHECK(many.problems.back().message == "and 7 more: bare & read as a literal &");
  CHECK(many.problems.back().kind == ProblemKind::kBareAmpersand);
  CHECK(many.problems.back().line == 0);
}

TEST_CASE("without the model the reader gives the same elements and problems, and no show", "[reader]") {
  podsmith::ReadOptions elements_only;
  elements_only.model = false;
  for (const char* name : {"libsyn.xml", "entities.xml", "odd-prefixes.xml", "wrong-namespace-uris.xml"}) {
    CAPTURE(name);
    const FeedDocument full = read_fixture(name);
    const FeedDocument bare = read_fixture(name, elements_only);
    CHECK(bare.show.title.empty());
    CHECK(bare.show.episodes.empty());
    REQUIRE(bare.items.size() == full.items.size());
    for (size_t i = 0; i < bare.items.size(); ++i) CHECK(bare.items[i]->at.line == full.items[i]->at.line);
    // The problems found while filling the model are the only ones missing.
    std::vector<std::string> expected;
    for (const podsmith::FeedProblem& p : full.problems)
      if (p.kind != podsmith::ProblemKind::kValue && p.kind != podsmith::ProblemKind::kDate &&
          p.kind != podsmith::ProblemKind::kUrlSpaces && p.kind != podsmith::ProblemKind::kRelativeUrl)
        expected.push_back(p.to_string());
    std::vector<std::string> actual;
    for (const podsmith::FeedProblem& p : bare.problems) actual.push_back(p.to_string());
    CHECK(actual == expected);
  }
}

TEST_CASE("the elements' strings stay valid after the bytes given to the reader are gone", "[reader]") {
  std::string bytes = fixture("libsyn.xml");
  const std::string copy = bytes;
  auto r = read_feed(std::move(bytes), "libsyn.xml");
  bytes.assign(copy.size(), 'x');  // whatever the moved-from string holds now, overwrite it
  REQUIRE(r);
  const FeedDocument doc = std::move(r).value();
  CHECK(doc.items.at(1)->child("", "title")->text() == "Ep. 41 - Tomatoes in a Heatwave");
  CHECK(*doc.items.at(1)->child("", "enclosure")->attribute("type") == "audio/mpeg");
  CHECK(doc.channel->child(podsmith::kItunesNs, "author")->ns() == podsmith::kItunesNs);
}

TEST_CASE("the reader keeps unknown elements with their namespace, attributes, text and position", "[reader]") {
  const FeedDocument doc = read_fixture("unknown-elements.xml");
  const FeedElement* network = doc.channel->child("https://acme.example/ns/feed-extras/1.0", "network");
  REQUIRE(network != nullptr);
  CHECK(network->prefix() == "acme");
  CHECK(network->text() == "Acme Network");
  REQUIRE(network->attributes().size() == 2);
  CHECK(network->attributes()[0] == podsmith::FeedAttribute("id", "42"));
  CHECK(*network->attribute("tier") == "gold");
  CHECK(network->attribute("missing") == nullptr);
  REQUIRE(network->children().size() == 1);
  CHECK(network->children()[0].name() == "sponsor");
  CHECK(network->children()[0].text() == "Widgets Inc.");
  CHECK(network->at.line == 7);
  CHECK(network->at.column == 1);
  const FeedElement* colour = doc.channel->child("", "favouriteColour");
  REQUIRE(colour != nullptr);
  CHECK(colour->text() == "teal");
  CHECK(doc.channel->child("", "cloud") != nullptr);
  const FeedElement* media = doc.items[0]->child("http://search.yahoo.com/mrss/", "content");
  REQUIRE(media != nullptr);
  CHECK(media->child("http://search.yahoo.com/mrss/", "title")->text() == "Extra (video)");
  CHECK(doc.items[0]->child("", "source")->text() == "Elsewhere");
  // The root and the channel as written.
  CHECK(doc.rss.name() == "rss");
  CHECK(*doc.rss.attribute("version") == "2.0");
  CHECK(doc.rss.at.line == 2);
  CHECK(doc.channel->at.line == 3);
}

TEST_CASE("the reader reads every common encoding into the same UTF-8", "[reader]") {
  const std::string title = "Ma\xC3\xB1" "ana \xE2\x80\x9C" "Caf\xC3\xA9\xE2\x80\x9D \xE2\x82\xAC" "5";  // Mañana “Café” €5
  const std::string feed_utf8 =
      "<?xml version=\"1.0\" encoding=\"@\"?>\n<rss version=\"2.0\"><channel><title>" + title +
      "</title><item><title>x</title></item></channel></rss>";
  const auto with_encoding = [&](const std::string& name) {
    std::string f = feed_utf8;
    f.replace(f.find('@'), 1, name);
    return f;
  };
  // UTF-16 and UTF-32 by hand, from the code points.
  const auto encode_wide = [](const std::string& utf8, int width, bool big_endian) {
    std::string out;
    for (size_t i = 0; i < utf8.size();) {
      const auto b0 = static_cast<unsigned char>(utf8[i]);
      uint32_t cp = b0;
      size_t len = 1;
      if (b0 >= 0xF0) cp = b0 & 0x07u, len = 4;
      else if (b0 >= 0xE0) cp = b0 & 0x0Fu, len = 3;
      else if (b0 >= 0xC0) cp = b0 & 0x1Fu, len = 2;
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
      i += len;
      const auto unit = [&](uint32_t u) {
        for (int k = 0; k < width; ++k) {
          const int shift = big_endian ? 8 * (width - 1 - k) : 8 * k;
          out += static_cast<char>((u >> shift) & 0xFF);
        }
      };
      if (width == 2 && cp >= 0x10000) {
        unit(0xD800 + ((cp - 0x10000) >> 10));
        unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        unit(cp);
      }
    }
    return out;
  };
  const std::string cp1252_title = "Ma\xF1" "ana \x93" "Caf\xE9\x94 \x80" "5";
  struct Case {
    std::string bytes;
    const char* encoding;
  };
  std::string latin1 = with_encoding("ISO-8859-1");
  latin1.replace(latin1.find(title), title.size(), cp1252_title);
  std::string undeclared = feed_utf8;
  undeclared.replace(undeclared.find(" encoding=\"@\""), 13, "");
  undeclared.replace(undeclared.find(title), title.size(), cp1252_title);
  const Case cases[] = {
      {with_encoding("UTF-8"), "UTF-8"},
      {"\xEF\xBB\xBF" + with_encoding("UTF-8"), "UTF-8"},
      {"\n\n   \r\n\t" + with_encoding("UTF-8"), "UTF-8"},
      {"\xFF\xFE" + encode_wide(with_encoding("UTF-16"), 2, false), "UTF-16LE"},
      {"\xFE\xFF" + encode_wide(with_encoding("UTF-16"), 2, true), "UTF-16BE"},
      {encode_wide(with_encoding("UTF-16"), 2, false), "UTF-16LE"},
      {std::string("\xFF\xFE\0\0", 4) + encode_wide(with_encoding("UTF-32"), 4, false), "UTF-32LE"},
      {std::string("\0\0\xFE\xFF", 4) + encode_wide(with_encoding("UTF-32"), 4, true), "UTF-32BE"},
      {latin1, "windows-1252"},
      {undeclared, "windows-1252"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.encoding);
    const FeedDocument doc = read_ok(c.bytes);
    CHECK(doc.encoding == c.encoding);
    CHECK(doc.show.title == title);
    REQUIRE(doc.channel != nullptr);
    // Lines and columns count the characters of the feed as given, in any encoding.
    const FeedElement* t = doc.channel->child("", "title");
    if (c.bytes.find("\n\n") == std::string::npos) {
      CHECK(t->at.line == 2);
      CHECK(t->at.column == 29);  // after <rss version="2.0"><channel>
    }
  }
  // The emoji outside the BMP survives UTF-16's surrogate pairs.
  const std::string emoji = "<rss><channel><title>\xF0\x9F\x8E\x99 Mic</title></channel></rss>";
  CHECK(read_ok("\xFF\xFE" + encode_wide(emoji, 2, false)).show.title == "\xF0\x9F\x8E\x99 Mic");
}

TEST_CASE("decode_feed repairs what it can and says what it guessed", "[reader]") {
  using podsmith::decode_feed;
  // A lone surrogate in UTF-16 and an odd trailing byte become U+FFFD.
  const podsmith::DecodedFeed broken = decode_feed(std::string("\xFF\xFE<\0a\0\x00\xD8>\0!", 11));
  CHECK(broken.encoding == "UTF-16LE");
  CHECK(broken.utf8 == "<a\xEF\xBF\xBD>\xEF\xBF\xBD");
  CHECK_FALSE(broken.notes.empty());
  // A declared encoding iconv knows and podsmith has no special case for.
  const podsmith::DecodedFeed koi8 = decode_feed("<?xml version='1.0' encoding='KOI8-R'?><t>\xF0\xD2\xC9</t>");
  CHECK(koi8.encoding == "KOI8-R");
  CHECK(koi8.utf8.find("<t>\xD0\x9F\xD1\x80\xD0\xB8</t>") != std::string::npos);  // "При"
  // An encoding nobody knows: read as UTF-8, and said so.
  const podsmith::DecodedFeed unknown = decode_feed("<?xml version='1.0' encoding='x-martian'?><t>ok</t>");
  CHECK(unknown.encoding == "UTF-8");
  REQUIRE(unknown.notes.size() == 1);
  CHECK(unknown.notes[0].find("x-martian") != std::string::npos);
  // UTF-16 declared in a file whose declaration is readable as ASCII cannot be UTF-16.
  const podsmith::DecodedFeed liar = decode_feed("<?xml version='1.0' encoding='UTF-16'?><t>ok</t>");
  CHECK(liar.encoding == "UTF-8");
  CHECK(liar.utf8.find("<t>ok</t>") != std::string::npos);
  // windows-1252's undefined bytes become C1 controls, as WHATWG says (clean_text drops them later).
  CHECK(podsmith::windows1252_code_point(0x81) == 0x81);
  CHECK(podsmith::windows1252_code_point(0x80) == 0x20AC);
  CHECK(podsmith::windows1252_code_point(0x92) == 0x2019);
  CHECK(podsmith::windows1252_code_point(0xE9) == 0xE9);
}

TEST_CASE("the reader never expands a DTD: billion laughs stays small", "[reader]") {
  const std::string bytes = fixture("billion-laughs.xml");
  const FeedDocument doc = read_ok(bytes);
  CHECK(doc.show.title == "&lol9;");
  // Expanded, &lol9; is 3 GB; what comes back is about the size of the feed.
  CHECK(total_text_bytes(doc) < 4 * bytes.size());
  each_string(doc, [](std::string_view s) { CHECK(s.find("lollol") == std::string::npos); });
  CHECK(has_problem(doc, "DOCTYPE is ignored"));
}

TEST_CASE("the reader never reads an external entity (XXE)", "[reader]") {
  const FeedDocument doc = read_fixture("xxe.xml");
  CHECK(doc.show.title == "&xxe;");
  CHECK(doc.show.description_html == "&xxeurl;");
  std::string passwd_first_line;
  std::ifstream passwd("/etc/passwd");
  std::getline(passwd, passwd_first_line);
  std::string hostname;
  std::ifstream host("/etc/hostname");
  std::getline(host, hostname);
  each_string(doc, [&](std::string_view s) {
    CHECK(s.find("root:") == std::string::npos);
    if (!passwd_first_line.empty()) CHECK(s.find(passwd_first_line) == std::string::npos);
    if (hostname.size() > 3) CHECK(s.find(hostname) == std::string::npos);
  });
}

TEST_CASE("XML the reader cannot parse gives an error with line and column", "[reader]") {
  struct Case {
    std::string bytes;
    int line;
    int column;
    const char* message;
  };
  const Case cases[] = {
      {"<rss><channel><title>x</title>", 1, 31, "is it truncated?"},
      {"<rss>\n  <channel>\n    <title>caf\xC3\xA9</titel>\n</rss>", 3, 18, "does not match"},
      {"<rss>\n<channel>\n<title>a < b</title>", 3, 10, "does not start a tag"},
      {"<rss>\n<item enclosure=yes/>\n</rss>", 2, 17, "quotes"},
      {"<?xml version=\"1.0\"?>\n<!-- only a comment -->\n", 1, 1, "no XML element"},
      {"plain text, not XML", 1, 1, "no XML element"},
      {"\xFF\xFE" + std::string("<\0r\0s\0s\0>\0\n\0<\0/\0x\0>\0", 20), 2, 3, "does not match"},
      {"<rss><channel><title>caf\xE9 \x93x\x94</title><link>a</lin></channel></rss>", 1, 47, "does not match"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.bytes);
    const auto r = read_feed(c.bytes, "bad.xml");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == podsmith::ErrorCode::kCorrupt);
    CHECK(r.error().file == "bad.xml");
    CHECK(r.error().line == c.line);
    CHECK(r.error().column == c.column);
    CHECK_THAT(r.error().message, Catch::Contains(c.message));
    CHECK(podsmith::is_valid_utf8(r.error().message));
  }
  const auto truncated = read_feed(fixture("truncated.xml"), "truncated.xml");
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().line == 7);
  CHECK_THAT(truncated.error().message, Catch::Contains("truncated"));
  CHECK_THAT(truncated.error().to_string(), Catch::StartsWith("truncated.xml:7:"));
}

TEST_CASE("the reader refuses empty and oversized input before parsing", "[reader]") {
  const auto empty = read_feed("", "empty.xml");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == podsmith::ErrorCode::kEmpty);
  CHECK_FALSE(read_feed(" \n\t", "blank.xml"));
  podsmith::ReadOptions small;
  small.max_bytes = 100;
  const auto big = read_feed(fixture("libsyn.xml"), "big.xml", small);
  REQUIRE_FALSE(big);
  CHECK(big.error().code == podsmith::ErrorCode::kInvalidInput);
  CHECK_THAT(big.error().message, Catch::Contains("limit of 100"));
  // So many tags that pugixml's DOM alone would take gigabytes.
  std::string dense = "<rss><channel>";
  for (int i = 0; i < 4'000'001; ++i) dense += "<a/>";
  const auto bomb = read_feed(dense + "</channel></rss>", "dense.xml");
  REQUIRE_FALSE(bomb);
  CHECK(bomb.error().code == podsmith::ErrorCode::kInvalidInput);
  CHECK_THAT(bomb.error().message, Catch::Contains("tags, more than the limit of 4000000"));
}

TEST_CASE("a readable document that is not RSS gives problems and no channel", "[reader]") {
  const FeedDocument atom = read_fixture("atom.xml");
  CHECK(atom.channel == nullptr);
  CHECK(atom.items.empty());
  CHECK(atom.show.episodes.empty());
  CHECK(atom.rss.name() == "feed");
  CHECK(atom.rss.ns() == podsmith::kAtomNs);
  CHECK(has_problem(atom, "not an RSS feed"));
  const FeedDocument no_channel = read_ok("<rss version=\"2.0\"><item/></rss>");
  CHECK(no_channel.channel == nullptr);
  CHECK(has_problem(no_channel, "no <channel>"));
}

TEST_CASE("the reader resolves relative URLs against the feed's URL, else the channel link", "[reader]") {
  podsmith::ReadOptions options;
  options.base_url = "https://cdn.example.net/feeds/homebrew.xml";
  const FeedDocument with_base = read_fixture("relative-urls.xml", options);
  CHECK(with_base.show.image == "https://cdn.example.net/feeds/cover.jpg");
  CHECK(with_base.show.episodes[0].enclosure.url == "https://cdn.example.net/media/hb-1.mp3");
  CHECK(with_base.show.episodes[0].transcripts.at(0).url == "https://cdn.example.net/feeds/1.vtt");

  const FeedDocument with_link = read_fixture("relative-urls.xml");
  const auto& eps = with_link.show.episodes;
  CHECK(with_link.show.image == "https://homebrew.example.org/podcast/cover.jpg");
  CHECK(eps[0].link == "https://homebrew.example.org/podcast/episodes/1.html");
  CHECK(eps[0].enclosure.url == "https://homebrew.example.org/media/hb-1.mp3");
  CHECK(eps[1].enclosure.url == "https://homebrew.example.org/archive/hb-2.mp3");
  CHECK(eps[1].chapters_url == "https://homebrew.example.org/podcast/chapters/2.json?v=2");
  CHECK(eps[2].enclosure.url == "https://cdn.homebrew.example.org/hb-3.mp3");
  CHECK(eps[3].enclosure.url == "https://homebrew.example.org/media/hb-4.mp3");
  CHECK(has_problem(with_link, "the URL \"/media/hb-1.mp3\" in <enclosure> is relative"));

  const FeedDocument no_base = read_ok(
      "<rss><channel><title>t</title><item><enclosure url=\"ep.mp3\" length=\"1\" type=\"audio/mpeg\"/></item>"
      "</channel></rss>");
  CHECK(no_base.show.episodes[0].enclosure.url == "ep.mp3");
  CHECK(has_problem(no_base, "no base URL"));

  // RFC 3986's examples of reference resolution (5.4.1, 5.4.2).
  struct Case {
    const char* ref;
    const char* resolved;
  };
  const Case rfc[] = {{"g", "http://a/b/c/g"},         {"./g", "http://a/b/c/g"},   {"g/", "http://a/b/c/g/"},
                      {"/g", "http://a/g"},             {"//g", "http://g"},         {"?y", "http://a/b/c/d;p?y"},
                      {"g?y", "http://a/b/c/g?y"},      {"#s", "http://a/b/c/d;p?q#s"}, {"g#s", "http://a/b/c/g#s"},
                      {";x", "http://a/b/c/;x"},        {".", "http://a/b/c/"},      {"./", "http://a/b/c/"},
                      {"..", "http://a/b/"},            {"../", "http://a/b/"},      {"../g", "http://a/b/g"},
                      {"../..", "http://a/"},           {"../../g", "http://a/g"},   {"../../../g", "http://a/g"},
                      {"/./g", "http://a/g"},           {"/../g", "http://a/g"},     {"g.", "http://a/b/c/g."},
                      {"..g", "http://a/b/c/..g"},      {"./../g", "http://a/b/g"},  {"g/./h", "http://a/b/c/g/h"},
                      {"g/../h", "http://a/b/c/h"},     {"g;x=1/../y", "http://a/b/c/y"}};
  podsmith::ReadOptions rfc_base;
  rfc_base.base_url = "http://a/b/c/d;p?q";
  for (const Case& c : rfc) {
    CAPTURE(c.ref);
    const FeedDocument doc = read_ok(std::string("<rss><channel><item><link>") + c.ref + "</link></item></channel></rss>",
                                     rfc_base);
    CHECK(doc.show.episodes.at(0).link == c.resolved);
  }
}

TEST_CASE("the reader trims URLs and encodes the spaces inside them", "[reader]") {
  const FeedDocument doc = read_fixture("stray-spaces.xml");
  CHECK(doc.show.title == "Copy-Paste Radio");
  CHECK(doc.show.link == "https://copypaste.example.com/show/");
  CHECK(doc.show.feed_url == "https://copypaste.example.com/feed.xml");
  CHECK(doc.show.image == "https://copypaste.example.com/art/cover%20art.jpg");
  const podsmith::Episode& e = doc.show.episodes.at(0);
  CHECK(e.title == "Episode One");
  CHECK(e.guid == "cpr-1");
  CHECK(e.link == "https://copypaste.example.com/show/episode%20one");
  CHECK(e.enclosure.url == "https://copypaste.example.com/media/Episode%201%20Final%20FINAL.mp3");
  CHECK(e.enclosure.type == "audio/mpeg");
  CHECK(e.duration_ms == 754000);
  // The tree keeps the text as written.
  CHECK(doc.channel->child("", "title")->text() == "  Copy-Paste Radio  ");
}

TEST_CASE("the reader keeps missing and duplicate guids as they are", "[reader]") {
  const FeedDocument doc = read_fixture("guids.xml");
  const auto& eps = doc.show.episodes;
  CHECK(eps[0].guid.empty());
  CHECK(eps[1].guid == eps[2].guid);
  CHECK(eps[3].guid.empty());
  CHECK(eps[4].guid == "rerun-0001");
  // Only the first enclosure is read; the tree has both.
  CHECK(eps[4].enclosure.url == "https://reruns.example.net/audio/ep1.mp3");
  CHECK(doc.items[4]->children_named("", "enclosure").size() == 2);
  CHECK(*doc.items[4]->child("", "guid")->attribute("isPermaLink") == "false");
}

TEST_CASE("the reader reads pubDate variants and reports the ones it cannot", "[reader]") {
  const FeedDocument doc = read_fixture("dates.xml");
  const char* const expected[] = {"2024-06-29T10:00:00Z",      "2024-06-28T10:00:00-07:00", "2024-06-27T10:00:00+02:00",
                                  "2024-06-26T10:00:00Z",      "2024-06-25T10:00:00Z",      "2024-06-24T10:00:00+05:30",
                                  "2024-06-23T10:00:00-07:00", nullptr,                     nullptr};
  REQUIRE(doc.show.episodes.size() == 9);
  for (size_t i = 0; i < 9; ++i) {
    CAPTURE(i);
    const std::optional<podsmith::Timestamp>& date = doc.show.episodes[i].date;
    if (expected[i]) {
      REQUIRE(date);
      CHECK(podsmith::format_rfc3339(*date) == expected[i]);
    } else {
      CHECK_FALSE(date);  // unreadable: no date is made up
    }
  }
  CHECK(podsmith::format_rfc3339(*doc.show.updated) == "2024-06-29T10:00:00-04:00");
  REQUIRE(doc.problems.size() == 1);  // the garbage date; a missing one is lint's business
  CHECK(doc.problems[0].line == 17);
  CHECK(doc.problems[0].column == 44);
}

TEST_CASE("the reader turns malformed values into problems, never exceptions", "[reader]") {
  const FeedDocument doc = read_fixture("values.xml");
  CHECK_FALSE(doc.show.explicit_content);  // "maybe"
  CHECK(doc.show.type == "serial");        // "Serial"
  CHECK(doc.show.image == "https://wild.example/cover-as-text.jpg");
  REQUIRE(doc.show.categories.size() == 2);
  CHECK(doc.show.categories[1].name == "Arts");
  CHECK(doc.show.categories[1].subcategory == "Design");
  CHECK_FALSE(doc.show.locked);
  const auto& eps = doc.show.episodes;
  CHECK(eps[0].explicit_content == true);  // "Explicit"
  CHECK_FALSE(eps[0].season);              // 0
  CHECK_FALSE(eps[0].episode);             // -3
  CHECK(eps[0].enclosure.length_bytes == 0);
  CHECK(eps[1].duration_ms == 4530000);  // 75:30
  CHECK(eps[1].explicit_content == false);
  CHECK_FALSE(eps[1].season);
  CHECK_FALSE(eps[1].episode);  // 2.5
  CHECK(eps[1].enclosure.length_bytes == 0);
  CHECK(eps[2].duration_ms == 3723250);
  CHECK(eps[2].episode_type == "bonus");
  CHECK(eps[3].duration_ms == 90500);
  CHECK(eps[3].episode_type.empty());  // "teaser"
  CHECK(eps[3].enclosure.length_bytes == 99999999999);
  CHECK(eps[4].duration_ms == 0);
  CHECK(eps[4].season == 7);
  CHECK(eps[5].title == "itunes:title only");
  for (const char* needle : {"\"maybe\"", "\"perhaps\"", "\"0\" is not a positive integer", "\"-3\"", "\"two\"",
                             "\"2.5\"", "\"1,234,567\"", "\"-5\"", "\"teaser\"", "\"about an hour\"", "as text"}) {
    CAPTURE(needle);
    CHECK(has_problem(doc, needle));
  }
  for (const podsmith::Error& p : doc.problems) {
    CHECK(p.line > 0);
    CHECK(p.column > 0);
  }
}

TEST_CASE("the reader reads HTML written as XML in descriptions as HTML", "[reader]") {
  const FeedDocument doc = read_fixture("unescaped-html.xml");
  const podsmith::Episode& e = doc.show.episodes.at(0);
  CHECK(e.summary_html ==
        "Intro <b>bold</b> and <a href=\"https://rawmarkup.example/a?x=1&amp;y=2\">a link</a> &amp; more.");
  CHECK(e.notes_html == "<p>First paragraph.</p><p>Second <em>paragraph</em><br/>with a break.</p>");
}

TEST_CASE("the reader survives garbage bytes", "[reader]") {
  std::mt19937 rng(20240601);
  const std::string seed = fixture("podcasting20.xml");
  for (int round = 0; round < 2000; ++round) {
    std::string bytes;
    if (round % 2 == 0) {
      bytes.resize(rng() % 512);
      for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    } else {
      // A real feed with a few bytes flipped, cut or doubled.
      bytes = seed;
      for (int k = 0; k < 8; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xFF);
      bytes.resize(rng() % bytes.size());
    }
    const auto r = read_feed(bytes, "garbage.xml");
    if (!r) {
      CHECK_FALSE(r.error().message.empty());
      continue;
    }
    CHECK(r->items.size() == r->show.episodes.size());
    each_string(*r, [](std::string_view s) {
      if (!podsmith::is_valid_utf8(s)) FAIL_CHECK("invalid UTF-8");
    });
  }
  for (const std::string& odd :
       {std::string("\0", 1), std::string("\0\0\0\0", 4), std::string("\xFF\xFE"), std::string("\xFE\xFF\xD8"),
        std::string("\xEF\xBB\xBF"), std::string("<"), std::string("<rss"), std::string("<rss/>"),
        std::string("<rss><channel/></rss>"), std::string("<rss>\0<channel/></rss>", 22),
        std::string("<a:rss xmlns:a=''/>"), std::string(200000, '<'), std::string(100000, '&')}) {
    CAPTURE(odd.size());
    (void)read_feed(odd, "odd.xml");
  }
}

TEST_CASE("the reader ignores elements nested deeper than it keeps, without recursing to death", "[reader]") {
  std::string deep = "<rss><channel><title>Deep</title><item><title>t</title>";
  for (int i = 0; i < 100000; ++i) deep += "<x>";
  for (int i = 0; i < 100000; ++i) deep += "</x>";
  const FeedDocument doc = read_ok(deep + "</item></channel></rss>");
  CHECK(doc.show.title == "Deep");
  CHECK(doc.show.episodes.at(0).title == "t");
  CHECK(has_problem(doc, "nested deeper"));
}

TEST_CASE("a FeedDocument keeps its pointers when moved", "[reader]") {
  FeedDocument doc = read_fixture("libsyn.xml");
  const FeedElement* channel = doc.channel;
  FeedDocument moved = std::move(doc);
  CHECK(moved.channel == channel);
  CHECK(moved.channel == &moved.rss.children()[0]);
  CHECK(moved.items[1]->child("", "title")->text() == "Ep. 41 - Tomatoes in a Heatwave");
}

TEST_CASE("the reader parses a generated 5,000-item feed", "[reader]") {
  const std::string bytes = generated_feed(5000);
  const FeedDocument doc = read_ok(bytes);
  REQUIRE(doc.show.episodes.size() == 5000);
  CHECK(doc.show.episodes.front().guid == "gen-5000");
  CHECK(doc.show.episodes.back().guid == "gen-1");
  CHECK(doc.show.episodes.back().enclosure.length_bytes == 1000);
  CHECK(doc.show.episodes[2500].duration_ms == 2500000);
  CHECK(doc.show.episodes[2500].episode == 2500);
  CHECK(doc.show.episodes[2500].summary_html == "<p>Notes for episode 2500 &amp; friends.</p>");
  CHECK(doc.items.back()->at.line == 5006);
  CHECK(doc.problems.empty());
}

TEST_CASE("positions count characters on long lines", "[reader]") {
  // One line, as many generators write: columns must still be right (and not quadratic).
  std::string line = "<rss><channel><title>\xC3\xA9t\xC3\xA9</title>";
  for (int i = 0; i < 3000; ++i) line += "<item><title>\xE2\x80\x94</title></item>";
  line += "</channel></rss>";
  const FeedDocument doc = read_ok(line);
  REQUIRE(doc.items.size() == 3000);
  CHECK(doc.items[0]->at.line == 1);
  CHECK(doc.items[0]->at.column == 33);  // "<rss><channel><title>été</title>" is 32 characters
  CHECK(doc.items[2999]->at.column == 33 + 2999 * 29);  // "<item><title>—</title></item>" is 29
}

TEST_CASE("text before, between and after child elements is read whole, also in HTML written as XML", "[reader]") {
  // pugixml keeps an element's first text as its value (parse_embed_pcdata) and the
  // reader frees each child's nodes once built: neither may lose or move a word.
  const FeedDocument doc = read_ok(R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
<title>Mixed &amp; <![CDATA[cdata]]> tail</title>
<description>Intro <p>Hi <b>bold</b> and <i>it</i></p> tail <br/> end</description>
<itunes:summary><![CDATA[first]]> then <em>x</em></itunes:summary>
<item>
  <title>  </title>
  <description>A<p>B</p>C<p>D<span>E</span>F</p>G</description>
  <itunes:duration>
    61
  </itunes:duration>
</item>
<item><title>T<!-- c -->U</title><link>https://e.org/?a=1&amp;b=2</link></item>
</channel>
</rss>
)");
  REQUIRE(doc.channel);
  CHECK(doc.channel->child("", "title")->text() == "Mixed & cdata tail");
  CHECK(doc.channel->child("", "description")->text() == "Intro <p>Hi <b>bold</b> and <i>it</i></p> tail <br/> end");
  CHECK(doc.channel->child(podsmith::kItunesNs, "summary")->text() == "first then <em>x</em>");
  REQUIRE(doc.items.size() == 2);
  CHECK(doc.items[0]->child("", "title")->text() == "  ");
  CHECK(doc.items[0]->child("", "description")->text() == "A<p>B</p>C<p>D<span>E</span>F</p>G");
  CHECK(doc.items[0]->child(podsmith::kItunesNs, "duration")->text() == "\n    61\n  ");
  CHECK(doc.items[1]->child("", "title")->text() == "TU");
  CHECK(doc.items[1]->child("", "link")->text() == "https://e.org/?a=1&b=2");
  // The elements inside the HTML are children too, with their own text.
  const FeedElement* p = doc.items[0]->child("", "description")->child("", "p");
  REQUIRE(p);
  CHECK(p->text() == "B");
}

namespace {

void require_same_element(const podsmith::FeedElement& a, const podsmith::FeedElement& b) {
  CAPTURE(a.name(), a.at.line, a.at.column);
  REQUIRE(a.ns() == b.ns());
  REQUIRE(a.name() == b.name());
  REQUIRE(a.prefix() == b.prefix());
  REQUIRE(a.text() == b.text());
  REQUIRE(a.at.line == b.at.line);
  REQUIRE(a.at.column == b.at.column);
  REQUIRE(a.attributes().size() == b.attributes().size());
  for (size_t i = 0; i < a.attributes().size(); ++i) REQUIRE(a.attributes()[i] == b.attributes()[i]);
  REQUIRE(a.children().size() == b.children().size());
  for (size_t i = 0; i < a.children().size(); ++i) require_same_element(a.children()[i], b.children()[i]);
}

}  // namespace

TEST_CASE("a feed read in pieces gives the elements, problems and errors of one read whole", "[reader]") {
  std::vector<std::string> feeds;
  for (const char* name : {"anchor.xml", "apple-sample.xml", "buzzsprout.xml", "castopod.xml", "dates.xml", "entities.xml",
                           "guids.xml", "libsyn.xml", "megaphone.xml", "odd-prefixes.xml", "podbean.xml",
                           "podcasting20.xml", "powerpress.xml", "relative-urls.xml", "seriously-simple.xml",
                           "stray-spaces.xml", "transistor.xml", "unescaped-html.xml", "unknown-elements.xml",
                           "values.xml", "windows-1252-declared.xml", "wrong-namespace-uris.xml", "truncated.xml"})
    feeds.push_back(fixture(name));
  // Errors inside a child of the channel, and around it.
  const std::string head = "<?xml version=\"1.0\"?>\n<rss xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">\n"
                           "<channel>\n<title>t</title>\n";
  for (const char* body : {"<item><title>a</titl></item>\n<item/>\n", "<item><title>a < b</title></item>\n<item/>\n",
                           "<item><enclosure url=x/></item>\n<item/>\n", "<item><![CDATA[x</item>\n<item/>\n",
                           "<item>\n<itunes:image href=\"a\"></item>\n<item/>\n", "<item a=\"1\"b=\"2\"/>\n<item/>\n",
                           "<item><x:y>&nbsp;&bogus; & </x:y></item><!-- c --><item>&#146;</item>\n",
                           "<item><!-- - -- --></item>\n<item><?pi x?></item>\n", "<item/>\n<item>\n",
                           "<item><description><p>Hi <b>there</b></p></description></item>\n<item/>\n"})
    feeds.push_back(head + body + "</channel>\n</rss>\n");
  for (const std::string& bytes : feeds) {
    CAPTURE(bytes.substr(0, 300));
    podsmith::ReadOptions in_pieces;
    in_pieces.pieces_from_bytes = 0;
    auto pieces = read_feed(bytes, "f.xml", in_pieces);
    podsmith::ReadOptions at_once;
    at_once.pieces_from_bytes = SIZE_MAX;
    auto whole = read_feed(bytes, "f.xml", at_once);
    REQUIRE(static_cast<bool>(pieces) == static_cast<bool>(whole));
    if (!pieces) {
      CHECK(pieces.error().to_string() == whole.error().to_string());
      continue;
    }
    require_same_element(pieces->rss, whole->rss);
    std::vector<std::string> problems_whole;
    for (const podsmith::FeedProblem& p : whole->problems) problems_whole.push_back(p.to_string());
    std::vector<std::string> problems_pieces;
    for (const podsmith::FeedProblem& p : pieces->problems) problems_pieces.push_back(p.to_string());
    CHECK(problems_pieces == problems_whole);
    CHECK(pieces->items.size() == whole->items.size());
    CHECK(pieces->show.episodes.size() == whole->show.episodes.size());
    CHECK(pieces->show.title == whole->show.title);
  }
}
