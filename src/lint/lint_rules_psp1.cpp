// Rules of RSS 2.0 and of PSP-1, the Podcast Standards Project's podcast RSS
// specification (github.com/Podcast-Standards-Project/PSP-1-Podcast-RSS-Specification):
// the XML itself, the required channel and item elements, GUIDs, dates and URLs.
// Each rule is one small function; the table at the end gives its id, severity,
// rule sets and summary.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "lint/lint_rules.h"
#include "podsmith/base/dates.h"
#include "podsmith/base/text.h"

namespace podsmith::lint {
namespace {

// ---------------------------------------------------------------------------
// The XML, as the reader had to repair it. The reader names each repair in its
// problems; these rules turn the ones a strict parser would refuse into findings.

// Every problem of these kinds (and the "and N more" lines that count them).
void report_problems(Check& c, std::initializer_list<ProblemKind> kinds, std::string_view hint) {
  for (const FeedProblem& p : c.doc().problems)
    if (std::find(kinds.begin(), kinds.end(), p.kind) != kinds.end())
      c.report_at({p.line, p.column}, p.message, std::string(hint));
}

void bare_ampersand(Check& c) {
  // Apple's parser is strict XML: one bare & and the whole feed is refused.
  report_problems(c, {ProblemKind::kBareAmpersand},
                  "write & as &amp; (or put the text in <![CDATA[...]]>); strict XML parsers refuse the whole feed");
}

void undefined_entity(Check& c) {
  report_problems(c, {ProblemKind::kUndefinedEntity},
                  "XML knows only &amp; &lt; &gt; &quot; &apos; and numeric references such as &#233;");
}

void namespace_declaration(Check& c) {
  // "The namespace definition is case sensitive, and must be entered as shown"
  // (Apple): with another URI, Podcasts Connect ignores every itunes: tag. The
  // podcast namespace's old GitHub address is fine (ProblemKind::kNamespaceAlias):
  // "Clients which recognize this namespace must also recognize" it.
  report_problems(c, {ProblemKind::kNamespaceUri, ProblemKind::kUndeclaredPrefix},
                  "declare each prefix on <rss> with its exact URI, e.g. "
                  "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"");
}

void unescaped_html(Check& c) {
  report_problems(c, {ProblemKind::kUnescapedHtml},
                  "wrap HTML in <![CDATA[...]]> so that every reader sees the same markup");
}

void not_utf8(Check& c) {
  // PSP-1: "Feeds must be plain text UTF-8 encoded"; Apple asks for UTF-8 too.
  if (c.doc().encoding.empty() || c.doc().encoding == "UTF-8") return;
  c.report_at({1, 1}, "the feed is encoded as " + c.doc().encoding + ", not UTF-8",
              "save the feed as UTF-8 and declare <?xml version=\"1.0\" encoding=\"UTF-8\"?>");
}

// ---------------------------------------------------------------------------
// The channel

void required_text(Check& c, const FeedElement& parent, std::string_view name, std::string_view what,
                   std::string_view hint) {
  const FeedElement* e = parent.child("", name);
  if (!e) {
    c.report(&parent, element_name(parent) + " has no <" + std::string(name) + ">", std::string(hint));
  } else if (value(e).empty()) {
    c.report(e, "<" + std::string(name) + "> is empty: " + std::string(what) + " is missing", std::string(hint));
  }
}

void channel_title(Check& c) {
  required_text(c, c.channel(), "title", "the show's name", "give the show's name in <title>, and only its name");
}

void channel_description(Check& c) {
  required_text(c, c.channel(), "description", "the show's description",
                "describe the show in <description> (up to 4,000 bytes; HTML in CDATA)");
}

void channel_link(Check& c) {
  required_text(c, c.channel(), "link", "the show's website", "put the show's web page in <link>");
}

void no_items(Check& c) {
  // Apple and Spotify refuse a feed without an episode to play.
  if (c.items().empty())
    c.report(&c.channel(), "the feed has no <item>: directories refuse a show without episodes",
             "publish at least one episode (an <item> with an <enclosure>)");
}

void self_link_missing(Check& c) {
  // PSP-1 requires <atom:link rel="self">: the canonical URL apps subscribe to.
  if (!self_link(c.channel()))
    c.report(&c.channel(), "the channel has no <atom:link rel=\"self\">: the feed does not say its own URL",
             "add <atom:link href=\"https://.../feed.xml\" rel=\"self\" type=\"application/rss+xml\"/> "
             "(and xmlns:atom=\"http://www.w3.org/2005/Atom\")");
}

// "https://Example.org/feed/" and "https://example.org/feed" are the same feed.
std::string comparable_url(std::string_view url) {
  std::string u(trim(url));
  const size_t scheme_end = u.find("://");
  if (scheme_end != std::string::npos) {
    const size_t host_end = u.find('/', scheme_end + 3);
    const size_t stop = host_end == std::string::npos ? u.size() : host_end;
    for (size_t i = 0; i < stop; ++i)
      if (u[i] >= 'A' && u[i] <= 'Z') u[i] = static_cast<char>(u[i] - 'A' + 'a');
  }
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

void self_link_mismatch(Check& c) {
  const std::string& fetched = c.options().fetched_from;
  const FeedElement* self = self_link(c.channel());
  if (fetched.empty() || !self) return;
  const std::string_view href = attr(self, "href");
  if (comparable_url(href) == comparable_url(fetched)) return;
  c.report(self, "the self link says " + quote(href) + " but the feed was fetched from " + quote(fetched),
           "make the self link the URL subscribers should use; if the feed moved, redirect the old URL (301) "
           "and set <itunes:new-feed-url>");
}

void podcast_guid_missing(Check& c) {
  // PSP-1 recommends podcast:guid: the show's identity across hosts and URLs.
  if (!c.channel_child(kPodcastNs, "guid"))
    c.report(&c.channel(), "the channel has no <podcast:guid>",
             "add <podcast:guid> with the UUIDv5 of the feed URL (podsmith build derives it from feed_url)");
}

void locked_missing(Check& c) {
  // PSP-1 recommends podcast:locked, so that another host cannot import the show.
  if (!c.channel_child(kPodcastNs, "locked"))
    c.report(&c.channel(), "the channel has no <podcast:locked>",
             "add <podcast:locked owner=\"you@example.org\">yes</podcast:locked> to keep other hosts from importing "
             "the show");
}

void copyright_plain(Check& c) {
  // PSP-1: copyright "should not include the word 'Copyright', the © symbol, and/or a year".
  const FeedElement* e = c.channel_child("", "copyright");
  const std::string_view v = value(e);
  if (v.empty()) return;
  const std::string lower = ascii_lower(v);
  bool year = false;
  for (size_t i = 0; i + 4 <= v.size() && !year; ++i) {
    const bool digits = v[i] >= '1' && v[i] <= '2' && v[i + 1] >= '0' && v[i + 1] <= '9' && v[i + 2] >= '0' &&
                        v[i + 2] <= '9' && v[i + 3] >= '0' && v[i + 3] <= '9';
    const bool alone = (i == 0 || !(v[i - 1] >= '0' && v[i - 1] <= '9')) &&
                       (i + 4 == v.size() || !(v[i + 4] >= '0' && v[i + 4] <= '9'));
    year = digits && alone;
  }
  if (lower.find("copyright") == std::string::npos && v.find("©") == std::string_view::npos &&
      lower.find("(c)") == std::string::npos && !year)
    return;
  c.report(e, "<copyright> " + quote(v) + " has the word Copyright, a © or a year",
           "PSP-1 asks for the holder's name only, e.g. <copyright>Channel 8</copyright>");
}

// ---------------------------------------------------------------------------
// Items

void item_title(Check& c, const Item& item) {
  if (!value(item[kTitle]).empty() || !value(item[kItunesTitle]).empty()) return;
  c.report(item[kTitle] ? item[kTitle] : item.element, "the episode has no title",
           "give every <item> a <title>: the episode's name, without its number");
}

void enclosure_missing(Check& c, const Item& item) {
  if (!item[kEnclosure])
    c.report(item.element, "the <item> has no <enclosure>: directories skip an episode without media",
             "add <enclosure url=\"https://...\" length=\"BYTES\" type=\"audio/mpeg\"/>");
}

void enclosure_multiple(Check& c, const Item& item) {
  if (item.count[kEnclosure] < 2) return;
  const auto all = item.all(kEnclosure);
  for (size_t i = 1; i < all.size(); ++i)
    c.report(all[i], "a second <enclosure> in one <item>: apps play only the first",
             "one enclosure per item; offer other formats as a separate feed or with <podcast:alternateEnclosure>");
}

void enclosure_url(Check& c, const Item& item) {
  for (const FeedElement* e : item.all(kEnclosure))
    if (attr(e, "url").empty())
      c.report(e, std::string("the <enclosure> has ") + (e->attribute("url") ? "an empty" : "no") + " url",
               "url=\"https://...\" is the episode's media file");
}

void enclosure_length(Check& c, const Item& item) {
  for (const FeedElement* e : item.all(kEnclosure)) {
    const std::string_view length = attr(e, "length");
    bool digits = !length.empty();
    bool zero = true;
    for (char ch : length) {
      digits = digits && ch >= '0' && ch <= '9';
      zero = zero && ch == '0';
    }
    std::string problem;
    if (!e->attribute("length"))
      problem = "the <enclosure> has no length";
    else if (length.empty())
      problem = "the enclosure length is empty";
    else if (!digits)
      problem = "the enclosure length " + quote(length) + " is not a number of bytes";
    else if (zero)
      problem = "the enclosure length is 0";
    if (!problem.empty())
      c.report(e, problem, "length=\"...\" is the media file's size in bytes; apps check downloads against it");
  }
}

void enclosure_type(Check& c, const Item& item) {
  for (const FeedElement* e : item.all(kEnclosure))
    if (attr(e, "type").empty())
      c.report(e, std::string("the <enclosure> has ") + (e->attribute("type") ? "an empty" : "no") + " type",
               "type=\"...\" is the media's MIME type, such as audio/mpeg or audio/x-m4a");
}

void guid_missing(Check& c, const Item& item) {
  // PSP-1 requires a guid; Apple falls back on the enclosure URL, which changes
  // with the host, and every subscriber then downloads the episode again.
  const FeedElement* guid = item[kGuid];
  if (!value(guid).empty()) return;
  c.report(guid ? guid : item.element, guid ? "the <guid> is empty" : "the <item> has no <guid>",
           "give every episode a <guid isPermaLink=\"false\"> that never changes (podsmith add writes a UUID)");
}

void guid_duplicate(Check& c) {
  std::unordered_map<std::string_view, const FeedElement*> seen;
  seen.reserve(c.items().size());
  for (const Item& item : c.items()) {
    const FeedElement* guid = item[kGuid];
    const std::string_view v = value(guid);
    if (v.empty()) continue;
    const auto [it, fresh] = seen.emplace(v, guid);
    if (!fresh)
      c.report(guid,
               "the guid " + quote(v) + " is also the guid of the item at line " + std::to_string(it->second->at.line),
               "each episode needs its own guid; apps show only one of the two");
  }
}

void guid_permalink(Check& c, const Item& item) {
  // RSS 2.0: isPermaLink defaults to true, and then the guid must be a URL.
  const FeedElement* guid = item[kGuid];
  const std::string_view v = value(guid);
  if (v.empty() || iequals(attr(guid, "isPermaLink"), "false")) return;
  const std::string scheme = url_scheme(v);
  if (scheme == "http" || scheme == "https") return;
  c.report(guid,
           "the guid " + quote(v) + " is not a URL, but isPermaLink is " +
               (guid->attribute("isPermaLink") ? "true" : "missing (true by default)"),
           "write <guid isPermaLink=\"false\">; the value itself must not change");
}

void pubdate_missing(Check& c, const Item& item) {
  // Apple shows episodic shows by date; Spotify requires it.
  if (!item[kPubDate])
    c.report(item.element, "the <item> has no <pubDate>", "add <pubDate>Thu, 12 Jan 2006 09:30:00 -0800</pubDate>");
}

// The channel's pubDate and lastBuildDate (an item's pubDate is checked with the item).
template <class F>
void each_channel_date(Check& c, F f) {
  for (const char* name : {"pubDate", "lastBuildDate"})
    if (const FeedElement* e = c.channel_child("", name)) f(c, e);
}

void date_invalid(Check& c, const FeedElement* e) {
  if (e && !c.date(e))
    c.report(e, element_name(*e) + " " + quote(value(e)) + " is not a date",
             "write an RFC 2822 date: Thu, 12 Jan 2006 09:30:00 -0800");
}
void pubdate_invalid(Check& c) { each_channel_date(c, date_invalid); }
void pubdate_invalid(Check& c, const Item& item) { date_invalid(c, item[kPubDate]); }

void date_rfc2822(Check& c, const FeedElement* e) {
  // Apple and PSP-1: "Values must use the RFC 2822 specifications".
  const std::optional<Timestamp> parsed = c.date(e);
  if (!parsed) return;  // rss/pubdate-invalid says so
  if (const std::optional<std::string> why = rfc2822_problem(value(e), *parsed))
    c.report(e, element_name(*e) + " " + quote(value(e)) + " is not RFC 2822: " + *why,
             "write it as Thu, 12 Jan 2006 09:30:00 -0800");
}
void pubdate_rfc2822(Check& c) { each_channel_date(c, date_rfc2822); }
void pubdate_rfc2822(Check& c, const Item& item) { date_rfc2822(c, item[kPubDate]); }

void date_future(Check& c, const FeedElement* e) {
  if (!e || !c.options().now) return;
  const std::optional<Timestamp> t = c.date(e);
  if (t && t->unix_seconds > c.options().now->unix_seconds)
    c.report(e, element_name(*e) + " " + quote(value(e)) + " is in the future",
             "directories may hide the episode until then, or show it in the wrong place; publish with the real date");
}
void pubdate_future(Check& c) { each_channel_date(c, date_future); }
void pubdate_future(Check& c, const Item& item) { date_future(c, item[kPubDate]); }

// ---------------------------------------------------------------------------
// URLs

// Calls f(element, url) for every URL the rules check: of the channel, or of an item.
template <class F>
void channel_urls(const FeedElement& ch, bool with_images, F f) {
  auto text = [&](const FeedElement* e) {
    if (e && !value(e).empty()) f(*e, value(e));
  };
  auto attribute = [&](const FeedElement* e, std::string_view name) {
    if (e && !attr(e, name).empty()) f(*e, attr(e, name));
  };
  text(ch.child("", "link"));
  for (const FeedElement* l : ch.children_named(kAtomNs, "link")) attribute(l, "href");
  text(ch.child(kItunesNs, "new-feed-url"));
  for (const FeedElement* fund : ch.children_named(kPodcastNs, "funding")) attribute(fund, "url");
  if (with_images) {
    attribute(ch.child(kItunesNs, "image"), "href");
    text(child(ch.child("", "image"), "", "url"));
  }
}

template <class F>
void item_urls(const Item& item, bool with_images, F f) {
  auto attribute = [&](const FeedElement* e, std::string_view name) {
    if (e && !attr(e, name).empty()) f(*e, attr(e, name));
  };
  if (const FeedElement* link = item[kLink]; link && !value(link).empty()) f(*link, value(link));
  for (const FeedElement* e : item.all(kEnclosure)) attribute(e, "url");
  for (const FeedElement* t : item.all(kPodcastTranscript)) attribute(t, "url");
  attribute(item[kPodcastChapters], "url");
  if (with_images) attribute(item[kItunesImage], "href");
}

void check_url(Check& c, const FeedElement& at, std::string_view url) {
  std::string problem;
  for (char ch : url)
    if (static_cast<unsigned char>(ch) <= ' ') problem = "has spaces or line breaks inside";
  const std::string scheme = url_scheme(url);
  if (!problem.empty()) {
  } else if (scheme.empty()) {
    problem = "is relative: apps cannot tell where it points";
  } else if (scheme != "http" && scheme != "https") {
    problem = "is not an http or https URL";
  } else if (url.size() <= scheme.size() + 3 || url.substr(scheme.size(), 3) != "://" ||
             url[scheme.size() + 3] == '/') {
    problem = "has no host";
  }
  if (!problem.empty())
    c.report(&at, "the URL " + quote(url) + " in " + element_name(at) + " " + problem,
             "write an absolute https:// URL, with spaces percent-encoded as %20");
}

void url_valid(Check& c) {
  channel_urls(c.channel(), true, [&](const FeedElement& at, std::string_view url) { check_url(c, at, url); });
}
void url_valid(Check& c, const Item& item) {
  item_urls(item, true, [&](const FeedElement& at, std::string_view url) { check_url(c, at, url); });
}

void check_https(Check& c, const FeedElement& at, std::string_view url) {
  // Apps refuse or warn on plain http (App Transport Security on Apple's devices).
  // A web page's <link> may be http.
  if (url_scheme(url) == "http" && !(at.ns().empty() && at.name() == "link"))
    c.report(&at, "the URL " + quote(url) + " in " + element_name(at) + " is plain http",
             "serve it over https and write https://");
}

void https_expected(Check& c) {
  channel_urls(c.channel(), false, [&](const FeedElement& at, std::string_view url) { check_https(c, at, url); });
}
void https_expected(Check& c, const Item& item) {
  item_urls(item, false, [&](const FeedElement& at, std::string_view url) { check_https(c, at, url); });
}

constexpr Rule kRules[] = {
    {"rss/not-a-feed", Severity::kError, kAllSets, "the document is not RSS with a <channel>; nothing else is checked",
     nullptr, nullptr},
    {"rss/xml-bare-ampersand", Severity::kError, kAllSets, "a bare & that strict XML parsers (Apple's) refuse",
     bare_ampersand, nullptr},
    {"rss/xml-undefined-entity", Severity::kError, kAllSets, "an entity that neither XML nor HTML defines",
     undefined_entity, nullptr},
    {"rss/xml-namespace", Severity::kError, kAllSets, "an undeclared prefix or a namespace URI not written exactly",
     namespace_declaration, nullptr},
    {"rss/unescaped-html", Severity::kWarning, kAllSets, "HTML in a description neither escaped nor in CDATA",
     unescaped_html, nullptr},
    {"psp1/utf8", Severity::kWarning, kApple | kPsp1, "the feed is not UTF-8", not_utf8, nullptr},
    {"rss/channel-title", Severity::kError, kAllSets, "the channel has a <title>", channel_title, nullptr},
    {"rss/channel-description", Severity::kError, kAllSets, "the channel has a <description>", channel_description,
     nullptr},
    {"rss/channel-link", Severity::kError, kRss | kApple | kPsp1, "the channel has a <link>", channel_link, nullptr},
    {"rss/no-items", Severity::kError, kApple | kPsp1 | kPodcastIndex | kSpotify, "the feed has at least one <item>",
     no_items, nullptr},
    {"psp1/self-link", Severity::kError, kPsp1 | kPodcastIndex, "the channel has <atom:link rel=\"self\">",
     self_link_missing, nullptr},
    {"psp1/self-link-mismatch", Severity::kWarning, kRss | kPsp1 | kPodcastIndex,
     "the self link is the URL the feed was fetched from", self_link_mismatch, nullptr},
    {"psp1/podcast-guid-missing", Severity::kWarning, kPsp1 | kPodcastIndex, "the channel has <podcast:guid>",
     podcast_guid_missing, nullptr},
    {"psp1/locked-missing", Severity::kWarning, kPsp1, "the channel has <podcast:locked>", locked_missing, nullptr},
    {"psp1/copyright", Severity::kInfo, kPsp1, "<copyright> names the holder without 'Copyright', © or a year",
     copyright_plain, nullptr},
    {"rss/item-title", Severity::kError, kAllSets, "every item has a title", nullptr, item_title},
    {"rss/enclosure-missing", Severity::kError, kApple | kPsp1 | kPodcastIndex | kSpotify,
     "every item has an <enclosure>", nullptr, enclosure_missing},
    {"rss/enclosure-multiple", Severity::kWarning, kAllSets, "an item has one <enclosure>, not several", nullptr,
     enclosure_multiple},
    {"rss/enclosure-url", Severity::kError, kAllSets, "every enclosure has a url", nullptr, enclosure_url},
    {"rss/enclosure-length", Severity::kError, kAllSets, "every enclosure has a positive length in bytes", nullptr,
     enclosure_length},
    {"rss/enclosure-type", Severity::kError, kAllSets, "every enclosure has a type", nullptr, enclosure_type},
    {"rss/guid-missing", Severity::kError, kApple | kPsp1 | kPodcastIndex | kSpotify, "every item has a <guid>",
     nullptr, guid_missing},
    {"rss/guid-duplicate", Severity::kError, kAllSets, "no two items share a guid", guid_duplicate, nullptr},
    {"rss/guid-permalink", Severity::kInfo, kRss, "a guid that is not a URL says isPermaLink=\"false\"", nullptr,
     guid_permalink},
    {"rss/pubdate-missing", Severity::kWarning, kApple | kPsp1 | kPodcastIndex | kSpotify, "every item has a <pubDate>",
     nullptr, pubdate_missing},
    {"rss/pubdate-invalid", Severity::kError, kAllSets, "pubDate and lastBuildDate are dates", pubdate_invalid,
     pubdate_invalid},
    {"rss/pubdate-rfc2822", Severity::kWarning, kAllSets, "dates are written as RFC 2822 says", pubdate_rfc2822,
     pubdate_rfc2822},
    {"rss/pubdate-future", Severity::kWarning, kAllSets, "no date is in the future", pubdate_future, pubdate_future},
    {"rss/url-valid", Severity::kError, kAllSets, "URLs are absolute http(s) URLs without spaces", url_valid,
     url_valid},
    {"rss/https-expected", Severity::kWarning, kApple | kPsp1 | kPodcastIndex | kSpotify,
     "media, transcripts, chapters and the feed's own links use https", https_expected, https_expected},
};

}  // namespace

std::span<const Rule> rss_and_psp1_rules() { return kRules; }

}  // namespace podsmith::lint
