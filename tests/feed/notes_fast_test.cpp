// render_notes() has two ways (src/feed/notes_internal.h): the fast one reads md4c's parser
// events, the slow one parses md4c's HTML back with libxml2. These tests hold the fast
// way to giving the slow way's bytes for every input it accepts, and to accepting
// ordinary notes; and both ways to cutting the summary exactly as cut_html() cuts
// their html, which parses it again.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "feed/notes_internal.h"
#include "podsmith/feed/notes.h"
#include "test_support.h"

using podsmith::cut_html;
using podsmith::kAppleDescriptionMaxBytes;
using podsmith::notes_internal::path_counts;
using podsmith::notes_internal::render_notes_fast;
using podsmith::notes_internal::render_notes_slow;

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// How the summaries of the notes compared were cut, so that a test can tell that each
// kind of cut was compared.
struct CutTally {
  size_t whole = 0;  // the html fits
  size_t block = 0;  // after a block
  size_t word = 0;   // at a space or a line break, with an ellipsis
  size_t chr = 0;    // inside a word, with an ellipsis
  size_t empty = 0;  // nothing fits
};

void tally_cut(std::string_view html, std::string_view summary, CutTally* tally) {
  if (summary == html) {
    ++tally->whole;
    return;
  }
  if (summary.empty()) {
    ++tally->empty;
    return;
  }
  // What the cut kept: the summary without its closing tags and its ellipsis. A block
  // whose text ends in "…" would count as cut inside: the generated notes have none.
  std::string_view kept = summary;
  while (kept.ends_with('>')) {
    const size_t open = kept.rfind("</");
    if (open == std::string_view::npos || kept.find('>', open) != kept.size() - 1) break;
    kept = kept.substr(0, open);
  }
  if (!kept.ends_with(kEllipsis)) {
    ++tally->block;
    return;
  }
  kept.remove_suffix(kEllipsis.size());
  const std::string_view rest = html.substr(kept.size());
  const bool at_word = rest.starts_with("<br/>") || rest.find_first_of(" \t\n\r\f") == 0;
  ++(at_word ? tally->word : tally->chr);
}

// Checks that the fast way, when it accepts `markdown`, gives the slow way's html and
// text, and that the summary of each is the cut cut_html() makes of the html. Returns
// whether the fast way accepted it.
bool same_both_ways(const std::string& markdown, CutTally* tally = nullptr) {
  CAPTURE(markdown);
  const auto slow = render_notes_slow(markdown);
  REQUIRE(slow.has_value());
  CHECK(slow->summary_html == cut_html(slow->html, kAppleDescriptionMaxBytes));
  if (tally != nullptr) tally_cut(slow->html, slow->summary_html, tally);
  const auto fast = render_notes_fast(markdown);
  if (!fast) return false;
  CHECK(fast->html == slow->html);
  CHECK(fast->text == slow->text);
  CHECK(fast->summary_html == slow->summary_html);
  return true;
}

