// Show notes. libxml2's HTML parser reads HTML (whatever other hosts' feeds carry);
// this file walks the parsed tree with an allow-list into a small tree of its own
// (Tree), which it then serializes, cuts or turns into text. Nothing of the parser's
// output is ever copied through unchecked, so what a browser makes of the result is
// exactly the tree written here. Markdown is parsed by md4c, whose events build the
// same tree directly (MarkdownReader) unless the notes hold raw HTML or something else
// only libxml2 can say how it reads; then md4c's HTML goes through libxml2 like any.
//
// Why libxml2's HTML parser and not gumbo (the other HTML parser Debian 12 ships):
// - it caps nesting at 256 elements, which bounds every walk up its stack of open
//   elements, so hostile input (100,000 nested divs, then millions of stray end tags)
//   stays linear; gumbo 0.10.1 has no cap (a later fork added one), so its walks of the
//   open elements grow with the depth of hostile input;
// - it is maintained and gets security fixes in Debian 12; gumbo's Google upstream
//   stopped at the 0.10.1 Debian 12 ships.
// What gumbo would do better, building the tree of the HTML5 algorithm, matters little
// here: the output is re-serialized from an allow-list, so a tree that differs from a
// browser's can lose formatting but cannot let anything through.
#include "podsmith/feed/notes.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <md4c-html.h>
#include <md4c.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "feed/notes_internal.h"
#include "podsmith/base/text.h"

namespace podsmith {
namespace {

constexpr size_t kNone = SIZE_MAX;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

// ---------------------------------------------------------------------------------
// The cleaned tree.

enum class Tag : uint8_t {
  kRoot, kText, kBr, kP, kH1, kH2, kH3, kH4, kH5, kH6, kUl, kOl, kLi, kBlockquote, kPre,
  kCode, kEm, kStrong, kA,
};

std::string_view tag_name(Tag tag) {
  switch (tag) {
    case Tag::kRoot: case Tag::kText: return "";
    case Tag::kBr: return "br";
    case Tag::kP: return "p";
    case Tag::kH1: return "h1";
    case Tag::kH2: return "h2";
    case Tag::kH3: return "h3";
    case Tag::kH4: return "h4";
    case Tag::kH5: return "h5";
    case Tag::kH6: return "h6";
    case Tag::kUl: return "ul";
    case Tag::kOl: return "ol";
    case Tag::kLi: return "li";
    case Tag::kBlockquote: return "blockquote";
    case Tag::kPre: return "pre";
    case Tag::kCode: return "code";
    case Tag::kEm: return "em";
    case Tag::kStrong: return "strong";
    case Tag::kA: return "a";
  }
  return "";
}

bool is_block(Tag tag) {
  switch (tag) {
    case Tag::kP: case Tag::kH1: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5:
    case Tag::kH6: case Tag::kUl: case Tag::kOl: case Tag::kLi: case Tag::kBlockquote:
    case Tag::kPre:
      return true;
    default:
      return false;
  }
}

// Elements that hold only inline content: no block may start inside them.
bool is_phrasing(Tag tag) {
  switch (tag) {
    case Tag::kP: case Tag::kH1: case Tag::kH2: case Tag::kH3: case Tag::kH4: case Tag::kH5:
    case Tag::kH6: case Tag::kPre: case Tag::kCode: case Tag::kEm: case Tag::kStrong:
    case Tag::kA:
      return true;
    default:
      return false;
  }
}

struct Node {
  Tag tag = Tag::kRoot;
  bool implicit = false;  // a p or li opened here around stray content, not in the input
  size_t parent = kNone;
  size_t first_child = kNone;
  size_t last_child = kNone;
  size_t prev = kNone;
  size_t next = kNone;
  size_t text_begin = 0;  // kText: its bytes in Tree::text
  size_t text_size = 0;
  size_t link = kNone;    // kA: index in Tree::links
  int64_t start = -1;     // kOl: its start attribute; -1 when none
};

struct Link {
  std::string href;
  std::string title;
};

struct Tree {
  std::vector<Node> nodes{Node{}};  // nodes[0] is the root
  std::string text;                 // the text of every kText node, in document order
  std::vector<Link> links;
  size_t depth = 0;                 // the most elements open at once while it was built

