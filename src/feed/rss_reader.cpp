// The RSS reader: the one place that reads XML with pugixml. The bytes become UTF-8
// (feed_encoding.h, without a copy when they are UTF-8 already); pugixml parses that
// text in place with no entity expansion at all (it never expands a DTD's entities,
// and here not even the five XML ones, so that &nbsp; and a bare & can be read as
// browsers read them); the nodes become FeedElements with names resolved to
// namespace URIs; the model is filled from those.
//
// The elements point into the document's storage: the UTF-8 text itself (pugixml
// writes a NUL after each name and value, so they are views into it), and an arena
// for what is not in the text as written (decoded entities, joined text pieces) and
// for the arrays of elements and attributes. A 20 MB feed is some 150,000 elements:
// an element is a few views, not a few strings and vectors of its own.
#include "podsmith/feed/rss_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <type_traits>

#include "feed/feed_encoding.h"
#include "feed/html_entities.h"
#include "podsmith/base/dates.h"
#include "podsmith/feed/notes.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace {

// a == b for the short names of elements and attributes, without a call to memcmp;
// at once for namespace URIs, which are the same constants (the rules search with
// kItunesNs, the reader interned the element's `ns` as kItunesNs).
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.data() == b.data()) return true;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Whether the NUL-terminated `name` is `local`, without measuring `name` first.
bool same_name(const char* name, std::string_view local) {
  for (char c : local)
    if (*name++ != c) return false;
  return *name == '\0';
}

}  // namespace

// The namespace first: it is most often decided by the length or the pointer alone,
// without reading the name from the feed's bytes.
const FeedElement* FeedElement::child(std::string_view ns_uri, std::string_view local) const {
  for (const FeedElement& c : children())
    if (same(c.ns(), ns_uri) && same_name(c.name_, local)) return &c;
  return nullptr;
}

std::vector<const FeedElement*> FeedElement::children_named(std::string_view ns_uri, std::string_view local) const {
  std::vector<const FeedElement*> out;
  for (const FeedElement& c : children())
    if (same(c.ns(), ns_uri) && same_name(c.name_, local)) out.push_back(&c);
  return out;
}

const std::string_view* FeedElement::attribute(std::string_view attr_name) const {
  for (const FeedAttribute& a : attributes())
    if (same(a.first, attr_name)) return &a.second;
  return nullptr;
}

// What the reader sets in an element (FeedElement keeps its fields private).
struct FeedElementBuilder {
  static void set_ns(FeedElement* e, const std::string_view* ns) { e->ns_ = ns; }
  /// `name` NUL-terminated; when `prefix_size` > 0, "prefix:" is right before it.
  static void set_name(FeedElement* e, const char* name, size_t prefix_size) {
    e->name_ = name;
    e->prefix_size_ = static_cast<uint32_t>(prefix_size);
  }
  static void set_text(FeedElement* e, std::string_view text) {
    e->text_ = text.data();
    e->text_size_ = static_cast<uint32_t>(text.size());
  }
  static void set_nodes(FeedElement* e, const void* nodes, size_t attributes, size_t children) {
    e->nodes_ = nodes;
    e->attributes_size_ = static_cast<uint32_t>(attributes);
    e->children_size_ = static_cast<uint32_t>(children);
  }
};

namespace {

constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kMediaNs = "http://search.yahoo.com/mrss/";
constexpr std::string_view kGooglePlayNs = "http://www.google.com/schemas/play-podcasts/1.0";
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

// Deeper elements are dropped: no feed nests more than a handful of levels, and the
// tree is built recursively.
constexpr int kMaxDepth = 100;
// A hostile feed of empty elements ("<a/>" 16 million times in 64 MiB) would cost
// gigabytes: pugixml's DOM takes about 64 bytes a node and a FeedElement about 100.
// So a feed with more tags than this is refused before parsing, and elements past the
// second limit are dropped. A 50 MB feed of 25,000 items has about 400,000 elements
// and a million tags (counting the HTML in its CDATA).
constexpr size_t kMaxTags = 4'000'000;
constexpr size_t kMaxElements = 1'000'000;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// clean_text, skipping the copy for the common string that needs no cleaning.
std::string clean(std::string s) {
  if (is_clean_text(s)) return s;
  return clean_text(s);
}

// How many times `byte` occurs in `text`, eight bytes at a time: a 20 MB feed has a
// '<' every twenty bytes, too many for a call to memchr each.
size_t count_byte(std::string_view text, char byte) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const uint64_t pattern = kOnes * static_cast<unsigned char>(byte);
  size_t count = 0;
  size_t i = 0;
  while (i + 8 <= text.size()) {
    // Each byte of `sums` counts the matches in its lane, for up to 255 words.
    uint64_t sums = 0;
    for (size_t words = 0; words < 255 && i + 8 <= text.size(); ++words, i += 8) {
      uint64_t w;
      std::memcpy(&w, text.data() + i, 8);
      const uint64_t x = w ^ pattern;                        // 0 where the byte matches
      const uint64_t zero = ~(((x & kLow7) + kLow7) | x | kLow7);  // 0x80 exactly there
      sums += zero >> 7;
    }
    // The sum of the eight lanes: pairs into 16-bit lanes (each below 511), then those.
    constexpr uint64_t kEvenBytes = 0x00FF00FF00FF00FFull, kOnes16 = 0x0001000100010001ull;
    const uint64_t pairs = (sums & kEvenBytes) + ((sums >> 8) & kEvenBytes);
    count += static_cast<size_t>((pairs * kOnes16) >> 48);
  }
  for (; i < text.size(); ++i) count += text[i] == byte;
  return count;
}

// ---------------------------------------------------------------------------
// Storage

// Memory for the strings and arrays the elements point into, taken from large
// blocks and given back all at once, with the document. Only for types with
// nothing to destroy (views and spans).
class Arena {
 public:
  template <class T>
  std::span<const T> copy_array(std::span<const T> from) {
    static_assert(std::is_trivially_destructible_v<T>, "the arena never runs destructors");
    if (from.empty()) return {};
    T* p = static_cast<T*>(allocate(from.size() * sizeof(T), alignof(T)));
    std::uninitialized_copy(from.begin(), from.end(), p);
    return {p, from.size()};
  }

  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  /// A copy with a NUL after it (the view leaves the NUL out).
  std::string_view copy_z(std::string_view s) {
    char* p = static_cast<char*>(allocate(s.size() + 1, 1));
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return {p, s.size()};
  }

  /// An element's attributes and then its children, in one array (FeedElement::nodes_).
  const void* copy_nodes(std::span<const FeedAttribute> attributes, std::span<const FeedElement> children) {
    static_assert(std::is_trivially_destructible_v<FeedElement> && std::is_trivially_copyable_v<FeedElement>);
    static_assert(sizeof(FeedAttribute) % alignof(FeedElement) == 0 && alignof(FeedAttribute) >= alignof(FeedElement));
    if (attributes.empty() && children.empty()) return nullptr;
    auto* p = static_cast<FeedAttribute*>(
        allocate(attributes.size() * sizeof(FeedAttribute) + children.size() * sizeof(FeedElement), alignof(FeedAttribute)));
    std::uninitialized_copy(attributes.begin(), attributes.end(), p);
    std::uninitialized_copy(children.begin(), children.end(), reinterpret_cast<FeedElement*>(p + attributes.size()));
    return p;
  }

 // Blocks fit in the 32 KiB pages pugixml frees while the tree is built (see
  // TreeBuilder::build), so the elements reuse that memory instead of adding to it.
  static constexpr size_t kBlockBytes = 32 * 1024 - 256;

  void* allocate(size_t size, size_t align) {
    if (size > kBlockBytes / 4) {  // on its own, so as not to waste the rest of a block
      blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
      return blocks_.back().get();
    }
    size_t pad = (align - reinterpret_cast<std::uintptr_t>(next_) % align) % align;
    if (next_ == nullptr || pad + size > left_) {
      blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kBlockBytes));
      // A new block is aligned for any type (operator new[]).
      next_ = blocks_.back().get();
      left_ = kBlockBytes;
      pad = 0;
    }
    std::byte* p = next_ + pad;
    next_ = p + size;
    left_ -= pad + size;
    return p;
  }

 private:
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace

struct FeedDocument::Storage {
  std::string text;  // the feed as UTF-8, parsed in place: NULs after names and values
  Arena arena;
};

FeedDocument::FeedDocument() = default;
FeedDocument::~FeedDocument() = default;
FeedDocument::FeedDocument(FeedDocument&&) noexcept = default;
FeedDocument& FeedDocument::operator=(FeedDocument&&) noexcept = default;