// "&made0up; &made1up; ...", from &made<first>up;: entity names md4c passes on and
// md_html writes back as they are.
std::string made_up_entities(int first, int count) {
  std::string out;
  for (int i = first; i < first + count; ++i) out += "&made" + std::to_string(i) + "up; ";
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The Markdown inputs of notes_test.cpp.
const std::vector<std::string> kNotesTestInputs = {
    "# Title",
    "## Part\n\n###### Small",
    "- one\n- two",
    "1. one\n2. two",
    "3. three\n4. four",
    "- a\n\n  more\n- b",
    "- a\n  - nested",
    "*em* _em_ **strong** `code`",
    "```c\nint x = a < b;\n```",
    "    indented\n",
    "> quoted\n> text",
    "[site](https://example.org/a?b=1&c=2 \"The site\")",
    "[rel](/episodes/1)",
    "<https://example.org>",
    "See https://example.org/ep?x=1.",
    "Also www.example.org",
    "Mail me@example.org",
    "line  \nbreak",
    "soft\nwrap",
    "a &amp; b &copy; &check; < > \"q\"",
    "x ]]> y",
    "~~not struck~~ | a | b |",
    "---",
    "one\n\n---\n\ntwo",
    "![cover](https://example.org/c.jpg)",
    "Text ![cover](https://example.org/c.jpg) more",
    "<b>bold</b> and <i>italic</i>",
    "<div onclick=\"x()\">raw <span style=\"color:red\">html</span></div>",
    "<p>para</p>\n\n<ul><li>raw item</li></ul>",
    "[x](javascript:alert(1)) <script>alert(2)</script>",
    "",
    "# Episode 12\n\nWe talk about *podcasts* with [Ann](https://ann.example/).\n\n"
    "- RSS at https://example.org/feed.xml\n- Tea &amp; cake\n\nBye!",
    "caf\xC3 \xFF\xFE ok\x01\x1B nul:" + std::string(1, '\0') + "!",
    "# T\n\n- a\n- b\n\n```\ncode\n```\n\n> q\n\nhttps://e.org *x*",
    "# Episode 1: *Caf\xC3\xA9* & more\n\nWith **Ann** and [Bob](https://bob.example/?a=1&b=2).\n\n"
    "- first *item* with `code`\n- second\n  - nested item text here\n\n"
    "> A quote that goes on for a while.\n\n```\nlet x = 1 < 2;\n```\n\n"
    "Line one  \nline two \xF0\x9F\x8E\x99 https://example.org/end",
};

// ---------------------------------------------------------------------------------
// Random Markdown: a fixed seed, so the same documents on every run.

class MarkdownMaker {
 public:
  explicit MarkdownMaker(uint32_t seed) : random_(seed) {}

  std::string document() {
    const std::string_view ends[] = {"\n", "\n", "\n", "\r\n", "\r"};
    eol_ = ends[pick(std::size(ends))];
    mixed_ends_ = chance(10);
    // Raw HTML and images in images send a document the slow way: in a few only, or
    // few documents would be compared.
    slow_way_ = chance(25);
    std::string out;
    for (size_t n = 1 + pick(6); n > 0; --n) {
      block(&out, "", 0);
      out += chance(70) ? eol() + eol() : eol();
    }
    if (chance(30)) out.pop_back();
    return out;
  }

  // Markdown pieces strung together at random: what the structure above never makes.
  std::string soup() {
    static const std::vector<std::string> pieces = {
        "# ", "## ", "#", "> ", ">", "- ", "* ", "+ ", "1. ", "7) ", "  ", "    ", "\t", "\n", "\n",
        "\n\n", "\r\n", "\r", "```", "~~~", "```c\n", "---", "***", "===", "___", "*", "**", "_", "__",
        "`", "``", "[", "]", "(", ")", "](", "[a]", "[a]: /u", "[a]: /u \"t\"", "![", "<", ">",
        "<https://a.example/x>", "<me@a.example>", "https://a.example/p?q=1&r=2", "www.a.example",
        "me@a.example", "\\", "\\*", "\\\n", "  \n", "&", "&amp;", "&lt;", "&nbsp;", "&copy;",
        "&#35;", "&#x1F399;", "&#0;", "&#13;", "&#xD800;", "&bogus;", "&ThickSpace;", "\"", "'",
        "word", "other", "caf\xC3\xA9", "\xE6\x9D\xB1", "\xFF", "\x01", "\x7F", "]]>", "|", "!",
        "<b>", "</b>", "<div>", "<!-- c -->", "<br>", "javascript:x", "(t)", "\"t\"",
    };
    std::string out;
    for (size_t n = pick(80); n > 0; --n) out += pieces[pick(pieces.size())];
    return out;
  }

  // A few pieces of the constructs the fast way reads most carefully (links in links,
  // decoded entities that clean_text changes, line ends), densely.
  std::string dense() {
    static const std::vector<std::string> pieces = {
        "[", "]", "](", ")", "(/u)", "](/u \"t\")", "www.x.org", "e@m.x", "https://h.x/p", "<https://a.x>",
        "*", "_", "**", "`", "![", "&#xD800;", "&#xDC00;", "&#13;", "&#1;", "&#0;", "&amp;", "&nbsp;",
        "\xC2\xA0", " ", "\n", "\r", "\r\n", "  \n", "\\", "> ", "- ", "x",
    };
    std::string out;
    for (size_t n = 1 + pick(14); n > 0; --n) out += pieces[pick(pieces.size())];
    return out;
  }

  // Notes of 3,000 to 20,000 bytes, mostly past Apple's 4,000 once rendered, in the
  // shapes that make each kind of cut: many blocks (after a block), long paragraphs,
  // lines and code (at a space or a line break), and text without spaces, as a long
  // URL or Chinese and Japanese are written (inside a word, when no block fits).
  std::string long_document() {
    const std::string_view ends[] = {"\n", "\n", "\r\n"};
    eol_ = ends[pick(std::size(ends))];
    mixed_ends_ = chance(5);
    slow_way_ = chance(20);
    const size_t target = 3000 + pick(17000);
    std::string out;
    // A short start: a block cut there keeps less than half, so another cut may win.
    if (chance(30)) {
      block(&out, "", 0);
      out += eol() + eol();
    }
    switch (pick(7)) {
      case 0:  // paragraphs, headings, lists, quotes, code
        while (out.size() < target) {
          block(&out, "", 0);
          out += chance(70) ? eol() + eol() : eol();
        }
        break;
      case 1: {  // a list of many items, maybe in a quote or in an item
        const std::string_view prefixes[] = {"", "", "> ", "  "};
        const std::string prefix(prefixes[pick(std::size(prefixes))]);
        if (prefix == "  ") out += "- outer" + eol();
        const bool ordered = chance(40);
        for (size_t i = 1; out.size() < target; ++i) {
          out += prefix + (ordered ? std::to_string(i) + ". " : "- ") + inline_text() + eol();
        }
        break;
      }
      case 2:  // one paragraph of words, its lines joined or broken
        while (out.size() < target) {
          out += inline_text();
          out += chance(80) ? " " : chance(50) ? "  " + eol() : eol();
        }
        break;
      case 3: {  // one word: a long URL, a hash, a path
        const std::string_view starts[] = {"", "- ", "# ", "> ", "**", "https://long.example/", "`"};
        const std::string_view units[] = {"x", "ab", "caf\xC3\xA9", "\xF0\x9F\x8E\x99", "a&b", "x<y",
                                          "%20", "&amp;", "&#x1F399;", "\\*", "_", "-"};
        out += std::string(starts[pick(std::size(starts))]) + "w";
        const size_t kinds = 1 + pick(4);
        const size_t first = pick(std::size(units) - kinds + 1);
        while (out.size() < target) out += units[first + pick(kinds)];
        if (chance(50)) out += " and " + inline_text();
        break;
      }
      case 4: {  // Chinese or Japanese: no spaces, or (Korean) a few
        const std::string_view units[] = {
            "\xE6\x9D\xB1", "\xE4\xBA\xAC", "\xE3\x81\xAE", "\xE8\xA9\xB1", "\xE9\x9F\xB3",
            "\xE3\x80\x82", "\xE3\x80\x81", "\xEF\xBC\x8C", "\xE3\x80\x80", "\xF0\xA0\x80\x8B",
            "\xED\x95\x9C\xEA\xB5\xAD", "*\xE5\xBC\xB7*", "[\xE9\x8F\x88](/l)"};
        const bool spaces = chance(25);
        while (out.size() < target) {
          // Paragraphs of a few sentences, or one that never ends.
          const size_t length = chance(30) ? target : 100 + pick(2000);
          for (size_t n = 0; n < length && out.size() < target; n += 3) {
            out += units[pick(std::size(units))];
            if (spaces && chance(10)) out += ' ';
          }
          out += eol() + eol();
        }
        break;
      }
      case 5: {  // a code block
        const std::string fence = chance(50) ? "```" : "~~~";
        out += fence + eol();
        while (out.size() < target) {
          if (chance(10)) {  // a long run of one character: spaces, or none
            const char c = chance(50) ? 'c' : ' ';
            out += std::string(pick(300), c);
          } else {
            out += code_line();
          }
          out += eol();
        }
        out += fence + eol();
        break;
      }
      case 6:  // a paragraph per line, or lines broken in one
        while (out.size() < target) {
          out += inline_text() + (chance(50) ? eol() + eol() : "  " + eol());
        }
        break;
    }
    return out;
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }

  std::string eol() {
    if (!mixed_ends_) return eol_;
    const std::string_view ends[] = {"\n", "\r\n", "\r"};
    return std::string(ends[pick(3)]);
  }

  // Appends lines, each after `prefix` (a container's marker or indent).
  void block(std::string* out, const std::string& prefix, int depth) {
    auto line = [&](const std::string& text) { *out += prefix + text + eol(); };
    switch (pick(depth < 3 ? 14 : 9)) {
      case 0:
      case 1:
      case 2:
        for (size_t n = 1 + pick(3); n > 0; --n) line(inline_text());
        break;
      case 3:
        line(std::string(1 + pick(7), '#') + (chance(90) ? " " : "") + inline_text() +
             (chance(20) ? " ##" : ""));
        break;
      case 4:
        line(inline_text());
        line(chance(50) ? "===" : "---");
        break;
      case 5: {
        const std::string fence = chance(70) ? "```" : "~~~";
        const std::string_view langs[] = {"", "c", "python extra", "a&amp;b", "x\"y"};
        line(fence + std::string(langs[pick(std::size(langs))]));
        for (size_t n = pick(5); n > 0; --n) line(code_line());
        if (chance(90)) line(fence);
        break;
      }
      case 6:
        for (size_t n = 1 + pick(4); n > 0; --n) line(chance(20) ? "" : "    " + code_line());
        break;
      case 7:
        line(std::string(chance(50) ? "***" : chance(50) ? "---" : "_ _ _"));
        break;
      case 8: {
        const std::string_view titles[] = {"", " \"Title\"", " 'it''s'", " (paren &amp; t)"};
        line("[" + std::string(kRefs[pick(std::size(kRefs))]) + "]: " + url() +
             std::string(titles[pick(std::size(titles))]));
        break;
      }
      case 9:
      case 10: {  // a list, nested blocks in its items
        const bool ordered = chance(40);
        const size_t start = pick(3) == 0 ? pick(1000) : 1;
        const bool loose = chance(30);
        for (size_t i = 0, n = 1 + pick(4); i < n; ++i) {
          const std::string marker = ordered ? std::to_string(start + i) + (chance(80) ? ". " : ") ")
                                             : std::string(chance(70) ? "- " : "* ");
          std::string item;
          block(&item, "", depth + 1);
          if (chance(30)) {
            item += eol();
            block(&item, "", depth + 1);
          }
          indent(out, prefix, marker, item);
          if (loose) *out += prefix + eol();
        }
        break;
      }
      case 11:
      case 12: {  // a blockquote, lazy lines sometimes
        std::string inner;
        block(&inner, "", depth + 1);
        indent(out, prefix, chance(80) ? "> " : ">", inner, chance(10));
        break;
      }
      case 13:
        line(slow_way_ ? raw_html() : inline_text());
        break;
    }
  }

  // Appends `inner` under `marker` (its first line) and under spaces as wide (the rest).
  void indent(std::string* out, const std::string& prefix, const std::string& marker,
              const std::string& inner, bool lazy = false) {
    size_t begin = 0;
    bool first = true;
    while (begin < inner.size()) {
      size_t end = inner.find_first_of("\r\n", begin);
      if (end == std::string::npos) end = inner.size();
      size_t next = end;
      if (next < inner.size() && inner[next] == '\r') ++next;
      if (next < inner.size() && inner[next] == '\n' && (next == end || inner[next - 1] == '\r')) ++next;
      if (next == end) next = inner.size();
      const std::string text = inner.substr(begin, end - begin);
      const std::string lead = first ? marker : (marker[0] == '>' && !lazy ? marker : std::string(marker.size(), ' '));
      *out += prefix + (text.empty() && !first ? "" : lead) + text + inner.substr(end, next - end);
      first = false;
      begin = next;
    }
  }

  std::string code_line() {
    const std::string_view pieces[] = {"int x = a < b && c;", "\tTabbed", "  two spaces", "",
                                       "</code></pre>", "&amp; &#1; \xC3\xA9", "x  ", "\\*not*"};
    return std::string(pieces[pick(std::size(pieces))]);
  }

  std::string url() {
    const std::string_view urls[] = {
        "https://example.org/a?b=1&c=2", "/episodes/1", "http://x.example/%20y",
        "<https://e.example/with space>", "https://e.example/\xC3\xA9t\xC3\xA9",
        "mailto:me@example.org", "javascript:alert(1)", "java&#9;script:x", "",
        "<>", "https://e.example/&amp;&copy;&#0;&#xD800;", "https://e.example/~a'b\"c`{|}^[]",
        "  https://spaced.example/  ", "ftp://old.example/", "#anchor", "a\\*b",
    };
    return std::string(urls[pick(std::size(urls))]);
  }

  std::string raw_html() {
    const std::string_view html[] = {"<div>", "</div>", "<b>x</b>", "<!-- c -->", "<br/>",
                                     "<script>x</script>", "<p onclick=\"x\">y</p>", "<a href=\"u\">"};
    return std::string(html[pick(std::size(html))]);
  }

  std::string word() {
    static const std::vector<std::string> words = {
        "word", "Notes", "episode", "caf\xC3\xA9", "\xE6\x9D\xB1\xE4\xBA\xAC", "\xF0\x9F\x8E\x99",
        "a&b", "x<y", "\"quoted\"", "it's", "]]>", "&amp;", "&nbsp;", "&copy;", "&check;",
        "&#35;", "&#x1F399;", "&#0;", "&#13;", "&#xD800;", "&#xD800;&#xDC00;", "&#x110000;",
        "&#1;", "&bogus;", "&ThickSpace;", "&NotEqualTilde;", "\\*", "\\_", "\\[", "\\\\",
        "\xFF", "\xC3", "\x01", "\x1B", "\x7F", "\xC2\x85", "\xEF\xBB\xBF", "\xC2\xA0", "\t", "a_b_c",
        "snake_case", "2*3*4", "<https://auto.example/x>", "<me@mail.example>",
        "https://bare.example/p?q=1&r=2.", "www.example.com", "me@example.org",
        "http://x.example/(paren)", "javascript:alert(1)", "|", "~~del~~", "< not a tag", "a <3 b",
    };
    static const std::vector<std::string> html = {"<b>bold</b>", "<br>", "<!-- c -->", "<tag>"};
    if (chance(1)) return std::string(2000 + pick(5000), 'x');  // a very long line
    if (slow_way_ && chance(3)) return html[pick(html.size())];
    return words[pick(words.size())];
  }

  std::string inline_text(int depth = 0) {
    std::string out;
    for (size_t n = 1 + pick(8); n > 0; --n) {
      if (!out.empty()) {
        const std::string_view gaps[] = {" ", " ", " ", "  ", "\t", "", "  \n", "\\\n", "\n"};
        std::string gap(gaps[pick(std::size(gaps))]);
        if (gap.find('\n') != std::string::npos) gap.replace(gap.find('\n'), 1, eol());
        out += gap;
      }
      switch (depth < 3 ? pick(12) : 12) {
        case 0:
          out += "*" + inline_text(depth + 1) + "*";
          break;
        case 1:
          out += "**" + inline_text(depth + 1) + "**";
          break;
        case 2:
          out += "_" + inline_text(depth + 1) + "_";
          break;
        case 3:
          out += "`" + word() + (chance(30) ? eol() + word() : "") + "`";
          break;
        case 4: {
          const std::string_view titles[] = {"", " \"A title\"", " 'single'", " (paren)",
                                             " \"with &amp; &quot; and\nnewline\"", " \"\\\"esc\""};
          out += "[" + inline_text(depth + 1) + "](" + url() + std::string(titles[pick(std::size(titles))]) + ")";
          break;
        }
        case 5:
          out += "[" + std::string(kRefs[pick(std::size(kRefs))]) + "]" + (chance(30) ? "[]" : "");
          break;
        case 6:
          out += "![" + (slow_way_ ? inline_text(depth + 1) : word()) + "](" + url() +
                 (chance(30) ? " \"img title\"" : "") + ")";
          break;
        case 7:  // an autolink in a link's text, which md4c nests
          if (chance(30)) {
            out += "[" + word() + " " + std::string(chance(50) ? "www.in-link.example" : "https://in.example") + "](/u)";
          } else {
            out += word();
          }
          break;
        default:
          out += word();
          break;
      }
    }
    return out;
  }

  static constexpr std::string_view kRefs[] = {"ref", "Ref", "other", "missing"};

  std::mt19937 random_;
  std::string eol_ = "\n";
  bool mixed_ends_ = false;
  bool slow_way_ = false;
};

}  // namespace

