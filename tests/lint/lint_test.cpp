#include "podsmith/lint/lint.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "podsmith/base/ids.h"
#include "podsmith/feed/rss_reader.h"
#include "podsmith/workspace/build.h"
#include "podsmith/workspace/import.h"
#include "test_support.h"

namespace fs = std::filesystem;
using podsmith::FeedDocument;
using podsmith::Finding;
using podsmith::LintOptions;
using podsmith::Severity;
using podsmith::test::read_file;
using podsmith::test::source_path;

namespace {

constexpr const char* kSelf = "https://example.org/show/feed.xml";

// A small feed that every rule set passes: the "does not trigger" half of every
// case below. Its second item holds values that are right but easy to get wrong
// (audio/m4a, a GMT date, H:MM:SS), so that they stay accepted.
std::string base_feed() {
  std::string feed = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Lint Test Show</title>
    <link>https://example.org/show/</link>
    <description>A show for testing the linter.</description>
    <language>en-us</language>
    <copyright>Example Org</copyright>
    <atom:link href="https://example.org/show/feed.xml" rel="self" type="application/rss+xml"/>
    <itunes:image href="https://example.org/show/art.jpg"/>
    <itunes:category text="Technology"/>
    <itunes:category text="Society &amp; Culture">
      <itunes:category text="Documentary"/>
    </itunes:category>
    <itunes:explicit>false</itunes:explicit>
    <itunes:author>Example Org</itunes:author>
    <itunes:owner>
      <itunes:name>Example Org</itunes:name>
      <itunes:email>podcast@example.org</itunes:email>
    </itunes:owner>
    <itunes:type>episodic</itunes:type>
    <podcast:guid>GUID</podcast:guid>
    <podcast:locked owner="podcast@example.org">yes</podcast:locked>
    <podcast:medium>podcast</podcast:medium>
    <podcast:funding url="https://example.org/give">Support us</podcast:funding>
    <item>
      <title>First Light</title>
      <guid isPermaLink="false">ep-1</guid>
      <pubDate>Thu, 12 Jan 2006 09:30:00 -0800</pubDate>
      <description><![CDATA[<p>The first episode.</p>]]></description>
      <enclosure url="https://example.org/show/ep1.mp3" length="1000" type="audio/mpeg"/>
      <itunes:duration>1800</itunes:duration>
      <itunes:season>1</itunes:season>
      <itunes:episode>1</itunes:episode>
      <itunes:episodeType>full</itunes:episodeType>
      <itunes:explicit>false</itunes:explicit>
      <itunes:image href="https://example.org/show/ep1.png"/>
      <podcast:transcript url="https://example.org/show/ep1.vtt" type="text/vtt"/>
      <podcast:chapters url="https://example.org/show/ep1.json" type="application/json+chapters"/>
      <podcast:season>1</podcast:season>
      <podcast:episode>1</podcast:episode>
    </item>
    <item>
      <title>Second Wind</title>
      <guid isPermaLink="false">ep-2</guid>
      <pubDate>Thu, 09 Feb 2006 10:00:00 GMT</pubDate>
      <description>The second episode.</description>
      <enclosure url="https://example.org/show/ep2.m4a" length="2000" type="audio/m4a"/>
      <itunes:duration>1:02:03</itunes:duration>
    </item>
  </channel>
</rss>
)";
  const std::string guid = podsmith::podcast_guid_for_url(kSelf);
  feed.replace(feed.find("GUID"), 4, guid);
  return feed;
}

void replace_all(std::string* s, const std::string& from, const std::string& to) {
  size_t at = s->find(from);
  REQUIRE(at != std::string::npos);  // the case must change the feed
  for (; at != std::string::npos; at = s->find(from, at + to.size())) s->replace(at, from.size(), to);
}

LintOptions options() {
  LintOptions o;
  o.file = "feed.xml";
  o.now = podsmith::Timestamp{1704067200, 0};  // 2024-01-01T00:00:00Z
  return o;
}

std::vector<Finding> lint_text(const std::string& xml, LintOptions o = options()) {
  auto doc = podsmith::read_feed(xml, "feed.xml");
  REQUIRE(doc.has_value());
  return podsmith::lint_feed(*doc, o);
}

std::set<std::string> rules_of(const std::vector<Finding>& findings) {
  std::set<std::string> out;
  for (const Finding& f : findings) out.insert(f.rule);
  return out;
}

