// The RSS reader: the one place that reads XML with pugixml. The bytes become UTF-8
// (feed_encoding.h); pugixml parses that text in place with no entity expansion at
// all (it never expands a DTD's entities, and here not even the five XML ones, so
// that &nbsp; and a bare & can be read as browsers read them); the nodes become
// FeedElements with names resolved to namespace URIs; the model is filled from those.
#include "podsmith/rss_reader.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <cstdint>
#include <map>
#include <pugixml.hpp>

#include "feed_encoding.h"
#include "html_entities.h"
#include "podsmith/dates.h"
#include "podsmith/notes.h"
#include "podsmith/text.h"

namespace podsmith {

const FeedElement* FeedElement::child(std::string_view ns_uri, std::string_view local) const {
  for (const FeedElement& c : children)
    if (c.name == local && c.ns == ns_uri) return &c;
  return nullptr;
}

std::vector<const FeedElement*> FeedElement::children_named(std::string_view ns_uri, std::string_view local) const {
  std::vector<const FeedElement*> out;
  for (const FeedElement& c : children)
    if (c.name == local && c.ns == ns_uri) out.push_back(&c);
  return out;
}

const std::string* FeedElement::attribute(std::string_view attr_name) const {
  for (const auto& a : attributes)
    if (a.first == attr_name) return &a.second;
  return nullptr;
}

namespace {

constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";
constexpr std::string_view kMediaNs = "http://search.yahoo.com/mrss/";
constexpr std::string_view kGooglePlayNs = "http://www.google.com/schemas/play-podcasts/1.0";
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

// Deeper elements are dropped: no feed nests more than a handful of levels, and the
// tree is built (and destroyed) recursively.
constexpr int kMaxDepth = 100;
// A hostile feed of empty elements ("<a/>" 16 million times in 64 MiB) would cost
// gigabytes: pugixml's DOM takes about 64 bytes a node and a FeedElement 200. So a
// feed with more tags than this is refused before parsing, and elements past the
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

// clean_text, skipping the copy for the common string of printable ASCII, tabs and
// line breaks (eight bytes at a time where none is below 0x20 or above 0x7E).
std::string clean(std::string s) {
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
      const bool below_space = ((w - kOnes * 0x20) & ~w & kHigh) != 0;
      const bool del_or_high = (((w + kOnes * 0x01) | w) & kHigh) != 0;  // 0x7F and up
      if (!below_space && !del_or_high) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i++]);
    if (c >= 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) return clean_text(s);
  }
  return s;
}

// ---------------------------------------------------------------------------
// Positions and problems