TEST_CASE("render_notes' fast way gives the slow way's bytes on the notes of the tests", "[notes]") {
  for (const std::string& markdown : kNotesTestInputs) same_both_ways(markdown);
}

TEST_CASE("render_notes' fast way gives the slow way's bytes where md4c and libxml2 are odd", "[notes]") {
  // Each of these once differed, or would if the fast way were less careful.
  const std::string fast[] = {
      // md4c nests an autolink in a link; libxml2 ends the outer link there, and the
      // text around its stray end tag is one node: made clean, and CR LF made LF, on
      // each side of the tag as parse_html does.
      "[<e@m.x>&#xD800;]()&#xD800;",
      "[www.x.org&#xD800;](/u)&#xDC00; tail",
      "[www.x.org&#13;](/u)\n&#10;x",
      "[https://a.x/ *em* www.b.x](/u) after [c](/v)",
      "*[www.x.org](/u)*",
      // Every printable ASCII character in a URL, bracketed or not, and entities in one.
      "[x](<!\"#$%&'()*+,-./:;=?@[\\]^_`{|}~ \xC3\xA9>)",
      "[x](!\"#$%&'()*+,-./:;=?@[\\]^_`{|}~)",
      "[x](/a&amp;b&#0;&#x1;&#xD800;&copy;&bogus;&#13;\\&#x26; \"&#13;t&#xD800;\r\ni&quot;tle\")",
      // Entities md_html decodes and clean_text then changes or removes.
      "&#0;&#1;&#x7F;&#x85;&#xFFFE;&#x110000;&#13;&#13;\n&#xD800;&#xDFFF;&#9999999;&#xFFFFFF;",
      "&nbsp; spacer\n\n&nbsp;x &ThickSpace;&NotEqualTilde;&bogus;&amp;lt;",
      "\xEF\xBB\xBF# After a byte order mark",
      "```\n\ttab\n\n  \n```\n\n    indented\r\n\r\n    code\r",
      "![alt *with* [a link](/x) and `code`](/i.png \"t\") text",
  };
  for (const std::string& markdown : fast) CHECK(same_both_ways(markdown));
  const std::string slow[] = {
      "``![![]()`]()",  // md_html 0.4.8 ends the alt at the inner image's end
      "_[](_)\n- (",     // md4c enters an em it never leaves
  };
  for (const std::string& markdown : slow) CHECK_FALSE(same_both_ways(markdown));
}