std::string describe(const std::vector<Finding>& findings) { return podsmith::format_findings_text(findings); }

struct Case {
  std::set<std::string> expect;                            // exactly these rules fire
  std::vector<std::pair<std::string, std::string>> edits;  // replace every `first` by `second`
};

const std::string k4001Bytes(4001, 'x');
const std::string k256Characters(256, 'y');

// For each offline rule, feeds that trigger it: the base feed with a few edits.
const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {{"rss/not-a-feed"}, {{"<channel>", "<chanel>"}, {"</channel>", "</chanel>"}}},
      {{"rss/xml-bare-ampersand"}, {{"A show for testing the linter.", "Tests & more."}}},
      {{"rss/xml-undefined-entity"}, {{"A show for testing the linter.", "Tests &bogus; more."}}},
      {{"rss/xml-namespace"},
       {{"http://www.itunes.com/dtds/podcast-1.0.dtd", "http://www.itunes.com/DTDs/Podcast-1.0.dtd"}}},
      {{"rss/unescaped-html"}, {{"<description>The second episode.", "<description><p>The second episode.</p>"}}},
      {{"psp1/utf8"}, {{"encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""}}},
      {{"rss/channel-title"}, {{"<title>Lint Test Show</title>", "<title></title>"}}},
      {{"rss/channel-description"}, {{"<description>A show for testing the linter.</description>", ""}}},
      {{"rss/channel-link"}, {{"<link>https://example.org/show/</link>", ""}}},
      {{"rss/no-items"}, {{"<item>", "<!--<item>"}, {"</item>", "</item>-->"}}},
      {{"psp1/self-link"}, {{"rel=\"self\"", "rel=\"alternate\""}}},
      {{"psp1/self-link-mismatch"}, {{"https://example.org/show/feed.xml", "https://example.org/other.xml"}}},
      {{"psp1/podcast-guid-missing"}, {{"<podcast:guid>", "<!--"}, {"</podcast:guid>", "-->"}}},
      {{"psp1/locked-missing"}, {{"<podcast:locked owner=\"podcast@example.org\">yes</podcast:locked>", ""}}},
      {{"psp1/copyright"}, {{"<copyright>Example Org", "<copyright>© 2024 Example Org"}}},
      {{"psp1/copyright"}, {{"<copyright>Example Org", "<copyright>Copyright Example Org"}}},
      {{"rss/item-title"}, {{"<title>First Light</title>", ""}}},
      {{"rss/enclosure-missing"},
       {{"<enclosure url=\"https://example.org/show/ep1.mp3\" length=\"1000\" type=\"audio/mpeg\"/>", ""}}},
      {{"rss/enclosure-multiple"},
       {{"type=\"audio/mpeg\"/>",
         "type=\"audio/mpeg\"/><enclosure url=\"https://example.org/show/ep1b.mp3\" length=\"5\" "
         "type=\"audio/mpeg\"/>"}}},
      {{"rss/enclosure-url"}, {{"url=\"https://example.org/show/ep1.mp3\" ", ""}}},
      {{"rss/enclosure-length"}, {{"length=\"1000\"", "length=\"1,000\""}}},
      {{"rss/enclosure-length"}, {{"length=\"1000\"", "length=\"0\""}}},
      {{"rss/enclosure-length"}, {{"length=\"1000\"", ""}}},
      {{"rss/enclosure-type"}, {{"type=\"audio/mpeg\"", ""}}},
      {{"rss/guid-missing"}, {{"<guid isPermaLink=\"false\">ep-1</guid>", ""}}},
      {{"rss/guid-duplicate"}, {{">ep-2<", ">ep-1<"}}},
      {{"rss/guid-permalink"}, {{"<guid isPermaLink=\"false\">ep-1</guid>", "<guid>ep-1</guid>"}}},
      {{"rss/pubdate-missing"}, {{"<pubDate>Thu, 12 Jan 2006 09:30:00 -0800</pubDate>", ""}}},
      {{"rss/pubdate-invalid"}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "sometime in 2006"}}},
      {{"rss/pubdate-rfc2822"}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "2006-01-12T09:30:00-08:00"}}},
      {{"rss/pubdate-rfc2822"}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "Wed, 12 Jan 2006 09:30:00 -0800"}}},
      {{"rss/pubdate-rfc2822"}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "Thu, 12 Jan 06 09:30:00 -0800"}}},
      {{"rss/pubdate-rfc2822"}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "Thu, 12 Jan 2006 09:30:00 CET"}}},
      {{"rss/pubdate-rfc2822"}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "Thu, 12 Jan 2006 09:30:00"}}},
      {{"rss/pubdate-future"}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "12 Jan 2099 09:30:00 -0800"}}},
      {{"rss/url-valid"}, {{"<link>https://example.org/show/</link>", "<link>/show/</link>"}}},
      {{"rss/url-valid"}, {{"show/ep1.mp3", "show/ep 1.mp3"}}},
      {{"rss/url-valid"}, {{"https://example.org/give", "ftp://example.org/give"}}},
      {{"rss/https-expected"}, {{"https://example.org/show/ep1.mp3", "http://example.org/show/ep1.mp3"}}},
      {{"apple/language-missing"}, {{"<language>en-us</language>", ""}}},
      {{"apple/language-code"}, {{">en-us<", ">en_US<"}}},
      {{"apple/language-code"}, {{">en-us<", ">english<"}}},
      {{"apple/artwork-missing"}, {{"<itunes:image href=\"https://example.org/show/art.jpg\"/>", ""}}},
      {{"apple/image-href"},
       {{"<itunes:image href=\"https://example.org/show/art.jpg\"/>",
         "<itunes:image>https://example.org/show/art.jpg</itunes:image>"}}},
      {{"apple/artwork-https"}, {{"https://example.org/show/art.jpg", "http://example.org/show/art.jpg"}}},
      {{"apple/artwork-extension"}, {{"show/art.jpg", "show/art.webp"}}},
      {{"apple/artwork-extension"}, {{"show/ep1.png", "show/ep1"}}},
      {{"apple/category-missing"},
       {{"<itunes:category text=\"Technology\"/>", ""},
        {"<itunes:category text=\"Society &amp; Culture\">", "<!--"},
        {"</itunes:category>", "-->"}}},
      {{"apple/category-unknown"}, {{"text=\"Technology\"", "text=\"Tech\""}}},
      {{"apple/category-unknown"}, {{"Society &amp; Culture", "Society &amp;amp; Culture"}}},
      {{"apple/subcategory-parent"}, {{"text=\"Documentary\"", "text=\"Courses\""}}},
      {{"apple/explicit-missing"}, {{"<itunes:explicit>false</itunes:explicit>", ""}}},
      {{"apple/explicit-value"}, {{"<itunes:explicit>false", "<itunes:explicit>maybe"}}},
      {{"apple/explicit-legacy"}, {{"<itunes:explicit>false", "<itunes:explicit>no"}}},
      {{"apple/owner-email-missing"}, {{"<itunes:email>podcast@example.org</itunes:email>", ""}}},
      {{"apple/owner-email-format"}, {{"<itunes:email>podcast@example.org", "<itunes:email>podcast at example.org"}}},
      {{"apple/owner-email-format"},
       {{"<itunes:email>podcast@example.org", "<itunes:email>mailto:podcast@example.org"}}},
      {{"apple/author-missing"}, {{"<itunes:author>Example Org</itunes:author>", ""}}},
      {{"apple/type-value"}, {{">episodic<", ">weekly<"}}},
      {{"apple/serial-episode-numbers"}, {{">episodic<", ">serial<"}}},
      {{"apple/description-length"}, {{"A show for testing the linter.", k4001Bytes}}},
      {{"apple/value-length"}, {{"First Light", k256Characters}}},
      {{"apple/surrounding-whitespace"}, {{"<title>First Light</title>", "<title> First Light\n</title>"}}},
      {{"apple/surrounding-whitespace"}, {{"length=\"1000\"", "length=\" 1000\""}}},
      {{"apple/new-feed-url-placement"},
       {{"<itunes:duration>1800</itunes:duration>",
         "<itunes:duration>1800</itunes:duration><itunes:new-feed-url>https://example.org/new.xml</"
         "itunes:new-feed-url>"}}},
      {{"apple/yes-value"},
       {{"<itunes:type>episodic</itunes:type>",
         "<itunes:type>episodic</itunes:type><itunes:block>true</itunes:block>"}}},
      {{"apple/enclosure-type", "spotify/enclosure-format"}, {{"audio/mpeg", "audio/mp3"}}},
      {{"apple/enclosure-extension"}, {{"show/ep1.mp3", "show/ep1.ogg"}}},
      {{"apple/enclosure-extension"}, {{"show/ep1.mp3", "show/ep1.m4a"}}},
      {{"apple/duplicate-enclosure"},
       {{"ep2.m4a\" length=\"2000\" type=\"audio/m4a\"", "ep1.mp3\" length=\"2000\" type=\"audio/mpeg\""}}},
      {{"apple/duration-missing"}, {{"<itunes:duration>1800</itunes:duration>", ""}}},
      {{"apple/duration-format"}, {{">1800<", ">30 min<"}}},
      {{"apple/duration-format"}, {{">1:02:03<", ">1:2:3<"}}},
      {{"apple/duration-format"}, {{">1:02:03<", ">1:62:03<"}}},
      {{"apple/season-number"}, {{"<itunes:season>1", "<itunes:season>0"}}},
      {{"apple/episode-number"}, {{"<itunes:episode>1", "<itunes:episode>-1"}}},
      {{"apple/episode-type"}, {{">full<", ">teaser<"}}},
      {{"apple/item-description-missing"}, {{"<description>The second episode.</description>", ""}}},
      {{"apple/title-episode-number"}, {{"First Light", "Episode 1: First Light"}}},
      {{"apple/title-episode-number"}, {{"First Light", "S1E1 First Light"}}},
      {{"apple/title-repeats-show"}, {{"First Light", "Lint Test Show: First Light"}}},
      {{"podcastindex/guid-format"}, {{"<podcast:guid>", "<podcast:guid>urn:uuid:"}}},
      {{"podcastindex/guid-feed-url"},
       {{podsmith::podcast_guid_for_url(kSelf), "9b024349-ccf0-5f69-a609-6b82873eab3c"}}},
      {{"podcastindex/locked-value"}, {{">yes</podcast:locked>", ">true</podcast:locked>"}}},
      {{"podcastindex/locked-owner"}, {{"owner=\"podcast@example.org\"", "owner=\"Example Org\""}}},
      {{"podcastindex/transcript-attributes"}, {{" type=\"text/vtt\"", ""}}},
      {{"podcastindex/transcript-type"}, {{"\"text/vtt\"", "\"text/srt\""}}},
      {{"podcastindex/transcript-type"}, {{"ep1.vtt", "ep1.srt"}}},
      {{"podcastindex/chapters-attributes"}, {{" type=\"application/json+chapters\"", ""}}},
      {{"podcastindex/chapters-type"}, {{"application/json+chapters", "application/json"}}},
      {{"podcastindex/medium-value"}, {{">podcast</podcast:medium>", ">Podcast</podcast:medium>"}}},
      {{"podcastindex/funding-url"}, {{" url=\"https://example.org/give\"", ""}}},
      {{"podcastindex/number-value"}, {{"<podcast:season>1", "<podcast:season>1.5"}}},
      {{"podcastindex/number-value"}, {{"<podcast:episode>1", "<podcast:episode>one"}}},
      {{"spotify/enclosure-format", "apple/enclosure-type"}, {{"audio/m4a", "audio/ogg"}}},
      {{"spotify/markup-in-title"}, {{"First Light", "First &lt;b&gt;Light&lt;/b&gt;"}}},
      // Right values that look wrong: no rule may fire.
      {{}, {{"audio/m4a", "audio/x-m4a"}}},
      {{}, {{"<itunes:explicit>false", "<itunes:explicit>True"}}},
      {{}, {{">1800<", ">45:00<"}}},
      {{}, {{">1800<", ">3600.5<"}}},
      {{}, {{">en-us<", ">pt-BR<"}}},
      {{}, {{">podcast</podcast:medium>", ">musicL</podcast:medium>"}}},
      {{}, {{"<podcast:episode>1", "<podcast:episode>1.5"}}},
      {{}, {{"Thu, 12 Jan 2006 09:30:00 -0800", "12 Jan 2006 09:30 PST"}}},
      {{}, {{"<guid isPermaLink=\"false\">ep-1</guid>", "<guid>https://example.org/show/ep-1</guid>"}}},
      {{}, {{"show/ep1.mp3", "show/ep1.mp3?source=rss"}}},
      {{}, {{"<link>https://example.org/show/</link>", "<link>http://example.org/show/</link>"}}},
  };
  return all;
}

}  // namespace

