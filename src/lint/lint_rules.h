// Inside the linter: what a rule is, the Check a rule reports through, and helpers
// the rule families share. Each family lists its rules in its own file
// (lint_rules_apple.cpp, lint_rules_psp1.cpp for PSP-1 and RSS 2.0,
// lint_rules_podcastindex.cpp, lint_rules_spotify.cpp); lint.cpp runs them and
// lint_online.cpp runs the online ones. Not part of the public headers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/lint/lint.h"
#include "podsmith/feed/rss_reader.h"

namespace podsmith::lint {

/// Rule set membership as bits: a rule that Apple and PSP-1 both ask for is one
/// rule in both sets, so running every set reports it once.
enum RuleSetBit : unsigned {
  kRss = 1u << 0,
  kApple = 1u << 1,
  kPsp1 = 1u << 2,
  kPodcastIndex = 1u << 3,
  kSpotify = 1u << 4,
  kLoudness = 1u << 5,  // the media's own audio: lint_loudness() runs these, with the media at hand
  kAllSets = (1u << 6) - 1,
};

/// The children of an <item> that the rules look at. The engine finds them in one
/// pass over each item, so that seventy rules over 10,000 items do not each search.
enum Tag : uint8_t {
  kTitle,
  kLink,
  kDescription,
  kGuid,
  kPubDate,
  kEnclosure,
  kContentEncoded,
  kItunesTitle,
  kItunesSubtitle,
  kItunesAuthor,
  kItunesSummary,
  kItunesDuration,
  kItunesSeason,
  kItunesEpisode,
  kItunesEpisodeType,
  kItunesExplicit,
  kItunesImage,
  kItunesNewFeedUrl,
  kItunesBlock,
  kPodcastChapters,
  kPodcastTranscript,
  kPodcastSeason,
  kPodcastEpisode,
  kTagCount,
};

/// The children of one kind in an <item> (Item::all): iterable, indexable, sized.
class TagChildren {
 public:
  TagChildren() = default;
  explicit TagChildren(const FeedElement* one) : one_(one) {}
  explicit TagChildren(std::span<const FeedElement* const> many) : many_(many) {}

  const FeedElement* const* begin() const { return many_.empty() ? &one_ : many_.data(); }
  const FeedElement* const* end() const { return begin() + size(); }
  size_t size() const { return many_.empty() ? (one_ ? 1 : 0) : many_.size(); }
  bool empty() const { return size() == 0; }
  const FeedElement* operator[](size_t i) const { return begin()[i]; }

 private:
  const FeedElement* one_ = nullptr;
  std::span<const FeedElement* const> many_;
};

/// An <item> and its children by Tag. Small (176 bytes), for the engine keeps one
/// for every item of the feed while the whole-feed rules run.
struct Item {
  const FeedElement* element = nullptr;
  /// How many children of each kind, up to 255 (a count of 255 means 255 or more;
  /// all() has them all).
  std::array<uint8_t, kTagCount> count{};

  /// The first child of this kind; nullptr when none.
  const FeedElement* operator[](Tag tag) const {
    return first_at_[tag] == 0 ? nullptr : &element->children()[first_at_[tag] - 1];
  }
  /// Every child of this kind, in document order (no copy: this is called a few
  /// times for each item).
  TagChildren all(Tag tag) const;

 private:
  friend class Check;
  std::array<uint32_t, kTagCount> first_at_{};  // 1 + the first child's index in element->children(); 0 when none
  /// The children of the kinds that occur more than once, kind by kind, and where
  /// each such kind starts; empty for most items.
  std::vector<const FeedElement*> repeated_;
  std::vector<std::pair<Tag, uint32_t>> repeated_at_;  // in increasing Tag order
};

/// The Tag of an element by its namespace and local name; kTagCount when it is none.
Tag tag_of(const FeedElement& e);

class Check;
using CheckFn = void (*)(Check&);
using ItemCheckFn = void (*)(Check&, const Item&);

/// A rule checks the whole feed (the channel, or something across items), one
/// item at a time, or both. The engine runs the item checks item by item, every rule
/// on one item before the next item, so that an item is read from memory once.
struct Rule {
  std::string_view id;
  Severity severity;
  unsigned sets;
  std::string_view summary;
  CheckFn check;           // nullptr when the rule has no whole-feed part (and for online rules)
  ItemCheckFn check_item;  // nullptr when the rule has no per-item part
};

/// What a rule sees: the document and the options, and report() to add a finding
/// under the rule's own id and severity.
class Check {
 public:
  Check(const FeedDocument& doc, const LintOptions& options, std::vector<Finding>* out);

