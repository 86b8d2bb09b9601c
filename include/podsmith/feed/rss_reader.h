/// Reads any podcast RSS feed, however sloppy, into the model (model.h) and into
/// a plain element tree that keeps every element with its namespace URI, raw
/// text and source position, for the lint rules and for import. Never expands a
/// DTD or an external entity; never touches the network or the disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/model.h"

namespace podsmith {

/// Namespace URIs the reader and the rules match elements by (never by prefix).
inline constexpr std::string_view kItunesNs = "http://www.itunes.com/dtds/podcast-1.0.dtd";
inline constexpr std::string_view kPodcastNs = "https://podcastindex.org/namespace/1.0";
inline constexpr std::string_view kContentNs = "http://purl.org/rss/1.0/modules/content/";
inline constexpr std::string_view kAtomNs = "http://www.w3.org/2005/Atom";
inline constexpr std::string_view kPscNs = "http://podlove.org/simple-chapters";

struct SourcePosition {
  int line = 0;    // 1-based, in the feed as given (before any re-encoding)
  int column = 0;  // 1-based, in characters of the line
};

/// An attribute: its name as written ("isPermaLink", "xmlns:itunes") and its value.
using FeedAttribute = std::pair<std::string_view, std::string_view>;

/// One element as the feed wrote it: names resolved to namespace URIs, entities
/// decoded, CDATA merged into text, text as written (not trimmed).
/// - Every string_view and span the accessors give points into the FeedDocument the
///   element belongs to (mostly into the feed's own bytes, which it keeps): valid
///   while it lives. The element itself is a few pointers and sizes (56 bytes).
/// - Namespace URIs are interned: `ns` is the constant above for those namespaces
///   (the same pointer), and one copy per document for any other.
/// - The common misspellings of the well-known namespace URIs (https for http, other
///   case, a missing trailing slash, the podcast namespace's old GitHub address) are
///   read as the constants above; RSS 2.0's own old URIs as "". A well-known prefix
///   used without a declaration (itunes, podcast, content, atom, psc, media, dc,
///   googleplay) gets its usual URI. Any other undeclared prefix leaves `ns` and
///   `prefix` empty and the qualified name in `name` ("x:title"), so no rule takes it
///   for RSS's <title>. Each of these is also a problem of the document.
/// - Entities: XML's five, numeric references (&#128;-&#159; read as windows-1252, as
///   browsers do; &#0;, surrogates and values past U+10FFFF as U+FFFD) and HTML 4's
///   named ones (&nbsp;). An undefined entity (&foo;, or one a DTD declares: DTDs are
///   never read) and a bare & stay as written, with a problem.
/// - An element nested deeper than 100 levels is dropped (with a problem).
/// - description, content:encoded and itunes:summary holding unescaped HTML elements
///   (<description><p>Hi</p></description>) have that markup, as written, as text;
///   the elements are children too.
struct FeedElement {
  /// The namespace URI; empty for RSS's own elements.
  std::string_view ns() const { return ns_ ? *ns_ : std::string_view(); }
  /// The local name: "explicit", "enclosure", "item".
  std::string_view name() const { return name_; }
  /// The prefix the feed used, for messages ("itunes"); empty when none.
  std::string_view prefix() const {
    return prefix_size_ ? std::string_view(name_ - prefix_size_ - 1, prefix_size_) : std::string_view();
  }
  /// In document order, names as written.
  std::span<const FeedAttribute> attributes() const {
    return {static_cast<const FeedAttribute*>(nodes_), attributes_size_};
  }
  /// The element's own text (not its children's).
  std::string_view text() const { return {text_, text_size_}; }
  std::span<const FeedElement> children() const {
    return {reinterpret_cast<const FeedElement*>(static_cast<const FeedAttribute*>(nodes_) + attributes_size_),
            children_size_};
  }
  SourcePosition at;

  /// The first child with this namespace and local name, or nullptr.
  const FeedElement* child(std::string_view ns_uri, std::string_view local) const;
  /// Every child with this namespace and local name.
  std::vector<const FeedElement*> children_named(std::string_view ns_uri, std::string_view local) const;
  /// The attribute's value, or nullptr when absent.
  const std::string_view* attribute(std::string_view attr_name) const;

