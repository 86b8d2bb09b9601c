// Rules of the Podcast Index's podcast namespace (Podcasting 2.0,
// podcastindex.org/namespace/1.0): podcast:guid, locked, transcript, chapters,
// medium, funding, season and episode. Each rule is one small function; the table
// at the end gives its id, severity, rule sets and summary.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "lint/lint_rules.h"
#include "podsmith/workspace/chapters.h"
#include "podsmith/base/ids.h"
#include "podsmith/base/text.h"
#include "podsmith/workspace/transcripts.h"

namespace podsmith::lint {
namespace {

// A warning, not an error: the namespace asks for a UUIDv5, but a guid once
// published is how the Podcast Index knows the show, so a feed keeps the one it has
// (podsmith import keeps it, podsmith build writes it as it is).
void guid_format(Check& c) {
  const FeedElement* e = c.channel_child(kPodcastNs, "guid");
  const std::string_view v = value(e);
  if (!e || is_uuid(v)) return;
  std::string hint =
      "podcast:guid is a UUID in the 8-4-4-4-12 form: the UUIDv5 of the feed URL. Keep a guid the show already "
      "published, though: directories know the show by it";
  if (ascii_lower(v.substr(0, 9)) == "urn:uuid:") hint = "leave out urn:uuid: and write the UUID alone";
  c.report(e, "<podcast:guid> " + quote(v) + " is not a UUID", hint);
}

void guid_feed_url(Check& c) {
  // "The value is a UUIDv5, generated from the RSS feed URL, with the protocol
  // scheme and trailing slashes stripped off" (PSP-1, podcast namespace). A guid
  // kept from before a move is right to differ, hence a warning.
  const FeedElement* e = c.channel_child(kPodcastNs, "guid");
  const std::string_view v = value(e);
  const std::string url = feed_url(c);
  if (!e || !is_uuid(v) || url.empty()) return;
  const std::string expected = podcast_guid_for_url(url);
  if (ascii_lower(v) == expected) return;
  c.report(
      e,
      "<podcast:guid> " + std::string(v) + " is not the UUIDv5 of the feed URL " + quote(url) + " (" + expected + ")",
      "keep it if it was assigned before the feed moved; otherwise write " + expected);
}

void locked_value(Check& c) {
  const FeedElement* e = c.channel_child(kPodcastNs, "locked");
  const std::string v = ascii_lower(value(e));
  if (!e || v == "yes" || v == "no") return;
  c.report(e, "<podcast:locked> is " + quote(value(e)) + ", neither yes nor no",
           "write yes (other hosts must not import the show) or no");
}

void locked_owner(Check& c) {
  const FeedElement* e = c.channel_child(kPodcastNs, "locked");
  if (!e || !e->attribute("owner") || is_email(attr(e, "owner"))) return;
  c.report(e, "the owner of <podcast:locked> " + quote(attr(e, "owner")) + " is not an e-mail address",
           "owner=\"...\" is the address a new host mails to verify a move");
}

// The types the namespace lists for podcast:transcript.
constexpr std::array<std::string_view, 5> kTranscriptTypes = {"text/plain", "text/html", "text/vtt", "application/json",
                                                              "application/x-subrip"};

std::string media_type(std::string_view type) {
  const size_t semicolon = type.find(';');
  return ascii_lower(trim(type.substr(0, semicolon)));
}

void transcript_attributes(Check& c, const Item& item) {
  for (const FeedElement* t : item.all(kPodcastTranscript))
    for (const char* name : {"url", "type"})
      if (attr(t, name).empty())
        c.report(t, std::string("<podcast:transcript> has no ") + name,
                 "both are required: <podcast:transcript url=\"https://.../ep.vtt\" type=\"text/vtt\"/>");
}

void transcript_type(Check& c, const Item& item) {
  for (const FeedElement* transcript : item.all(kPodcastTranscript)) {
    const FeedElement& t = *transcript;
    const std::string type = media_type(attr(&t, "type"));
    if (type.empty()) continue;
    if (std::find(kTranscriptTypes.begin(), kTranscriptTypes.end(), type) == kTranscriptTypes.end()) {
      c.report(&t, "the transcript type " + quote(attr(&t, "type")) + " is not one apps read",
               "use text/vtt, application/x-subrip, application/json, text/html or text/plain");
      continue;
    }
    const std::string by_name = transcript_type_for(attr(&t, "url"));
    if (!by_name.empty() && by_name != type)
      c.report(&t,
               "the transcript " + quote(attr(&t, "url")) + " is declared " + type + " but its name says " + by_name,
               "make type=\"...\" the file's real type");
  }
}

void chapters_attributes(Check& c, const Item& item) {
  if (const FeedElement* e = item[kPodcastChapters])
    for (const char* name : {"url", "type"})
      if (attr(e, name).empty())
        c.report(e, std::string("<podcast:chapters> has no ") + name,
                 "both are required: <podcast:chapters url=\"https://.../ep.json\" "
                 "type=\"application/json+chapters\"/>");
}

void chapters_type(Check& c, const Item& item) {
  // "Mime type of file - JSON prefered, 'application/json+chapters'."
  const FeedElement* e = item[kPodcastChapters];
  const std::string type = media_type(attr(e, "type"));
  if (!e || type.empty() || type == kJsonChaptersType) return;
  c.report(e, "the chapters type " + quote(attr(e, "type")) + " is not application/json+chapters",
           "JSON chapters are type=\"application/json+chapters\"");
}

void medium_value(Check& c) {
  const FeedElement* e = c.channel_child(kPodcastNs, "medium");
  if (!e) return;
  static constexpr std::array<std::string_view, 9> kMediums = {"podcast",    "music", "video",     "film",  "audiobook",
                                                               "newsletter", "blog",  "publisher", "course"};
  const std::string_view v = value(e);
  for (std::string_view m : kMediums)
    if (v == m || (v.size() == m.size() + 1 && v.substr(0, m.size()) == m && v.back() == 'L')) return;
  if (v == "mixed") return;
  std::vector<std::string> all;
  for (std::string_view m : kMediums) all.emplace_back(m);
  const std::string near = closest_match(v, all, 2);
  c.report(e, "<podcast:medium> " + quote(v) + " is not a medium of the podcast namespace",
           near.empty() ? "write podcast, music, video, film, audiobook, newsletter, blog, publisher or course "
                          "(or a list medium such as podcastL, or mixed)"
                        : "did you mean " + near + "? Mediums are lower case");
}

void funding_url(Check& c) {
  for (const FeedElement* f : c.channel().children_named(kPodcastNs, "funding"))
    if (attr(f, "url").empty())
      c.report(f, "<podcast:funding> has no url", "url=\"https://...\" is the page where listeners can give");
}

void number_value(Check& c, const Item& item) {
  // podcast:season is an integer; podcast:episode may be a decimal ("1.5").
  {
    for (Tag tag : {kPodcastSeason, kPodcastEpisode}) {
      const FeedElement* e = item[tag];
      if (!e) continue;
      const std::string_view v = value(e);
      const bool decimal = tag == kPodcastEpisode;
      bool ok = !v.empty();
      bool dot = false;
      bool nonzero = false;
      for (char ch : v) {
        if (ch == '.' && decimal && !dot) {
          dot = true;
        } else if (ch >= '0' && ch <= '9') {
          nonzero = nonzero || ch != '0';
        } else {
          ok = false;
        }
      }
      ok = ok && nonzero && v.front() != '.' && v.back() != '.';
      if (!ok)
        c.report(e, element_name(*e) + " " + quote(v) + " is not a positive number",
                 decimal ? "write a number such as 3 or 3.5" : "write a whole number such as 2");
    }
  }
}

constexpr Rule kRules[] = {
    {"podcastindex/guid-format", Severity::kWarning, kPsp1 | kPodcastIndex, "<podcast:guid> is a UUID", guid_format,
     nullptr},
    {"podcastindex/guid-feed-url", Severity::kWarning, kPsp1 | kPodcastIndex,
     "<podcast:guid> is the UUIDv5 of the feed URL", guid_feed_url, nullptr},
    {"podcastindex/locked-value", Severity::kError, kPsp1 | kPodcastIndex, "<podcast:locked> is yes or no",
     locked_value, nullptr},
    {"podcastindex/locked-owner", Severity::kWarning, kPsp1 | kPodcastIndex,
     "the owner of <podcast:locked> is an e-mail address", locked_owner, nullptr},
    {"podcastindex/transcript-attributes", Severity::kError, kPsp1 | kPodcastIndex,
     "<podcast:transcript> has a url and a type", nullptr, transcript_attributes},
    {"podcastindex/transcript-type", Severity::kWarning, kPsp1 | kPodcastIndex,
     "transcript types are ones apps read and match the file name", nullptr, transcript_type},
    {"podcastindex/chapters-attributes", Severity::kError, kPodcastIndex, "<podcast:chapters> has a url and a type",
     nullptr, chapters_attributes},
    {"podcastindex/chapters-type", Severity::kWarning, kPodcastIndex, "chapters are application/json+chapters", nullptr,
     chapters_type},
    {"podcastindex/medium-value", Severity::kError, kPodcastIndex, "<podcast:medium> is a medium the namespace lists",
     medium_value, nullptr},
    {"podcastindex/funding-url", Severity::kError, kPsp1 | kPodcastIndex, "<podcast:funding> has a url", funding_url,
     nullptr},
    {"podcastindex/number-value", Severity::kError, kPodcastIndex,
     "<podcast:season> is a whole number, <podcast:episode> a number", nullptr, number_value},
};

}  // namespace

std::span<const Rule> podcastindex_rules() { return kRules; }

}  // namespace podsmith::lint