TEST_CASE("the test feed passes every rule set", "[lint]") {
  LintOptions o = options();
  o.fetched_from = kSelf;
  const auto findings = lint_text(base_feed(), o);
  INFO(describe(findings));
  CHECK(findings.empty());
}

TEST_CASE("each rule fires on a feed that breaks it, and only the rules expected", "[lint]") {
  for (const Case& c : cases()) {
    std::string xml = base_feed();
    for (const auto& [from, to] : c.edits) replace_all(&xml, from, to);
    LintOptions o = options();
    o.fetched_from = kSelf;
    const auto findings = lint_text(xml, o);
    CAPTURE(c.edits.front().first, c.edits.front().second);
    INFO(describe(findings));
    CHECK(rules_of(findings) == c.expect);
    for (const Finding& f : findings) {
      CHECK(f.file == "feed.xml");
      CHECK(!f.message.empty());
      CHECK(!f.hint.empty());
      if (f.rule != "psp1/utf8") CHECK(f.line >= 2);  // at an element
    }
  }
}

TEST_CASE("every offline rule has a case that triggers it", "[lint]") {
  std::set<std::string> covered;
  for (const Case& c : cases()) covered.insert(c.expect.begin(), c.expect.end());
  size_t offline = 0;
  for (const podsmith::RuleInfo& r : podsmith::lint_rules()) {
    if (r.online) continue;
    // The loudness set measures the media, not the feed: lint_loudness() runs it, and
    // tests/lint/loudness_rules_test.cpp triggers each of its rules.
    if (r.id.rfind("loudness/", 0) == 0) continue;
    ++offline;
    CAPTURE(r.id);
    CHECK(covered.count(r.id) == 1);
  }
  CHECK(offline >= 40);
}