  std::string_view text_of(const Node& node) const {
    return std::string_view(text).substr(node.text_begin, node.text_size);
  }
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool only_no_break_spaces(std::string_view s) {
  for (size_t i = 0; i < s.size(); i += 2) {
    if (s.substr(i, 2) != "\xC2\xA0") return false;  // U+00A0
  }
  return true;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The href to keep, or nothing when the link must go. Read as the WHATWG URL parser
// reads it, so that what is checked is what a browser would follow: leading and
// trailing C0 controls and spaces trimmed, tabs and newlines removed anywhere
// ("java\tscript:" is javascript:), the scheme case-insensitive. Entities were decoded
// by the HTML parser already.
std::optional<std::string> safe_href(std::string_view raw) {
  std::string url;
  url.reserve(raw.size());
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') url += c;
  }
  size_t begin = 0;
  size_t end = url.size();
  while (begin < end && static_cast<unsigned char>(url[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(url[end - 1]) <= 0x20) --end;
  url = url.substr(begin, end - begin);
  if (url.empty()) return std::nullopt;  // links to the page itself: nothing to follow
  if (is_alpha(url[0])) {
    size_t i = 1;
    while (i < url.size() && (is_alpha(url[i]) || (url[i] >= '0' && url[i] <= '9') ||
                              url[i] == '+' || url[i] == '-' || url[i] == '.')) {
      ++i;
    }
    if (i < url.size() && url[i] == ':') {
      std::string scheme;
      for (size_t k = 0; k < i; ++k) scheme += to_lower(url[k]);
      if (scheme == "http" || scheme == "https" || scheme == "mailto") return url;
      return std::nullopt;  // javascript:, vbscript:, data:, file:, and every other
    }
  }
  return url;  // no scheme: relative
}

// ---------------------------------------------------------------------------------
// The allow-list, applied while our tree is built.

// What an element of the parsed HTML becomes.
enum class Action : uint8_t {
  kKeep,    // an allowed element (possibly renamed)
  kUnwrap,  // the tag goes, its content stays
  kBreak,   // as kUnwrap, and its start and end are paragraph or line boundaries
  kDrop,    // the element goes with everything inside
};

struct Rule {
  Action action = Action::kUnwrap;
  Tag tag = Tag::kRoot;
};

Rule rule_for(std::string_view name) {
  static const std::unordered_map<std::string_view, Rule> rules = [] {
    std::unordered_map<std::string_view, Rule> r;
    const std::pair<std::string_view, Tag> kept[] = {
        {"p", Tag::kP}, {"br", Tag::kBr}, {"h1", Tag::kH1}, {"h2", Tag::kH2},
        {"h3", Tag::kH3}, {"h4", Tag::kH4}, {"h5", Tag::kH5}, {"h6", Tag::kH6},
        {"ul", Tag::kUl}, {"ol", Tag::kOl}, {"li", Tag::kLi},
        {"blockquote", Tag::kBlockquote}, {"pre", Tag::kPre}, {"code", Tag::kCode},
        {"em", Tag::kEm}, {"strong", Tag::kStrong}, {"a", Tag::kA},
        {"b", Tag::kStrong}, {"i", Tag::kEm},
    };
    for (const auto& [element, tag] : kept) r[element] = Rule{Action::kKeep, tag};
    // Script-capable or never-shown content: gone with everything inside. Not the void
    // embed, param, source and track: libxml2 may nest the text after them inside them.
    for (std::string_view n :
         {"script", "style", "iframe", "frame", "frameset", "object", "applet",
          "noscript", "noembed", "noframes", "template", "svg", "math", "head", "title",
          "textarea", "select", "audio", "video", "canvas"}) {
      r[n] = Rule{Action::kDrop, Tag::kRoot};
    }
    for (std::string_view n :
         {"div", "section", "article", "aside", "header", "footer", "nav", "main",
          "address", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot",
          "tr", "td", "th", "dl", "dt", "dd", "hr", "center", "details", "summary",
          "fieldset", "legend", "form", "hgroup", "menu", "dir", "listing", "xmp"}) {
      r[n] = Rule{Action::kBreak, Tag::kRoot};
    }
    return r;
  }();
  auto it = rules.find(name);
  return it == rules.end() ? Rule{} : it->second;
}

// The attributes of an element, whichever parser read it.
class Attributes {
 public:
  // The value of attribute `name` (lowercase) as an HTML parser reads it, character
  // references decoded, made clean by clean_text(); "" when there is none.
  virtual std::string value(std::string_view name) const = 0;

 protected:
  ~Attributes() = default;
};

// For elements whose attributes the allow-list never reads.
class NoAttributes final : public Attributes {
 public:
  std::string value(std::string_view /*name*/) const override { return {}; }
};

std::string collapse_spaces(std::string_view in) {
  std::string out;
  bool space = false;
  for (char c : in) {
    if (is_space(c)) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

// Builds a Tree from the elements and text of a parsed document, in document order:
// applies the allow-list, collapses whitespace as a browser would show it, drops what
// would render as nothing. Two readers feed it: libxml2's tree of any HTML
// (walk_html), and md4c's parser for Markdown without raw HTML (MarkdownReader).
class Builder {
 public:
  explicit Builder(Tree* tree) : t_(*tree) {
    stack_.reserve(16);
    frames_.reserve(16);
    stack_.push_back(0);
  }

  // An element starts; `name` is lowercase. Returns true when it was entered: its
  // content follows, then leave(). Returns false when it is gone with its content
  // (or has none, as br): then neither its content nor leave() may follow.
  bool enter(std::string_view name, const Attributes& attributes) {
    Rule rule = rule_for(name);

    if (rule.action == Action::kKeep && rule.tag == Tag::kBr) {
      line_break();
      return false;
    }
    std::optional<std::string> href;
    if (rule.action == Action::kKeep && rule.tag == Tag::kA) {
      href = safe_href(attributes.value("href"));
      if (!href || a_depth_ > 0) rule.action = Action::kUnwrap;  // no links in links
    }
    if (rule.action == Action::kKeep && is_block(rule.tag)) {
      close_implicit(Tag::kP);
      if (rule.tag == Tag::kLi) close_implicit(Tag::kLi);
      const Tag top = t_.nodes[stack_.back()].tag;
      if (phrasing_depth_ > 0 || (rule.tag == Tag::kLi && top != Tag::kUl && top != Tag::kOl)) {
        rule.action = Action::kBreak;  // a block where none can start: a line boundary
      }
    }
    switch (rule.action) {
      case Action::kDrop:
        return false;
      case Action::kUnwrap:
        frames_.push_back({Action::kUnwrap, kNone});
        return true;
      case Action::kBreak:
        boundary();
        frames_.push_back({Action::kBreak, kNone});
        return true;
      case Action::kKeep:
        break;
    }
    if (rule.tag != Tag::kLi) ensure_container(is_block(rule.tag));
    const size_t id = open(rule.tag);
    if (rule.tag == Tag::kA) {
      t_.nodes[id].link = t_.links.size();
      t_.links.push_back(Link{std::move(*href), collapse_spaces(attributes.value("title"))});
    } else if (rule.tag == Tag::kOl) {
      const std::string start = std::string(trim(attributes.value("start")));
      if (!start.empty() && start.size() <= 9 &&
          std::all_of(start.begin(), start.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        t_.nodes[id].start = std::stoll(start);
      }
    }
    frames_.push_back({Action::kKeep, id});
    return true;
  }

  // The element last entered ends.
  void leave() {
    const Frame frame = frames_.back();
    frames_.pop_back();
    switch (frame.action) {
      case Action::kUnwrap:
      case Action::kDrop:
        break;
      case Action::kBreak:
        boundary();
        break;
      case Action::kKeep:
        // Only implicit p and li elements can be open above it.
        while (stack_.back() != frame.node) close_top();
        close_top();
        break;
    }
  }

  // A text node: clean (clean_text()), line ends LF. One call per node of the
  // document, not per piece of one: a word's bytes must arrive together (a no-break
  // space alone at the start of a line goes; before other letters it stays).
  void text(std::string_view s) {
    if (pre_depth_ > 0) {
      const Node& top = t_.nodes[stack_.back()];
      // HTML drops a newline right after <pre>; the serializer writes one back.
      if (top.tag == Tag::kPre && top.first_child == kNone && !s.empty() && s[0] == '\n') {
        s.remove_prefix(1);
      }
      if (s.empty()) return;
      before_content();
      append_text(s);
      return;
    }
    size_t i = 0;
    while (i < s.size()) {
      if (is_space(s[i])) {
        pending_space_ = true;
        ++i;
        continue;
      }
      size_t j = i;
      while (j < s.size() && !is_space(s[j])) ++j;
      const std::string_view word = s.substr(i, j - i);
      i = j;
      // No-break spaces that start a line are spacers ("<p>&nbsp;</p>", Word's
      // <o:p>&nbsp;</o:p>): gone like other whitespace there.
      if ((at_line_start_ || pending_break_) && only_no_break_spaces(word)) continue;
      before_content();
      append_text(word);
      append_collapsed(s.substr(i));
      return;
    }
  }

  // The document ends: what is still open closes.
  void finish() {
    while (stack_.size() > 1) close_top();
  }

 private:
  struct Frame {
    Action action;
    size_t node;  // kKeep: the element opened for it
  };

  void line_break() {
    ensure_container(false);
    pending_break_ = false;
    pending_space_ = false;
    add_child(stack_.back(), Node{Tag::kBr});
    at_line_start_ = true;
  }

  // The start or end of an unwrapped block (div, td, ...): ends the implicit paragraph,
  // or asks for a line break before the next content.
  void boundary() {
    if (top_is_implicit(Tag::kP)) {
      close_top();
      return;
    }
    if (!at_line_start_) pending_break_ = true;
    pending_space_ = false;
  }

  void before_content() {
    ensure_container(false);
    if (pending_break_) {
      pending_break_ = false;
      if (!at_line_start_) add_child(stack_.back(), Node{Tag::kBr});
      at_line_start_ = true;
    }
    if (pending_space_ && !at_line_start_) insert_space();
    pending_space_ = false;
    at_line_start_ = false;
  }

  // The rest of a text node after its first word: in the middle of a line, with the
  // word as the last text of the top element, each further word and the space before
  // it only grow that text (as before_content, insert_space and append_text would).
  void append_collapsed(std::string_view s) {
    const size_t before = t_.text.size();
    size_t i = 0;
    bool space = false;
    while (i < s.size()) {
      if (is_space(s[i])) {
        space = true;
        ++i;
        continue;
      }
      size_t j = i;
      while (j < s.size() && !is_space(s[j])) ++j;
      if (space) t_.text += ' ';
      t_.text.append(s, i, j - i);
      space = false;
      i = j;
    }
    t_.nodes[t_.nodes[stack_.back()].last_child].text_size += t_.text.size() - before;
    pending_space_ = space;
  }

  // The space goes before the inline elements opened since it was seen, which hold
  // nothing yet: "a <strong><em>b</em></strong>" rather than "a<strong><em> b...".
  void insert_space() {
    const size_t top = stack_.size() - 1;
    size_t k = top;
    while (k > 0 && !is_block(t_.nodes[stack_[k]].tag) &&
           t_.nodes[stack_[k]].first_child == (k == top ? kNone : stack_[k + 1])) {
      --k;
    }
    if (k == top) {
      append_text(" ");
      return;
    }
    const size_t before = stack_[k + 1];  // the last child of stack_[k]
    Node node{Tag::kText};
    node.text_begin = t_.text.size();
    node.text_size = 1;
    node.parent = stack_[k];
    node.prev = t_.nodes[before].prev;
    node.next = before;
    const size_t id = t_.nodes.size();
    t_.nodes.push_back(node);
    if (node.prev == kNone) {
      t_.nodes[stack_[k]].first_child = id;
    } else {
      t_.nodes[node.prev].next = id;
    }
    t_.nodes[before].prev = id;
    t_.text += ' ';
  }

  // Anything but an li in a ul or ol goes in an li, and inline content at the top
  // level or in a blockquote in a p: what HTML parsers (libxml2 among them) would
  // otherwise move around, so that sanitizing the output changes nothing.
  void ensure_container(bool for_block) {
    const Tag top = t_.nodes[stack_.back()].tag;
    Tag wrapper = Tag::kRoot;
    if (top == Tag::kUl || top == Tag::kOl) {
      wrapper = Tag::kLi;
    } else if (!for_block && (top == Tag::kRoot || top == Tag::kBlockquote)) {
      wrapper = Tag::kP;
    }
    if (wrapper == Tag::kRoot) return;
    const size_t id = open(wrapper);
    t_.nodes[id].implicit = true;
  }

  bool top_is_implicit(Tag tag) const {
    const Node& top = t_.nodes[stack_.back()];
    return top.tag == tag && top.implicit;
  }

  void close_implicit(Tag tag) {
    if (top_is_implicit(tag)) close_top();
  }

  size_t open(Tag tag) {
    const size_t id = add_child(stack_.back(), Node{tag});
    stack_.push_back(id);
    t_.depth = std::max(t_.depth, stack_.size() - 1);
    if (is_phrasing(tag)) ++phrasing_depth_;
    if (tag == Tag::kPre) ++pre_depth_;
    if (tag == Tag::kA) ++a_depth_;
    if (is_block(tag)) {
      at_line_start_ = true;
      pending_space_ = false;
      pending_break_ = false;
    }
    return id;
  }

  void close_top() {
    const size_t id = stack_.back();
    stack_.pop_back();
    const Tag tag = t_.nodes[id].tag;
    if (is_phrasing(tag)) --phrasing_depth_;
    if (tag == Tag::kPre) --pre_depth_;
    if (tag == Tag::kA) --a_depth_;
    if (is_block(tag)) {
      // A br that ends a block shows nothing; a block of only brs is a spacer.
      while (t_.nodes[id].last_child != kNone &&
             t_.nodes[t_.nodes[id].last_child].tag == Tag::kBr) {
        remove_last_child(id);
      }
      at_line_start_ = true;
      pending_space_ = false;
      pending_break_ = false;
    }
    if (t_.nodes[id].first_child == kNone) remove_last_child(t_.nodes[id].parent);
  }

  size_t add_child(size_t parent, Node node) {
    const size_t id = t_.nodes.size();
    node.parent = parent;
    node.prev = t_.nodes[parent].last_child;
    t_.nodes.push_back(node);
    Node& p = t_.nodes[parent];
    if (p.last_child == kNone) {
      p.first_child = id;
    } else {
      t_.nodes[p.last_child].next = id;
    }
    p.last_child = id;
    return id;
  }

  void remove_last_child(size_t parent) {
    Node& p = t_.nodes[parent];
    const size_t last = p.last_child;
    p.last_child = t_.nodes[last].prev;
    if (p.last_child == kNone) {
      p.first_child = kNone;
    } else {
      t_.nodes[p.last_child].next = kNone;
    }
  }

  void append_text(std::string_view s) {
    const size_t parent = stack_.back();
    const size_t last = t_.nodes[parent].last_child;
    // Text is only ever added at the end of the document, so the last text node
    // written can grow in place.
    if (last != kNone && t_.nodes[last].tag == Tag::kText &&
        t_.nodes[last].text_begin + t_.nodes[last].text_size == t_.text.size()) {
      t_.nodes[last].text_size += s.size();
    } else {
      Node node{Tag::kText};
      node.text_begin = t_.text.size();
      node.text_size = s.size();
      add_child(parent, node);
    }
    t_.text += s;
  }

  Tree& t_;
  std::vector<size_t> stack_;  // open elements of the output, the root first
  std::vector<Frame> frames_;  // one per element entered and not yet left
  size_t phrasing_depth_ = 0;
  size_t pre_depth_ = 0;
  size_t a_depth_ = 0;
  bool at_line_start_ = true;   // nothing visible since the last block boundary or br
  bool pending_space_ = false;  // whitespace seen, written only if content follows
  bool pending_break_ = false;  // an unwrapped block ended: br before the next content
};

// ---------------------------------------------------------------------------------
// From libxml2's tree to ours.

// htmlReadMemory takes an int size; notes of a gigabyte are cut there.
constexpr size_t kMaxInputBytes = size_t{1} << 30;

// Appends `in` with CR LF and CR made LF, as HTML reads line ends.
void append_lf_lines(std::string_view in, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      *out += '\n';
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else {
      *out += in[i];
    }
  }
}

// An element's attributes as xmlGetProp would give them but without its copies: the
// parser has already decoded character references into the values' text nodes.
class XmlAttributes final : public Attributes {
 public:
  explicit XmlAttributes(const xmlNode* element) : element_(element) {}

  std::string value(std::string_view name) const override {
    for (const xmlAttr* a = element_->properties; a != nullptr; a = a->next) {
      if (a->name == nullptr || name != reinterpret_cast<const char*>(a->name)) continue;
      std::string value;
      for (const xmlNode* t = a->children; t != nullptr; t = t->next)
        if (t->content != nullptr) value += reinterpret_cast<const char*>(t->content);
      return clean_text(value);
    }
    return {};
  }

 private:
  const xmlNode* element_;
};

// Gives `builder` the siblings from `first` and everything below them, without
// recursion.
void walk_html(xmlNode* first, Builder* builder) {
  // Returns true when `n` was entered, to be left after its children.
  auto enter = [builder](xmlNode* n) {
    if (n->type == XML_TEXT_NODE) {
      if (n->content != nullptr) builder->text(clean_text(reinterpret_cast<const char*>(n->content)));
      return false;
    }
    if (n->type != XML_ELEMENT_NODE || n->name == nullptr) return false;  // comments, ...
    std::string name(reinterpret_cast<const char*>(n->name));
    for (char& c : name) c = to_lower(c);
    // libxml2 drops prefixes: Word's <o:p> arrives as p, <svg:script> as script.
    return builder->enter(name, XmlAttributes(n));
  };
  xmlNode* n = first;
  while (n != nullptr) {
    const bool entered = enter(n);
    if (entered && n->children != nullptr) {
      n = n->children;
      continue;
    }
    if (entered) builder->leave();
    while (n != nullptr && n->next == nullptr) {
      n = n->parent;
      if (n == nullptr || n->type != XML_ELEMENT_NODE) {
        n = nullptr;  // back at the document
        break;
      }
      builder->leave();
    }
    if (n != nullptr) n = n->next;
  }
}

thread_local notes_internal::PathCounts path_counts_here;

struct XmlDocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

Tree parse_html(std::string_view html) {
  static const bool initialized = [] {
    xmlInitParser();  // once, before any thread parses
    return true;
  }();
  (void)initialized;
  ++path_counts_here.html_parses;

  const std::string cleaned = clean_text(html);
  const std::string_view body = utf8_prefix(cleaned, kMaxInputBytes);
  // Inside <body>, so that leading text stays text.
  std::string input = "<html><body>";
  input.reserve(input.size() + body.size());
  append_lf_lines(body, &input);

  Tree tree;
  // Not HTML_PARSE_NOBLANKS: it drops the space in "<em>a</em> <em>b</em>".
  // HTML_PARSE_IGNORE_ENC: the input is UTF-8 whatever a <meta charset> in it says.
  const int options = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
  std::unique_ptr<xmlDoc, XmlDocDeleter> doc(htmlReadMemory(
      input.data(), static_cast<int>(input.size()), nullptr, "UTF-8", options));
  if (doc == nullptr) return tree;
  Builder builder(&tree);
  walk_html(doc->children, &builder);  // html, head and body are unwrapped or dropped like any element
  builder.finish();
  return tree;
}

// ---------------------------------------------------------------------------------
// From md4c's parser to our tree, without HTML in between (the fast path).
//
// Writing md4c's HTML (md_html) and parsing it back with libxml2 took most of the time
// of rendering notes. MarkdownReader takes md4c's parser events instead and gives the
// Builder exactly what walk_html would give it for md_html's output: the same elements,
// attributes and text nodes, so the tree, and every byte written from it, is the same.
// md_html's output is plain enough for that: nested as md4c's events are, every & < >
// " in text and attributes escaped, which libxml2 reads back as they were. One quirk
// is followed: md4c nests an autolink in a link's text, and libxml2 closes the outer
// link there. Where libxml2 would read back something else, the reader gives up and
// the caller takes the slow path:
// - raw HTML (MD_BLOCK_HTML, MD_TEXT_HTML): what libxml2 makes of it is libxml2's;
// - an image in an image (md_html 0.4.8 ends the alt attribute at the inner image's
//   end), and elements md4c enters and never leaves (libxml2 closes them somewhere);
// - nesting deeper than kMaxFastDepth: libxml2 stops at 256 open elements and drops
//   the rest of the document;
// - a text node or attribute longer than kMaxFastTextBytes: libxml2 stops likewise at a
//   text node of 10,000,000 bytes (XML_MAX_TEXT_LENGTH);
// - HTML that could grow past what parse_html reads (kMaxInputBytes);
// - many named entities not seen before (kMaxEntityLookups), each an md_html call;
// - what the parser flags do not enable (tables, strikethrough, ...), never seen.
// What md_html writes is md4c 0.4.8's (Debian 12's); tests/feed/notes_fast_test.cpp renders
// thousands of notes both ways, so another md4c that writes otherwise fails there.

// CommonMark plus bare URLs, www. links and e-mail addresses made links.
constexpr unsigned kParserFlags = MD_FLAG_PERMISSIVEAUTOLINKS;

constexpr size_t kMaxFastDepth = 200;
constexpr size_t kMaxFastTextBytes = 1000000;
constexpr int kMaxEntityLookups = 64;
// Returned by a callback to stop md_parse. Negative: md4c 0.4.8 passes a positive
// value up only from some functions, and goes on parsing after others.
constexpr int kGiveUp = -2;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// md_html's hex_val (md4c passes it only hex digits).
uint32_t md4c_hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint32_t>(c - '0');
  if (c >= 'A' && c <= 'Z') return static_cast<uint32_t>(c - 'A' + 10);
  return static_cast<uint32_t>(c - 'a' + 10);
}

// Appends `cp` as md_html writes a decoded character: UTF-8, surrogates included
// (clean_text makes them U+FFFD later, as parse_html does), U+FFFD for 0 and for
// values past U+10FFFF.
void append_md4c_codepoint(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF) {
    *out += kReplacement;
  } else if (cp <= 0x7F) {
    *out += static_cast<char>(cp);
  } else if (cp <= 0x7FF) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp <= 0xFFFF) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// What md_html writes for the named entity `entity` ("&name;"), unescaped: md4c's
// table of HTML5's names is not in its API, so md_html renders the entity alone, and
// gives "<p>" + the decoded (or, unknown, verbatim) text, escaped + "</p>\n". nullopt
// when it gives anything else.
std::optional<std::string> md_html_entity(std::string_view entity) {
  std::string html;
  const int rc = md_html(
      entity.data(), static_cast<MD_SIZE>(entity.size()),
      [](const MD_CHAR* text, MD_SIZE size, void* out) {
        static_cast<std::string*>(out)->append(text, size);
      },
      &html, kParserFlags, 0);
  const std::string_view head = "<p>", tail = "</p>\n";
  if (rc != 0 || !html.starts_with(head) || !html.ends_with(tail)) return std::nullopt;
  const std::string_view escaped = std::string_view(html).substr(
      head.size(), html.size() - head.size() - tail.size());
  std::string out;
  for (size_t i = 0; i < escaped.size();) {
    if (escaped[i] != '&') {
      out += escaped[i++];
      continue;
    }
    bool known = false;
    for (const auto& [name, c] : {std::pair<std::string_view, char>{"&amp;", '&'},
                                  {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}}) {
      if (escaped.substr(i, name.size()) == name) {
        out += c;
        i += name.size();
        known = true;
        break;
      }
    }
    if (!known) return std::nullopt;
  }
  return out;
}

// md_html writes a URL's bytes as they are only when they are ASCII letters or digits
// or in its list of these (% among them: the URL may be escaped already); & as &amp;,
// which libxml2 reads back as &; every other byte as %XX.
void append_md4c_url(std::string_view in, std::string* out) {
  static constexpr std::string_view kSafe = "-_.+!*(),%#@?=;:/$&";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        (u < 0x80 && u != 0 && kSafe.find(c) != std::string_view::npos)) {
      *out += c;
    } else {
      *out += '%';
      *out += kHex[u >> 4];
      *out += kHex[u & 0xF];
    }
  }
}

// `s` from `from` on as parse_html hands it to libxml2: clean, line ends LF. What
// lies between two tags can be made so on its own: tags are ASCII, where no invalid
// run of bytes and no CR LF can go on.
void make_as_parsed(std::string* s, size_t from = 0) {
  const std::string_view tail = std::string_view(*s).substr(from);
  if (is_clean_text(tail) && tail.find('\r') == std::string_view::npos) return;
  std::string out;
  append_lf_lines(clean_text(tail), &out);
  s->resize(from);
  *s += out;
}

// The attributes md_html writes for an element, as libxml2 reads them back.
class MarkdownAttributes final : public Attributes {
 public:
  void add(std::string_view name, std::string value) { values_[size_++] = {name, std::move(value)}; }