TEST_CASE("render_notes' fast way gives the slow way's bytes on every fixture file", "[notes]") {
  size_t files = 0;
  for (const char* dir : {"tests/fixtures", "media", "feeds"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(podsmith::test::source_path(dir))) {
      if (!entry.is_regular_file()) continue;
      CAPTURE(entry.path().string());
      const std::string bytes = read_file(entry.path());
      same_both_ways(bytes);
      // A workspace's notes: the Markdown after the front matter.
      if (entry.path().extension() == ".md" && bytes.starts_with("+++")) {
        const size_t end = bytes.find("\n+++\n", 3);
        REQUIRE(end != std::string::npos);
        CHECK(same_both_ways(bytes.substr(end + 5)));
      }
      ++files;
    }
  }
  CHECK(files > 50);
}

TEST_CASE("render_notes' fast way gives the slow way's bytes on random Markdown", "[notes]") {
  MarkdownMaker maker(20240611);
  size_t accepted = 0;
  constexpr size_t kDocuments = 3000;
  for (size_t i = 0; i < kDocuments; ++i) {
    if (same_both_ways(i % 4 == 3 ? maker.soup() : maker.document())) ++accepted;
  }
  for (size_t i = 0; i < kDocuments; ++i) same_both_ways(maker.dense());
  // Most are accepted, or the comparison would prove little; raw HTML, images in
  // images and elements md4c leaves open send the others the slow way.
  CHECK(accepted > kDocuments / 2);
}