TEST_CASE("every rule has an id in its set's namespace, a summary and at least one set", "[lint]") {
  std::set<std::string> ids;
  for (const podsmith::RuleInfo& r : podsmith::lint_rules()) {
    CAPTURE(r.id);
    CHECK(ids.insert(r.id).second);
    CHECK(!r.summary.empty());
    CHECK(!r.sets.empty());
    const std::string family = r.id.substr(0, r.id.find('/'));
    const auto& sets = podsmith::lint_rule_sets();
    CHECK(std::find(sets.begin(), sets.end(), family) != sets.end());
  }
}

TEST_CASE("a finding points at the element's line and column", "[lint]") {
  std::string xml = base_feed();
  replace_all(&xml, "<itunes:explicit>false", "<itunes:explicit>maybe");
  const auto findings = lint_text(xml);
  std::vector<Finding> explicit_findings;
  for (const Finding& f : findings)
    if (f.rule == "apple/explicit-value") explicit_findings.push_back(f);
  REQUIRE(explicit_findings.size() == 2);  // the channel's and the first item's
  CHECK(explicit_findings[0].line == 15);
  CHECK(explicit_findings[0].column == 5);
  CHECK(explicit_findings[0].severity == Severity::kError);
  CHECK(explicit_findings[0].message == "<itunes:explicit> is \"maybe\", neither true nor false");
  CHECK(explicit_findings[1].line == 36);
  CHECK(explicit_findings[1].column == 7);
}