  std::string value(std::string_view name) const override {
    for (size_t i = 0; i < size_; ++i) {
      if (values_[i].first == name) return values_[i].second;
    }
    return {};
  }

 private:
  std::array<std::pair<std::string_view, std::string>, 2> values_;
  size_t size_ = 0;
};

const NoAttributes kNoAttributes;

constexpr std::string_view kHeadings[] = {"h1", "h2", "h3", "h4", "h5", "h6"};

// Gives the Builder, from md4c's parser events, what walk_html would give it for the
// HTML md_html writes for them (see above).
class MarkdownReader {
 public:
  explicit MarkdownReader(Tree* tree) : b_(tree) {}

  // Reads `markdown` (clean, at most UINT32_MAX bytes) into the tree. Returns false
  // when it gave up, or md4c failed: the tree is then unfinished, and only the slow
  // path can tell what the notes are.
  bool read(std::string_view markdown) {
    if (markdown.starts_with(kByteOrderMark)) markdown.remove_prefix(kByteOrderMark.size());  // as md_html
    MD_PARSER parser{};
    parser.flags = kParserFlags;
    parser.enter_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      auto* r = static_cast<MarkdownReader*>(self);
      return r->check(r->enter_block(type, detail));
    };
    parser.leave_block = [](MD_BLOCKTYPE type, void* detail, void* self) {
      auto* r = static_cast<MarkdownReader*>(self);
      return r->check(r->leave_block(type, detail));
    };
    parser.enter_span = [](MD_SPANTYPE type, void* detail, void* self) {
      auto* r = static_cast<MarkdownReader*>(self);
      return r->check(r->enter_span(type, detail));
    };
    parser.leave_span = [](MD_SPANTYPE type, void* /*detail*/, void* self) {
      auto* r = static_cast<MarkdownReader*>(self);
      return r->check(r->leave_span(type));
    };
    parser.text = [](MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
      auto* r = static_cast<MarkdownReader*>(self);
      return r->check(r->text(type, std::string_view(text, size)));
    };
    const int rc = md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, this);
    if (rc != 0 || gave_up_ || !open_.empty()) return false;
    flush();
    b_.finish();
    return true;
  }

