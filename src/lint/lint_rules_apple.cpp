// Rules of Apple Podcasts: "A Podcaster's Guide to RSS" (Podcasts Connect help,
// itcb54353390) and Apple's category list. PSP-1 repeats most of them, so most are
// in the psp1 set too. Each rule is one small function; the table at the end gives
// its id, severity, rule sets and summary.
#include <array>
#include <string>
#include <unordered_map>

#include "lint/lint_rules.h"
#include "podsmith/feed/categories.h"
#include "podsmith/feed/notes.h"
#include "podsmith/base/text.h"

namespace podsmith::lint {
namespace {

// ---------------------------------------------------------------------------
// Language, artwork, categories

void language_missing(Check& c) {
  // Required: "Invalid language codes will cause your feed to fail Apple validation."
  if (!c.channel_child("", "language"))
    c.report(&c.channel(), "the channel has no <language>",
             "add the language spoken on the show as a two-letter ISO 639 code, e.g. <language>en-us</language>");
}

void language_code(Check& c) {
  const FeedElement* e = c.channel_child("", "language");
  if (!e || is_language_code(value(e))) return;
  std::string hint = "Apple takes a two-letter ISO 639-1 code, optionally with a region: en, en-us, pt-BR";
  if (value(e).find('_') != std::string_view::npos) hint = "write a hyphen, not an underscore: en-us, not en_US";
  c.report(e, "<language> " + quote(value(e)) + " is not a language code Apple accepts", hint);
}

void artwork_missing(Check& c) {
  const FeedElement* image = c.channel_child(kItunesNs, "image");
  if (!image) {
    c.report(&c.channel(), "the channel has no <itunes:image>",
             "add <itunes:image href=\"https://.../artwork.jpg\"/>: JPEG or PNG, square, 1400 to 3000 px");
  } else if (attr(image, "href").empty() && value(image).empty()) {
    c.report(image, "<itunes:image> has no URL", "write the artwork's URL in href=\"https://...\"");
  }
}

// Each image rule has a channel part and an item part: <itunes:image> of either.
const FeedElement* channel_image(Check& c) { return c.channel_child(kItunesNs, "image"); }

void image_href(Check& c, const FeedElement* e) {
  // Apple reads the URL from href only.
  if (e && !e->attribute("href") && !value(e).empty())
    c.report(e, "<itunes:image> has its URL as text: Apple reads only the href attribute",
             "write <itunes:image href=\"" + std::string(utf8_prefix(value(e), 200)) + "\"/>");
}
void image_href(Check& c) { image_href(c, channel_image(c)); }
void image_href(Check& c, const Item& item) { image_href(c, item[kItunesImage]); }

void artwork_https(Check& c, const FeedElement* e) {
  const std::string_view href = attr(e, "href");
  if (url_scheme(href) == "http")
    c.report(e, "the artwork " + quote(href) + " is plain http", "serve the artwork over https and write https://");
}
void artwork_https(Check& c) { artwork_https(c, channel_image(c)); }
void artwork_https(Check& c, const Item& item) { artwork_https(c, item[kItunesImage]); }

void artwork_extension(Check& c, const FeedElement* e) {
  // "in JPEG or PNG format ... with appropriate file extensions (.jpg, .png)"
  const std::string_view href = attr(e, "href");
  if (href.empty()) return;
  const std::string ext = url_extension(href);
  if (ext == "jpg" || ext == "jpeg" || ext == "png") return;
  c.report(e,
           "the artwork " + quote(href) +
               (ext.empty() ? " has no file extension" : " has the extension ." + ext + ", not .jpg or .png"),
           "Apple takes JPEG or PNG artwork whose URL ends in .jpg or .png, matching the file's real type");
}
void artwork_extension(Check& c) { artwork_extension(c, channel_image(c)); }
void artwork_extension(Check& c, const Item& item) { artwork_extension(c, item[kItunesImage]); }

void category_missing(Check& c) {
  if (!c.channel_child(kItunesNs, "category"))
    c.report(&c.channel(), "the channel has no <itunes:category>",
             "add one from Apple's list, e.g. <itunes:category text=\"Technology\"/>");
}

void category_unknown(Check& c) {
  for (const FeedElement* cat : c.channel().children_named(kItunesNs, "category")) {
    const std::string_view name = attr(cat, "text");
    if (name.empty()) {
      c.report(cat, "<itunes:category> has no text attribute", "write the category in text=\"...\"");
      continue;
    }
    if (is_apple_category(name)) continue;
    std::string hint = "use a category from Apple's list, spelled exactly (podcasters.apple.com/support/1691)";
    // <itunes:category text="Kids &amp;amp; Family">: "Apple: be sure to properly escape ampersands", once.
    if (name.find("&amp;") != std::string_view::npos) hint = "the & is escaped twice: write text=\"Kids &amp; Family\"";
    c.report(cat, explain_category(name), hint);
  }
}

void subcategory_parent(Check& c) {
  for (const FeedElement* cat : c.channel().children_named(kItunesNs, "category")) {
    const std::string_view name = attr(cat, "text");
    if (!is_apple_category(name)) continue;  // apple/category-unknown says so
    for (const FeedElement* sub : cat->children_named(kItunesNs, "category")) {
      const std::string_view sub_name = attr(sub, "text");
      if (sub_name.empty()) {
        c.report(sub, "the subcategory of " + quote(name) + " has no text attribute", "write it in text=\"...\"");
      } else if (!is_apple_category(name, sub_name)) {
        c.report(sub, explain_category(name, sub_name),
                 "nest a subcategory only in its own parent, spelled exactly as Apple lists it");
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Explicit, owner, author, type

void explicit_missing(Check& c) {
  if (!c.channel_child(kItunesNs, "explicit"))
    c.report(&c.channel(), "the channel has no <itunes:explicit>",
             "add <itunes:explicit>false</itunes:explicit> (or true): Apple requires it");
}

void explicit_value(Check& c, const FeedElement* e) {
  if (!e) return;
  const std::string_view v = value(e);
  for (std::string_view known : {"true", "false", "yes", "no", "clean", "explicit"})
    if (iequals(v, known)) return;
  c.report(e, "<itunes:explicit> is " + quote(value(e)) + ", neither true nor false",
           "write true or false; Apple reads nothing else");
}
void explicit_value(Check& c) { explicit_value(c, c.channel_child(kItunesNs, "explicit")); }
void explicit_value(Check& c, const Item& item) { explicit_value(c, item[kItunesExplicit]); }

void explicit_legacy(Check& c, const FeedElement* e) {
  if (!e) return;
  const std::string_view v = value(e);
  if (!iequals(v, "yes") && !iequals(v, "no") && !iequals(v, "clean") && !iequals(v, "explicit")) return;
  const bool is_true = iequals(v, "yes") || iequals(v, "explicit");
  c.report(e, "<itunes:explicit> is " + quote(value(e)) + ", an old value",
           std::string("Apple's guide now takes true or false: write ") + (is_true ? "true" : "false"));
}
void explicit_legacy(Check& c) { explicit_legacy(c, c.channel_child(kItunesNs, "explicit")); }
void explicit_legacy(Check& c, const Item& item) { explicit_legacy(c, item[kItunesExplicit]); }

void owner_email_missing(Check& c) {
  // Apple and Spotify mail the owner to confirm who may claim the show.
  const FeedElement* owner = c.channel_child(kItunesNs, "owner");
  const FeedElement* email = child(owner, kItunesNs, "email");
  if (!value(email).empty()) return;
  c.report(email   ? email
           : owner ? owner
                   : &c.channel(),
           "the channel has no <itunes:owner> e-mail address",
           "add <itunes:owner><itunes:name>...</itunes:name><itunes:email>you@example.org</itunes:email>"
           "</itunes:owner>: directories mail it to verify the show is yours");
}

void owner_email_format(Check& c) {
  const FeedElement* email = child(c.channel_child(kItunesNs, "owner"), kItunesNs, "email");
  const std::string_view v = value(email);
  if (v.empty() || is_email(v)) return;
  c.report(email, "the owner e-mail " + quote(v) + " is not an e-mail address",
           ascii_lower(v.substr(0, 7)) == "mailto:" ? "leave out mailto:" : "write one address: name@example.org");
}

void author_missing(Check& c) {
  if (value(c.channel_child(kItunesNs, "author")).empty())
    c.report(&c.channel(), "the channel has no <itunes:author>",
             "name the person, group or network behind the show in <itunes:author>");
}

void type_value(Check& c) {
  const FeedElement* e = c.channel_child(kItunesNs, "type");
  const std::string v = ascii_lower(value(e));
  if (!e || v == "episodic" || v == "serial") return;
  c.report(e, "<itunes:type> is " + quote(value(e)) + ", neither episodic nor serial",
           "write episodic (newest first) or serial (in order)");
}

void serial_episode_numbers(Check& c, const Item& item) {
  // "Serial ... itunes:episode numbers must be given for each episode." Trailers
  // and bonus episodes may go without.
  if (!value(item[kItunesEpisode]).empty()) return;
  const std::string_view type = value(item[kItunesEpisodeType]);
  if (iequals(type, "trailer") || iequals(type, "bonus")) return;
  if (!iequals(value(c.channel_child(kItunesNs, "type")), "serial")) return;
  c.report(item.element, "a serial show's episode has no <itunes:episode> number",
           "number every full episode of a serial show: <itunes:episode>1</itunes:episode>");
}

// ---------------------------------------------------------------------------
// Lengths and whitespace

void description_length(Check& c, const FeedElement* e) {
  // "The maximum amount of text allowed for this tag is 4000 bytes."
  if (!e || e->text().size() <= kAppleDescriptionMaxBytes) return;
  c.report(e, element_name(*e) + " is " + std::to_string(e->text().size()) + " bytes, more than Apple's 4,000",
           "shorten it; keep the full notes in <content:encoded> (podsmith build cuts descriptions to fit)");
}
void description_length(Check& c) {
  description_length(c, c.channel_child("", "description"));
  description_length(c, c.channel_child(kItunesNs, "summary"));
}
void description_length(Check& c, const Item& item) {
  description_length(c, item[kDescription]);
  description_length(c, item[kItunesSummary]);
}

size_t characters(std::string_view s) {
  size_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

// Elements whose values Apple limits to 255 characters ("Tag values are limited to
// 255 characters unless otherwise specified"): the short text ones.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kShortText = {{
    {"", "title"},
    {kItunesNs, "title"},
    {kItunesNs, "subtitle"},
    {kItunesNs, "author"},
    {"", "copyright"},
    {"", "guid"},
}};

void value_length(Check& c, const FeedElement* e) {
  if (!e || e->text().size() <= 255) return;  // bytes >= characters
  const size_t n = characters(value(e));
  if (n <= 255) return;
  c.report(e, element_name(*e) + " is " + std::to_string(n) + " characters long, more than Apple's 255",
           "shorten it: Apple cuts values longer than 255 characters");
}
void value_length(Check& c) {
  for (const auto& [ns, name] : kShortText)
    if (const FeedElement* e = c.channel_child(ns, name)) value_length(c, e);
  if (const FeedElement* owner = c.channel_child(kItunesNs, "owner")) {
    value_length(c, owner->child(kItunesNs, "name"));
    value_length(c, owner->child(kItunesNs, "email"));
  }
}
void value_length(Check& c, const Item& item) {
  for (Tag tag : {kTitle, kItunesTitle, kItunesSubtitle, kItunesAuthor, kGuid}) value_length(c, item[tag]);
}

bool has_surrounding_space(std::string_view s) {
  auto space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; };
  return !s.empty() && (space(s.front()) || space(s.back()));
}

// Elements whose values are single values, where surrounding whitespace is part of
// the value to a strict reader ("Don't add leading or trailing spaces to your values").
constexpr std::array<std::pair<std::string_view, std::string_view>, 21> kSingleValues = {{
    {"", "title"},
    {"", "link"},
    {"", "language"},
    {"", "guid"},
    {"", "pubDate"},
    {"", "copyright"},
    {kItunesNs, "title"},
    {kItunesNs, "subtitle"},
    {kItunesNs, "author"},
    {kItunesNs, "explicit"},
    {kItunesNs, "type"},
    {kItunesNs, "duration"},
    {kItunesNs, "season"},
    {kItunesNs, "episode"},
    {kItunesNs, "episodeType"},
    {kItunesNs, "new-feed-url"},
    {kItunesNs, "name"},
    {kItunesNs, "email"},
    {kPodcastNs, "guid"},
    {kPodcastNs, "locked"},
    {kPodcastNs, "medium"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kSingleValueAttributes = {{
    {"enclosure", "url"},
    {"enclosure", "length"},
    {"enclosure", "type"},
    {"image", "href"},
    {"category", "text"},
    {"transcript", "url"},
    {"chapters", "url"},
}};

void text_spaces(Check& c, const FeedElement& v) {
  if (has_surrounding_space(v.text()) && !value(&v).empty())
    c.report(&v, element_name(v) + " has spaces or line breaks around its value " + quote(value(&v)),
             "write the value right after the opening tag and right before the closing one");
}

void attribute_spaces(Check& c, const FeedElement& e) {
  for (const auto& [element, attribute] : kSingleValueAttributes) {
    if (e.name() != element) continue;
    const std::string_view* v = e.attribute(attribute);
    if (v && has_surrounding_space(*v))
      c.report(&e,
               "the " + std::string(attribute) + " of " + element_name(e) + " has spaces around its value " +
                   quote(trim(*v)),
               "write " + std::string(attribute) + "=\"" + std::string(utf8_prefix(trim(*v), 200)) + "\"");
  }
}

// Every child of `e` but the items, by name.
void children_spaces(Check& c, const FeedElement& e) {
  for (const FeedElement& child_element : e.children()) {
    if (child_element.name() == "item" && child_element.ns().empty()) continue;
    for (const auto& [ns, name] : kSingleValues)
      if (child_element.name() == name && child_element.ns() == ns) text_spaces(c, child_element);
    attribute_spaces(c, child_element);
  }
}

void surrounding_whitespace(Check& c) {
  children_spaces(c, c.channel());
  if (const FeedElement* owner = c.channel_child(kItunesNs, "owner")) children_spaces(c, *owner);
  for (const FeedElement* cat : c.channel().children_named(kItunesNs, "category")) children_spaces(c, *cat);
}

void surrounding_whitespace(Check& c, const Item& item) {
  for (Tag tag : {kTitle, kLink, kGuid, kPubDate, kItunesTitle, kItunesSubtitle, kItunesAuthor, kItunesExplicit,
                  kItunesDuration, kItunesSeason, kItunesEpisode, kItunesEpisodeType, kItunesNewFeedUrl})
    if (const FeedElement* v = item[tag]) text_spaces(c, *v);
  for (Tag tag : {kEnclosure, kItunesImage, kPodcastTranscript, kPodcastChapters})
    if (const FeedElement* v = item[tag]) attribute_spaces(c, *v);
}

// ---------------------------------------------------------------------------
// Moving, blocking, completing

void new_feed_url_placement(Check& c, const Item& item) {
  // itunes:new-feed-url is a channel tag: in an item, Apple ignores it.
  if (const FeedElement* e = item[kItunesNewFeedUrl])
    c.report(e, "<itunes:new-feed-url> is in an <item>: Apple reads it only in the <channel>",
             "move it to the channel of the old feed");
}

void yes_value(Check& c, const FeedElement* e) {
  // "Specifying any value other than Yes has no effect."
  if (!e) return;
  const std::string v = ascii_lower(value(e));
  if (v == "yes" || v == "no") return;
  c.report(e, element_name(*e) + " is " + quote(value(e)) + ": Apple acts only on Yes",
           "write Yes to act, or leave the element out");
}
void yes_value(Check& c) {
  yes_value(c, c.channel_child(kItunesNs, "block"));
  yes_value(c, c.channel_child(kItunesNs, "complete"));
}
void yes_value(Check& c, const Item& item) { yes_value(c, item[kItunesBlock]); }

// ---------------------------------------------------------------------------
// Enclosures

// Apple's types (audio/x-m4a, audio/mpeg, video/quicktime, video/mp4, video/x-m4v,
// application/pdf) and PSP-1's spellings of two of them (audio/m4a, video/m4v).
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kAppleTypes = {{
    {"audio/mpeg", "mp3"},
    {"audio/x-m4a", "m4a"},
    {"audio/m4a", "m4a"},
    {"video/quicktime", "mov"},
    {"video/mp4", "mp4"},
    {"video/x-m4v", "m4v"},
    {"video/m4v", "m4v"},
    {"application/pdf", "pdf"},
}};

std::string_view apple_extension_for(std::string_view type) {
  for (const auto& [t, ext] : kAppleTypes)
    if (iequals(type, t)) return ext;
  return {};
}

void enclosure_type_allowed(Check& c, const Item& item) {
  if (const FeedElement* enclosure = item[kEnclosure]) {
    const FeedElement& e = *enclosure;
    const std::string_view type = attr(&e, "type");
    if (type.empty() || !apple_extension_for(type).empty()) return;
    std::string hint =
        "Apple takes audio/mpeg (MP3), audio/x-m4a (AAC in MPEG-4), video/mp4, video/x-m4v, "
        "video/quicktime and application/pdf";
    const std::string lower = ascii_lower(type);
    if (lower == "audio/mp3" || lower == "audio/mpeg3" || lower == "audio/x-mp3") hint = "write audio/mpeg for MP3";
    if (lower == "audio/mp4" || lower == "audio/aac") hint = "write audio/x-m4a for AAC audio in an .m4a file";
    c.report(&e, "the enclosure type " + quote(type) + " is not one Apple Podcasts plays", hint);
  }
}

void enclosure_extension(Check& c, const Item& item) {
  // "The file extension specified within the URL attribute determines whether or
  // not content appears in the podcast directory."
  if (const FeedElement* enclosure = item[kEnclosure]) {
    const FeedElement& e = *enclosure;
    const std::string_view url = attr(&e, "url");
    if (url.empty()) return;
    const std::string ext = url_extension(url);
    const std::string_view expected = apple_extension_for(attr(&e, "type"));
    bool known = false;
    for (const auto& [t, x] : kAppleTypes) known = known || ext == x;
    if (!known) {
      c.report(&e,
               "the enclosure URL " + quote(url) +
                   (ext.empty() ? " has no file extension" : " ends in ." + ext + ", which Apple does not list"),
               "Apple decides by the URL's extension: .mp3, .m4a, .mp4, .m4v, .mov or .pdf");
    } else if (!expected.empty() && expected != ext && !(expected == "m4v" && ext == "mp4")) {
      c.report(&e, "the enclosure URL ends in ." + ext + " but its type is " + std::string(attr(&e, "type")),
               "make the type match the file: ." + std::string(expected) + " for " + std::string(attr(&e, "type")));
    }
  }
}

void duplicate_enclosure(Check& c) {
  // Apple ignores an episode whose enclosure URL another episode already used.
  std::unordered_map<std::string_view, const FeedElement*> seen;
  seen.reserve(c.items().size());
  for (const Item& item : c.items()) {
    const FeedElement* e = item[kEnclosure];
    const std::string_view url = attr(e, "url");
    if (url.empty()) continue;
    const auto [it, fresh] = seen.emplace(url, e);
    if (!fresh)
      c.report(e,
               "the enclosure URL " + quote(url) + " is also used by the item at line " +
                   std::to_string(it->second->at.line),
               "give every episode its own media file URL");
  }
}

// ---------------------------------------------------------------------------
// Durations, numbers, types

void duration_missing(Check& c, const Item& item) {
  if (item[kEnclosure] && !item[kItunesDuration])
    c.report(item.element, "the episode has no <itunes:duration>",
             "add the duration in seconds: <itunes:duration>1800</itunes:duration>");
}

void duration_format(Check& c, const Item& item) {
  const FeedElement* e = item[kItunesDuration];
  if (!e || parse_duration_seconds(value(e))) return;
  c.report(
      e,
      value(e).empty() ? "<itunes:duration> is empty" : "<itunes:duration> " + quote(value(e)) + " is not a duration",
      "write whole seconds (1800), or MM:SS or H:MM:SS with minutes and seconds below 60");
}

bool is_positive_integer(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  bool nonzero = false;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    nonzero = nonzero || ch != '0';
  }
  return nonzero;
}

void number_rule(Check& c, const FeedElement* e, std::string_view name) {
  // "Where season/episode is a non-zero integer (1, 2, 3, etc.)"
  if (!e || is_positive_integer(value(e))) return;
  c.report(
      e, element_name(*e) + " " + quote(value(e)) + " is not a positive whole number",
      "write a number from 1 up, digits only: <itunes:" + std::string(name) + ">2</itunes:" + std::string(name) + ">");
}

void season_number(Check& c, const Item& item) { number_rule(c, item[kItunesSeason], "season"); }
void episode_number(Check& c, const Item& item) { number_rule(c, item[kItunesEpisode], "episode"); }

void episode_type(Check& c, const Item& item) {
  const FeedElement* e = item[kItunesEpisodeType];
  const std::string_view v = value(e);
  if (!e || iequals(v, "full") || iequals(v, "trailer") || iequals(v, "bonus")) return;
  c.report(e, "<itunes:episodeType> is " + quote(value(e)) + ", none of full, trailer, bonus",
           "write full, trailer or bonus");
}

void item_description_missing(Check& c, const Item& item) {
  if (value(item[kDescription]).empty() && value(item[kContentEncoded]).empty() && value(item[kItunesSummary]).empty())
    c.report(item.element, "the episode has no description",
             "describe the episode in <description> (up to 4,000 bytes; HTML in CDATA)");
}

// ---------------------------------------------------------------------------
// Titles

// "Episode 12: ...", "Ep. 12", "#12 ...", "S2E3 ..."
bool starts_with_number(std::string_view title) {
  const std::string_view t = trim(title);
  auto digit_at = [&](size_t i) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '.')) ++i;
    return i < t.size() && t[i] >= '0' && t[i] <= '9';
  };
  auto starts = [&](std::string_view word) { return iequals(t.substr(0, word.size()), word); };
  if (starts("episode")) return digit_at(7);
  if (starts("ep")) return digit_at(2);
  if (starts("#")) return digit_at(1);
  if (t.size() > 3 && (t[0] == 's' || t[0] == 'S') && t[1] >= '0' && t[1] <= '9') {
    size_t i = 1;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i + 1 < t.size() && (t[i] == 'e' || t[i] == 'E') && t[i + 1] >= '0' && t[i + 1] <= '9';
  }
  return false;
}

void title_episode_number(Check& c, const Item& item) {
  // "Don't specify the episode number or season number in this tag."
  for (const FeedElement* e : {item[kTitle], item[kItunesTitle]})
    if (e && starts_with_number(value(e)))
      c.report(e, "the title " + quote(value(e)) + " starts with the episode number",
               "keep the title to the episode's name; put numbers in <itunes:episode> and <itunes:season>");
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
  auto lower = [](char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; };
  if (needle.empty() || needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(haystack[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

void title_repeats_show(Check& c, const Item& item) {
  // "Also, don't repeat the title of your show within your episode title."
  const FeedElement* e = item[kTitle];
  const std::string_view show = value(c.channel_child("", "title"));
  if (!e || characters(show) < 3 || !contains_ignoring_case(value(e), show)) return;
  c.report(e, "the episode title " + quote(value(e)) + " repeats the show's title",
           "apps show the show's name next to the episode's; leave it out of the title");
}

constexpr Rule kRules[] = {
    {"apple/language-missing", Severity::kError, kApple | kPsp1 | kSpotify, "the channel has a <language>",
     language_missing, nullptr},
    {"apple/language-code", Severity::kError, kApple | kPsp1 | kSpotify,
     "<language> is a two-letter ISO 639 code, optionally with a region", language_code, nullptr},
    {"apple/artwork-missing", Severity::kError, kApple | kPsp1 | kSpotify, "the channel has <itunes:image>",
     artwork_missing, nullptr},
    {"apple/image-href", Severity::kError, kApple | kPsp1, "<itunes:image> gives its URL in href", image_href,
     image_href},
    {"apple/artwork-https", Severity::kWarning, kApple | kPsp1 | kSpotify, "artwork URLs use https", artwork_https,
     artwork_https},
    {"apple/artwork-extension", Severity::kWarning, kApple | kPsp1, "artwork URLs end in .jpg, .jpeg or .png",
     artwork_extension, artwork_extension},
    {"apple/category-missing", Severity::kError, kApple | kPsp1, "the channel has an <itunes:category>",
     category_missing, nullptr},
    {"apple/category-unknown", Severity::kError, kApple | kPsp1, "categories are in Apple's list, spelled exactly",
     category_unknown, nullptr},
    {"apple/subcategory-parent", Severity::kError, kApple | kPsp1, "each subcategory is under its own parent",
     subcategory_parent, nullptr},
    {"apple/explicit-missing", Severity::kError, kApple | kPsp1, "the channel has <itunes:explicit>", explicit_missing,
     nullptr},
    {"apple/explicit-value", Severity::kError, kApple | kPsp1 | kSpotify, "<itunes:explicit> is true or false",
     explicit_value, explicit_value},
    {"apple/explicit-legacy", Severity::kWarning, kApple | kPsp1,
     "<itunes:explicit> is not one of the old values yes, no, clean, explicit", explicit_legacy, explicit_legacy},
    {"apple/owner-email-missing", Severity::kWarning, kApple | kSpotify, "the channel has an <itunes:owner> e-mail",
     owner_email_missing, nullptr},
    {"apple/owner-email-format", Severity::kError, kApple | kSpotify, "the owner e-mail is an e-mail address",
     owner_email_format, nullptr},
    {"apple/author-missing", Severity::kWarning, kApple | kPsp1, "the channel has <itunes:author>", author_missing,
     nullptr},
    {"apple/type-value", Severity::kError, kApple | kPsp1, "<itunes:type> is episodic or serial", type_value, nullptr},
    {"apple/serial-episode-numbers", Severity::kError, kApple | kPsp1,
     "every full episode of a serial show has <itunes:episode>", nullptr, serial_episode_numbers},
    {"apple/description-length", Severity::kError, kApple | kPsp1, "descriptions are at most 4,000 bytes",
     description_length, description_length},
    {"apple/value-length", Severity::kWarning, kApple | kPsp1, "short values are at most 255 characters", value_length,
     value_length},
    {"apple/surrounding-whitespace", Severity::kWarning, kApple | kPsp1, "values have no leading or trailing spaces",
     surrounding_whitespace, surrounding_whitespace},
    {"apple/new-feed-url-placement", Severity::kError, kApple | kPsp1, "<itunes:new-feed-url> is in the channel only",
     nullptr, new_feed_url_placement},
    {"apple/yes-value", Severity::kWarning, kApple | kPsp1, "<itunes:block> and <itunes:complete> say Yes (or No)",
     yes_value, yes_value},
    {"apple/enclosure-type", Severity::kError, kApple | kPsp1, "enclosure types are ones Apple plays", nullptr,
     enclosure_type_allowed},
    {"apple/enclosure-extension", Severity::kWarning, kApple,
     "enclosure URLs end in an extension Apple lists, matching the type", nullptr, enclosure_extension},
    {"apple/duplicate-enclosure", Severity::kError, kApple | kPsp1 | kSpotify, "no two items share an enclosure URL",
     duplicate_enclosure, nullptr},
    {"apple/duration-missing", Severity::kWarning, kApple | kPsp1 | kSpotify, "every episode has <itunes:duration>",
     nullptr, duration_missing},
    {"apple/duration-format", Severity::kError, kApple | kPsp1 | kSpotify,
     "<itunes:duration> is seconds, MM:SS or H:MM:SS", nullptr, duration_format},
    {"apple/season-number", Severity::kError, kApple | kPsp1, "<itunes:season> is a positive whole number", nullptr,
     season_number},
    {"apple/episode-number", Severity::kError, kApple | kPsp1, "<itunes:episode> is a positive whole number", nullptr,
     episode_number},
    {"apple/episode-type", Severity::kError, kApple | kPsp1, "<itunes:episodeType> is full, trailer or bonus", nullptr,
     episode_type},
    {"apple/item-description-missing", Severity::kWarning, kApple | kPsp1 | kSpotify, "every episode has a description",
     nullptr, item_description_missing},
    {"apple/title-episode-number", Severity::kInfo, kApple | kPsp1, "episode titles do not start with their number",
     nullptr, title_episode_number},
    {"apple/title-repeats-show", Severity::kInfo, kApple, "episode titles do not repeat the show's title", nullptr,
     title_repeats_show},
};

}  // namespace

std::span<const Rule> apple_rules() { return kRules; }

}  // namespace podsmith::lint