TEST_CASE("rule sets select rules; a rule in several sets runs once", "[lint]") {
  std::string xml = base_feed();
  replace_all(&xml, "<itunes:explicit>false", "<itunes:explicit>no");                 // apple+psp1
  replace_all(&xml, "<guid isPermaLink=\"false\">ep-1</guid>", "<guid>ep-1</guid>");  // rss only
  replace_all(&xml, "audio/m4a", "audio/ogg");  // spotify/enclosure-format, apple/enclosure-type
  auto with_sets = [&](std::vector<std::string> sets) {
    LintOptions o = options();
    o.fetched_from = kSelf;
    o.rule_sets = std::move(sets);
    return rules_of(lint_text(xml, o));
  };
  CHECK(with_sets({"rss"}) == std::set<std::string>{"rss/guid-permalink"});
  CHECK(with_sets({"spotify"}) == std::set<std::string>{"spotify/enclosure-format"});
  CHECK(with_sets({"apple"}) == std::set<std::string>{"apple/explicit-legacy", "apple/enclosure-type"});
  CHECK(with_sets({"psp1"}) == std::set<std::string>{"apple/explicit-legacy", "apple/enclosure-type"});
  CHECK(with_sets({"podcastindex"}).empty());
  const auto all = lint_text(xml, [] {
    LintOptions o = options();
    o.fetched_from = kSelf;
    return o;
  }());
  size_t legacy = 0;
  for (const Finding& f : all) legacy += f.rule == "apple/explicit-legacy";
  CHECK(legacy == 2);  // channel and first item, once each although two sets ask
}

