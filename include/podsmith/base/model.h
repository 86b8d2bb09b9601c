/// The podcast model: a Show (one feed) and its Episodes, as plain structs. The
/// workspace loader and the RSS reader fill them; the RSS writer and the lint
/// rules read them. No I/O, no third-party types. Strings are valid UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "podsmith/base/media_info.h"

namespace podsmith {

/// A moment with the UTC offset it was written with, so a date keeps the offset
/// the producer gave it ("2006-01-12T09:30:00-08:00" stays -08:00).
struct Timestamp {
  int64_t unix_seconds = 0;   // seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;     // east of UTC: -480 for -08:00
};

/// podcast:person (Podcasting 2.0), also used for hosts and guests of an episode.
struct Person {
  std::string name;
  std::string role;   // "host", "guest", ... (Podcast Taxonomy Project); empty: host
  std::string group;  // "cast", "writing", ...; empty: cast
  std::string href;
  std::string img;
};

/// podcast:transcript.
struct Transcript {
  std::string url;
  std::string type;      // "text/vtt", "application/x-subrip", "application/json", "text/html", ...
  std::string language;  // optional BCP 47 code
  std::string rel;       // "captions" or empty
  std::string source;    // workspace-relative file the transcript is copied from; empty for a URL
};

struct Funding {
  std::string url;
  std::string text;
};

/// An Apple Podcasts category and optional subcategory ("Technology"; "Society &
/// Culture" / "Documentary"). Names exactly as Apple lists them.
struct Category {
  std::string name;
  std::string subcategory;
};

struct Enclosure {
  std::string url;
  int64_t length_bytes = 0;
  std::string type;  // MIME type
};

struct Episode {
  std::string sidecar;          // workspace-relative path of the .md sidecar; empty for imported items
  std::string media;            // workspace-relative path of the media file; empty when only a URL is known
  std::string guid;
  /// pubDate. Always set for an episode podsmith adds; absent only for one imported
  /// from a feed whose item had no (readable) pubDate: a date is never invented, and
  /// such an item is written without pubDate in the place it had.
  std::optional<Timestamp> date;
  std::string title;
  std::string subtitle;
  std::string author;
  std::string link;
  std::string notes_html;       // full show notes (content:encoded)
  std::string summary_html;     // within Apple's 4,000 bytes (description)
  std::string summary_text;     // plain text, for itunes:summary and directories that want text
  std::optional<int> season;
  std::optional<int> episode;
  std::string episode_type;     // "full", "trailer", "bonus"; empty: full
  std::optional<bool> explicit_content;
  std::string image;            // URL of the episode's artwork; empty: the show's
  std::vector<Person> persons;
  Enclosure enclosure;
  int64_t duration_ms = 0;
  std::vector<Chapter> chapters;  // from the media's tags or a chapters file
  std::string chapters_url;     // podcast:chapters (JSON chapters); empty when none
  std::vector<Transcript> transcripts;
  bool block = false;
  std::string keywords;
};

struct Show {
  std::string name;             // the feed's name: feeds/<name>.toml
  std::string title;
  std::string subtitle;
  std::string description_html;
  std::string description_text;
  std::string link;
  std::string language;         // "en-us"
  std::string copyright;
  std::string author;
  std::string owner_name;
  std::string owner_email;
  std::string image;            // URL of the show's artwork
  std::vector<Category> categories;
  std::optional<bool> explicit_content;
  std::string type;             // "episodic" or "serial"; empty: episodic
  std::string base_url;         // where the workspace root is published, ending in '/'
  std::string feed_url;         // the feed's own URL (atom:link rel=self)
  std::string new_feed_url;
  bool block = false;
  bool complete = false;
  std::string podcast_guid;     // podcast:guid; derived from feed_url when not given
  bool locked = false;
  std::string locked_owner;     // podcast:locked owner="..."
  std::vector<Funding> funding;
  std::vector<Person> persons;
  std::string license;
  std::string license_url;
  std::string medium;           // podcast:medium: "podcast", "music", "video", ...
  std::string update_frequency; // podcast:updateFrequency text, e.g. "Weekly"
  std::string update_rrule;     // its rrule attribute, e.g. "FREQ=WEEKLY"
  std::string websub_hub;       // atom:link rel=hub
  std::string keywords;
  std::optional<Timestamp> updated;  // lastBuildDate when given; else the newest episode's date
  std::vector<Episode> episodes;     // newest first once loaded
};

}  // namespace podsmith