 private:
  // Once given up, stays so: no event after that may reach the Builder.
  int check(int rc) {
    if (rc != 0) gave_up_ = true;
    return gave_up_ ? kGiveUp : 0;
  }

  // md_html's output for each event is in the comments.
  int enter_block(MD_BLOCKTYPE type, void* detail) {
    if (int rc = grow(0)) return rc;
    switch (type) {
      case MD_BLOCK_DOC:  // nothing: parse_html puts it in <html><body>
        if (int rc = open("html")) return rc;
        return open("body");
      case MD_BLOCK_QUOTE:  // <blockquote>\n
        if (int rc = open("blockquote")) return rc;
        return add_text("\n");
      case MD_BLOCK_UL:  // <ul>\n
        if (int rc = open("ul")) return rc;
        return add_text("\n");
      case MD_BLOCK_OL: {  // <ol>\n, or <ol start="N">\n unless N is 1
        const unsigned start = static_cast<const MD_BLOCK_OL_DETAIL*>(detail)->start;
        MarkdownAttributes attributes;
        if (start != 1) attributes.add("start", std::to_string(start));
        if (int rc = open("ol", attributes)) return rc;
        return add_text("\n");
      }
      case MD_BLOCK_LI:  // <li>; a task list item has more, but the flags leave them out
        if (static_cast<const MD_BLOCK_LI_DETAIL*>(detail)->is_task) return kGiveUp;
        return open("li");
      case MD_BLOCK_HR:  // <hr>\n
        if (int rc = empty("hr")) return rc;
        return add_text("\n");
      case MD_BLOCK_H: {  // <hN>
        const unsigned level = static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level;
        if (level < 1 || level > 6) return kGiveUp;
        return open(kHeadings[level - 1]);
      }
      case MD_BLOCK_CODE: {  // <pre><code>, with a class attribute the allow-list drops
        const MD_ATTRIBUTE& lang = static_cast<const MD_BLOCK_CODE_DETAIL*>(detail)->lang;
        if (int rc = grow(lang.size)) return rc;
        if (int rc = open("pre")) return rc;
        return open("code");
      }
      case MD_BLOCK_P:  // <p>
        return open("p");
      default:  // raw HTML; tables, which the flags leave out
        return kGiveUp;
    }
  }