TEST_CASE("without a clock or a fetched URL the rules that need them stay quiet", "[lint]") {
  std::string xml = base_feed();
  replace_all(&xml, "Thu, 12 Jan 2006 09:30:00 -0800", "12 Jan 2099 09:30:00 -0800");
  LintOptions o;
  o.file = "feed.xml";
  CHECK(lint_text(xml, o).empty());
  // The podcast:guid rule falls back on the self link.
  std::string moved = base_feed();
  replace_all(&moved, "https://example.org/show/feed.xml", "https://example.org/moved.xml");
  CHECK(rules_of(lint_text(moved, o)) == std::set<std::string>{"podcastindex/guid-feed-url"});
}

TEST_CASE("a document that is not RSS gives one finding", "[lint]") {
  const auto findings =
      lint_text("<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>x</title></feed>");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule == "rss/not-a-feed");
  CHECK(findings[0].line == 2);
  CHECK(findings[0].message.find("not an RSS feed") != std::string::npos);
}

TEST_CASE("the example feed built by podsmith passes every rule set without errors or warnings", "[lint]") {
  const std::string xml = read_file(source_path("feeds/channel8.xml"));
  auto doc = podsmith::read_feed(xml, "feeds/channel8.xml");
  REQUIRE(doc.has_value());
  std::vector<std::vector<std::string>> selections = {{}};
  for (const std::string& set : podsmith::lint_rule_sets()) selections.push_back({set});
  for (const auto& sets : selections) {
    LintOptions o = options();
    o.file = "feeds/channel8.xml";
    o.rule_sets = sets;
    o.fetched_from = "https://channel8.example.org/feeds/channel8.xml";
    const auto findings = podsmith::lint_feed(*doc, o);
    CAPTURE(sets);
    INFO(describe(findings));
    for (const Finding& f : findings) CHECK(f.severity == Severity::kInfo);
  }
}

// Each feed fixture has its expected findings in tests/fixtures/lint/<name>.expected,
// one "rule line:column" per line. PODSMITH_UPDATE_EXPECTED=1 rewrites them (then
// read the diff before committing).
TEST_CASE("the feed fixtures give the findings recorded for them", "[lint]") {
  const fs::path feeds = fs::path(source_path("tests/fixtures/feeds"));
  if (!fs::exists(feeds)) return;
  const bool update = std::getenv("PODSMITH_UPDATE_EXPECTED") != nullptr;
  std::vector<fs::path> fixtures;
  for (const auto& entry : fs::directory_iterator(feeds))
    if (entry.is_regular_file() && entry.path().extension() == ".xml") fixtures.push_back(entry.path());
  std::sort(fixtures.begin(), fixtures.end());
  for (const fs::path& fixture : fixtures) {
    CAPTURE(fixture.filename().string());
    const std::string name = "tests/fixtures/feeds/" + fixture.filename().string();
    std::string actual;
    auto doc = podsmith::read_feed(read_file(fixture.string()), name);
    if (!doc) {
      actual = "unreadable " + std::to_string(doc.error().line) + ":" + std::to_string(doc.error().column) + "\n";
    } else {
      LintOptions o = options();
      o.now = podsmith::Timestamp{1893456000, 0};  // 2030-01-01T00:00:00Z
      o.file = name;
      for (const Finding& f : podsmith::lint_feed(*doc, o))
        actual += f.rule + " " + std::to_string(f.line) + ":" + std::to_string(f.column) + "\n";
    }
    const fs::path expected_path =
        fs::path(source_path("tests/fixtures/lint")) / (fixture.stem().string() + ".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      continue;
    }
    REQUIRE(fs::exists(expected_path));
    CHECK(read_file(expected_path.string()) == actual);
  }
}