namespace {

// ---------------------------------------------------------------------------
// Positions and problems

// Offsets in the UTF-8 text (below 4 GiB) to 1-based lines (LF, CRLF and CR end a
// line, as in XML) and columns in characters. Asking in increasing order costs O(1) amortized,
// so a feed on one 20 MB line is not quadratic.
class LineMap {
 public:
  explicit LineMap(std::string_view text) : text_(text) {
    has_cr_ = std::memchr(text.data(), '\r', text.size()) != nullptr;
    // Exactly the room needed: a vector grown by doubling holds up to twice that.
    starts_.reserve(1 + count_byte(text, '\n') + (has_cr_ ? count_byte(text, '\r') : 0));
    starts_.push_back(0);
    if (!has_cr_) {
      for (const char* p = text.data(); (p = static_cast<const char*>(std::memchr(p, '\n', text.data() + text.size() - p)));)
        starts_.push_back(static_cast<uint32_t>(++p - text.data()));
      return;
    }
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        starts_.push_back(static_cast<uint32_t>(i + 1));
      } else if (text[i] == '\r') {
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        starts_.push_back(static_cast<uint32_t>(i + 1));
      }
    }
  }

  /// Whether the text has a CR anywhere: most feeds have none, and then no piece of
  /// them needs its line ends normalized.
  bool has_cr() const { return has_cr_; }

  // Counting characters only needs to tell lead bytes from continuation bytes, which
  // pugixml's in-place parse leaves alone (it only writes NULs over ASCII delimiters).
  SourcePosition at(size_t offset) {
    offset = std::min(offset, text_.size());
    const size_t next = line_ + 1 < starts_.size() ? starts_[line_ + 1] : SIZE_MAX;
    if (offset < cursor_ || offset >= next) {
      // Forward, the line is most often one of the next few: look there first.
      size_t line = line_;
      if (offset >= cursor_)
        while (line + 1 < starts_.size() && starts_[line + 1] <= offset && line < line_ + 4) ++line;
      if (line + 1 < starts_.size() && starts_[line + 1] <= offset) {
        line = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
      } else if (offset < starts_[line]) {
        line = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.begin() + line, offset) - starts_.begin()) - 1;
      }
      line_ = line;
      cursor_ = starts_[line_];
      column_ = 1;
    }
    for (; cursor_ < offset; ++cursor_)
      if ((static_cast<unsigned char>(text_[cursor_]) & 0xC0) != 0x80) ++column_;
    return {static_cast<int>(std::min<size_t>(line_ + 1, INT_MAX)), static_cast<int>(std::min<size_t>(column_, INT_MAX))};
  }

 private:
  std::string_view text_;
  bool has_cr_ = false;
  std::vector<uint32_t> starts_;  // the text is below 4 GiB (read_feed checks)
  size_t line_ = 0;
  size_t cursor_ = 0;
  size_t column_ = 1;
};

// What the "and N more: ..." line calls the problems of a kind.
std::string group_of(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kEncoding: return "encoding notes";
    case ProblemKind::kDoctype: return "DOCTYPE";
    case ProblemKind::kElementsAfterRoot: return "elements after the root";
    case ProblemKind::kNotRss: return "not RSS";
    case ProblemKind::kTooDeep: return "elements nested too deeply";
    case ProblemKind::kTooManyElements: return "too many elements";
    case ProblemKind::kBareAmpersand: return "bare & read as a literal &";
    case ProblemKind::kUndefinedEntity: return "undefined entities kept as text";
    case ProblemKind::kUnescapedHtml: return "unescaped HTML";
    case ProblemKind::kNamespaceUri:
    case ProblemKind::kNamespaceAlias: return "namespace URIs read as the standard ones";
    case ProblemKind::kUndeclaredPrefix: return "undeclared prefixes";  // callers name the prefix
    case ProblemKind::kUrlSpaces: return "URLs with spaces";
    case ProblemKind::kRelativeUrl: return "relative URLs";
    case ProblemKind::kValue: return "values not understood";
    case ProblemKind::kDate: return "dates not understood";
  }
  return "problems";
}

// Collects problems, keeping at most `cap` of each group (a kind, or a finer group
// such as one undeclared prefix) so that a feed with 5,000 bare ampersands gives a
// few lines and a count, not 5,000 lines.
class Problems {
 public:
  explicit Problems(const std::string& source) : source_(source) {}

  /// Whether a problem of `kind` would be kept; counts it as dropped when not. For
  /// callers whose message or position costs something to make.
  bool accepts(ProblemKind kind, int cap = 20, const std::string& group = {}) {
    Count& count = count_of(kind, group);
    if (count.reported < cap) return true;
    ++count.dropped;
    return false;
  }

  void add(ProblemKind kind, SourcePosition at, std::string message, int cap = 20, const std::string& group = {}) {
    if (!accepts(kind, cap, group)) return;
    ++count_of(kind, group).reported;
    FeedProblem e;
    e.code = ErrorCode::kInvalidInput;
    e.kind = kind;
    e.message = clean(std::move(message));
    e.file = source_;
    e.line = at.line;
    e.column = at.column;
    problems_.push_back(std::move(e));
  }

