/// Show notes: Markdown turned into the small subset of HTML that podcast apps render,
/// the same notes as plain text, and a cut of them that fits Apple's 4,000-byte
/// <description>. Every function here also accepts HTML written elsewhere (another
/// host's feed) and cleans it the same way. Pure functions: no I/O, no locale, no
/// global state a caller can see; the same input always gives the same bytes.
///
/// The HTML produced keeps only these elements (anything else is dropped or unwrapped):
///   p  br  h1-h6  ul  ol (start)  li  blockquote  pre  code  em  strong  a (href, title)
/// and is also well-formed XML: every element closed, attributes double-quoted, & < > "
/// escaped in text and attributes, so it can sit in a CDATA section (`]]>` never
/// occurs: every > is written &gt;) or be parsed by an XML parser.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "podsmith/base/error.h"

namespace podsmith {

/// Apple's limit for an episode's <description>, in bytes.
inline constexpr size_t kAppleDescriptionMaxBytes = 4000;

struct RenderedNotes {
  std::string html;          // sanitized as sanitize_html() does
  std::string text;          // html_to_text() of `html`
  std::string summary_html;  // cut_html(html, kAppleDescriptionMaxBytes), byte for byte
};

/// Renders CommonMark plus bare-URL autolinks (https://..., www..., e-mail addresses),
/// then sanitizes the result; raw HTML in the Markdown is kept when the allow-list
/// keeps it. No GFM tables, strikethrough or task lists: their syntax stays literal
/// text, which reads better than what unwrapping their HTML would leave.
/// Invalid UTF-8 becomes U+FFFD. summary_html, for Apple's <description>, is byte for
/// byte cut_html(html, kAppleDescriptionMaxBytes), made without parsing `html` again:
/// `html` itself when it fits, unless raw HTML nests so deep that `html`, read again,
/// is cut by the nesting limit of sanitize_html() (see there). Returns an Error
/// (kInvalidInput) only when the Markdown renderer fails, which it does only when it
/// runs out of memory.
Result<RenderedNotes> render_notes(std::string_view markdown);

/// Returns `html` (any fragment, however broken) reduced to the allow-list above:
/// - Removed with everything inside: script, style, iframe, frame(set), object, applet,
///   noscript, noembed, noframes, template, svg, math, head, title, textarea, select,
///   audio, video, canvas (fallback text for old browsers is not show notes), comments,
///   processing instructions and CDATA sections. (embed, img and other void elements
///   have nothing inside: they just go.)
/// - Renamed: b -> strong, i -> em (apps render both; the emphasis is kept).
/// - Unwrapped, text kept: every other element (span, font, u, sup, ...). Block-like
///   ones (div, section, table, tr, td, dl, hr, ...; and allowed blocks where HTML has
///   no room for a block: inside a p, a heading, pre or an inline element, or an li
///   outside a list) start a new paragraph, or a new line (<br/>) where a paragraph
///   cannot start, so that their words do not run together.
/// - Attributes other than a's href and title and ol's numeric start are dropped (so
///   every on* handler goes). An href whose scheme, read as browsers read it (entities
///   decoded, tabs and newlines removed, surrounding spaces and controls trimmed, case
///   ignored), is not http, https or mailto is dropped with its link: relative URLs are
///   kept. An a without a usable href, or inside another a, is unwrapped.
/// - Whitespace is collapsed outside pre; elements left empty, line breaks that end a
///   block and no-break spaces that start a line (the "<p>&nbsp;</p>" spacers of feeds)
///   are removed; inline content directly at the top level or in a blockquote is
///   wrapped in a p, and anything but an li directly in a ul or ol in an li. Invalid
///   UTF-8 becomes U+FFFD and control characters go.
/// - Nesting deeper than 256 elements ends parsing (libxml2's limit): what follows is
///   dropped. Real notes never come near it; hostile input cannot make this slow.
/// sanitize_html(sanitize_html(x)) == sanitize_html(x), except where the p and li
/// elements added take the result past the nesting limit ("<ul><ul>..." becomes
/// <ul><li><ul><li>..., twice as deep), or the text around dropped elements joins into
/// one text past libxml2's limit of 10,000,000 bytes: the second run drops what lies
/// past either.
std::string sanitize_html(std::string_view html);

/// Plain text of an HTML fragment (sanitized first, so script bodies never show):
/// paragraphs, headings, quotes and lists separated by blank lines; list items on their
/// own lines as "- item" (or "1. item" in an ol, from its start), nested items and
/// later paragraphs of an item indented under it; br a line break; pre kept verbatim;
/// links as "text (url)" unless the text already is the url (also without its
/// mailto:, http:// or https://); entities decoded; whitespace collapsed; no leading or
/// trailing whitespace.
std::string html_to_text(std::string_view html);

/// The sanitized `html`, cut so that it is at most `max_bytes` bytes long including the
/// closing tags it needs (every open element is closed). When it fits it is returned
/// whole. Otherwise the cut is made, in order of preference:
/// 1. after the last block (a paragraph, heading, list item, ...) that fits, if that
///    keeps at least half of `max_bytes`: a clean cut that loses at most half;
/// 2. else at the last word boundary (a space or a line break) that fits, adding "…"
///    (U+2026) after the last word, if that keeps more than 1. would;
/// 3. else after the last block that fits;
/// 4. else (no block fits, and no space either: one very long word) at the last
///    character that fits, adding "…";
/// 5. else "".
/// Never cuts inside a tag, an entity or a UTF-8 character.
std::string cut_html(std::string_view html, size_t max_bytes);

}  // namespace podsmith