// `podsmith lint` reads feeds without the model (ReadOptions::model = false): the rules
// must find the same in every fixture either way.
TEST_CASE("lint finds the same whether the reader filled the model or not", "[lint]") {
  const fs::path feeds = fs::path(source_path("tests/fixtures/feeds"));
  if (!fs::exists(feeds)) return;
  podsmith::ReadOptions elements_only;
  elements_only.model = false;
  for (const auto& entry : fs::directory_iterator(feeds)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".xml") continue;
    CAPTURE(entry.path().filename().string());
    const std::string bytes = read_file(entry.path().string());
    auto full = podsmith::read_feed(bytes, "feed.xml");
    auto bare = podsmith::read_feed(bytes, "feed.xml", elements_only);
    REQUIRE(full.has_value() == bare.has_value());
    if (!full) continue;
    LintOptions o = options();
    o.fetched_from = kSelf;
    CHECK(describe(podsmith::lint_feed(*bare, o)) == describe(podsmith::lint_feed(*full, o)));
  }
}

TEST_CASE("text output reads like a compiler's, with hints and optional colour", "[lint]") {
  const std::vector<Finding> findings = {
      {"apple/explicit-value", Severity::kError, "feed.xml", 12, 5, "bad explicit", "write true or false"},
      {"psp1/copyright", Severity::kInfo, "feed.xml", 3, 0, "a year", ""},
      {"rss/not-a-feed", Severity::kWarning, "feed.xml", 0, 0, "whole feed", "fix"},
  };
  CHECK(podsmith::format_findings_text(findings) ==
        "feed.xml:12:5: error[apple/explicit-value]: bad explicit\n"
        "  hint: write true or false\n"
        "feed.xml:3: info[psp1/copyright]: a year\n"
        "feed.xml: warning[rss/not-a-feed]: whole feed\n"
        "  hint: fix\n");
  CHECK(podsmith::format_findings_text({findings[0]}, true) ==
        "feed.xml:12:5: \033[1;31merror\033[0m[apple/explicit-value]: bad explicit\n  hint: write true or false\n");
}

TEST_CASE("JSON output is what nlohmann::json writes, also for strings that are not UTF-8", "[lint]") {
  // The findings are written without a JSON tree; nlohmann::json's dump() (indent 2,
  // invalid UTF-8 replaced) is the reference the output kept since it used one.
  const auto reference = [](const std::vector<Finding>& findings, const std::vector<podsmith::Error>& unreadable) {
    nlohmann::ordered_json j;
    j["findings"] = nlohmann::ordered_json::array();
    size_t counts[3] = {0, 0, 0};
    for (const Finding& f : findings) {
      ++counts[static_cast<int>(f.severity)];
      j["findings"].push_back({{"rule", f.rule}, {"severity", podsmith::severity_name(f.severity)}, {"file", f.file},
                               {"line", f.line}, {"column", f.column}, {"message", f.message}, {"hint", f.hint}});
    }
    j["summary"] = {{"errors", counts[0]}, {"warnings", counts[1]}, {"infos", counts[2]}};
    j["unreadable"] = nlohmann::ordered_json::array();
    for (const podsmith::Error& e : unreadable)
      j["unreadable"].push_back({{"file", e.file}, {"line", e.line}, {"column", e.column}, {"message", e.message}});
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  };
  const std::vector<std::string> strings = {"",
                                            "plain",
                                            "quote \" and backslash \\ and / slash",
                                            std::string("controls \x01\x1f\t\n\r\b\f and DEL \x7f"),
                                            "UTF-8: Zo\xc3\xab \xe6\x9d\xb1 \xf0\x9f\x8e\x99",
                                            "cut \xe6\x9d",
                                            "lone \xff\xfe bytes",
                                            "overlong \xc0\xaf and surrogate \xed\xa0\x80",
                                            std::string("nul \0 inside", 12)};
  std::vector<Finding> findings;
  std::vector<podsmith::Error> unreadable;
  for (size_t i = 0; i < strings.size(); ++i) {
    const auto severity = static_cast<Severity>(i % 3);
    findings.push_back({"rule/" + std::to_string(i), severity, strings[i], static_cast<int>(i), 0, strings[i],
                        strings[(i + 1) % strings.size()]});
    unreadable.push_back({podsmith::ErrorCode::kCorrupt, strings[i], strings[(i + 2) % strings.size()], 1, 2});
  }
  CHECK(podsmith::format_findings_json(findings, unreadable) == reference(findings, unreadable));
  CHECK(podsmith::format_findings_json({}, {}) == reference({}, {}));
  CHECK(podsmith::format_findings_json(findings, {}) == reference(findings, {}));
  CHECK(podsmith::format_findings_json({}, unreadable) == reference({}, unreadable));
}