  int leave_block(MD_BLOCKTYPE type, void* detail) {
    if (int rc = grow(0)) return rc;
    switch (type) {
      case MD_BLOCK_DOC:  // nothing
        if (int rc = close("body")) return rc;
        return close("html");
      case MD_BLOCK_HR:  // nothing
        return 0;
      case MD_BLOCK_CODE:  // </code></pre>\n
        if (int rc = close("code")) return rc;
        if (int rc = close("pre")) return rc;
        break;
      case MD_BLOCK_QUOTE:  // </blockquote>\n
        if (int rc = close("blockquote")) return rc;
        break;
      case MD_BLOCK_UL:  // </ul>\n
        if (int rc = close("ul")) return rc;
        break;
      case MD_BLOCK_OL:  // </ol>\n
        if (int rc = close("ol")) return rc;
        break;
      case MD_BLOCK_LI:  // </li>\n
        if (int rc = close("li")) return rc;
        break;
      case MD_BLOCK_H: {  // </hN>\n
        const unsigned level = static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level;
        if (level < 1 || level > 6) return kGiveUp;
        if (int rc = close(kHeadings[level - 1])) return rc;
        break;
      }
      case MD_BLOCK_P:  // </p>\n
        if (int rc = close("p")) return rc;
        break;
      default:
        return kGiveUp;
    }
    return add_text("\n");
  }

  int enter_span(MD_SPANTYPE type, void* detail) {
    if (int rc = grow(0)) return rc;
    // In an image's label md_html writes only the text, into the alt attribute. An
    // image in one: md_html 0.4.8 ends the alt at the inner image's end, and writes
    // the rest of the label as text.
    if (images_) return type == MD_SPAN_IMG ? kGiveUp : 0;
    switch (type) {
      case MD_SPAN_EM:  // <em>
        return open("em");
      case MD_SPAN_STRONG:  // <strong>
        return open("strong");
      case MD_SPAN_CODE:  // <code>
        return open("code");
      case MD_SPAN_A: {  // <a href="..."> or <a href="..." title="...">
        const auto* a = static_cast<const MD_SPAN_A_DETAIL*>(detail);
        MarkdownAttributes attributes;
        std::string value;
        if (int rc = attribute(a->href, true, &value)) return rc;
        attributes.add("href", std::move(value));
        if (a->title.text != nullptr) {
          value.clear();
          if (int rc = attribute(a->title, false, &value)) return rc;
          attributes.add("title", std::move(value));
        }
        // md4c nests an autolink in a link's text ("[see www.x.org](/u)"). An a start
        // tag closes an a that is the current element (libxml2's htmlAutoClose): the
        // outer link ends there, and its end tag, later, is stray.
        if (open_.back() == "a") {
          if (int rc = close("a")) return rc;
          ++stray_link_ends_;
        }
        return open("a", attributes);
      }
      case MD_SPAN_IMG: {  // <img src="..." alt="..."> (or with a title), all dropped
        const auto* img = static_cast<const MD_SPAN_IMG_DETAIL*>(detail);
        if (int rc = grow(img->src.size + img->title.size)) return rc;
        images_ = true;
        return empty("img");
      }
      default:  // u, del, x-wikilink, LaTeX: the flags leave them out
        return kGiveUp;
    }
  }