  std::vector<FeedProblem> finish() {
    std::stable_sort(problems_.begin(), problems_.end(), [](const FeedProblem& a, const FeedProblem& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    for (const auto& [group, count] : counts_) {
      if (count.dropped == 0) continue;
      FeedProblem e;
      e.kind = count.kind;
      e.message = "and " + std::to_string(count.dropped) + " more: " + group;
      e.file = source_;
      problems_.push_back(std::move(e));
    }
    return std::move(problems_);
  }

 private:
  struct Count {
    ProblemKind kind;  // of the group's "and N more" line
    int reported = 0;
    long dropped = 0;
  };

  Count& count_of(ProblemKind kind, const std::string& group) {
    // Aliases count with the misspellings, and their summary is about those.
    const ProblemKind summary = kind == ProblemKind::kNamespaceAlias ? ProblemKind::kNamespaceUri : kind;
    return counts_.try_emplace(group.empty() ? group_of(kind) : group, Count{summary}).first->second;
  }

  std::string source_;
  std::map<std::string, Count> counts_;  // by group, which orders the "and N more" lines
  std::vector<FeedProblem> problems_;
};

// ---------------------------------------------------------------------------
// Namespaces

// The URI the rules match by for a namespace as a feed declared it: the common
// misspellings of the well-known ones (https, other case, the podcast namespace's
// old GitHub address) become the right URI; RSS 2.0's own old URIs become "".
// Well-known URIs are the constants of rss_reader.h (static storage); any other is
// `written`, trimmed.
std::string_view canonical_ns(std::string_view written) {
  const std::string_view t = trim(written);
  std::string rest = ascii_lower(t);
  if (starts_with(rest, "https://")) rest.erase(0, 8);
  else if (starts_with(rest, "http://")) rest.erase(0, 7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest == "www.itunes.com/dtds/podcast-1.0.dtd" || rest == "itunes.com/dtds/podcast-1.0.dtd") return kItunesNs;
  if (rest == "podcastindex.org/namespace/1.0" ||
      rest == "github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")
    return kPodcastNs;
  if (rest == "purl.org/rss/1.0/modules/content") return kContentNs;
  if (rest == "www.w3.org/2005/atom") return kAtomNs;
  if (rest == "podlove.org/simple-chapters") return kPscNs;
  if (rest == "backend.userland.com/rss2" || rest == "blogs.law.harvard.edu/tech/rss") return {};
  return t;
}

// The podcast namespace's first home, which its spec says clients must also
// recognize: read as the standard URI, but not a mistake.
bool is_podcast_ns_alias(std::string_view written) {
  constexpr std::string_view kOldHome = "github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md";
  const std::string_view t = trim(written);
  return canonical_ns(t) == kPodcastNs && t.size() >= kOldHome.size() &&
         t.substr(t.size() - kOldHome.size()) == kOldHome;
}

// Prefixes feeds use without declaring them, and what they always mean.
std::string_view well_known_prefix(std::string_view prefix) {
  if (prefix == "itunes") return kItunesNs;
  if (prefix == "podcast") return kPodcastNs;
  if (prefix == "content") return kContentNs;
  if (prefix == "atom") return kAtomNs;
  if (prefix == "psc") return kPscNs;
  if (prefix == "media") return kMediaNs;
  if (prefix == "dc") return kDcNs;
  if (prefix == "googleplay") return kGooglePlayNs;
  return {};
}

bool is_html_field(std::string_view ns, std::string_view name) {
  return (ns.empty() && name == "description") || (ns == kContentNs && name == "encoded") ||
         (ns == kItunesNs && name == "summary");
}

// ---------------------------------------------------------------------------
// Reading in pieces
//
// pugixml's DOM of a whole feed takes some 14 MB for 20 MB of XML (64 bytes a node,
// 40 an attribute), on top of the feed's bytes: more than the elements made from it.
// So when a feed has the plain shape <rss><channel>children</channel></rss>, pugixml
// parses the skeleton (everything but the channel's children, with one placeholder
// element in their place) from a small copy, and then each child of the channel on
// its own, in place, in document order: no more than one item's DOM at a time. Any
// other shape, and anything the scan below does not know for sure (text or CDATA
// between the channel's children, a DOCTYPE, elements after the root, a tag it
// does not read exactly as pugixml does), reads the whole feed at once as before.

// No escapes (decoded here, with HTML's entities), no EOL or attribute normalization
// (done here), so the in-place parse only writes NULs over delimiters and the text
// keeps its offsets for line and column numbers.
constexpr unsigned kParseFlags =
    pugi::parse_minimal | pugi::parse_cdata | pugi::parse_ws_pcdata_single | pugi::parse_doctype |
    pugi::parse_embed_pcdata;  // an element's first text is its value, not a node of its own

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct FeedSplit {
  size_t prologue_end = 0;  // where the channel's first child starts
  size_t epilogue_begin = 0;  // where its last child ends
  std::vector<std::pair<size_t, size_t>> pieces;  // [begin, end) of each child of the channel
};

class SplitScanner {
 public:
  explicit SplitScanner(std::string_view text) : t_(text) {}

  std::optional<FeedSplit> scan() {
    FeedSplit split;
    if (!misc()) return std::nullopt;
    std::string_view root;
    bool empty = false;
    if (!start_tag(&root, &empty) || empty) return std::nullopt;
    // An HTML field's children are read again as markup: never split one.
    const std::string_view local = root.substr(root.find(':') == std::string_view::npos ? 0 : root.find(':') + 1);
    if (local == "description" || local == "encoded" || local == "summary") return std::nullopt;
    // The root's children up to <channel>, whole.
    for (;;) {
      if (!misc_inside()) return std::nullopt;
      if (at("</")) return std::nullopt;  // no <channel>
      std::string_view name;
      const size_t begin = i_;
      if (!start_tag(&name, &empty)) return std::nullopt;
      if (name == "channel") {
        if (empty) return std::nullopt;
        break;
      }
      i_ = begin;
      if (!element()) return std::nullopt;
    }
    // The channel's children: the pieces.
    for (;;) {
      if (!misc_inside()) return std::nullopt;
      if (at("</")) break;
      const size_t begin = i_;
      if (!element()) return std::nullopt;
      split.pieces.emplace_back(begin, i_);
    }
    if (split.pieces.size() < 2) return std::nullopt;
    split.prologue_end = split.pieces.front().first;
    split.epilogue_begin = split.pieces.back().second;
    if (!end_tag()) return std::nullopt;  // </channel>
    if (!misc_inside() || !at("</") || !end_tag()) return std::nullopt;  // </rss>, nothing between
    if (!misc() || i_ != t_.size()) return std::nullopt;
    return split;
  }

 private:
  bool at(std::string_view s) const { return t_.substr(i_, s.size()) == s; }
  void spaces() {
    while (i_ < t_.size() && is_space(t_[i_])) ++i_;
  }
  bool skip_past(std::string_view end) {
    const size_t found = t_.find(end, i_);
    if (found == std::string_view::npos) return false;
    i_ = found + end.size();
    return true;
  }
  // Whitespace, comments and processing instructions (outside the root, and the XML
  // declaration); stops at anything else.
  bool misc() {
    for (;;) {
      spaces();
      if (at("<!--")) {
        if (!skip_past("-->")) return false;
      } else if (at("<?")) {
        if (!skip_past("?>")) return false;
      } else {
        return true;
      }
    }
  }
  // Whitespace and comments between elements; false at text or anything unusual.
  bool misc_inside() {
    for (;;) {
      spaces();
      if (!at("<!--")) return i_ < t_.size() && t_[i_] == '<';
      if (!skip_past("-->")) return false;
    }
  }
  // <name attr="v" ...> or <name .../>, as pugixml reads it; false for anything else.
  bool start_tag(std::string_view* name, bool* empty) {
    if (i_ + 1 >= t_.size() || t_[i_] != '<' || !is_name_start(t_[i_ + 1])) return false;
    const size_t begin = ++i_;
    while (i_ < t_.size() && !is_space(t_[i_]) && t_[i_] != '>' && t_[i_] != '/' && t_[i_] != '=' &&
           t_[i_] != '"' && t_[i_] != '\'' && t_[i_] != '<')
      ++i_;
    *name = t_.substr(begin, i_ - begin);
    for (;;) {
      const bool separated = i_ < t_.size() && is_space(t_[i_]);
      spaces();
      if (i_ >= t_.size()) return false;
      if (t_[i_] == '>') {
        ++i_;
        *empty = false;
        return true;
      }
      if (at("/>")) {
        i_ += 2;
        *empty = true;
        return true;
      }
      if (!separated || !is_name_start(t_[i_])) return false;
      while (i_ < t_.size() && !is_space(t_[i_]) && t_[i_] != '=' && t_[i_] != '>' && t_[i_] != '/' &&
             t_[i_] != '"' && t_[i_] != '\'' && t_[i_] != '<')
        ++i_;
      spaces();
      if (i_ >= t_.size() || t_[i_] != '=') return false;
      ++i_;
      spaces();
      if (i_ >= t_.size() || (t_[i_] != '"' && t_[i_] != '\'')) return false;
      const size_t close = t_.find(t_[i_], i_ + 1);
      if (close == std::string_view::npos) return false;
      i_ = close + 1;
    }
  }
  // </name>, the name not checked (pugixml does).
  bool end_tag() {
    if (i_ + 1 >= t_.size() || t_[i_] != '<' || t_[i_ + 1] != '/') return false;
    i_ += 2;
    while (i_ < t_.size() && !is_space(t_[i_]) && t_[i_] != '>' && t_[i_] != '<') ++i_;
    spaces();
    if (i_ >= t_.size() || t_[i_] != '>') return false;
    ++i_;
    return true;
  }
  // A whole element from its '<' to the end of its end tag.
  bool element() {
    std::string_view name;
    bool empty = false;
    if (!start_tag(&name, &empty)) return false;
    for (size_t depth = empty ? 0 : 1; depth > 0;) {
      const size_t lt = t_.find('<', i_);
      if (lt == std::string_view::npos) return false;
      i_ = lt;
      const char next = lt + 1 < t_.size() ? t_[lt + 1] : '\0';
      if (next == '/') {
        if (!end_tag()) return false;
        --depth;
      } else if (next == '!') {
        if (at("<!--")) {
          if (!skip_past("-->")) return false;
        } else if (at("<![CDATA[")) {
          if (!skip_past("]]>")) return false;
        } else {
          return false;  // a DOCTYPE inside an element: pugixml's error, from the whole feed
        }
      } else if (next == '?') {
        if (!skip_past("?>")) return false;
      } else {
        if (!start_tag(&name, &empty)) return false;
        if (!empty) ++depth;
      }
    }
    return true;
  }

  std::string_view t_;
  size_t i_ = 0;
};

// The skeleton pugixml parses in place of the whole feed: the text up to the channel's
// first child, this placeholder, and the text from the end of its last child on.
constexpr std::string_view kPlaceholder = "<_/>";

// ---------------------------------------------------------------------------
// The element tree

struct Binding {
  std::string_view prefix;
  const std::string_view* uri;  // interned; nullptr for no namespace
};

// A string being made of pieces: a view of the first, copied into `joined` only
// when a second one comes (text around a CDATA section, say). Most element text is
// one piece, straight from the feed's bytes.
class Pieces {
 public:
  void add(std::string_view piece) {
    if (piece.empty()) return;
    if (count_++ == 0) {
      first_ = piece;
      return;
    }
    if (count_ == 2) joined_.assign(first_);
    joined_.append(piece);
  }
  /// The whole string: the one piece as it was given, or the pieces joined in the arena.
  std::string_view finish(Arena* arena) {
    if (count_ <= 1) return first_;
    return arena->copy(joined_);
  }

 private:
  size_t count_ = 0;
  std::string_view first_;
  std::string joined_;
};

class TreeBuilder {
 public:
  // `buffer_clean`: the buffer holds no character that clean_text removes, so no
  // view of it needs checking.
  TreeBuilder(std::string_view buffer, bool buffer_clean, LineMap* lines, Problems* problems, Arena* arena)
      : buffer_(buffer), buffer_clean_(buffer_clean), lines_(lines), problems_(problems), arena_(arena) {}

  /// Reading in pieces: pugixml parsed `skeleton` (a copy of the buffer with the
  /// channel's children replaced by kPlaceholder, as `split` says), and parses each
  /// child in place when the builder meets the placeholder.
  void set_pieces(std::string_view skeleton, const FeedSplit* split) {
    skeleton_ = skeleton;
    split_ = split;
  }
  /// Set when a piece did not parse: the error pugixml gave, at its offset in the buffer.
  const std::optional<pugi::xml_parse_result>& piece_error() const { return piece_error_; }

  // `keep_nodes`: an ancestor's markup is read again from pugixml's nodes (an HTML
  // field written as XML), so none below it may be freed.
  void build(pugi::xml_node node, FeedElement* out, int depth, bool keep_nodes = false) {
    const char* qname = node.name();
    const size_t name_offset = offset_of(qname, 0);
    out->at = lines_->at(name_offset > 0 ? name_offset - 1 : 0);  // the '<'
    const size_t mark = scope_.size();

    std::vector<FeedAttribute>& attributes = attribute_levels_[static_cast<size_t>(depth)];
    attributes.clear();
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view name = a.name();
      const std::string_view value = clean(decode(a.value(), offset_of(a.value(), name_offset), true));
      if (name == "xmlns" || starts_with(name, "xmlns:")) {
        const std::string_view prefix = name.size() > 6 ? name.substr(6) : std::string_view();
        const std::string_view* interned = intern(canonical_ns(value));
        const std::string_view uri = interned ? *interned : std::string_view();
        if (!uri.empty() && uri != trim(value)) {
          problems_->add(is_podcast_ns_alias(value) ? ProblemKind::kNamespaceAlias : ProblemKind::kNamespaceUri,
                         out->at,
                         std::string(name) + "=\"" + std::string(trim(value)) +
                             "\" is not the standard URI; read as \"" + std::string(uri) + "\"");
        }
        scope_.push_back({prefix, interned});
      }
      attributes.emplace_back(clean(name), value);
    }
    resolve_name(qname, out);

    // The children are built in this level's scratch vector, then copied into the
    // arena, so that pugixml's list is walked once.
    std::vector<FeedElement>& children = levels_[static_cast<size_t>(depth)];
    children.clear();
    size_t elements = 0;
    Pieces text;
    // Each child's pugixml nodes are freed once it is built (unless this element's
    // markup is read again below), so the allocator hands their memory to the
    // elements built next: the feed is never held as two whole trees at once.
    const bool html_field = is_html_field(out->ns(), out->name());
    const bool free_children = !keep_nodes && !html_field;
    // Text before the first child is the element's value (parse_embed_pcdata).
    if (const char* embedded = node.value(); *embedded)
      text.add(decode(embedded, offset_of(embedded, name_offset), false));
    for (pugi::xml_node c = node.first_child(), next; c; c = next) {
      next = c.next_sibling();
      switch (c.type()) {
        case pugi::node_pcdata:
          text.add(decode(c.value(), offset_of(c.value(), name_offset), false));
          break;
        case pugi::node_cdata:
          text.add(normalize_eol(c.value()));
          break;
        case pugi::node_element:
          ++elements;
          if (depth >= kMaxDepth) {
            problems_->add(ProblemKind::kTooDeep, out->at,
                           "elements nested deeper than " + std::to_string(kMaxDepth) + " levels are ignored", 1);
            break;
          }
          if (++elements_ > kMaxElements) {
            problems_->add(ProblemKind::kTooManyElements, out->at,
                           "the feed has more than " + std::to_string(kMaxElements) + " elements: the rest are ignored", 1);
            break;
          }
          if (split_ && depth == 1 && c.name() == skeleton_.data() + split_->prologue_end + 1) {
            --elements_;  // the placeholder: the pieces count themselves
            --elements;
            for (const auto& [begin, end] : split_->pieces) {
              pugi::xml_document piece;
              const pugi::xml_parse_result r = piece.load_buffer_inplace(
                  const_cast<char*>(buffer_.data()) + begin, end - begin, kParseFlags, pugi::encoding_utf8);
              if (!r) {
                // pugixml parses with a NUL over the buffer's last byte, the '>' that ends
                // the piece: the message quotes what follows the error, so it goes back.
                const_cast<char*>(buffer_.data())[end - 1] = '>';
                piece_error_ = r;
                piece_error_->offset += static_cast<std::ptrdiff_t>(begin);
                return;
              }
              ++elements;
              if (++elements_ > kMaxElements) {
                problems_->add(ProblemKind::kTooManyElements, out->at,
                               "the feed has more than " + std::to_string(kMaxElements) + " elements: the rest are ignored", 1);
                continue;
              }
              build(piece.first_child(), &children.emplace_back(), depth + 1, !free_children);
              if (piece_error_) return;
            }
            break;
          }
          // The child builds its own children in the next level's vector, not in this one.
          build(c, &children.emplace_back(), depth + 1, !free_children);
          if (piece_error_) return;
          if (free_children) node.remove_child(c);
          break;
        default:
          break;
      }
    }
    FeedElementBuilder::set_nodes(out, arena_->copy_nodes(attributes, children), attributes.size(), children.size());
    if (elements > 0 && html_field && depth < kMaxDepth) {
      // <description><p>Hi</p></description>: HTML written as XML, neither escaped nor
      // in CDATA. Its text is that markup, so no words are lost.
      std::string markup;
      inner_markup(node, &markup, depth);
      FeedElementBuilder::set_text(out, clean(arena_->copy(markup)));
      problems_->add(ProblemKind::kUnescapedHtml, out->at,
                     "<" + std::string(qname) + "> holds HTML that is neither escaped nor in CDATA: read as HTML");
    } else {
      FeedElementBuilder::set_text(out, clean(text.finish(arena_)));
    }
    scope_.resize(mark);
  }

 private:
  // `s`, or a cleaned copy of it in the arena when clean_text would change it.
  std::string_view clean(std::string_view s) {
    if ((buffer_clean_ && in_buffer(s)) || is_clean_text(s)) return s;
    return arena_->copy(clean_text(s));
  }

  static bool within(std::string_view s, std::string_view region) {
    const auto begin = reinterpret_cast<std::uintptr_t>(region.data());
    const auto at = reinterpret_cast<std::uintptr_t>(s.data());
    return at >= begin && at - begin <= region.size() && s.size() <= region.size() - (at - begin);
  }

  // In the feed's bytes, or in the skeleton copied from them.
  bool in_buffer(std::string_view s) const { return within(s, buffer_) || (split_ && within(s, skeleton_)); }

  size_t offset_of(const char* p, size_t fallback) const {
    // pugixml points into the buffer it parsed in place, except for empty strings.
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    const auto begin = reinterpret_cast<std::uintptr_t>(buffer_.data());
    if (at >= begin && at < begin + buffer_.size()) return static_cast<size_t>(at - begin);
    if (!split_) return fallback;
    // The skeleton: its start is the feed's start; after the placeholder, the feed's end.
    const auto copy = reinterpret_cast<std::uintptr_t>(skeleton_.data());
    if (at < copy || at >= copy + skeleton_.size()) return fallback;
    const auto offset = static_cast<size_t>(at - copy);
    if (offset < split_->prologue_end) return offset;
    if (offset < split_->prologue_end + kPlaceholder.size()) return fallback;
    return offset - split_->prologue_end - kPlaceholder.size() + split_->epilogue_begin;
  }

  // One copy of each namespace URI, as a view the elements point to: the constant for
  // a well-known one. nullptr for none.
  const std::string_view* intern(std::string_view uri) {
    if (uri.empty()) return nullptr;
    for (const std::string_view* known :
         {&kItunesNs, &kPodcastNs, &kContentNs, &kAtomNs, &kPscNs, &kMediaNs, &kDcNs, &kGooglePlayNs, &kXmlNs})
      if (uri == *known) return known;
    for (const std::string_view* seen : uris_)
      if (uri == *seen) return seen;
    auto* view = static_cast<std::string_view*>(arena_->allocate(sizeof(std::string_view), alignof(std::string_view)));
    uris_.push_back(new (view) std::string_view(arena_->copy(uri)));
    return uris_.back();
  }

  const std::string_view* lookup(std::string_view prefix, bool* found) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
      if (it->prefix == prefix) return *found = true, it->uri;
    return *found = false, nullptr;
  }