// Offsets in the UTF-8 text (below 4 GiB) to 1-based lines (LF, CRLF and CR end a
// line, as in XML) and columns in characters. Asking in increasing order costs O(1) amortized,
// so a feed on one 20 MB line is not quadratic.
class LineMap {
 public:
  explicit LineMap(std::string_view text) : text_(text) {
    starts_.push_back(0);
    if (std::memchr(text.data(), '\r', text.size()) == nullptr) {
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

  // Counting characters only needs to tell lead bytes from continuation bytes, which
  // pugixml's in-place parse leaves alone (it only writes NULs over ASCII delimiters).
  SourcePosition at(size_t offset) {
    offset = std::min(offset, text_.size());
    const size_t next = line_ + 1 < starts_.size() ? starts_[line_ + 1] : SIZE_MAX;
    if (offset < cursor_ || offset >= next) {
      line_ = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
      cursor_ = starts_[line_];
      column_ = 1;
    }
    for (; cursor_ < offset; ++cursor_)
      if ((static_cast<unsigned char>(text_[cursor_]) & 0xC0) != 0x80) ++column_;
    return {static_cast<int>(std::min<size_t>(line_ + 1, INT_MAX)), static_cast<int>(std::min<size_t>(column_, INT_MAX))};
  }

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;  // the text is below 4 GiB (read_feed checks)
  size_t line_ = 0;
  size_t cursor_ = 0;
  size_t column_ = 1;
};

// Collects problems, keeping at most `cap` of each kind so that a feed with 5,000
// bare ampersands gives a few lines and a count, not 5,000 lines.
class Problems {
 public:
  explicit Problems(const std::string& source) : source_(source) {}

  /// Whether a problem of `kind` would be kept; counts it as dropped when not. For
  /// callers whose message or position costs something to make.
  bool accepts(const std::string& kind, int cap = 20) {
    Count& count = counts_[kind];
    if (count.reported < cap) return true;
    ++count.dropped;
    return false;
  }

  void add(const std::string& kind, SourcePosition at, std::string message, int cap = 20) {
    if (!accepts(kind, cap)) return;
    ++counts_[kind].reported;
    Error e;
    e.code = ErrorCode::kInvalidInput;
    e.message = clean(std::move(message));
    e.file = source_;
    e.line = at.line;
    e.column = at.column;
    errors_.push_back(std::move(e));
  }

  std::vector<Error> finish() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const Error& a, const Error& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    for (const auto& [kind, count] : counts_) {
      if (count.dropped == 0) continue;
      Error e;
      e.message = "and " + std::to_string(count.dropped) + " more: " + kind;
      e.file = source_;
      errors_.push_back(std::move(e));
    }
    return std::move(errors_);
  }

 private:
  struct Count {
    int reported = 0;
    long dropped = 0;
  };
  std::string source_;
  std::map<std::string, Count> counts_;
  std::vector<Error> errors_;
};

// ---------------------------------------------------------------------------
// Namespaces

// The URI the rules match by for a namespace as a feed declared it: the common
// misspellings of the well-known ones (https, other case, the podcast namespace's
// old GitHub address) become the right URI; RSS 2.0's own old URIs become "".
std::string canonical_ns(std::string_view written) {
  const std::string_view t = trim(written);
  std::string rest = ascii_lower(t);
  if (starts_with(rest, "https://")) rest.erase(0, 8);
  else if (starts_with(rest, "http://")) rest.erase(0, 7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest == "www.itunes.com/dtds/podcast-1.0.dtd" || rest == "itunes.com/dtds/podcast-1.0.dtd")
    return std::string(kItunesNs);
  if (rest == "podcastindex.org/namespace/1.0" ||
      rest == "github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md")
    return std::string(kPodcastNs);
  if (rest == "purl.org/rss/1.0/modules/content") return std::string(kContentNs);
  if (rest == "www.w3.org/2005/atom") return std::string(kAtomNs);
  if (rest == "podlove.org/simple-chapters") return std::string(kPscNs);
  if (rest == "backend.userland.com/rss2" || rest == "blogs.law.harvard.edu/tech/rss") return "";
  return std::string(t);
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
// The element tree

struct Binding {
  std::string prefix;
  std::string uri;
};

class TreeBuilder {
  inline static const std::string kBareAmp = "bare & read as a literal &";
  inline static const std::string kUndefinedEntity = "undefined entities kept as text";

 public:
  TreeBuilder(std::string_view buffer, LineMap* lines, Problems* problems)
      : buffer_(buffer), lines_(lines), problems_(problems) {}

  void build(pugi::xml_node node, FeedElement* out, int depth) {
    const char* qname = node.name();
    const size_t name_offset = offset_of(qname, 0);
    out->at = lines_->at(name_offset > 0 ? name_offset - 1 : 0);  // the '<'
    const size_t mark = scope_.size();

    size_t attributes = 0;
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) ++attributes;
    out->attributes.reserve(attributes);
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view name = a.name();
      std::string value = decode(a.value(), offset_of(a.value(), name_offset), true);
      if (name == "xmlns" || starts_with(name, "xmlns:")) {
        const std::string_view prefix = name.size() > 6 ? name.substr(6) : std::string_view();
        std::string uri = canonical_ns(value);
        if (!uri.empty() && uri != trim(value))
          problems_->add("namespace URIs read as the standard ones", out->at,
                         std::string(name) + "=\"" + std::string(trim(value)) + "\" is not the standard URI; read as \"" +
                             uri + "\"");
        scope_.push_back({std::string(prefix), std::move(uri)});
      }
      out->attributes.emplace_back(clean(std::string(name)), clean(std::move(value)));
    }
    resolve_name(qname, out);

    size_t elements = 0;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element) ++elements;
    }
    if (depth < kMaxDepth) out->children.reserve(std::min(elements, kMaxElements - std::min(elements_, kMaxElements)));
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      switch (c.type()) {
        case pugi::node_pcdata:
          out->text += decode(c.value(), offset_of(c.value(), name_offset), false);
          break;
        case pugi::node_cdata:
          out->text += normalize_eol(c.value());
          break;
        case pugi::node_element:
          if (depth >= kMaxDepth) {
            problems_->add("elements nested too deeply", out->at,
                           "elements nested deeper than " + std::to_string(kMaxDepth) + " levels are ignored", 1);
            break;
          }
          if (++elements_ > kMaxElements) {
            problems_->add("too many elements", out->at,
                           "the feed has more than " + std::to_string(kMaxElements) + " elements: the rest are ignored", 1);
            break;
          }
          out->children.emplace_back();
          build(c, &out->children.back(), depth + 1);
          break;
        default:
          break;
      }
    }
    if (elements > 0 && is_html_field(out->ns, out->name) && depth < kMaxDepth) {
      // <description><p>Hi</p></description>: HTML written as XML, neither escaped nor
      // in CDATA. Its text is that markup, so no words are lost.
      std::string markup;
      inner_markup(node, &markup, depth);
      out->text = std::move(markup);
      problems_->add("unescaped HTML", out->at,
                     "<" + std::string(qname) + "> holds HTML that is neither escaped nor in CDATA: read as HTML");
    }
    out->text = clean(std::move(out->text));
    scope_.resize(mark);
  }

 private:
  size_t offset_of(const char* p, size_t fallback) const {
    // pugixml points into the buffer it parsed in place, except for empty strings.
    const auto begin = reinterpret_cast<std::uintptr_t>(buffer_.data());
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    if (at < begin || at >= begin + buffer_.size()) return fallback;
    return static_cast<size_t>(at - begin);
  }

  const std::string* lookup(std::string_view prefix) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
      if (it->prefix == prefix) return &it->uri;
    return nullptr;
  }

  void resolve_name(std::string_view qname, FeedElement* out) {
    const size_t colon = qname.find(':');
    if (colon == std::string_view::npos) {
      const std::string* uri = lookup("");
      out->ns = uri ? *uri : std::string();
      out->name = clean(std::string(qname));
      return;
    }
    const std::string_view prefix = qname.substr(0, colon);
    const std::string_view local = qname.substr(colon + 1);
    if (const std::string* uri = lookup(prefix)) {
      out->ns = *uri;
    } else if (prefix == "xml") {
      out->ns = kXmlNs;
    } else if (const std::string_view known = well_known_prefix(prefix); !known.empty()) {
      out->ns = known;
      problems_->add("undeclared prefix " + std::string(prefix), out->at,
                     "the prefix " + std::string(prefix) + ": is used without an xmlns:" + std::string(prefix) +
                         " declaration; read as " + std::string(known),
                     1);
    } else {
      // No namespace to match by: the qualified name stays the name, so no rule mistakes
      // <x:title> for RSS's <title>.
      out->name = clean(std::string(qname));
      problems_->add("undeclared prefix " + std::string(prefix), out->at,
                     "the prefix " + std::string(prefix) + ": is not declared; <" + std::string(qname) +
                         "> is kept under that name",
                     1);
      return;
    }
    out->prefix = clean(std::string(prefix));
    out->name = clean(std::string(local));
  }

  static std::string normalize_eol(std::string_view raw) {
    if (std::memchr(raw.data(), '\r', raw.size()) == nullptr) return std::string(raw);
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
  // undefined entity and a bare & stay as written, as browsers leave them.
  std::string decode(std::string_view raw, size_t offset, bool attribute) {
    if (!attribute && std::memchr(raw.data(), '&', raw.size()) == nullptr &&
        std::memchr(raw.data(), '\r', raw.size()) == nullptr)
      return std::string(raw);
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
        if (problems_->accepts(kBareAmp, 3))
          problems_->add(kBareAmp, lines_->at(offset + i),
                         "a bare & (not the start of an entity) is read as a literal &; write &amp;", 3);
        continue;
      }
      if (append_entity(name, &out)) {
        i = end;
        continue;
      }
      out.append(raw.substr(i, end - i + 1));
      if (problems_->accepts(kUndefinedEntity))
        problems_->add(kUndefinedEntity, lines_->at(offset + i),
                       "&" + std::string(name) + "; is not an entity of XML or HTML: kept as text");
      i = end;
    }
    return out;
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
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      switch (c.type()) {
        case pugi::node_pcdata:
          out->append(normalize_eol(c.value()));  // still escaped as the feed wrote it
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
          if (!c.first_child()) {
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
  LineMap* lines_;
  Problems* problems_;
  std::vector<Binding> scope_;
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

std::string text_of(const FeedElement* e) { return e ? std::string(trim(e->text)) : std::string(); }

std::string attr_of(const FeedElement* e, std::string_view name) {
  if (!e) return {};
  const std::string* v = e->attribute(name);
  return v ? std::string(trim(*v)) : std::string();
}

std::string describe(const FeedElement& e) {
  return "<" + (e.prefix.empty() ? e.name : e.prefix + ":" + e.name) + ">";
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
    if (const FeedElement* link = ch.child("", "link")) s->link = url(*link, link->text);
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
        if (const FeedElement* u = img->child("", "url")) s->image = url(*u, u->text);
    }
    for (const FeedElement* cat : ch.children_named(kItunesNs, "category")) {
      const std::string name = attr_of(cat, "text");
      if (name.empty()) {
        problems_->add("values not understood", cat->at, "<itunes:category> has no text attribute: ignored");
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
      const std::string* href = link->attribute("href");
      if (!href) continue;
      if (rel == "self" && s->feed_url.empty()) s->feed_url = url(*link, *href);
      if (rel == "hub" && s->websub_hub.empty()) s->websub_hub = url(*link, *href);
    }
    if (const FeedElement* nf = ch.child(kItunesNs, "new-feed-url")) s->new_feed_url = url(*nf, nf->text);
    s->block = yes_no(ch.child(kItunesNs, "block"));
    s->complete = yes_no(ch.child(kItunesNs, "complete"));
    s->podcast_guid = text_of(ch.child(kPodcastNs, "guid"));
    if (const FeedElement* locked = ch.child(kPodcastNs, "locked")) {
      s->locked = yes_no(locked);
      s->locked_owner = attr_of(locked, "owner");
    }
    for (const FeedElement* f : ch.children_named(kPodcastNs, "funding")) {
      const std::string* href = f->attribute("url");
      s->funding.push_back({href ? url(*f, *href) : std::string(), text_of(f)});
    }
    s->persons = persons(ch);
    if (const FeedElement* license = ch.child(kPodcastNs, "license")) {
      s->license = text_of(license);
      if (const std::string* href = license->attribute("url")) s->license_url = url(*license, *href);
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
    if (pub) e->date = date(*pub).value_or(Timestamp{});
    if (const FeedElement* link = item.child("", "link")) e->link = url(*link, link->text);
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
      if (const std::string* href = enc->attribute("url")) e->enclosure.url = url(*enc, *href);
      e->enclosure.type = attr_of(enc, "type");
      const std::string length = attr_of(enc, "length");
      int64_t bytes = 0;
      const auto [ptr, ec] = std::from_chars(length.data(), length.data() + length.size(), bytes);
      if (!length.empty() && (ec != std::errc() || ptr != length.data() + length.size() || bytes < 0)) {
        problems_->add("values not understood", enc->at,
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
        problems_->add("values not understood", duration->at,
                       "itunes:duration \"" + text + "\" is not seconds, MM:SS or HH:MM:SS: read as 0");
      }
    }
    if (const FeedElement* chapters = item.child(kPodcastNs, "chapters")) {
      if (const std::string* href = chapters->attribute("url")) e->chapters_url = url(*chapters, *href);
    }
    if (const FeedElement* psc = item.child(kPscNs, "chapters")) e->chapters = simple_chapters(*psc, e->duration_ms);
    for (const FeedElement* t : item.children_named(kPodcastNs, "transcript")) {
      Transcript tr;
      if (const std::string* href = t->attribute("url")) tr.url = url(*t, *href);
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
      problems_->add("URLs with spaces", where.at,
                     "the URL in " + describe(where) + " has spaces or line breaks inside: read as " + u);
    if (u.empty() || has_scheme(u)) return u;
    if (base_.empty()) {
      problems_->add("relative URLs", where.at,
                     "the URL \"" + u + "\" in " + describe(where) + " is relative and there is no base URL to resolve it");
      return u;
    }
    std::string resolved = resolve_url(base_, u);
    problems_->add("relative URLs", where.at,
                   "the URL \"" + u + "\" in " + describe(where) + " is relative: read as " + resolved);
    return resolved;
  }

  // itunes:image href; some hosts put the URL in the text instead.
  std::string image(const FeedElement& parent) {
    const FeedElement* img = parent.child(kItunesNs, "image");
    if (!img) return {};
    if (const std::string* href = img->attribute("href")) return url(*img, *href);
    if (!trim(img->text).empty()) {
      problems_->add("values not understood", img->at, "<itunes:image> has its URL as text, not in href");
      return url(*img, img->text);
    }
    return {};
  }

  std::optional<Timestamp> date(const FeedElement& e) {
    const std::string text = text_of(&e);
    std::optional<Timestamp> t = parse_rfc822(text);
    if (!t)
      problems_->add("dates not understood", e.at, describe(e) + " \"" + text + "\" is not an RFC 2822 date");
    return t;
  }

  // true/yes/explicit and false/no/clean, as Apple has accepted over the years.
  std::optional<bool> explicit_value(const FeedElement* e) {
    if (!e) return std::nullopt;
    const std::string v = ascii_lower(text_of(e));
    if (v == "true" || v == "yes" || v == "explicit") return true;
    if (v == "false" || v == "no" || v == "clean") return false;
    problems_->add("values not understood", e->at,
                   "itunes:explicit \"" + text_of(e) + "\" is none of true, false, yes, no, explicit, clean");
    return std::nullopt;
  }

  bool yes_no(const FeedElement* e) {
    if (!e) return false;
    const std::string v = ascii_lower(text_of(e));
    if (v == "yes" || v == "true") return true;
    if (v != "no" && v != "false")
      problems_->add("values not understood", e->at, describe(*e) + " \"" + text_of(e) + "\" is neither yes nor no: read as no");
    return false;
  }

  std::string one_of(const FeedElement& e, std::initializer_list<const char*> allowed) {
    const std::string v = ascii_lower(text_of(&e));
    for (const char* a : allowed)
      if (v == a) return v;
    if (!v.empty())
      problems_->add("values not understood", e.at, describe(e) + " \"" + text_of(&e) + "\" is not a known value: ignored");
    return {};
  }

  // itunes:season/episode, else podcast:season/episode: positive integers only.
  std::optional<int> number(const FeedElement& item, const char* name) {
    const FeedElement* e = item.child(kItunesNs, name);
    if (!e) e = item.child(kPodcastNs, name);
    if (!e) return std::nullopt;
    const std::optional<int> v = positive_int(e->text);
    if (!v && !trim(e->text).empty())
      problems_->add("values not understood", e->at, describe(*e) + " \"" + text_of(e) + "\" is not a positive integer: ignored");
    return v;
  }

  std::vector<Person> persons(const FeedElement& parent) {
    std::vector<Person> out;
    for (const FeedElement* p : parent.children_named(kPodcastNs, "person")) {
      Person person;
      person.name = text_of(p);
      person.role = attr_of(p, "role");
      person.group = attr_of(p, "group");
      if (const std::string* href = p->attribute("href")) person.href = url(*p, *href);
      if (const std::string* img = p->attribute("img")) person.img = url(*p, *img);
      out.push_back(std::move(person));
    }
    return out;
  }

  std::vector<Chapter> simple_chapters(const FeedElement& psc, int64_t duration_ms) {
    std::vector<Chapter> out;
    for (const FeedElement* c : psc.children_named(kPscNs, "chapter")) {
      const std::optional<int64_t> start = parse_clock_ms(attr_of(c, "start"));
      if (!start) {
        problems_->add("values not understood", c->at, "psc:chapter start \"" + attr_of(c, "start") + "\" is not a time: ignored");
        continue;
      }
      Chapter ch;
      ch.start_ms = *start;
      ch.title = attr_of(c, "title");
      if (const std::string* href = c->attribute("href")) ch.url = url(*c, *href);
      if (const std::string* img = c->attribute("image")) ch.image_url = url(*c, *img);
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

Result<FeedDocument> read_feed(std::string_view bytes, const std::string& source, const ReadOptions& options) {
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

  DecodedFeed decoded = decode_feed(bytes);
  std::string& text = decoded.utf8;
  size_t tags = 0;
  for (const char* p = text.data(), *end = p + text.size();
       (p = static_cast<const char*>(std::memchr(p, '<', static_cast<size_t>(end - p)))) != nullptr; ++p)
    ++tags;
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
  for (const std::string& note : decoded.notes) problems.add("encoding notes", {1, 1}, note);
  // XML forbids NUL and pugixml stops at one; a space keeps every offset where it was.
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) {
    const auto nuls = static_cast<size_t>(std::count(text.begin(), text.end(), '\0'));
    std::replace(text.begin(), text.end(), '\0', ' ');
    problems.add("encoding notes", {1, 1}, std::to_string(nuls) + " NUL byte" + (nuls == 1 ? "" : "s") + " read as spaces");
  }
  LineMap lines(text);

  FeedDocument out;
  out.encoding = decoded.encoding;
  {
    pugi::xml_document doc;
    // No escapes (decoded here, with HTML's entities), no EOL or attribute
    // normalization (done here), so the in-place parse only writes NULs over
    // delimiters and the text keeps its offsets for line and column numbers.
    const unsigned flags =
        pugi::parse_minimal | pugi::parse_cdata | pugi::parse_ws_pcdata_single | pugi::parse_doctype;
    const pugi::xml_parse_result r = doc.load_buffer_inplace(text.data(), text.size(), flags, pugi::encoding_utf8);
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
        problems.add("DOCTYPE", lines.at(offset), "the DOCTYPE is ignored: no entity it declares is ever expanded", 1);
      } else if (n.type() == pugi::node_element) {
        if (!root) {
          root = n;
        } else {
          const auto offset = static_cast<size_t>(std::max<std::ptrdiff_t>(n.offset_debug() - 1, 0));
          problems.add("elements after the root", lines.at(offset),
                       "<" + std::string(n.name()) + "> after the root element is ignored", 1);
        }
      }
    }
    TreeBuilder builder(text, &lines, &problems);
    builder.build(root, &out.rss, 0);
  }
  std::string().swap(text);  // the tree has all it needs: let the bytes go

  if (!out.rss.ns.empty() || out.rss.name != "rss") {
    problems.add("not RSS", out.rss.at,
                 "the root element is " + describe(out.rss) +
                     (out.rss.ns.empty() ? std::string() : " (" + out.rss.ns + ")") + ", not <rss>: not an RSS feed");
  } else {
    out.channel = out.rss.child("", "channel");
    if (!out.channel) problems.add("not RSS", out.rss.at, "<rss> has no <channel>");
    if (out.rss.children_named("", "channel").size() > 1)
      problems.add("not RSS", out.rss.at, "<rss> has more than one <channel>: only the first is read");
  }
  if (out.channel) {
    ModelReader reader(options.base_url, &problems);
    reader.read_show(*out.channel, &out.show);
    const size_t items = out.channel->children_named("", "item").size();
    out.items.reserve(items);
    out.show.episodes.reserve(items);
    for (const FeedElement& c : out.channel->children) {
      if (!c.ns.empty() || c.name != "item") continue;
      out.items.push_back(&c);
      out.show.episodes.emplace_back();
      reader.read_episode(c, &out.show.episodes.back());
    }
  }
  out.problems = problems.finish();
  return Result<FeedDocument>(std::move(out));
}

}  // namespace podsmith