  int leave_span(MD_SPANTYPE type) {
    if (int rc = grow(0)) return rc;
    if (images_) {
      if (type == MD_SPAN_IMG) images_ = false;
      return 0;
    }
    switch (type) {
      case MD_SPAN_EM:  // </em>
        return close("em");
      case MD_SPAN_STRONG:  // </strong>
        return close("strong");
      case MD_SPAN_CODE:  // </code>
        return close("code");
      case MD_SPAN_A:  // </a>
        if (open_.back() != "a" && stray_link_ends_ > 0 &&
            std::find(open_.begin(), open_.end(), "a") == open_.end()) {
          // With no a open libxml2 ignores it, and the text on both sides is one node.
          --stray_link_ends_;
          settle();
          return 0;
        }
        return close("a");
      default:
        return kGiveUp;
    }
  }

  int text(MD_TEXTTYPE type, std::string_view s) {
    if (int rc = grow(s.size())) return rc;
    if (type == MD_TEXT_HTML || type == MD_TEXT_LATEXMATH) return kGiveUp;
    if (images_) return 0;  // the alt text
    switch (type) {
      case MD_TEXT_NULLCHAR:
        return add_text(kReplacement);
      case MD_TEXT_BR:  // <br>\n
        if (int rc = empty("br")) return rc;
        return add_text("\n");
      case MD_TEXT_SOFTBR:  // \n
        return add_text("\n");
      case MD_TEXT_ENTITY: {  // decoded, escaped
        std::string decoded;
        if (int rc = entity(s, &decoded)) return rc;
        return add_text(decoded, true);
      }
      case MD_TEXT_NORMAL:  // escaped
      case MD_TEXT_CODE:
        return add_text(s);
      default:
        return kGiveUp;
    }
  }

  // An element starts: its content and its end follow.
  int open(std::string_view name, const Attributes& attributes = kNoAttributes) {
    flush();
    if (open_.size() >= kMaxFastDepth) return kGiveUp;
    open_.push_back(name);
    if (dropped_ == 0 && !b_.enter(name, attributes)) dropped_ = open_.size();  // its content goes too
    return 0;
  }

  // The element `name` ends. md4c 0.4.8 does not always end what it starts: an
  // emphasis begun in a link's text and ended in its destination ("_[](_)") is
  // entered and never left. libxml2 closes such elements where their parent ends;
  // the reader gives up instead.
  int close(std::string_view name) {
    if (open_.empty() || open_.back() != name) return kGiveUp;
    flush();
    if (dropped_ == 0) {
      b_.leave();
    } else if (dropped_ == open_.size()) {
      dropped_ = 0;
    }
    open_.pop_back();
    return 0;
  }

  // A void element (br, hr, img): no content, no end tag.
  int empty(std::string_view name) {
    flush();
    if (open_.size() >= kMaxFastDepth) return kGiveUp;
    if (dropped_ == 0 && b_.enter(name, kNoAttributes)) b_.leave();
    return 0;
  }

  // Text of the current text node: libxml2 makes one node of all the text between
  // two elements. md4c's own text is clean, cut from the Markdown render_notes made
  // clean at ASCII marks; decoded entities (&#xD800;, &#1;, &#13;) may not be.
  int add_text(std::string_view s, bool decoded = false) {
    if (dropped_ > 0) return 0;
    if (decoded || s.find('\r') != std::string_view::npos) unsettled_ = true;
    run_ += s;
    return run_.size() > kMaxFastTextBytes ? kGiveUp : 0;
  }

  // A tag: the text since the last one is made as parse_html hands it to libxml2.
  void settle() {
    if (unsettled_) make_as_parsed(&run_, settled_);
    unsettled_ = false;
    settled_ = run_.size();
  }

  // An element starts or ends: the text node before it is complete.
  void flush() {
    settle();
    if (!run_.empty()) b_.text(run_);
    run_.clear();
    settled_ = 0;
  }

  // Counts what md_html would write, generously: each event's tags in 64 bytes, each
  // byte of text or attributes in 6 (as &quot;).
  int grow(size_t bytes) {
    html_bytes_ += 64 + 6 * bytes;
    return html_bytes_ > kMaxInputBytes ? kGiveUp : 0;
  }

  // Appends the value md_html writes for `a`, as libxml2 reads it back (url: an href,
  // with the bytes of its text and decoded entities written as append_md4c_url does).
  int attribute(const MD_ATTRIBUTE& a, bool url, std::string* out) {
    if (int rc = grow(a.size)) return rc;
    for (size_t i = 0; a.substr_offsets[i] < a.size; ++i) {
      const std::string_view piece(a.text + a.substr_offsets[i], a.substr_offsets[i + 1] - a.substr_offsets[i]);
      switch (a.substr_types[i]) {
        case MD_TEXT_NULLCHAR:
          *out += kReplacement;  // not escaped, even in a URL
          break;
        case MD_TEXT_ENTITY: {
          std::string decoded;
          if (int rc = entity(piece, &decoded)) return rc;
          url ? append_md4c_url(decoded, out) : void(*out += decoded);
          break;
        }
        default:
          url ? append_md4c_url(piece, out) : void(*out += piece);
          break;
      }
    }
    make_as_parsed(out);
    return out->size() > kMaxFastTextBytes ? kGiveUp : 0;
  }

  // Appends the text md_html decodes the entity `e` to ("&...;", as md4c passes it).
  int entity(std::string_view e, std::string* out) {
    if (e.size() > 3 && e[1] == '#') {
      uint32_t cp = 0;  // md_html's arithmetic, unsigned
      if (e[2] == 'x' || e[2] == 'X') {
        for (size_t i = 3; i + 1 < e.size(); ++i) cp = 16 * cp + md4c_hex_value(e[i]);
      } else {
        for (size_t i = 2; i + 1 < e.size(); ++i) cp = 10 * cp + static_cast<uint32_t>(e[i] - '0');
      }
      append_md4c_codepoint(cp, out);
      return 0;
    }
    // Names are few, and notes use fewer: each thread asks md_html once for each.
    thread_local std::unordered_map<std::string, std::string> known;
    const std::string name(e);
    if (auto it = known.find(name); it != known.end()) {
      *out += it->second;
      return 0;
    }
    if (++entity_lookups_ > kMaxEntityLookups) return kGiveUp;  // a flood of made-up names
    std::optional<std::string> decoded = md_html_entity(e);
    if (!decoded) return kGiveUp;
    *out += *decoded;
    if (known.size() < 4096) known.emplace(name, std::move(*decoded));
    return 0;
  }

  Builder b_;
  std::string run_;           // the text node being read
  size_t settled_ = 0;        // run_ up to here is as libxml2 would read it
  bool unsettled_ = false;    // and the rest may not be
  std::vector<std::string_view> open_;  // open elements, html and body too, as libxml2 counts them
  size_t dropped_ = 0;      // the depth of an element the Builder dropped, 0 when none is open
  bool images_ = false;     // in an image: its label is alt text
  size_t stray_link_ends_ = 0;  // ends of links closed early, still to come
  size_t html_bytes_ = 0;   // at least what md_html would have written so far
  int entity_lookups_ = 0;  // names asked of md_html
  bool gave_up_ = false;
};

// ---------------------------------------------------------------------------------
// Our tree to HTML, whole or cut.

enum Cut : size_t { kBlockCut = 0, kWordCut = 1, kCharCut = 2 };

struct Candidate {
  size_t index = kNone;  // the how-many-th cut point of the walk
  size_t bytes = 0;      // the size of the result when cut there
};

class Writer {
 public:
  explicit Writer(const Tree& tree) : t_(tree) {}