 private:
  friend struct FeedElementBuilder;  // the reader's, in rss_reader.cpp
  // 56 bytes, for a 20 MB feed has some 150,000 elements: the name is NUL-terminated
  // (the prefix, when there is one, and a ':' right before it), the attributes and
  // the children share one array, the namespace URI is an interned view.
  const char* name_ = "";
  const char* text_ = nullptr;
  const void* nodes_ = nullptr;  // attributes_size_ FeedAttributes, then children_size_ FeedElements
  const std::string_view* ns_ = nullptr;
  uint32_t text_size_ = 0;
  uint32_t attributes_size_ = 0;
  uint32_t children_size_ = 0;
  uint32_t prefix_size_ = 0;
};

/// What a problem of the reader is about, so that callers act on kinds, not on the
/// wording of messages (lint reports the XML-level ones as findings).
enum class ProblemKind : uint8_t {
  kEncoding,           // the encoding was guessed or repaired; NUL bytes
  kDoctype,            // a DOCTYPE, ignored
  kElementsAfterRoot,  // elements after the root element, ignored
  kNotRss,             // the root is not <rss>, or <rss> has no (or several) <channel>
  kTooDeep,            // elements nested deeper than the reader keeps
  kTooManyElements,    // elements past the reader's limit
  kBareAmpersand,      // a bare & read as a literal &
  kUndefinedEntity,    // an entity neither XML nor HTML defines, kept as text
  kUnescapedHtml,      // HTML in a description neither escaped nor in CDATA
  kNamespaceUri,       // a well-known namespace URI misspelt, read as the right one
  kNamespaceAlias,     // an old address its namespace's spec says to accept (podcast's GitHub page)
  kUndeclaredPrefix,   // a prefix used without an xmlns declaration
  kUrlSpaces,          // a URL with spaces or line breaks inside
  kRelativeUrl,        // a relative URL (resolved, or not when there is no base)
  kValue,              // a value that means nothing (explicit "maybe", length "1,234")
  kDate,               // a date that does not parse
};

/// A recoverable problem of a feed: an Error (code kInvalidInput, the feed's name
/// and the position) and its kind. The last problems of a document may count the
/// ones of a kind left out ("and 12 more: ..."); they have that kind and line 0.
struct FeedProblem : Error {
  ProblemKind kind = ProblemKind::kValue;
};

struct ReadOptions;

struct FeedDocument {
  FeedDocument();
  ~FeedDocument();
  FeedDocument(FeedDocument&&) noexcept;  // moving keeps the pointers into `rss` valid
  FeedDocument& operator=(FeedDocument&&) noexcept;
  FeedDocument(const FeedDocument&) = delete;  // a copy's pointers would point into the original
  FeedDocument& operator=(const FeedDocument&) = delete;

  FeedElement rss;                 // the root element (rss, or whatever the root was)
  const FeedElement* channel = nullptr;  // points into rss; nullptr when there is none
  Show show;                       // the feed read into the model (empty when ReadOptions::model is false)
  std::vector<const FeedElement*> items;  // every <item> of the channel, in document order
  std::vector<FeedProblem> problems;  // recoverable: a date that does not parse, an encoding guessed, ...
  std::string encoding;            // what the bytes were read as: "UTF-8", "windows-1252", "UTF-16LE", ...

 private:
  friend Result<FeedDocument> read_feed(std::string bytes, const std::string& source, const ReadOptions& options);
  struct Storage;                    // the feed's bytes and the strings the elements point into
  std::unique_ptr<Storage> storage_;
};

struct ReadOptions {
  /// Larger input is refused (kInvalidInput) before parsing. Default: 64 MiB.
  size_t max_bytes = 64u << 20;
  /// The URL the feed came from, to resolve relative URLs; empty for a file.
  std::string base_url;
  /// Whether to read the feed into FeedDocument::show as well (then `items` is
  /// parallel to show.episodes). Default true. Lint, which reads only the elements,
  /// turns it off: the model of a 20 MB feed takes about 40 MB and a sixth of the
  /// time. Without it, the problems found while filling the model (kUrlSpaces,
  /// kRelativeUrl, kValue, kDate) are not reported.
  bool model = true;
  /// From what size (in UTF-8) pugixml parses a feed of the plain shape
  /// <rss><channel>...</channel></rss> one child of the channel at a time: the same
  /// elements, problems and errors in far less memory (its DOM of a whole 20 MB feed
  /// takes some 14 MB), for some 20% more time (a second scan of the tags, a DOM per
  /// child), so only for large feeds. Default 1 MiB; 0 always, SIZE_MAX never (tests
  /// compare the two).
  size_t pieces_from_bytes = 1u << 20;
};

/// Parses `bytes` (a feed in any common encoding). `source` names the feed in
/// errors (a path or URL). Fails only when there is no XML to read (then the
/// Error has the line and column); a readable document that is not RSS gives a
/// FeedDocument with problems and no channel. Keep the FeedDocument where it is, or
/// move it: `channel`, `items` and every element's strings point into it.
///
/// Takes the bytes by value and parses them in place; the FeedDocument keeps them.
/// Pass them with std::move and a 20 MB feed is never copied (unless it has to be
/// converted to UTF-8).
///
/// Errors: kEmpty for no bytes or only whitespace; kInvalidInput past max_bytes or
/// past 4,000,000 tags (a bound on memory; a 50 MB feed has about a million);
/// kCorrupt when pugixml cannot parse the XML ("bad.xml:3:18: this end tag does not
/// match the element it closes near ..."; a truncated feed points at its end).
///
/// The model: plain-text fields (titles, guid, author, ...) are trimmed; HTML fields
/// (description_html, notes_html, summary_html) keep the markup as given, trimmed.
/// URLs are trimmed, their inner spaces written %20, and relative ones resolved
/// against options.base_url, else the channel's http(s) <link> (each a problem).
/// Episode::date is nullopt when pubDate (or dc:date) is missing or does not parse
/// (parse_rfc822; a problem says so); Episode::summary_text is itunes:summary;
/// Episode::chapters come from psc:chapters. A value that means nothing (explicit
/// "maybe", season "0", length "1,234") leaves the field unset, with a problem.
/// Show::name and Show::base_url are left empty: they are workspace settings.
/// Past a few problems of one kind (20; fewer for bare &s and undeclared prefixes)
/// the rest are counted in one last "and N more: ..." problem.
Result<FeedDocument> read_feed(std::string bytes, const std::string& source, const ReadOptions& options = {});

}  // namespace podsmith