TEST_CASE("render_notes cuts long random Markdown as cut_html cuts its html", "[notes]") {
  MarkdownMaker maker(20250301);
  CutTally tally;
  size_t accepted = 0;
  constexpr size_t kDocuments = 800;
  for (size_t i = 0; i < kDocuments; ++i) {
    if (same_both_ways(maker.long_document(), &tally)) ++accepted;
  }
  CAPTURE(tally.whole, tally.block, tally.word, tally.chr, tally.empty);
  // Most are cut, and in each way, or the comparison would prove little.
  CHECK(tally.block + tally.word + tally.chr > kDocuments * 3 / 4);
  CHECK(tally.block > kDocuments / 10);
  CHECK(tally.word > kDocuments / 10);
  CHECK(tally.chr > kDocuments / 20);
  CHECK(accepted > kDocuments / 2);
}

TEST_CASE("render_notes takes the fast way for ordinary notes", "[notes]") {
  std::vector<std::string> notes = {
      "Notes for episode 7, with a [link](https://example.org/7) and **bold** text.",
      "# Episode 12\n\nWe talk about *podcasts* with [Ann](https://ann.example/ \"Ann's site\").\n\n"
      "1. RSS at https://example.org/feed.xml\n2. Tea &amp; cake &copy; &#x1F399;\n\n"
      "> A quote\n\n```\ncode <here>\n```\n\n![cover](c.jpg) Bye  \nnow, www.example.org me@example.org",
      // md4c nests the autolink in the link; libxml2 reads the outer one as closed there
      "[see www.example.org and more](https://a.example/) [https://b.example/](https://b.example/)",
  };
  for (const char* file : {"media/2006-01-mvp-award-beginnings.md", "media/2006-02-free-tools-for-student-developers.md",
                           "media/2006-03-start-a-student-user-group.md"}) {
    const std::string bytes = read_file(podsmith::test::source_path(file));
    notes.push_back(bytes.substr(bytes.find("\n+++\n", 3) + 5));
  }
  // However long: the summary is cut from the rendered notes, not from their html
  // parsed again.
  notes.push_back(repeat("A paragraph with *emphasis*, a [link](https://e.example/ \"t\") and www.e.example.\n\n", 3000));
  notes.push_back("Intro.\n\n" + repeat("- an item of a long list, with `code`\n", 2000));
  notes.push_back(repeat("one long paragraph of words &amp; more ", 500));
  notes.push_back("https://e.example/" + repeat("a%20b", 20000));
  notes.push_back(repeat("\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAE\xE8\xA9\xB1\xE3\x80\x82", 2000));
  notes.push_back("```\n" + repeat("let x = 1 < 2;\n", 1000) + "```");
  for (const std::string& markdown : notes) {
    CAPTURE(markdown);
    const auto before = path_counts();
    const auto rendered = podsmith::render_notes(markdown);
    REQUIRE(rendered.has_value());
    CHECK(path_counts().fast == before.fast + 1);
    CHECK(path_counts().slow == before.slow);
    CHECK(path_counts().html_parses == before.html_parses);  // nor libxml2 loaded for them
    CHECK(rendered->summary_html.size() <= kAppleDescriptionMaxBytes);
    CHECK(same_both_ways(markdown));
  }
}