  const FeedDocument& doc() const { return doc_; }
  const LintOptions& options() const { return options_; }
  /// Never nullptr: rules run only on a document with a channel.
  const FeedElement& channel() const { return *doc_.channel; }
  /// The items indexed so far: every item for a whole-feed rule (which runs after
  /// the items), and the items up to the current one for an item rule.
  const std::vector<Item>& items() const { return items_; }
  /// The channel's first child with this namespace and local name, or nullptr; as
  /// channel().child() but without walking past thousands of items each time.
  const FeedElement* channel_child(std::string_view ns, std::string_view name) const;

  /// parse_rfc822(value(e)) (nullopt for nullptr), remembered for the last element
  /// asked about: the date rules ask in turn about the same item's pubDate.
  std::optional<Timestamp> date(const FeedElement* e);

  /// Indexes the next item (in document order) and returns it.
  const Item& add_item(const FeedElement& e);

  void set_rule(const Rule* rule) { rule_ = rule; }
  /// A finding at `at` (nullptr: the whole feed).
  void report(const FeedElement* at, std::string message, std::string hint = {});
  /// A finding at an explicit position.
  void report_at(SourcePosition at, std::string message, std::string hint = {});

 private:
  const FeedDocument& doc_;
  const LintOptions& options_;
  std::vector<Finding>* out_;
  std::vector<Item> items_;
  struct ChannelChild {
    std::string_view ns, name;
    const FeedElement* element;
  };
  std::vector<ChannelChild> channel_children_;  // the first of each, items left out
  const Rule* rule_ = nullptr;
  const FeedElement* dated_ = nullptr;  // the element of date_
  std::optional<Timestamp> date_;
};

std::span<const Rule> rss_and_psp1_rules();
std::span<const Rule> apple_rules();
std::span<const Rule> podcastindex_rules();
std::span<const Rule> spotify_rules();
std::span<const Rule> online_rules();
std::span<const Rule> loudness_rules();  // run by lint_loudness(), not lint_feed()

/// The bits of the sets named in `names`; every set when empty.
unsigned selected_sets(const std::vector<std::string>& names);
/// The rule with this id (offline or online); nullptr if none.
const Rule* find_rule(std::string_view id);

// ---------------------------------------------------------------------------
// Helpers for rules

/// "<itunes:explicit>", with the prefix the feed used.
std::string element_name(const FeedElement& e);
/// The element's text without surrounding ASCII whitespace.
std::string_view value(const FeedElement* e);
/// The attribute's value without surrounding whitespace; empty when absent.
std::string_view attr(const FeedElement* e, std::string_view name);
/// Quoted and cut to 60 bytes (at a character boundary), for messages: "\"yes please\"".
std::string quote(std::string_view s);
std::string ascii_lower(std::string_view s);
/// Whether `a` and `b` are equal, ASCII case ignored ("Self" and "self").
bool iequals(std::string_view a, std::string_view b);

/// The scheme in lower case ("https"), empty when `url` has none.
std::string url_scheme(std::string_view url);
/// The path's extension in lower case without the dot ("mp3"), ignoring the query
/// and fragment; empty when the last path segment has none.
std::string url_extension(std::string_view url);

/// Whether `s` is an e-mail address as directories accept one: local@domain.tld,
/// no spaces, no "mailto:".
bool is_email(std::string_view s);

/// e->child(ns, name), or nullptr when `e` is nullptr.
inline const FeedElement* child(const FeedElement* e, std::string_view ns, std::string_view name) {
  return e ? e->child(ns, name) : nullptr;
}

/// Why `text`, which parse_rfc822 read as `parsed`, is not a strict RFC 2822
/// date-time, or nullopt when it is one. The obsolete zone names GMT, UT and the US
/// zones (Apple's own example uses GMT) pass; a named day must be the date's day.
std::optional<std::string> rfc2822_problem(std::string_view text, const Timestamp& parsed);

/// itunes:duration as Apple reads it: seconds ("3600", "3600.5"), MM:SS or
/// H:MM:SS with minutes and seconds below 60 after the first part. nullopt
/// otherwise.
std::optional<double> parse_duration_seconds(std::string_view text);

/// The feed's URL for the rules that need one: LintOptions::fetched_from, else the
/// channel's atom:link rel="self" href; empty when neither.
std::string feed_url(const Check& c);
/// The channel's atom:link rel="self" element, or nullptr.
const FeedElement* self_link(const FeedElement& channel);

}  // namespace podsmith::lint