  // The name NUL-terminated: `qname` itself when clean (pugixml ends names with a NUL
  // in the buffer), else a cleaned copy.
  const char* clean_z(std::string_view qname) {
    if ((buffer_clean_ && in_buffer(qname)) || is_clean_text(qname)) return qname.data();
    return arena_->copy_z(clean_text(qname)).data();
  }

  // `qname` is NUL-terminated (pugixml's name of the node).
  void resolve_name(std::string_view qname, FeedElement* out) {
    const size_t colon = qname.find(':');
    bool found = false;
    if (colon == std::string_view::npos) {
      FeedElementBuilder::set_ns(out, lookup("", &found));
      FeedElementBuilder::set_name(out, clean_z(qname), 0);
      return;
    }
    const std::string_view prefix = qname.substr(0, colon);
    const std::string_view local = qname.substr(colon + 1);
    if (const std::string_view* uri = lookup(prefix, &found); found) {
      FeedElementBuilder::set_ns(out, uri);
    } else if (prefix == "xml") {
      FeedElementBuilder::set_ns(out, &kXmlNs);
    } else if (const std::string_view known = well_known_prefix(prefix); !known.empty()) {
      FeedElementBuilder::set_ns(out, intern(known));
      problems_->add(ProblemKind::kUndeclaredPrefix, out->at,
                     "the prefix " + std::string(prefix) + ": is used without an xmlns:" + std::string(prefix) +
                         " declaration; read as " + std::string(known),
                     1, "undeclared prefix " + std::string(prefix));
    } else {
      // No namespace to match by: the qualified name stays the name, so no rule mistakes
      // <x:title> for RSS's <title>.
      FeedElementBuilder::set_ns(out, nullptr);
      FeedElementBuilder::set_name(out, clean_z(qname), 0);
      problems_->add(ProblemKind::kUndeclaredPrefix, out->at,
                     "the prefix " + std::string(prefix) + ": is not declared; <" + std::string(qname) +
                         "> is kept under that name",
                     1, "undeclared prefix " + std::string(prefix));
      return;
    }
    // "prefix:local" as the element keeps it: the name as written when both parts are
    // clean, else the cleaned parts joined in the arena.
    const std::string_view clean_prefix = clean(prefix);
    const std::string_view clean_local = clean(local);
    if (clean_prefix.data() == prefix.data() && clean_local.data() == local.data()) {
      FeedElementBuilder::set_name(out, local.data(), prefix.size());
    } else if (clean_prefix.empty()) {
      FeedElementBuilder::set_name(out, arena_->copy_z(clean_local).data(), 0);
    } else {
      std::string joined(clean_prefix);
      joined += ':';
      joined.append(clean_local);
      FeedElementBuilder::set_name(out, arena_->copy_z(joined).data() + clean_prefix.size() + 1, clean_prefix.size());
    }
  }