  std::string write() {
    run();
    if (!out_.empty() && out_.back() == '\n') out_.pop_back();
    return std::move(out_);
  }

  // The last cut point of each kind whose result is at most max_bytes.
  std::array<Candidate, 3> measure(size_t max_bytes) {
    measuring_ = true;
    max_bytes_ = max_bytes;
    run();
    return best_;
  }

  std::string write_cut(const Candidate& at, Cut kind) {
    stop_index_ = at.index;
    run();
    std::string result = std::move(out_);
    if (kind != kBlockCut) result += kEllipsis;
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
      result += "</";
      result += tag_name(*it);
      result += '>';
    }
    if (open_.empty() && !result.empty() && result.back() == '\n') result.pop_back();
    return result;
  }

 private:
  void run() {
    size_t id = t_.nodes[0].first_child;
    while (id != kNone && !done_) {
      const Node& n = t_.nodes[id];
      if (n.tag == Tag::kText) {
        text(t_.text_of(n));
      } else if (n.tag == Tag::kBr) {
        line_break();
      } else {
        open(n);
        if (n.first_child != kNone) {
          id = n.first_child;
          continue;
        }
        close(n);
      }
      while (!done_) {
        const Node& c = t_.nodes[id];
        if (c.next != kNone) {
          id = c.next;
          break;
        }
        id = c.parent;
        if (id == 0 || id == kNone) {
          id = kNone;
          break;
        }
        close(t_.nodes[id]);
      }
    }
  }

  void open(const Node& n) {
    const std::string_view name = tag_name(n.tag);
    out_ += '<';
    out_ += name;
    if (n.tag == Tag::kA) {
      const Link& link = t_.links[n.link];
      out_ += " href=\"";
      escape(link.href);
      out_ += '"';
      if (!link.title.empty()) {
        out_ += " title=\"";
        escape(link.title);
        out_ += '"';
      }
    } else if (n.tag == Tag::kOl && n.start >= 0) {
      out_ += " start=\"" + std::to_string(n.start) + "\"";
    }
    out_ += '>';
    open_.push_back(n.tag);
    closers_bytes_ += name.size() + 3;
    if (n.tag == Tag::kUl || n.tag == Tag::kOl || n.tag == Tag::kBlockquote) out_ += '\n';
    if (n.tag == Tag::kPre) {
      ++pre_depth_;
      // HTML drops a newline right after <pre>: keep one that belongs to the text.
      if (n.first_child != kNone && t_.nodes[n.first_child].tag == Tag::kText &&
          t_.text_of(t_.nodes[n.first_child]).substr(0, 1) == "\n") {
        out_ += '\n';
      }
    }
    if (is_block(n.tag)) line_has_text_ = false;
  }

  void close(const Node& n) {
    const std::string_view name = tag_name(n.tag);
    out_ += "</";
    out_ += name;
    out_ += '>';
    open_.pop_back();
    closers_bytes_ -= name.size() + 3;
    if (n.tag == Tag::kPre) --pre_depth_;
    if (is_block(n.tag)) {
      out_ += '\n';
      line_has_text_ = false;
      candidate(kBlockCut);
    }
  }

  void line_break() {
    if (line_has_text_) candidate(kWordCut);
    if (done_) return;
    out_ += "<br/>";
    if (pre_depth_ == 0) out_ += '\n';
  }

  void text(std::string_view s) {
    if (!measuring_ && stop_index_ == kNone) {
      // Written whole: no cut point matters, so runs that need no escape go at once.
      size_t begin = 0;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&' && s[i] != '<' && s[i] != '>') continue;
        out_.append(s, begin, i - begin);
        escape_char(s[i]);
        begin = i + 1;
      }
      out_.append(s, begin);
      if (!line_has_text_) line_has_text_ = !std::all_of(s.begin(), s.end(), is_space);
      return;
    }
    for (char c : s) {
      if (line_has_text_) {
        if (is_space(c)) {
          candidate(kWordCut);
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
          candidate(kCharCut);
        }
        if (done_) return;
      }
      escape_char(c);
      if (!is_space(c)) line_has_text_ = true;
    }
  }

  void escape(std::string_view s) {
    for (char c : s) {
      if (c == '"') {
        out_ += "&quot;";
      } else {
        escape_char(c);
      }
    }
  }

  // > too, so that "]]>" cannot occur and the output can sit in CDATA.
  void escape_char(char c) {
    switch (c) {
      case '&': out_ += "&amp;"; break;
      case '<': out_ += "&lt;"; break;
      case '>': out_ += "&gt;"; break;
      default: out_ += c; break;
    }
  }

  void candidate(Cut kind) {
    const size_t index = next_index_++;
    if (index == stop_index_) {
      done_ = true;
      return;
    }
    if (!measuring_) return;
    // A block cut at the top level drops the newline after the block.
    const size_t bytes = out_.size() + closers_bytes_ +
                         (kind == kBlockCut ? 0 : kEllipsis.size()) -
                         (kind == kBlockCut && closers_bytes_ == 0 ? 1 : 0);
    if (bytes <= max_bytes_) best_[kind] = Candidate{index, bytes};
    if (out_.size() > max_bytes_ + 1) done_ = true;  // no later cut can fit
  }

  const Tree& t_;
  std::string out_;
  std::vector<Tag> open_;
  size_t closers_bytes_ = 0;  // what closing every open element would add
  size_t pre_depth_ = 0;
  bool line_has_text_ = false;  // text since the last block boundary: a cut may go here
  bool measuring_ = false;
  size_t max_bytes_ = 0;
  std::array<Candidate, 3> best_{};
  size_t next_index_ = 0;
  size_t stop_index_ = kNone;
  bool done_ = false;
};

// `whole`, which is Writer(tree).write(), cut to `max_bytes` as cut_html() promises.
// The one place that chooses the cut, for cut_html() and render_notes() alike.
std::string cut_tree(const Tree& tree, std::string_view whole, size_t max_bytes) {
  if (whole.size() <= max_bytes) return std::string(whole);

  const std::array<Candidate, 3> best = Writer(tree).measure(max_bytes);
  const Candidate& block = best[kBlockCut];
  const Candidate& word = best[kWordCut];
  const Candidate& chr = best[kCharCut];
  const bool has_block = block.index != kNone;
  if (has_block && block.bytes >= max_bytes / 2) return Writer(tree).write_cut(block, kBlockCut);
  if (word.index != kNone && (!has_block || word.bytes > block.bytes)) {
    return Writer(tree).write_cut(word, kWordCut);
  }
  if (has_block) return Writer(tree).write_cut(block, kBlockCut);
  if (chr.index != kNone) return Writer(tree).write_cut(chr, kCharCut);
  return "";
}

// ---------------------------------------------------------------------------------
// Our tree to plain text.

bool text_is_url(std::string_view text, std::string_view href) {
  if (text == href) return true;
  for (std::string_view prefix : {"mailto:", "http://", "https://"}) {
    if (href.substr(0, prefix.size()) == prefix && href.substr(prefix.size()) == text) {
      return true;
    }
  }
  return false;
}

class TextWriter {
 public:
  explicit TextWriter(const Tree& tree) : t_(tree) {}