TEST_CASE("JSON output has every finding, a summary and the unreadable feeds", "[lint]") {
  const std::vector<Finding> findings = {
      {"apple/explicit-value", Severity::kError, "feed.xml", 12, 5, "bad \"explicit\"", "write true"},
      {"psp1/copyright", Severity::kInfo, "feed.xml", 3, 1, "a year", ""},
  };
  const std::vector<podsmith::Error> unreadable = {{podsmith::ErrorCode::kCorrupt, "malformed", "other.xml", 4, 2}};
  CHECK(podsmith::format_findings_json(findings, unreadable) == R"({
  "findings": [
    {
      "rule": "apple/explicit-value",
      "severity": "error",
      "file": "feed.xml",
      "line": 12,
      "column": 5,
      "message": "bad \"explicit\"",
      "hint": "write true"
    },
    {
      "rule": "psp1/copyright",
      "severity": "info",
      "file": "feed.xml",
      "line": 3,
      "column": 1,
      "message": "a year",
      "hint": ""
    }
  ],
  "summary": {
    "errors": 1,
    "warnings": 0,
    "infos": 1
  },
  "unreadable": [
    {
      "file": "other.xml",
      "line": 4,
      "column": 2,
      "message": "malformed"
    }
  ]
}
)");
}

TEST_CASE("GitHub output is one workflow command per finding, escaped", "[lint]") {
  const std::vector<Finding> findings = {
      {"apple/explicit-value", Severity::kError, "feeds/a,b.xml", 12, 5, "100% wrong\nreally", "write true"},
      {"apple/author-missing", Severity::kWarning, "feed.xml", 3, 0, "no author", ""},
      {"psp1/copyright", Severity::kInfo, "feed.xml", 0, 0, "a: year", ""},
  };
  CHECK(podsmith::format_findings_github(findings) ==
        "::error file=feeds/a%2Cb.xml,line=12,col=5,title=apple/explicit-value::100%25 wrong%0Areally%0Ahint: write "
        "true\n"
        "::warning file=feed.xml,line=3,title=apple/author-missing::no author\n"
        "::notice file=feed.xml,title=psp1/copyright::a: year\n");
}

TEST_CASE("lint warns, and does not fail, on what an imported feed keeps: a podcast:guid that is not a UUID, "
          "items without pubDate") {
  for (const char* fixture : {"podcast-guid-not-uuid.xml", "no-pubdate.xml"}) {
    CAPTURE(fixture);
    const std::string path = source_path(std::string("tests/fixtures/import/") + fixture);
    auto source = podsmith::read_feed(read_file(path), path);
    REQUIRE(source);
    podsmith::test::TempDir dir;
    podsmith::ImportOptions options;
    options.base_url = "https://new.example.org/";
    auto imported = podsmith::import_feed(dir.path().string(), *source, path, options);
    REQUIRE(imported);
    const podsmith::BuildReport built = podsmith::build_workspace(dir.path().string());
    REQUIRE(built.errors.empty());
    const std::string xml = (dir.path() / ("feeds/" + built.shows.at(0).name + ".xml")).string();
    auto doc = podsmith::read_feed(read_file(xml), xml);
    REQUIRE(doc);
    LintOptions options_lint;
    options_lint.file = "feed.xml";
    const std::vector<Finding> findings = podsmith::lint_feed(*doc, options_lint);
    std::set<std::string> warned;
    for (const Finding& f : findings) {
      CAPTURE(f.rule, f.message);
      if (f.rule == "podcastindex/guid-format" || f.rule == "rss/pubdate-missing") {
        CHECK(f.severity == Severity::kWarning);
        warned.insert(f.rule);
      }
    }
    if (std::string(fixture) == "no-pubdate.xml") {
      CHECK(warned == std::set<std::string>{"rss/pubdate-missing"});
      CHECK(std::count_if(findings.begin(), findings.end(),
                          [](const Finding& f) { return f.rule == "rss/pubdate-missing"; }) == 3);
    } else {
      CHECK(warned == std::set<std::string>{"podcastindex/guid-format"});
    }
  }
}