  // `raw` with CR LF and CR read as LF, as XML reads line ends: `raw` itself when it
  // has no CR, else a copy in the arena.
  std::string_view normalize_eol(std::string_view raw) {
    if (!lines_->has_cr() || std::memchr(raw.data(), '\r', raw.size()) == nullptr) return raw;
    return arena_->copy(normalize_eol_copy(raw));
  }

  static std::string normalize_eol_copy(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\r') {
        out += '\n';
        if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      } else {
        out += raw[i];
      }
    }
    return out;
  }

  // Text as XML reads it (line ends normalized; in attributes every whitespace
  // character a space), with the character references of XML and HTML decoded. An
  // undefined entity and a bare & stay as written, as browsers leave them. `raw`
  // itself when nothing changes, else a copy in the arena.
  std::string_view decode(std::string_view raw, size_t offset, bool attribute) {
    // What makes a string need decoding: & and CR always, LF and tab in attributes.
    static constexpr std::array<uint8_t, 256> kSpecial = [] {
      std::array<uint8_t, 256> t{};
      t['&'] = t['\r'] = 3;
      t['\n'] = t['\t'] = 2;
      return t;
    }();
    const uint8_t needs = attribute ? 2 : 1;
    bool plain = true;
    for (char c : raw) plain &= (kSpecial[static_cast<unsigned char>(c)] & needs) == 0;
    if (plain) return raw;
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == '\r') {
        out += attribute ? ' ' : '\n';
        if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
        continue;
      }
      if (attribute && (c == '\n' || c == '\t')) {
        out += ' ';
        continue;
      }
      if (c != '&') {
        out += c;
        continue;
      }
      size_t end = i + 1;
      while (end < raw.size() && end - i <= 32 &&
             ((raw[end] >= 'a' && raw[end] <= 'z') || (raw[end] >= 'A' && raw[end] <= 'Z') ||
              (raw[end] >= '0' && raw[end] <= '9') || raw[end] == '#'))
        ++end;
      const std::string_view name = raw.substr(i + 1, end - i - 1);
      if (end >= raw.size() || raw[end] != ';' || name.empty()) {
        out += '&';
        if (problems_->accepts(ProblemKind::kBareAmpersand, 3))
          problems_->add(ProblemKind::kBareAmpersand, lines_->at(offset + i),
                         "a bare & (not the start of an entity) is read as a literal &; write &amp;", 3);
        continue;
      }
      if (append_entity(name, &out)) {
        i = end;
        continue;
      }
      out.append(raw.substr(i, end - i + 1));
      if (problems_->accepts(ProblemKind::kUndefinedEntity))
        problems_->add(ProblemKind::kUndefinedEntity, lines_->at(offset + i),
                       "&" + std::string(name) + "; is not an entity of XML or HTML: kept as text");
      i = end;
    }
    return arena_->copy(out);
  }

  bool append_entity(std::string_view name, std::string* out) {
    if (name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      const std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > 8) return false;
      uint32_t cp = 0;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || ptr != digits.data() + digits.size()) return false;
      // &#146; means windows-1252's right quote to every browser (HTML's numeric
      // reference rules); XML would make it a C1 control that clean_text drops.
      if (cp >= 0x80 && cp <= 0x9F) cp = windows1252_code_point(static_cast<unsigned char>(cp));
      if (cp == 0) cp = 0xFFFD;
      append_utf8(cp, out);
      return true;
    }
    if (name == "amp") return *out += '&', true;
    if (name == "lt") return *out += '<', true;
    if (name == "gt") return *out += '>', true;
    if (name == "quot") return *out += '"', true;
    if (name == "apos") return *out += '\'', true;
    const std::string_view html = html_entity_utf8(name);
    if (html.empty()) return false;
    out->append(html);
    return true;
  }

  // The children of `node` written back as markup, for HTML that a feed wrote as XML.
  void inner_markup(pugi::xml_node node, std::string* out, int depth) {
    out->append(normalize_eol(node.value()));  // text before the first child (parse_embed_pcdata)
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      switch (c.type()) {
        case pugi::node_pcdata:
          out->append(normalize_eol(c.value()));  // still escaped as the feed wrote it (a CR is rare)
          break;
        case pugi::node_cdata:
          for (char ch : normalize_eol(c.value())) {
            if (ch == '&') out->append("&amp;");
            else if (ch == '<') out->append("&lt;");
            else if (ch == '>') out->append("&gt;");
            else *out += ch;
          }
          break;
        case pugi::node_element: {
          if (depth + 1 >= kMaxDepth) break;
          *out += '<';
          out->append(c.name());
          for (pugi::xml_attribute a = c.first_attribute(); a; a = a.next_attribute()) {
            *out += ' ';
            out->append(a.name());
            out->append("=\"");
            for (const char* v = a.value(); *v; ++v) {
              if (*v == '"') out->append("&quot;");
              else *out += *v;
            }
            *out += '"';
          }
          if (!c.first_child() && !*c.value()) {
            out->append("/>");
            break;
          }
          *out += '>';
          inner_markup(c, out, depth + 1);
          out->append("</");
          out->append(c.name());
          *out += '>';
          break;
        }
        default:
          break;
      }
    }
  }

  std::string_view buffer_;
  bool buffer_clean_;
  LineMap* lines_;
  Problems* problems_;
  Arena* arena_;
  std::vector<Binding> scope_;
  // The attributes of the element being built, by depth: copied into the arena with its children.
  std::vector<std::vector<FeedAttribute>> attribute_levels_ = std::vector<std::vector<FeedAttribute>>(kMaxDepth + 1);
  std::vector<std::vector<FeedElement>> levels_ = std::vector<std::vector<FeedElement>>(kMaxDepth + 1);  // children, by depth
  std::vector<const std::string_view*> uris_;  // the namespace URIs seen, other than the well-known ones
  std::string_view skeleton_;
  const FeedSplit* split_ = nullptr;
  std::optional<pugi::xml_parse_result> piece_error_;
  size_t elements_ = 0;
};

// ---------------------------------------------------------------------------
// URLs