TEST_CASE("render_notes takes the slow way where only libxml2 knows the answer", "[notes]") {
  std::string cases[] = {
      "<b>raw</b> inline HTML",
      "<div>\nan HTML block\n</div>",
      "![<span>html in alt</span>](x.png)",
      "![an ![image](in.png) in an image](out.png)",  // md_html 0.4.8 ends the alt early
      "_[](_)\n- x",  // md4c enters an em it never leaves
      repeat(">", 250) + " deep",
      made_up_entities(0, 100),  // more new names than the fast way asks md_html about
  };
  for (const std::string& markdown : cases) {
    CAPTURE(markdown);
    CHECK_FALSE(render_notes_fast(markdown).has_value());
  }
  // Each thread remembers the names it asked about: new ones for render_notes.
  cases[std::size(cases) - 1] = made_up_entities(100, 100);
  for (const std::string& markdown : cases) {
    CAPTURE(markdown);
    const auto before = path_counts();
    const auto rendered = podsmith::render_notes(markdown);
    REQUIRE(rendered.has_value());
    CHECK(path_counts().slow == before.slow + 1);
    const auto slow = render_notes_slow(markdown);
    REQUIRE(slow.has_value());
    CHECK(rendered->html == slow->html);
    CHECK(rendered->text == slow->text);
    CHECK(rendered->summary_html == slow->summary_html);
  }
}