  std::string run() {
    size_t id = t_.nodes[0].first_child;
    while (id != kNone) {
      const Node& n = t_.nodes[id];
      if (n.tag == Tag::kText) {
        text(t_.text_of(n));
      } else if (n.tag == Tag::kBr) {
        if (!out_.empty()) ++breaks_;
      } else {
        open(n);
        if (n.first_child != kNone) {
          id = n.first_child;
          continue;
        }
        close(n);
      }
      while (true) {
        const Node& c = t_.nodes[id];
        if (c.next != kNone) {
          id = c.next;
          break;
        }
        id = c.parent;
        if (id == 0 || id == kNone) {
          id = kNone;
          break;
        }
        close(t_.nodes[id]);
      }
    }
    return std::move(out_);
  }

 private:
  void block_break(int newlines) { breaks_ = std::max(breaks_, newlines); }

  void open(const Node& n) {
    switch (n.tag) {
      case Tag::kUl:
      case Tag::kOl:
        block_break(indents_.empty() ? 2 : 1);
        numbers_.push_back(n.tag == Tag::kUl ? -1 : (n.start >= 0 ? n.start : 1));
        break;
      case Tag::kLi: {
        block_break(1);
        std::string marker = "- ";
        if (!numbers_.empty() && numbers_.back() >= 0) {
          marker = std::to_string(numbers_.back()++) + ". ";
        }
        marker_ = indent_ + marker;
        indents_.push_back(marker.size());
        indent_.append(marker.size(), ' ');
        break;
      }
      case Tag::kA:
        in_link_ = true;
        link_text_.clear();
        break;
      case Tag::kPre:
        ++pre_depth_;
        block_break(2);
        break;
      default:
        if (is_block(n.tag)) block_break(2);
        break;
    }
  }

  void close(const Node& n) {
    switch (n.tag) {
      case Tag::kUl:
      case Tag::kOl:
        numbers_.pop_back();
        block_break(indents_.empty() ? 2 : 1);
        break;
      case Tag::kLi:
        indent_.resize(indent_.size() - indents_.back());
        indents_.pop_back();
        marker_.clear();
        block_break(1);
        break;
      case Tag::kA: {
        in_link_ = false;
        const std::string& href = t_.links[n.link].href;
        if (!text_is_url(link_text_, href)) put(" (" + href + ")");
        break;
      }
      case Tag::kPre:
        --pre_depth_;
        block_break(2);
        break;
      default:
        if (is_block(n.tag)) block_break(2);
        break;
    }
  }

  void text(std::string_view s) {
    if (pre_depth_ == 0) {
      put(s);
      return;
    }
    // Verbatim, each line indented as the list item it is in.
    size_t begin = 0;
    while (begin <= s.size()) {
      const size_t end = std::min(s.find('\n', begin), s.size());
      put(s.substr(begin, end - begin));
      if (end == s.size()) break;
      if (!out_.empty()) ++breaks_;
      begin = end + 1;
    }
  }

  void put(std::string_view s) {
    if (s.empty()) return;
    if (!marker_.empty()) {
      if (!out_.empty()) out_.append(static_cast<size_t>(std::max(breaks_, 1)), '\n');
      out_ += marker_;
      marker_.clear();
    } else if (breaks_ > 0 && !out_.empty()) {
      out_.append(static_cast<size_t>(breaks_), '\n');
      out_ += indent_;
    }
    breaks_ = 0;
    out_ += s;
    if (in_link_) link_text_ += s;
  }

  const Tree& t_;
  std::string out_;
  int breaks_ = 0;               // newlines owed before the next text
  std::string indent_;           // of continuation lines in the open list items
  std::vector<size_t> indents_;  // what each open list item adds to indent_
  std::vector<int64_t> numbers_; // next number of each open ol; -1 for a ul
  std::string marker_;           // "- " or "3. " with its indent, before an item's first text
  bool in_link_ = false;
  std::string link_text_;
  int pre_depth_ = 0;
};

// ---------------------------------------------------------------------------------
// The two ways from Markdown. Both take `input` as render_notes() makes it: clean,
// and at most UINT32_MAX bytes (MD_SIZE is 32 bits).

// The notes read into `tree`, their summary cut from it. cut_html(html) cuts the tree
// parse_html() reads back from html instead; that tree writes the same bytes, and
// every cut the Writer can make follows from the bytes it has written, so the cut is
// the same. Unless libxml2 reads back less than html: past 257 open elements (html and
// body among them) it drops the rest, and `tree` can be deeper than what libxml2 read
// into it, as implicit li and p elements go in (raw "<ul><ul>" becomes
// <ul><li><ul><li>). Notes deeper than the fast way reads, well short of that, are cut
// as cut_html() cuts them. (libxml2 also stops a text at 10,000,000 bytes, which only
// texts joined around dropped elements reach: far past any cut, so it does not matter.)
RenderedNotes render_tree(const Tree& tree) {
  RenderedNotes notes{Writer(tree).write(), TextWriter(tree).run(), {}};
  notes.summary_html = tree.depth + 2 <= kMaxFastDepth  // + html and body, as the fast way counts
                           ? cut_tree(tree, notes.html, kAppleDescriptionMaxBytes)
                           : cut_html(notes.html, kAppleDescriptionMaxBytes);
  return notes;
}

std::optional<RenderedNotes> render_fast(std::string_view input) {
  Tree tree;
  // About what short notes need, so that the vectors rarely grow.
  tree.nodes.reserve(16 + input.size() / 16);
  tree.text.reserve(input.size());
  if (!MarkdownReader(&tree).read(input)) return std::nullopt;
  return render_tree(tree);
}

Result<RenderedNotes> render_slow(std::string_view input) {
  std::string html;
  const int rc = md_html(
      input.data(), static_cast<MD_SIZE>(input.size()),
      [](const MD_CHAR* text, MD_SIZE size, void* out) {
        static_cast<std::string*>(out)->append(text, size);
      },
      &html, kParserFlags, MD_HTML_FLAG_SKIP_UTF8_BOM);
  if (rc != 0) {
    return Error{ErrorCode::kInvalidInput, "the show notes could not be rendered from Markdown",
                 "", 0, 0};
  }
  return render_tree(parse_html(html));
}

}  // namespace

namespace notes_internal {

std::optional<RenderedNotes> render_notes_fast(std::string_view markdown) {
  const std::string cleaned = clean_text(markdown);
  return render_fast(utf8_prefix(cleaned, UINT32_MAX));
}

Result<RenderedNotes> render_notes_slow(std::string_view markdown) {
  const std::string cleaned = clean_text(markdown);
  return render_slow(utf8_prefix(cleaned, UINT32_MAX));
}

PathCounts path_counts() { return path_counts_here; }

}  // namespace notes_internal

Result<RenderedNotes> render_notes(std::string_view markdown) {
  const std::string cleaned = clean_text(markdown);
  const std::string_view input = utf8_prefix(cleaned, UINT32_MAX);
  if (std::optional<RenderedNotes> fast = render_fast(input)) {
    ++path_counts_here.fast;
    return std::move(*fast);
  }
  ++path_counts_here.slow;
  return render_slow(input);
}

std::string sanitize_html(std::string_view html) {
  const Tree tree = parse_html(html);
  return Writer(tree).write();
}

std::string html_to_text(std::string_view html) {
  const Tree tree = parse_html(html);
  return TextWriter(tree).run();
}

std::string cut_html(std::string_view html, size_t max_bytes) {
  const Tree tree = parse_html(html);
  return cut_tree(tree, Writer(tree).write(), max_bytes);
}

}  // namespace podsmith