bool has_scheme(std::string_view url) {
  if (url.empty() || !((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z'))) return false;
  for (size_t i = 1; i < url.size(); ++i) {
    const char c = url[i];
    if (c == ':') return true;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
          c == '.'))
      return false;
  }
  return false;
}

struct UrlParts {
  std::string_view scheme;     // without ':'
  std::string_view authority;  // without "//"
  bool has_authority = false;
  std::string_view path;
  std::string_view query;     // with '?'
  std::string_view fragment;  // with '#'
};

UrlParts split_url(std::string_view url) {
  UrlParts p;
  if (has_scheme(url)) {
    const size_t colon = url.find(':');
    p.scheme = url.substr(0, colon);
    url.remove_prefix(colon + 1);
  }
  if (starts_with(url, "//")) {
    p.has_authority = true;
    url.remove_prefix(2);
    const size_t end = std::min(url.find_first_of("/?#"), url.size());
    p.authority = url.substr(0, end);
    url.remove_prefix(end);
  }
  const size_t hash = std::min(url.find('#'), url.size());
  p.fragment = url.substr(hash);
  url = url.substr(0, hash);
  const size_t question = std::min(url.find('?'), url.size());
  p.query = url.substr(question);
  p.path = url.substr(0, question);
  return p;
}

// RFC 3986 5.2.4, in one pass over the input.
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto pop_segment = [&out] {
    const size_t slash = out.rfind('/');
    out.erase(slash == std::string::npos ? 0 : slash);
  };
  std::string tail;  // "/" when a dot segment at the end leaves one
  while (!in.empty()) {
    if (starts_with(in, "../")) {
      in.remove_prefix(3);
    } else if (starts_with(in, "./")) {
      in.remove_prefix(2);
    } else if (starts_with(in, "/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (starts_with(in, "/../")) {
      in.remove_prefix(3);
      pop_segment();
    } else if (in == "/..") {
      in = "/";
      pop_segment();
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const size_t next = std::min(in.find('/', 1), in.size());
      out.append(in.substr(0, next));
      in.remove_prefix(next);
    }
  }
  return out;
}

// RFC 3986 5.2.2: `ref` (relative) resolved against the absolute `base`.
std::string resolve_url(std::string_view base, std::string_view ref) {
  const UrlParts b = split_url(base);
  const UrlParts r = split_url(ref);
  std::string out(b.scheme);
  out += ':';
  if (r.has_authority) {
    out += "//";
    out.append(r.authority);
    out += remove_dot_segments(r.path);
    out.append(r.query);
    out.append(r.fragment);
    return out;
  }
  if (b.has_authority) {
    out += "//";
    out.append(b.authority);
  }
  if (r.path.empty()) {
    out.append(b.path);
    out.append(r.query.empty() ? b.query : r.query);
  } else if (r.path[0] == '/') {
    out += remove_dot_segments(r.path);
    out.append(r.query);
  } else {
    std::string merged;
    if (b.has_authority && b.path.empty()) {
      merged = "/";
    } else {
      const size_t slash = b.path.rfind('/');
      if (slash != std::string_view::npos) merged = std::string(b.path.substr(0, slash + 1));
    }
    merged.append(r.path);
    out += remove_dot_segments(merged);
    out.append(r.query);
  }
  out.append(r.fragment);
  return out;
}

// Trims a URL, drops the tabs and line breaks inside it (as browsers do) and writes
// its inner spaces as %20. *changed says whether anything but trimming was needed.
std::string tidy_url(std::string_view raw, bool* changed) {
  const std::string_view t = trim(raw);
  std::string out;
  out.reserve(t.size());
  *changed = false;
  for (char c : t) {
    if (c == '\t' || c == '\n' || c == '\r') {
      *changed = true;
    } else if (c == ' ') {
      out += "%20";
      *changed = true;
    } else {
      out += c;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Values

// "1234", "12:34", "1:02:03", "3600.5", "1:02:03.250" to milliseconds.
std::optional<int64_t> parse_clock_ms(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  int64_t parts[3] = {0, 0, 0};
  int count = 0;
  int64_t fraction_ms = 0;
  size_t i = 0;
  for (;;) {
    if (count == 3) return std::nullopt;
    const size_t start = i;
    int64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (i - start >= 12) return std::nullopt;
      v = v * 10 + (s[i++] - '0');
    }
    if (i == start) return std::nullopt;
    parts[count++] = v;
    if (i == s.size()) break;
    if (s[i] == ':') {
      ++i;
      continue;
    }
    if (s[i] != '.' && s[i] != ',') return std::nullopt;
    ++i;
    int64_t scale = 100;
    const size_t frac_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      fraction_ms += (s[i++] - '0') * scale;
      scale /= 10;
    }
    if (i == frac_start || i != s.size()) return std::nullopt;
    break;
  }
  int64_t seconds = 0;
  for (int k = 0; k < count; ++k) seconds = seconds * 60 + parts[k];
  return seconds * 1000 + fraction_ms;
}

std::optional<int> positive_int(std::string_view s) {
  s = trim(s);
  int v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s[0] == '-' || s[0] == '+' || ec != std::errc() || ptr != s.data() + s.size() || v <= 0)
    return std::nullopt;
  return v;
}

std::string text_of(const FeedElement* e) { return e ? std::string(trim(e->text())) : std::string(); }

std::string attr_of(const FeedElement* e, std::string_view name) {
  if (!e) return {};
  const std::string_view* v = e->attribute(name);
  return v ? std::string(trim(*v)) : std::string();
}

std::string describe(const FeedElement& e) {
  std::string out = "<";
  if (!e.prefix().empty()) out.append(e.prefix()).append(":");
  return out.append(e.name()).append(">");
}

class ModelReader {
 public:
  ModelReader(const std::string& base_url, Problems* problems) : problems_(problems) {
    bool changed = false;
    const std::string base = tidy_url(base_url, &changed);
    if (has_scheme(base)) base_ = base;
  }

  void read_show(const FeedElement& ch, Show* s) {
    if (base_.empty()) {
      // Without a URL the feed came from, its <link> is the best base there is.
      bool changed = false;
      const std::string link = tidy_url(text_of(ch.child("", "link")), &changed);
      const std::string scheme = ascii_lower(split_url(link).scheme);
      if (scheme == "http" || scheme == "https") base_ = link;
    }
    s->title = text_of(ch.child("", "title"));
    s->subtitle = text_of(ch.child(kItunesNs, "subtitle"));
    if (const FeedElement* link = ch.child("", "link")) s->link = url(*link, link->text());
    const FeedElement* description = ch.child("", "description");
    if (!description) description = ch.child(kItunesNs, "summary");
    s->description_html = text_of(description);
    s->description_text = html_to_text(s->description_html);
    s->language = text_of(ch.child("", "language"));
    s->copyright = text_of(ch.child("", "copyright"));
    s->author = text_of(ch.child(kItunesNs, "author"));
    if (const FeedElement* owner = ch.child(kItunesNs, "owner")) {
      s->owner_name = text_of(owner->child(kItunesNs, "name"));
      s->owner_email = text_of(owner->child(kItunesNs, "email"));
    }
    s->image = image(ch);
    if (s->image.empty()) {
      if (const FeedElement* img = ch.child("", "image"))
        if (const FeedElement* u = img->child("", "url")) s->image = url(*u, u->text());
    }
    for (const FeedElement* cat : ch.children_named(kItunesNs, "category")) {
      const std::string name = attr_of(cat, "text");
      if (name.empty()) {
        problems_->add(ProblemKind::kValue, cat->at, "<itunes:category> has no text attribute: ignored");
        continue;
      }
      const auto subs = cat->children_named(kItunesNs, "category");
      if (subs.empty()) s->categories.push_back({name, ""});
      for (const FeedElement* sub : subs) s->categories.push_back({name, attr_of(sub, "text")});
    }
    s->explicit_content = explicit_value(ch.child(kItunesNs, "explicit"));
    if (const FeedElement* type = ch.child(kItunesNs, "type")) {
      s->type = one_of(*type, {"episodic", "serial"});
    }
    for (const FeedElement* link : ch.children_named(kAtomNs, "link")) {
      const std::string rel = ascii_lower(attr_of(link, "rel"));
      const std::string_view* href = link->attribute("href");
      if (!href) continue;
      if (rel == "self" && s->feed_url.empty()) s->feed_url = url(*link, *href);
      if (rel == "hub" && s->websub_hub.empty()) s->websub_hub = url(*link, *href);
    }
    if (const FeedElement* nf = ch.child(kItunesNs, "new-feed-url")) s->new_feed_url = url(*nf, nf->text());
    s->block = yes_no(ch.child(kItunesNs, "block"));
    s->complete = yes_no(ch.child(kItunesNs, "complete"));
    s->podcast_guid = text_of(ch.child(kPodcastNs, "guid"));
    if (const FeedElement* locked = ch.child(kPodcastNs, "locked")) {
      s->locked = yes_no(locked);
      s->locked_owner = attr_of(locked, "owner");
    }
    for (const FeedElement* f : ch.children_named(kPodcastNs, "funding")) {
      const std::string_view* href = f->attribute("url");
      s->funding.push_back({href ? url(*f, *href) : std::string(), text_of(f)});
    }
    s->persons = persons(ch);
    if (const FeedElement* license = ch.child(kPodcastNs, "license")) {
      s->license = text_of(license);
      if (const std::string_view* href = license->attribute("url")) s->license_url = url(*license, *href);
    }
    s->medium = text_of(ch.child(kPodcastNs, "medium"));
    if (const FeedElement* uf = ch.child(kPodcastNs, "updateFrequency")) {
      s->update_frequency = text_of(uf);
      s->update_rrule = attr_of(uf, "rrule");
    }
    s->keywords = text_of(ch.child(kItunesNs, "keywords"));
    if (const FeedElement* built = ch.child("", "lastBuildDate")) s->updated = date(*built);
  }

  void read_episode(const FeedElement& item, Episode* e) {
    e->title = text_of(item.child("", "title"));
    if (e->title.empty()) e->title = text_of(item.child(kItunesNs, "title"));
    e->guid = text_of(item.child("", "guid"));
    const FeedElement* pub = item.child("", "pubDate");
    if (!pub) pub = item.child(kDcNs, "date");
    if (pub) e->date = date(*pub);
    if (const FeedElement* link = item.child("", "link")) e->link = url(*link, link->text());
    const FeedElement* description = item.child("", "description");
    const FeedElement* encoded = item.child(kContentNs, "encoded");
    e->summary_html = text_of(description);
    e->notes_html = encoded ? text_of(encoded) : e->summary_html;
    e->summary_text = text_of(item.child(kItunesNs, "summary"));
    e->subtitle = text_of(item.child(kItunesNs, "subtitle"));
    e->author = text_of(item.child(kItunesNs, "author"));
    e->season = number(item, "season");
    e->episode = number(item, "episode");
    if (const FeedElement* type = item.child(kItunesNs, "episodeType")) {
      e->episode_type = one_of(*type, {"full", "trailer", "bonus"});
    }
    e->explicit_content = explicit_value(item.child(kItunesNs, "explicit"));
    e->image = image(item);
    e->persons = persons(item);
    if (const FeedElement* enc = item.child("", "enclosure")) {
      if (const std::string_view* href = enc->attribute("url")) e->enclosure.url = url(*enc, *href);
      e->enclosure.type = attr_of(enc, "type");
      const std::string length = attr_of(enc, "length");
      int64_t bytes = 0;
      const auto [ptr, ec] = std::from_chars(length.data(), length.data() + length.size(), bytes);
      if (!length.empty() && (ec != std::errc() || ptr != length.data() + length.size() || bytes < 0)) {
        problems_->add(ProblemKind::kValue, enc->at,
                       "enclosure length \"" + length + "\" is not a number of bytes: read as 0");
        bytes = 0;
      }
      e->enclosure.length_bytes = bytes;
    }
    if (const FeedElement* duration = item.child(kItunesNs, "duration")) {
      const std::string text = text_of(duration);
      const std::optional<int64_t> ms = parse_clock_ms(text);
      if (ms) {
        e->duration_ms = *ms;
      } else if (!text.empty()) {
        problems_->add(ProblemKind::kValue, duration->at,
                       "itunes:duration \"" + text + "\" is not seconds, MM:SS or HH:MM:SS: read as 0");
      }
    }
    if (const FeedElement* chapters = item.child(kPodcastNs, "chapters")) {
      if (const std::string_view* href = chapters->attribute("url")) e->chapters_url = url(*chapters, *href);
    }
    if (const FeedElement* psc = item.child(kPscNs, "chapters")) e->chapters = simple_chapters(*psc, e->duration_ms);
    for (const FeedElement* t : item.children_named(kPodcastNs, "transcript")) {
      Transcript tr;
      if (const std::string_view* href = t->attribute("url")) tr.url = url(*t, *href);
      tr.type = attr_of(t, "type");
      tr.language = attr_of(t, "language");
      tr.rel = attr_of(t, "rel");
      e->transcripts.push_back(std::move(tr));
    }
    e->block = yes_no(item.child(kItunesNs, "block"));
    e->keywords = text_of(item.child(kItunesNs, "keywords"));
  }

 private:
  std::string url(const FeedElement& where, std::string_view raw) {
    bool changed = false;
    std::string u = tidy_url(raw, &changed);
    if (changed)
      problems_->add(ProblemKind::kUrlSpaces, where.at,
                     "the URL in " + describe(where) + " has spaces or line breaks inside: read as " + u);
    if (u.empty() || has_scheme(u)) return u;
    if (base_.empty()) {
      problems_->add(ProblemKind::kRelativeUrl, where.at,
                     "the URL \"" + u + "\" in " + describe(where) + " is relative and there is no base URL to resolve it");
      return u;
    }
    std::string resolved = resolve_url(base_, u);
    problems_->add(ProblemKind::kRelativeUrl, where.at,
                   "the URL \"" + u + "\" in " + describe(where) + " is relative: read as " + resolved);
    return resolved;
  }

  // itunes:image href; some hosts put the URL in the text instead.
  std::string image(const FeedElement& parent) {
    const FeedElement* img = parent.child(kItunesNs, "image");
    if (!img) return {};
    if (const std::string_view* href = img->attribute("href")) return url(*img, *href);
    if (!trim(img->text()).empty()) {
      problems_->add(ProblemKind::kValue, img->at, "<itunes:image> has its URL as text, not in href");
      return url(*img, img->text());
    }
    return {};
  }

  std::optional<Timestamp> date(const FeedElement& e) {
    const std::string text = text_of(&e);
    std::optional<Timestamp> t = parse_rfc822(text);
    if (!t)
      problems_->add(ProblemKind::kDate, e.at, describe(e) + " \"" + text + "\" is not an RFC 2822 date");
    return t;
  }

  // true/yes/explicit and false/no/clean, as Apple has accepted over the years.
  std::optional<bool> explicit_value(const FeedElement* e) {
    if (!e) return std::nullopt;
    const std::string v = ascii_lower(text_of(e));
    if (v == "true" || v == "yes" || v == "explicit") return true;
    if (v == "false" || v == "no" || v == "clean") return false;
    problems_->add(ProblemKind::kValue, e->at,
                   "itunes:explicit \"" + text_of(e) + "\" is none of true, false, yes, no, explicit, clean");
    return std::nullopt;
  }

  bool yes_no(const FeedElement* e) {
    if (!e) return false;
    const std::string v = ascii_lower(text_of(e));
    if (v == "yes" || v == "true") return true;
    if (v != "no" && v != "false")
      problems_->add(ProblemKind::kValue, e->at, describe(*e) + " \"" + text_of(e) + "\" is neither yes nor no: read as no");
    return false;
  }

  std::string one_of(const FeedElement& e, std::initializer_list<const char*> allowed) {
    const std::string v = ascii_lower(text_of(&e));
    for (const char* a : allowed)
      if (v == a) return v;
    if (!v.empty())
      problems_->add(ProblemKind::kValue, e.at, describe(e) + " \"" + text_of(&e) + "\" is not a known value: ignored");
    return {};
  }

  // itunes:season/episode, else podcast:season/episode: positive integers only.
  std::optional<int> number(const FeedElement& item, const char* name) {
    const FeedElement* e = item.child(kItunesNs, name);
    if (!e) e = item.child(kPodcastNs, name);
    if (!e) return std::nullopt;
    const std::optional<int> v = positive_int(e->text());
    if (!v && !trim(e->text()).empty())
      problems_->add(ProblemKind::kValue, e->at, describe(*e) + " \"" + text_of(e) + "\" is not a positive integer: ignored");
    return v;
  }

  std::vector<Person> persons(const FeedElement& parent) {
    std::vector<Person> out;
    for (const FeedElement* p : parent.children_named(kPodcastNs, "person")) {
      Person person;
      person.name = text_of(p);
      person.role = attr_of(p, "role");
      person.group = attr_of(p, "group");
      if (const std::string_view* href = p->attribute("href")) person.href = url(*p, *href);
      if (const std::string_view* img = p->attribute("img")) person.img = url(*p, *img);
      out.push_back(std::move(person));
    }
    return out;
  }

  std::vector<Chapter> simple_chapters(const FeedElement& psc, int64_t duration_ms) {
    std::vector<Chapter> out;
    for (const FeedElement* c : psc.children_named(kPscNs, "chapter")) {
      const std::optional<int64_t> start = parse_clock_ms(attr_of(c, "start"));
      if (!start) {
        problems_->add(ProblemKind::kValue, c->at, "psc:chapter start \"" + attr_of(c, "start") + "\" is not a time: ignored");
        continue;
      }
      Chapter ch;
      ch.start_ms = *start;
      ch.title = attr_of(c, "title");
      if (const std::string_view* href = c->attribute("href")) ch.url = url(*c, *href);
      if (const std::string_view* img = c->attribute("image")) ch.image_url = url(*c, *img);
      out.push_back(std::move(ch));
    }
    for (size_t i = 0; i < out.size(); ++i)
      out[i].end_ms = i + 1 < out.size() ? out[i + 1].start_ms : std::max(duration_ms, out[i].start_ms);
    return out;
  }

  Problems* problems_;
  std::string base_;
};

// ---------------------------------------------------------------------------
// Parse errors

Error parse_error(const pugi::xml_parse_result& r, std::string_view text, LineMap* lines, const std::string& source,
                  std::string_view root_name) {
  Error e;
  e.code = ErrorCode::kCorrupt;
  e.file = source;
  size_t offset = std::min(static_cast<size_t>(std::max<std::ptrdiff_t>(r.offset, 0)), text.size());
  // pugixml points after a '<' that starts no tag; the '<' is what to fix.
  if (r.status == pugi::status_unrecognized_tag && offset > 0 && (text[offset - 1] == '<' || text[offset - 1] == '\0'))
    --offset;
  std::string rest;  // what follows, without the NULs the in-place parse wrote
  for (size_t i = offset; i < text.size() && rest.size() < 4096; ++i)
    if (text[i] != '\0') rest += text[i];
  const bool at_end = trim(rest).empty();
  // The end of the feed when it is cut short; the start when there is no element at all.
  const SourcePosition at = r.status == pugi::status_no_document_element ? SourcePosition{1, 1}
                            : at_end                                     ? lines->at(text.size())
                                                                         : lines->at(offset);
  e.line = at.line;
  e.column = at.column;
  switch (r.status) {
    case pugi::status_no_document_element:
      e.message = "no XML element: this is not a feed";
      return e;
    case pugi::status_end_element_mismatch:
      if (at_end) {
        e.message = "the feed ends before its elements are closed" +
                    (root_name.empty() ? std::string() : " (<" + std::string(root_name) + "> is still open)") +
                    ": is it truncated?";
        return e;
      }
      e.message = "this end tag does not match the element it closes";
      break;
    case pugi::status_unrecognized_tag:
      e.message = "'<' does not start a tag: text must write it as &lt; or sit in CDATA";
      break;
    case pugi::status_bad_attribute:
      e.message = "malformed attribute (every value needs quotes)";
      break;
    case pugi::status_bad_start_element:
      e.message = "malformed start tag";
      break;
    case pugi::status_bad_end_element:
      e.message = "malformed end tag";
      break;
    case pugi::status_bad_cdata:
      e.message = "unterminated CDATA section";
      break;
    case pugi::status_bad_comment:
      e.message = "malformed comment";
      break;
    case pugi::status_bad_pi:
      e.message = "malformed processing instruction or XML declaration";
      break;
    case pugi::status_bad_doctype:
      e.message = "malformed DOCTYPE";
      break;
    case pugi::status_bad_pcdata:
      e.message = "malformed text";
      break;
    case pugi::status_out_of_memory:
      e.code = ErrorCode::kUnreadable;
      e.message = "out of memory while parsing the feed";
      return e;
    default:
      e.message = std::string("XML error: ") + r.description();
      break;
  }
  if (at_end || (offset + rest.size() == text.size() && rest.find('>') == std::string::npos)) {
    e.message += ": the feed ends here; is it truncated?";
    return e;
  }
  // What is there, so the message points at the input.
  const std::string near = rest.substr(0, std::min(rest.find_first_of("\r\n"), rest.size()));
  e.message += " near \"" + std::string(utf8_prefix(clean(near), 40)) + "\"";
  return e;
}

}  // namespace