TEST_CASE("render_notes' fast way stops short of libxml2's nesting limit", "[notes]") {
  // libxml2 drops what is nested 256 deep; the fast way gives up at 200 open elements,
  // html and body among them. Just below, it must agree.
  for (size_t depth : {size_t{50}, size_t{150}, size_t{196}, size_t{197}, size_t{198}, size_t{199}, size_t{260}}) {
    CAPTURE(depth);
    const std::string quotes = repeat(">", depth) + " *deep* text";
    const std::string lists = repeat("- ", depth) + "item";
    const bool quotes_fast = same_both_ways(quotes);
    same_both_ways(lists);
    CHECK(quotes_fast == (depth + 2 + 2 <= 200));  // html, body, the quotes, p, em
  }
}

TEST_CASE("render_notes cuts notes too deep for libxml2 to read back as cut_html cuts them", "[notes]") {
  // libxml2 drops what lies past 257 open elements (html and body among them), and
  // sanitizing can deepen what it read: raw "<ul><ul>" becomes <ul><li><ul><li>, text
  // in a blockquote is put in a p. cut_html() cuts what it reads back of such html;
  // render_notes() must give the same cut, not the one of the tree it rendered.
  size_t read_back_otherwise = 0;
  for (std::string_view unit : {"<ul>", "<blockquote>", "<ol><li>", "<ul><li><p>", "<div>", "> ", "- ", "1. "}) {
    for (size_t depth = 90; depth <= 265; ++depth) {
      for (const std::string& text : {std::string("x y z"), repeat("word ", 1000), repeat("w", 5000)}) {
        const std::string markdown = repeat(unit, depth) + text;
        CAPTURE(unit, depth, text.size());
        const auto rendered = podsmith::render_notes(markdown);
        REQUIRE(rendered.has_value());
        CHECK(rendered->summary_html == cut_html(rendered->html, kAppleDescriptionMaxBytes));
        if (podsmith::sanitize_html(rendered->html) != rendered->html) ++read_back_otherwise;
      }
    }
  }
  // Some are, or this would not test what it is for.
  CHECK(read_back_otherwise > 100);
}

