// libFuzzer target for show notes (src/feed/notes.*): the input is a sidecar's
// Markdown and, the same bytes, HTML from another host's feed. Whatever the bytes,
// nothing crashes or trips a sanitizer, and notes.h's promises hold: the HTML is
// valid UTF-8 and well-formed XML (pugixml reads it); summary_html is byte for
// byte cut_html(html, 4000); a cut fits its limit; cleaning clean HTML again
// changes nothing (for inputs too short to reach the nesting limit).
#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "podsmith/feed/notes.h"

using namespace podsmith;

namespace {

void require_xml(const std::string& html) {
  fuzz::require_utf8(html);
  FUZZ_REQUIRE(html.find("]]>") == std::string::npos);
  const std::string doc = "<notes>" + html + "</notes>";
  pugi::xml_document xml;
  FUZZ_REQUIRE(static_cast<bool>(xml.load_buffer(doc.data(), doc.size(), pugi::parse_default, pugi::encoding_utf8)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  // A cut limit from the input, small enough to cut most notes.
  const size_t limit = size == 0 ? 0 : static_cast<uint8_t>(bytes[0]) * 4;

  const Result<RenderedNotes> notes = render_notes(bytes);
  FUZZ_REQUIRE(notes.has_value());
  require_xml(notes->html);
  FUZZ_REQUIRE(notes->summary_html == cut_html(notes->html, kAppleDescriptionMaxBytes));
  FUZZ_REQUIRE(notes->summary_html.size() <= kAppleDescriptionMaxBytes);
  FUZZ_REQUIRE(notes->text == html_to_text(notes->html));
  fuzz::require_utf8(notes->text);

  const std::string clean = sanitize_html(bytes);
  require_xml(clean);
  if (size < 400) FUZZ_REQUIRE(sanitize_html(clean) == clean);
  const std::string cut = cut_html(clean, limit);
  FUZZ_REQUIRE(cut.size() <= limit);
  require_xml(cut);
  fuzz::require_utf8(html_to_text(bytes));
  return 0;
}