Result<FeedDocument> read_feed(std::string bytes, const std::string& source, const ReadOptions& options) {
  if (bytes.size() > options.max_bytes) {
    Error e;
    e.code = ErrorCode::kInvalidInput;
    e.file = source;
    e.message = "the feed is " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                std::to_string(options.max_bytes);
    return e;
  }
  if (trim(bytes).empty()) {
    Error e;
    e.code = ErrorCode::kEmpty;
    e.file = source;
    e.message = bytes.empty() ? "the feed is empty" : "the feed is only whitespace";
    return e;
  }

  FeedDocument out;
  out.storage_ = std::make_unique<FeedDocument::Storage>();
  DecodedFeed decoded = decode_feed(std::move(bytes));
  std::string& text = out.storage_->text;
  text = std::move(decoded.utf8);
  const size_t tags = count_byte(text, '<');
  if (tags > kMaxTags) {
    Error e;
    e.code = ErrorCode::kInvalidInput;
    e.file = source;
    e.message = "the feed has " + std::to_string(tags) + " tags, more than the limit of " + std::to_string(kMaxTags);
    return e;
  }
  if (text.size() > UINT32_MAX) {  // only when a caller raises max_bytes past 4 GiB
    Error e;
    e.code = ErrorCode::kInvalidInput;
    e.file = source;
    e.message = "the feed is larger than 4 GiB";
    return e;
  }
  Problems problems(source);
  for (const std::string& note : decoded.notes) problems.add(ProblemKind::kEncoding, {1, 1}, note);
  // XML forbids NUL and pugixml stops at one; a space keeps every offset where it was.
  if (!decoded.clean && std::memchr(text.data(), '\0', text.size()) != nullptr) {  // clean text has no NUL
    const auto nuls = static_cast<size_t>(std::count(text.begin(), text.end(), '\0'));
    std::replace(text.begin(), text.end(), '\0', ' ');
    problems.add(ProblemKind::kEncoding, {1, 1},
                 std::to_string(nuls) + " NUL byte" + (nuls == 1 ? "" : "s") + " read as spaces");
  }
  LineMap lines(text);

  out.encoding = std::move(decoded.encoding);
  {
    pugi::xml_document doc;
    // In pieces when the feed has the plain shape (see SplitScanner), else whole. The
    // skeleton is a copy, so when pugixml finds an error in it the feed's bytes are
    // still as they were, and the whole feed is parsed for the error to report.
    std::optional<FeedSplit> split = text.size() >= options.pieces_from_bytes ? SplitScanner(text).scan() : std::nullopt;
    std::string_view skeleton;
    pugi::xml_parse_result r;
    if (split) {
      std::string copy;
      copy.reserve(split->prologue_end + kPlaceholder.size() + (text.size() - split->epilogue_begin));
      copy.append(text, 0, split->prologue_end).append(kPlaceholder).append(text, split->epilogue_begin);
      skeleton = out.storage_->arena.copy(copy);
      r = doc.load_buffer_inplace(const_cast<char*>(skeleton.data()), skeleton.size(), kParseFlags, pugi::encoding_utf8);
      if (!r) split.reset();
    }
    if (!split) r = doc.load_buffer_inplace(text.data(), text.size(), kParseFlags, pugi::encoding_utf8);
    if (!r) {
      std::string root;
      for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling())
        if (n.type() == pugi::node_element) {
          root = n.name();
          break;
        }
      return parse_error(r, text, &lines, source, root);
    }
    pugi::xml_node root;
    for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling()) {
      if (n.type() == pugi::node_doctype) {
        const auto offset = static_cast<size_t>(std::max<std::ptrdiff_t>(n.offset_debug(), 0));
        problems.add(ProblemKind::kDoctype, lines.at(offset),
                     "the DOCTYPE is ignored: no entity it declares is ever expanded", 1);
      } else if (n.type() == pugi::node_element) {
        if (!root) {
          root = n;
        } else {
          const auto offset = static_cast<size_t>(std::max<std::ptrdiff_t>(n.offset_debug() - 1, 0));
          problems.add(ProblemKind::kElementsAfterRoot, lines.at(offset),
                       "<" + std::string(n.name()) + "> after the root element is ignored", 1);
        }
      }
    }
    TreeBuilder builder(text, decoded.clean, &lines, &problems, &out.storage_->arena);
    if (split) builder.set_pieces(skeleton, &*split);
    builder.build(root, &out.rss, 0);
    // An error inside a child of the channel: pugixml parses in document order and
    // everything before that child parsed, so it is the error the whole feed gives.
    if (builder.piece_error()) return parse_error(*builder.piece_error(), text, &lines, source, root.name());
  }  // pugixml's DOM goes; the elements point into `text`, which the document keeps

  if (!out.rss.ns().empty() || out.rss.name() != "rss") {
    problems.add(ProblemKind::kNotRss, out.rss.at,
                 "the root element is " + describe(out.rss) +
                     (out.rss.ns().empty() ? std::string() : " (" + std::string(out.rss.ns()) + ")") +
                     ", not <rss>: not an RSS feed");
  } else {
    out.channel = out.rss.child("", "channel");
    if (!out.channel) problems.add(ProblemKind::kNotRss, out.rss.at, "<rss> has no <channel>");
    if (out.rss.children_named("", "channel").size() > 1)
      problems.add(ProblemKind::kNotRss, out.rss.at, "<rss> has more than one <channel>: only the first is read");
  }
  if (out.channel) {
    size_t items = 0;
    for (const FeedElement& c : out.channel->children()) items += c.ns().empty() && c.name() == "item";
    out.items.reserve(items);
    for (const FeedElement& c : out.channel->children())
      if (c.ns().empty() && c.name() == "item") out.items.push_back(&c);
    if (options.model) {
      ModelReader reader(options.base_url, &problems);
      reader.read_show(*out.channel, &out.show);
      out.show.episodes.resize(items);
      for (size_t i = 0; i < items; ++i) reader.read_episode(*out.items[i], &out.show.episodes[i]);
    }
  }
  out.problems = problems.finish();
  return Result<FeedDocument>(std::move(out));
}

}  // namespace podsmith
