#include "podsmith/feed/notes.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/base/text.h"

using podsmith::cut_html;
using podsmith::html_to_text;
using podsmith::render_notes;
using podsmith::sanitize_html;

namespace {

struct Case {
  std::string in;
  std::string out;
};

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// What is wrong with `html` as an XML fragment of the shape the notes module writes
// (lower-case names, double-quoted attributes, only the five XML entities), or "" when
// nothing is. A small checker rather than pugixml, which the test target does not link.
std::string xml_problem(std::string_view s) {
  if (!podsmith::is_valid_utf8(s)) return "invalid UTF-8";
  std::vector<std::string> open;
  size_t i = 0;
  auto entity_at = [&](size_t at) -> size_t {
    for (std::string_view e : {"&amp;", "&lt;", "&gt;", "&quot;"}) {
      if (s.substr(at, e.size()) == e) return e.size();
    }
    return 0;
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '&') {
      const size_t n = entity_at(i);
      if (n == 0) return "bad entity at " + std::to_string(i);
      i += n;
    } else if (c == '>') {
      return "raw > at " + std::to_string(i);
    } else if (c != '<') {
      ++i;
    } else {
      const size_t end = s.find('>', i);
      if (end == std::string_view::npos) return "unclosed tag at " + std::to_string(i);
      std::string_view tag = s.substr(i + 1, end - i - 1);
      i = end + 1;
      if (!tag.empty() && tag[0] == '/') {
        const std::string name(tag.substr(1));
        if (open.empty() || open.back() != name) return "unexpected </" + name + ">";
        open.pop_back();
        continue;
      }
      const bool empty = !tag.empty() && tag.back() == '/';
      if (empty) tag.remove_suffix(1);
      size_t k = 0;
      while (k < tag.size() && is_name_char(tag[k])) ++k;
      if (k == 0) return "bad tag name in <" + std::string(tag) + ">";
      const std::string name(tag.substr(0, k));
      while (k < tag.size()) {  // attributes: ( name="value")*
        if (tag[k] != ' ') return "bad attribute in <" + std::string(tag) + ">";
        const size_t name_begin = ++k;
        while (k < tag.size() && is_name_char(tag[k])) ++k;
        if (k == name_begin || tag.substr(k, 2) != "=\"") return "bad attribute in <" + name + ">";
        k += 2;
        while (k < tag.size() && tag[k] != '"') {
          if (tag[k] == '<') return "< in an attribute of <" + name + ">";
          ++k;
        }
        if (k == tag.size()) return "unquoted attribute in <" + name + ">";
        ++k;
      }
      if (!empty) open.push_back(name);
    }
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return "";
}

std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

// `cut` without its closing tags and ellipsis: what it kept of the whole.
std::string kept_part(std::string cut) {
  while (cut.size() >= 3 && cut.back() == '>') {
    const size_t open = cut.rfind("</");
    if (open == std::string::npos || cut.find('>', open) != cut.size() - 1) break;
    cut.erase(open);
  }
  const std::string ellipsis = "\xE2\x80\xA6";
  if (cut.size() >= ellipsis.size() && cut.compare(cut.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0) {
    cut.erase(cut.size() - ellipsis.size());
  }
  return cut;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("render_notes turns Markdown into the HTML podcast apps render", "[notes]") {
  const Case cases[] = {
      {"# Title", "<h1>Title</h1>"},
      {"## Part\n\n###### Small", "<h2>Part</h2>\n<h6>Small</h6>"},
      {"- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"},
      {"1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"},
      {"3. three\n4. four", "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>"},
      {"- a\n\n  more\n- b", "<ul>\n<li><p>a</p>\n<p>more</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>"},
      {"- a\n  - nested", "<ul>\n<li>a<ul>\n<li>nested</li>\n</ul>\n</li>\n</ul>"},
      {"*em* _em_ **strong** `code`",
       "<p><em>em</em> <em>em</em> <strong>strong</strong> <code>code</code></p>"},
      {"```c\nint x = a < b;\n```", "<pre><code>int x = a &lt; b;\n</code></pre>"},
      {"    indented\n", "<pre><code>indented\n</code></pre>"},
      {"> quoted\n> text", "<blockquote>\n<p>quoted text</p>\n</blockquote>"},
      {"[site](https://example.org/a?b=1&c=2 \"The site\")",
       "<p><a href=\"https://example.org/a?b=1&amp;c=2\" title=\"The site\">site</a></p>"},
      {"[rel](/episodes/1)", "<p><a href=\"/episodes/1\">rel</a></p>"},
      {"<https://example.org>", "<p><a href=\"https://example.org\">https://example.org</a></p>"},
      {"See https://example.org/ep?x=1.",
       "<p>See <a href=\"https://example.org/ep?x=1\">https://example.org/ep?x=1</a>.</p>"},
      {"Also www.example.org", "<p>Also <a href=\"http://www.example.org\">www.example.org</a></p>"},
      {"Mail me@example.org", "<p>Mail <a href=\"mailto:me@example.org\">me@example.org</a></p>"},
      {"line  \nbreak", "<p>line<br/>\nbreak</p>"},
      {"soft\nwrap", "<p>soft wrap</p>"},
      {"a &amp; b &copy; &check; < > \"q\"", "<p>a &amp; b \xC2\xA9 \xE2\x9C\x93 &lt; &gt; \"q\"</p>"},
      {"x ]]> y", "<p>x ]]&gt; y</p>"},
      {"~~not struck~~ | a | b |", "<p>~~not struck~~ | a | b |</p>"},
      {"---", ""},
      {"one\n\n---\n\ntwo", "<p>one</p>\n<p>two</p>"},
      {"![cover](https://example.org/c.jpg)", ""},
      {"Text ![cover](https://example.org/c.jpg) more", "<p>Text more</p>"},
      // raw HTML, kept where the allow-list keeps it
      {"<b>bold</b> and <i>italic</i>", "<p><strong>bold</strong> and <em>italic</em></p>"},
      {"<div onclick=\"x()\">raw <span style=\"color:red\">html</span></div>", "<p>raw html</p>"},
      {"<p>para</p>\n\n<ul><li>raw item</li></ul>", "<p>para</p>\n<ul>\n<li>raw item</li>\n</ul>"},
      {"[x](javascript:alert(1)) <script>alert(2)</script>", "<p>x</p>"},
      {"", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    const auto rendered = render_notes(c.in);
    REQUIRE(rendered.has_value());
    CHECK(rendered->html == c.out);
    CHECK(rendered->summary_html == c.out);  // short notes fit whole
    CHECK(xml_problem(rendered->html) == "");
  }
}

TEST_CASE("render_notes gives the same notes as plain text", "[notes]") {
  const auto rendered = render_notes(
      "# Episode 12\n\nWe talk about *podcasts* with [Ann](https://ann.example/).\n\n"
      "- RSS at https://example.org/feed.xml\n- Tea &amp; cake\n\nBye!");
  REQUIRE(rendered.has_value());
  CHECK(rendered->text ==
        "Episode 12\n\nWe talk about podcasts with Ann (https://ann.example/).\n\n"
        "- RSS at https://example.org/feed.xml\n- Tea & cake\n\nBye!");
}

TEST_CASE("render_notes makes invalid UTF-8 and control characters harmless", "[notes]") {
  const auto rendered = render_notes("caf\xC3 \xFF\xFE ok\x01\x1B nul:" + std::string(1, '\0') + "!");
  REQUIRE(rendered.has_value());
  CHECK(rendered->html == "<p>caf\xEF\xBF\xBD \xEF\xBF\xBD ok nul:!</p>");
  CHECK(xml_problem(rendered->html) == "");
}

TEST_CASE("sanitize_html removes every way to run script", "[notes]") {
  const Case cases[] = {
      {"<script>alert(1)</script>ok", "<p>ok</p>"},
      {"<SCRIPT SRC=//evil.example/x.js></SCRIPT>ok", "<p>ok</p>"},
      {"<script>document.write('<p>x</p>')</script>ok", "<p>ok</p>"},
      {"<img src=x onerror=alert(1)>ok", "<p>ok</p>"},
      {"<p onmouseover=\"alert(1)\" ONCLICK=alert(2)>ok</p>", "<p>ok</p>"},
      {"<body onload=alert(1)>ok</body>", "<p>ok</p>"},
      {"<iframe src=\"javascript:alert(1)\">fallback</iframe>ok", "<p>ok</p>"},
      {"<object data=\"x.swf\"><param name=a value=b>fallback</object>ok", "<p>ok</p>"},
      {"<embed src=x.swf>ok", "<p>ok</p>"},
      {"<applet code=x>fallback</applet>ok", "<p>ok</p>"},
      {"<style>body{background:url(javascript:alert(1))}</style>ok", "<p>ok</p>"},
      {"<p style=\"background:url(javascript:alert(1))\">ok</p>", "<p>ok</p>"},
      {"<link rel=stylesheet href=javascript:alert(1)>ok", "<p>ok</p>"},
      {"<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">ok", "<p>ok</p>"},
      {"<svg onload=alert(1)><script>alert(2)</script><text>svg text</text></svg>ok", "<p>ok</p>"},
      {"<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>ok", "<p>ok</p>"},
      {"<math><mtext><script>alert(1)</script></mtext></math>ok", "<p>ok</p>"},
      {"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>ok", "<p>ok</p>"},
      {"<template><script>alert(1)</script>hidden</template>ok", "<p>ok</p>"},
      {"<video src=x onerror=alert(1)>Your browser cannot play this</video>ok", "<p>ok</p>"},
      {"<form action=\"javascript:alert(1)\"><button formaction=javascript:alert(2)>go</button></form>",
       "<p>go</p>"},
      {"<!--<script>alert(1)</script>-->ok", "<p>ok</p>"},
      {"<xss:script>alert(1)</xss:script>ok", "<p>ok</p>"},
      {"<a href=\"javascript:alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"  \n javascript:alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"java&#x09;script:alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"java&#9;script:alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"jav&#x0A;ascript:alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"java\tscript:alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
       "<p>x</p>"},
      {"<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"vbscript:msgbox(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"VBScript:msgbox(1)\">x</a>", "<p>x</p>"},
      {"<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", "<p>x</p>"},
      {"<a href=\"file:///etc/passwd\">x</a>", "<p>x</p>"},
      {"<a href='javascript:alert(1)'>x</a>", "<p>x</p>"},
      {"<a href=javascript:alert(1)>x</a>", "<p>x</p>"},
      // An entity libxml2 does not know stays literal text: a browser reads the same
      // "javascript&colon;..." back from &amp;colon;, a relative path, so it is harmless.
      {"<a href=\"javascript&colon;alert(1)\">x</a>", "<p><a href=\"javascript&amp;colon;alert(1)\">x</a></p>"},
      {"<a href=\"https://ok.example/\" onclick=\"alert(1)\" style=\"x\" target=_blank>ok</a>",
       "<p><a href=\"https://ok.example/\">ok</a></p>"},
      {"<a href=\"HTTPS://OK.example/\">ok</a>", "<p><a href=\"HTTPS://OK.example/\">ok</a></p>"},
      {"<a href=\"mailto:me@example.org\">me</a>", "<p><a href=\"mailto:me@example.org\">me</a></p>"},
      {"<a href=\"/ep/1?a=1&amp;b=2#t\">rel</a>", "<p><a href=\"/ep/1?a=1&amp;b=2#t\">rel</a></p>"},
      {"<a href=\"x\" title='say \"hi\" <b>'>t</a>", "<p><a href=\"x\" title=\"say &quot;hi&quot; &lt;b&gt;\">t</a></p>"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    const std::string out = sanitize_html(c.in);
    CHECK(out == c.out);
    CHECK(xml_problem(out) == "");
    const std::string l = lower(out);
    for (std::string_view bad : {"<script", "javascript:", "vbscript:", "data:", "onerror", "onload",
                                 "onclick", "<iframe", "<svg", "<math", "<style", "style=", "<img"}) {
      CAPTURE(bad);
      CHECK(l.find(bad) == std::string::npos);
    }
  }
}

TEST_CASE("sanitize_html never lets markup through as markup", "[notes]") {
  // Broken and nested tags: whatever the parser makes of them, only escaped text or
  // allowed tags come out.
  const std::string inputs[] = {
      "<<script>script>alert(1)<</script>/script>",
      "<scr<script>ipt>alert(1)</scr</script>ipt>",
      "<a href=\"https://x.example/\"<script>alert(1)</script>>x</a>",
      "<p>unclosed <em>em <strong>strong",
      "</p></li></ul></em>stray ends",
      "<![CDATA[<script>alert(1)</script>]]>",
      "<?xml version=\"1.0\"?><?php echo 1; ?>text",
      "<!DOCTYPE html><html><head><title>T</title></head><body><p>b</p></body></html>",
      "<p>a</p></body></html><p>after the end</p>",
      "<img src=\"x\" alt=\"<script>alert(1)</script>\">",
  };
  for (const std::string& in : inputs) {
    CAPTURE(in);
    const std::string out = sanitize_html(in);
    CHECK(xml_problem(out) == "");
    CHECK(lower(out).find("<script") == std::string::npos);
    CHECK(lower(out).find("<title") == std::string::npos);
  }
  CHECK(sanitize_html("<p>a</p></body></html><p>after the end</p>") == "<p>a</p>\n<p>after the end</p>");
  CHECK(sanitize_html("<!DOCTYPE html><html><head><title>T</title></head><body><p>b</p></body></html>") ==
        "<p>b</p>");
}

TEST_CASE("sanitize_html unwraps other elements and keeps their words apart", "[notes]") {
  const Case cases[] = {
      {"plain text", "<p>plain text</p>"},
      {"<div>one</div><div>two</div>", "<p>one</p>\n<p>two</p>"},
      {"<section><div><p>deep</p></div></section>", "<p>deep</p>"},
      {"<table><tr><td>a</td><td>b</td></tr></table>", "<p>a</p>\n<p>b</p>"},
      {"<p>x<span>y</span> <font color=red>z</font> <u>u</u></p>", "<p>xy z u</p>"},
      {"<p>a<img src=x.jpg>b</p>", "<p>ab</p>"},
      {"<p>one<hr>two</p>", "<p>one</p>\n<p>two</p>"},
      {"<ul><li>a<div>b</div>c</li></ul>", "<ul>\n<li>a<br/>\nb<br/>\nc</li>\n</ul>"},
      {"<p><em>a<div>b</div></em></p>", "<p><em>a<br/>\nb</em></p>"},
      {"<b>bold</b> <i>it</i>", "<p><strong>bold</strong> <em>it</em></p>"},
      {"<a name=\"top\">anchor</a> <a>bare</a>", "<p>anchor bare</p>"},
      {"<li>stray item</li>", "<p>stray item</p>"},
      {"<blockquote>quoted <em>bare</em> text</blockquote>",
       "<blockquote>\n<p>quoted <em>bare</em> text</p>\n</blockquote>"},
      {"<h3 id=\"x\" class=\"y\">Head</h3>", "<h3>Head</h3>"},
      {"<ol start=\"07\" type=\"a\"><li>x</li></ol>", "<ol start=\"7\">\n<li>x</li>\n</ol>"},
      {"<ol start=\"-1\"><li>x</li></ol>", "<ol>\n<li>x</li>\n</ol>"},
      {"<pre><code class=\"language-c\">a  b\n\n  c</code></pre>", "<pre><code>a  b\n\n  c</code></pre>"},
      {"<pre>\ncode\n</pre>", "<pre>code\n</pre>"},
      {"<pre>\n\nafter a blank line</pre>", "<pre>\n\nafter a blank line</pre>"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    const std::string out = sanitize_html(c.in);
    CHECK(out == c.out);
    CHECK(xml_problem(out) == "");
  }
}

TEST_CASE("sanitize_html collapses whitespace and drops what shows nothing", "[notes]") {
  const Case cases[] = {
      {"<p>  a \n\t b  </p>", "<p>a b</p>"},
      {"<p>a\r\nb\rc</p>", "<p>a b c</p>"},
      {"<p><em>a</em> <em>b</em></p>", "<p><em>a</em> <em>b</em></p>"},
      {"<p>a<em> b </em>c</p>", "<p>a <em>b</em> c</p>"},
      {"<p>a <em> </em> <strong><em> b</em></strong></p>", "<p>a <strong><em>b</em></strong></p>"},
      {"<p></p><p> </p><p><br></p><p><br><br></p><p>x<br></p>", "<p>x</p>"},
      {"<p>&nbsp;</p><p>&nbsp; &nbsp;<br></p><p>a&nbsp;b</p><p>&nbsp;c</p>", "<p>a\xC2\xA0" "b</p>\n<p>\xC2\xA0" "c</p>"},
      {"<p class=MsoNormal>Word<o:p></o:p></p><p><span lang=EN>text</span><o:p>&nbsp;</o:p></p>",
       "<p>Word</p>\n<p>text</p>"},
      {"<div>a</div><div>&nbsp;</div><div>b</div><ul><li>c<div>&nbsp;</div>d</li></ul>",
       "<p>a</p>\n<p>b</p>\n<ul>\n<li>c<br/>\nd</li>\n</ul>"},
      {"<p>a<br>  b<br><br>c</p>", "<p>a<br/>\nb<br/>\n<br/>\nc</p>"},
      {"<p><strong></strong><em> </em>x</p>", "<p>x</p>"},
      {"<ul> <li> </li> </ul>", ""},
      {"  \n  ", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(sanitize_html(c.in) == c.out);
  }
}

TEST_CASE("sanitize_html decodes entities and escapes what XML needs", "[notes]") {
  const Case cases[] = {
      {"<p>&amp; &lt;b&gt; &quot;q&quot; &#39;s&#39;</p>", "<p>&amp; &lt;b&gt; \"q\" 's'</p>"},
      {"<p>&nbsp;&eacute;&#xE9;&#233;&#x1F399;</p>", "<p>\xC2\xA0\xC3\xA9\xC3\xA9\xC3\xA9\xF0\x9F\x8E\x99</p>"},
      {"<p>bare & and AT&T and &unknown;</p>", "<p>bare &amp; and AT&amp;T and &amp;unknown;</p>"},
      {"<p>x ]]> y</p>", "<p>x ]]&gt; y</p>"},
      {"<p><![CDATA[x]]></p>", "<p>&lt;![CDATA[x]]&gt;</p>"},
      {"<p>&#0;&#x1;&#xD800;&#xFFFE;&#x110000;ok</p>", "<p>ok</p>"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    const std::string out = sanitize_html(c.in);
    CHECK(out == c.out);
    CHECK(xml_problem(out) == "");
    CHECK(out.find("]]>") == std::string::npos);
  }
}

TEST_CASE("sanitize_html gives the same bytes when run on its own output", "[notes]") {
  const std::string inputs[] = {
      "<div>one</div><div>two <b>b</b></div><ul><li>a<div>b</div></li></ul>",
      "<pre>\n\nx</pre><pre>\ny</pre><blockquote>q<p>r</p></blockquote>",
      "<p>a<br>b</p><table><tr><td>1</td><td>2</td></tr></table>text at the end",
      "<h1>T</h1><ol start=\"2\"><li><p>x</p><ul><li>y</li></ul></li></ol>",
      "<a href=\"java&#x09;script:x\">j</a> <a href=\"https://e.org/?a&amp;b\" title=\"t &quot;\">ok</a>",
      "a &amp; b ]]> <em> c </em>",
  };
  for (const std::string& in : inputs) {
    CAPTURE(in);
    const std::string once = sanitize_html(in);
    CHECK(sanitize_html(once) == once);
    CHECK(sanitize_html(in) == once);  // deterministic
  }
  const auto rendered = render_notes("# T\n\n- a\n- b\n\n```\ncode\n```\n\n> q\n\nhttps://e.org *x*");
  REQUIRE(rendered.has_value());
  CHECK(sanitize_html(rendered->html) == rendered->html);
}

TEST_CASE("sanitize_html and render_notes survive hostile input", "[notes]") {
  // Each of these would take minutes or crash if anything were quadratic or recursive.
  SECTION("100,000 nested elements") {
    for (std::string_view tag : {"div", "em", "blockquote", "a", "ul", "table", "span"}) {
      CAPTURE(tag);
      const std::string in = repeat("<" + std::string(tag) + ">", 100000) + "x" +
                             repeat("</" + std::string(tag) + ">", 100000);
      const std::string out = sanitize_html(in);
      CHECK(xml_problem(out) == "");
      CHECK(out.size() < 10000);
    }
  }
  SECTION("what comes before nesting too deep to parse is kept") {
    const std::string out = sanitize_html("<p>before</p>" + repeat("<div>", 300) + "deep");
    CHECK(out == "<p>before</p>");
  }
  SECTION("deep nesting, then a flood of stray end tags") {
    const std::string out = sanitize_html(repeat("<div>", 250) + "x" + repeat("</i>", 500000));
    CHECK(out == "<p>x</p>");
  }
  SECTION("10 MB of text and of tags") {
    const std::string words = repeat("word &amp; <em>more</em> ", 400000);
    const std::string out = sanitize_html(words);
    CHECK(out.size() > 10000000);
    CHECK(xml_problem(out) == "");
    CHECK(starts_with(cut_html(words, 4000), "<p>word &amp; <em>more</em>"));
    CHECK(html_to_text(words).size() > 4000000);
  }
  SECTION("invalid UTF-8 everywhere") {
    std::string junk;
    for (int i = 0; i < 100000; ++i) junk += static_cast<char>((i * 7919) % 256);
    const std::string out = sanitize_html(junk);
    CHECK(xml_problem(out) == "");
    CHECK(xml_problem(cut_html(junk, 4000)) == "");
    CHECK(podsmith::is_valid_utf8(html_to_text(junk)));
  }
  SECTION("hostile Markdown") {
    for (std::string_view unit : {">", "*", "_", "[", "- ", "1. ", "`", "<div>", "![", "*a", "&#"}) {
      CAPTURE(unit);
      const auto rendered = render_notes(repeat(unit, 100000) + "x");
      REQUIRE(rendered.has_value());
      CHECK(xml_problem(rendered->html) == "");
    }
    const auto big = render_notes(repeat("Some *notes* with [a link](https://e.org) and www.e.org.\n\n", 180000));
    REQUIRE(big.has_value());
    CHECK(big->html.size() > 10000000);
  }
}

TEST_CASE("cut_html returns notes that fit unchanged", "[notes]") {
  CHECK(cut_html("<p>short</p>", 4000) == "<p>short</p>");
  CHECK(cut_html("<p>exact</p>", 12) == "<p>exact</p>");
  CHECK(cut_html("<div onclick=x>dirty</div>", 4000) == "<p>dirty</p>");
  CHECK(cut_html("", 0) == "");
}

TEST_CASE("cut_html cuts long notes at a paragraph within Apple's 4,000 bytes", "[notes]") {
  std::string md;
  for (int i = 1; i <= 60; ++i) {
    md += "Paragraph " + std::to_string(i) + " talks about *things* at length, with a link to "
          "https://example.org/" + std::to_string(i) + " and some more words to make it long.\n\n";
  }
  const auto rendered = render_notes(md);
  REQUIRE(rendered.has_value());
  REQUIRE(rendered->html.size() > 8000);
  const std::string cut = cut_html(rendered->html, podsmith::kAppleDescriptionMaxBytes);
  CHECK(cut.size() <= 4000);
  CHECK(cut.size() > 3500);
  CHECK(xml_problem(cut) == "");
  CHECK(ends_with(cut, "</p>"));
  CHECK(cut.find("\xE2\x80\xA6") == std::string::npos);  // a clean cut: no ellipsis
  CHECK(starts_with(rendered->html, cut));
}

TEST_CASE("cut_html cuts one long paragraph at a word and adds an ellipsis", "[notes]") {
  const std::string html = "<p>" + repeat("lorem <em>ipsum</em> dolor &amp; sit amet, ", 300) + "</p>";
  const std::string whole = sanitize_html(html);
  const std::string cut = cut_html(html, 4000);
  CAPTURE(cut.substr(cut.size() > 80 ? cut.size() - 80 : 0));
  CHECK(cut.size() <= 4000);
  CHECK(cut.size() > 3900);
  CHECK(xml_problem(cut) == "");
  CHECK((ends_with(cut, "\xE2\x80\xA6</p>") || ends_with(cut, "\xE2\x80\xA6</em></p>")));
  const std::string kept = kept_part(cut);
  CHECK(starts_with(whole, kept));
  CHECK(whole[kept.size()] == ' ');  // at a word boundary
}

TEST_CASE("cut_html cuts inside a list and closes it", "[notes]") {
  std::string md;
  for (int i = 1; i <= 200; ++i) md += "- Item number " + std::to_string(i) + " of the list\n";
  const auto rendered = render_notes("Intro.\n\n" + md);
  REQUIRE(rendered.has_value());
  const std::string cut = cut_html(rendered->html, 4000);
  CHECK(cut.size() <= 4000);
  CHECK(cut.size() > 3900);
  CHECK(xml_problem(cut) == "");
  CHECK(ends_with(cut, "</li>\n</ul>"));
  CHECK(starts_with(rendered->html, cut.substr(0, cut.size() - 5)));

  // One item too long for the rest: cut at a word in the item, not after the intro.
  const std::string long_item = "<p>Intro.</p><ul><li>" + repeat("word ", 2000) + "</li></ul>";
  const std::string in_item = cut_html(long_item, 4000);
  CHECK(in_item.size() <= 4000);
  CHECK(in_item.size() > 3900);
  CHECK(ends_with(in_item, "word\xE2\x80\xA6</li></ul>"));
  CHECK(xml_problem(in_item) == "");
}

TEST_CASE("cut_html prefers a clean cut only when it keeps half", "[notes]") {
  const std::string html = "<p>" + repeat("a", 1500) + "</p><p>" + repeat("b ", 2000) + "</p>";
  const std::string at_block = cut_html(html, 2000);
  CHECK(at_block == "<p>" + repeat("a", 1500) + "</p>");
  const std::string at_word = cut_html(html, 4000);
  CHECK(at_word.size() <= 4000);
  CHECK(at_word.size() > 3990);
  CHECK(ends_with(at_word, "b\xE2\x80\xA6</p>"));
}

TEST_CASE("cut_html never splits a character, an entity or a tag", "[notes]") {
  SECTION("multibyte characters without spaces") {
    const std::string html = "<p>" + repeat("\xC3\xA9\xF0\x9F\x8E\x99\xE6\x9D\xB1", 50) + "</p>";
    for (size_t max = 0; max < 120; ++max) {
      CAPTURE(max);
      const std::string cut = cut_html(html, max);
      CHECK(cut.size() <= max);
      CHECK(xml_problem(cut) == "");
      if (max >= 12) CHECK(ends_with(cut, "\xE2\x80\xA6</p>"));
    }
    CHECK(cut_html(html, 11) == "");  // "<p>é…</p>" needs 12 bytes
    CHECK(cut_html(html, 12) == "<p>\xC3\xA9\xE2\x80\xA6</p>");
    CHECK(cut_html(html, 14) == "<p>\xC3\xA9\xE2\x80\xA6</p>");  // not half of the emoji
    CHECK(cut_html(html, 16) == "<p>\xC3\xA9\xF0\x9F\x8E\x99\xE2\x80\xA6</p>");
  }
  SECTION("entities") {
    const std::string html = "<p>" + repeat("&amp;&lt;", 40) + "</p>";
    for (size_t max = 0; max < 100; ++max) {
      CAPTURE(max);
      const std::string cut = cut_html(html, max);
      CHECK(cut.size() <= max);
      CHECK(xml_problem(cut) == "");
    }
  }
  SECTION("every length of rich notes") {
    const auto rendered = render_notes(
        "# Episode 1: *Caf\xC3\xA9* & more\n\nWith **Ann** and [Bob](https://bob.example/?a=1&b=2).\n\n"
        "- first *item* with `code`\n- second\n  - nested item text here\n\n"
        "> A quote that goes on for a while.\n\n```\nlet x = 1 < 2;\n```\n\n"
        "Line one  \nline two \xF0\x9F\x8E\x99 https://example.org/end");
    REQUIRE(rendered.has_value());
    const std::string& whole = rendered->html;
    for (size_t max = 0; max <= whole.size() + 1; ++max) {
      CAPTURE(max);
      const std::string cut = cut_html(whole, max);
      CHECK(cut.size() <= max);
      CHECK(xml_problem(cut) == "");
      CHECK(starts_with(whole, kept_part(cut)));
      if (max >= whole.size()) CHECK(cut == whole);
    }
  }
}

TEST_CASE("render_notes gives the cut for Apple's <description> that cut_html would", "[notes]") {
  std::string paragraphs;
  for (int i = 1; i <= 60; ++i) {
    paragraphs += "Paragraph " + std::to_string(i) + " talks about *things*, https://example.org/" +
                  std::to_string(i) + " and more.\n\n";
  }
  struct CutCase {
    std::string markdown;
    std::string ends_with;  // the end of the summary
  };
  const CutCase cases[] = {
      {paragraphs, "and more.</p>"},  // after a block
      {"Intro.\n\n" + repeat("- an *item* of the list\n", 300), "list</li>\n</ul>"},  // after an item
      {repeat("lorem *ipsum* dolor &amp; sit amet, ", 300), "\xE2\x80\xA6</p>"},  // at a word
      {"> " + repeat("a\xE6\x9D\xB1&amp;", 1000), "\xE2\x80\xA6</p></blockquote>"},  // in a word
  };
  for (const CutCase& c : cases) {
    CAPTURE(c.markdown);
    const auto rendered = render_notes(c.markdown);
    REQUIRE(rendered.has_value());
    CHECK(rendered->summary_html == cut_html(rendered->html, podsmith::kAppleDescriptionMaxBytes));
    CHECK(rendered->summary_html.size() <= podsmith::kAppleDescriptionMaxBytes);
    CHECK(ends_with(rendered->summary_html, c.ends_with));
    CHECK(xml_problem(rendered->summary_html) == "");
  }
  // Short, but its ul elements, each given an li, nest deeper than cut_html() reads
  // back: it keeps nothing, and so does the summary.
  const auto deep = render_notes(repeat("<ul>", 150) + "deep");
  REQUIRE(deep.has_value());
  CHECK(deep->html.size() < podsmith::kAppleDescriptionMaxBytes);
  CHECK(deep->summary_html == cut_html(deep->html, podsmith::kAppleDescriptionMaxBytes));
  CHECK(deep->summary_html == "");
}

TEST_CASE("html_to_text gives readable plain text", "[notes]") {
  const Case cases[] = {
      {"<p>One</p><p>Two</p>", "One\n\nTwo"},
      {"<h1>Title</h1><p>Body</p>", "Title\n\nBody"},
      {"<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
      {"<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"},
      {"<ol start=\"9\"><li>a</li><li>b</li></ol>", "9. a\n10. b"},
      {"<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c"},
      {"<ul><li><p>a</p><p>more</p></li><li><p>b</p></li></ul>", "- a\n\n  more\n\n- b"},
      {"<p>Intro</p><ul><li>a</li></ul><p>End</p>", "Intro\n\n- a\n\nEnd"},
      {"<p><a href=\"https://x.org/ep1\">Episode 1</a></p>", "Episode 1 (https://x.org/ep1)"},
      {"<p><a href=\"https://x.org\">https://x.org</a></p>", "https://x.org"},
      {"<p><a href=\"http://www.x.org\">www.x.org</a></p>", "www.x.org"},
      {"<p><a href=\"mailto:me@x.org\">me@x.org</a></p>", "me@x.org"},
      {"<p><a href=\"javascript:alert(1)\">no link</a></p>", "no link"},
      {"<p>a<br>b<br><br>c</p>", "a\nb\n\nc"},
      {"<p>&amp; &lt;tag&gt; &eacute; &nbsp;x</p>", "& <tag> \xC3\xA9 \xC2\xA0x"},
      {"<p>  lots \n of\t space </p>", "lots of space"},
      {"<script>alert(1)</script><style>x{}</style>text", "text"},
      {"<pre><code>line 1\n  line 2\n</code></pre><p>after</p>", "line 1\n  line 2\n\nafter"},
      {"<blockquote><p>q</p></blockquote><p>after</p>", "q\n\nafter"},
      {"<div>one</div><div>two</div><table><tr><td>a</td><td>b</td></tr></table>", "one\n\ntwo\n\na\n\nb"},
      {"plain <b>bold</b> text", "plain bold text"},
      {"", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(html_to_text(c.in) == c.out);
  }
}

TEST_CASE("sanitize_html and cut_html keep their promises on random tag soup", "[notes]") {
  // A fixed seed: the same soups on every run.
  std::mt19937 random(20240601);
  const std::vector<std::string> pieces = {
      "<p>", "</p>", "<div>", "</div>", "<ul>", "</ul>", "<ol start=\"3\">", "</ol>", "<li>", "</li>",
      "<em>", "</em>", "<b>", "</b>", "<i>", "</i>", "<strong>", "</strong>", "<code>", "</code>",
      "<pre>", "</pre>", "<pre>\n", "<blockquote>", "</blockquote>", "<h2>", "</h2>", "<br>",
      "<a href=\"https://e.org/?a=1&amp;b\">", "<a href=\"java&#x09;script:x\">", "</a>",
      "<span>", "</span>", "<table><tr><td>", "</td><td>", "</table>", "<script>bad()</script>",
      "<!-- c -->", "<img src=x onerror=bad()>", "<hr>", "&amp;", "&lt;", "&nbsp;", "&#x1F399;",
      "]]>", " ", "  ", "\n", "\t", "word", "other", "caf\xC3\xA9", "\xFF", "<", ">", "&", "\"",
      "<svg><text>s</text></svg>", "<o:p>", "</o:p>", "<p>&nbsp;</p>", "<dl><dt>", "<dd>", "</dl>",
      "<a href=\"/rel\">", "<h1>", "</h1>", "<textarea>", "</textarea>", "<title>", "<body>", "</body>",
      "</html>", "<head>", "<center>", "<font>", "<u>", "<sup>", "<nobr>", "<button>", "<xmp>", "<listing>",
  };
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<size_t> length(0, 120);
  for (int round = 0; round < 1500; ++round) {
    std::string soup;
    for (size_t n = length(random); n > 0; --n) soup += pieces[pick(random)];
    CAPTURE(soup);
    const std::string clean = sanitize_html(soup);
    REQUIRE(xml_problem(clean) == "");
    CHECK(sanitize_html(clean) == clean);
    CHECK(clean.find("]]>") == std::string::npos);
    CHECK(lower(clean).find("script") == std::string::npos);
    CHECK(html_to_text(clean) == html_to_text(soup));
    for (size_t max : {size_t{0}, size_t{10}, size_t{25}, size_t{40}, size_t{80}, clean.size() / 2}) {
      CAPTURE(max);
      const std::string cut = cut_html(soup, max);
      CHECK(cut.size() <= max);
      CHECK(xml_problem(cut) == "");
      CHECK(starts_with(clean, kept_part(cut)));
    }
  }
}