TEST_CASE("render_notes cuts a paragraph longer than libxml2 reads back as cut_html cuts it", "[notes]") {
  // Text between images is one text node of the notes; libxml2 stops reading a text
  // node at 10,000,000 bytes. Read back, the html loses its end, but cut_html cuts at
  // its start: the summary is the same.
  std::string markdown;
  for (int i = 0; i < 12; ++i) markdown += repeat("x", 900000) + "![](i.png)";
  const auto before = path_counts();
  const auto rendered = podsmith::render_notes(markdown);
  REQUIRE(rendered.has_value());
  CHECK(path_counts().fast == before.fast + 1);
  CHECK(path_counts().html_parses == before.html_parses);
  REQUIRE(rendered->html.size() > 10800000);
  CHECK(podsmith::sanitize_html(rendered->html).size() < 10100000);  // what libxml2 reads back
  CHECK(rendered->summary_html == cut_html(rendered->html, kAppleDescriptionMaxBytes));
  CHECK(rendered->summary_html == "<p>" + repeat("x", 3990) + std::string(kEllipsis) + "</p>");
}

TEST_CASE("render_notes stays linear on Markdown nested 100,000 deep", "[notes]") {
  // md4c 0.4.8 has no nesting limit, but keeps its open blocks and marks on the heap
  // and calls back without recursion (this passes with a 256 KiB stack): 100,000
  // nested quotes are 100,000 enter_block calls. The fast way gives up at 200 open
  // elements, so its walks up them stay short; the slow way is cut by libxml2 at 256.
  for (std::string_view unit : {">", "- ", "1. ", "* ", "> - ", "- > ", "*", "**", "[", "_"}) {
    CAPTURE(unit);
    const std::string markdown = repeat(unit, 100000) + "x" + (unit[0] == '[' ? repeat("](u)", 100000) : "");
    const auto start = std::chrono::steady_clock::now();
    const auto rendered = podsmith::render_notes(markdown);
    const auto slow = render_notes_slow(markdown);
    const auto fast = render_notes_fast(markdown);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(rendered.has_value());
    REQUIRE(slow.has_value());
    CHECK(rendered->html == slow->html);
    CHECK(rendered->text == slow->text);
    CHECK(rendered->summary_html == slow->summary_html);
    CHECK(slow->summary_html == cut_html(slow->html, kAppleDescriptionMaxBytes));
    if (fast) {
      CHECK(fast->html == slow->html);
      CHECK(fast->text == slow->text);
      CHECK(fast->summary_html == slow->summary_html);
    }
    CHECK(seconds < 60);  // linear: well under a second (a few with sanitizers); quadratic: hours
  }
}

TEST_CASE("render_notes gives the same notes on several threads at once", "[notes]") {
  // Each thread has its own cache of entity names and its own counts.
  MarkdownMaker maker(7);
  std::vector<std::string> notes;
  for (int i = 0; i < 200; ++i) notes.push_back(maker.document());
  std::vector<podsmith::RenderedNotes> expected;
  for (const std::string& markdown : notes) expected.push_back(*render_notes_slow(markdown));
  std::vector<int> differences(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < differences.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < notes.size(); ++i) {
        const size_t k = (i + t * 50) % notes.size();
        const auto rendered = podsmith::render_notes(notes[k]);
        if (!rendered || rendered->html != expected[k].html || rendered->text != expected[k].text ||
            rendered->summary_html != expected[k].summary_html) {
          ++differences[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(differences == std::vector<int>(4, 0));
}
