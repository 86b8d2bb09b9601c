// libFuzzer target for chapter files (src/workspace/chapters.*): the input is a
// <ep>.chapters.txt and, the same bytes, a JSON chapters file. Whatever the bytes,
// nothing crashes or trips a sanitizer; an error names the file; what parses has
// clean titles and times in order; and write_chapters_json() of it is JSON that
// parse_chapters_json() reads back to the same chapters.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "podsmith/workspace/chapters.h"

using namespace podsmith;

namespace {

void check_chapters(const std::vector<Chapter>& chapters) {
  for (const Chapter& c : chapters) {
    FUZZ_REQUIRE(is_clean_text(c.title) && is_clean_text(c.url) && is_clean_text(c.image_url));
    FUZZ_REQUIRE(c.start_ms >= 0);
  }
}

// write_chapters_json() -> parse_chapters_json() keeps every chapter (they are all
// "toc": true, sorted, with end times as written).
void check_round_trip(const std::vector<Chapter>& chapters) {
  const std::string json = write_chapters_json(chapters);
  const Result<std::vector<Chapter>> again = parse_chapters_json(json, "again.json");
  FUZZ_REQUIRE(again.has_value());
  FUZZ_REQUIRE(again->size() == chapters.size());
  for (size_t i = 0; i < chapters.size(); ++i) {
    FUZZ_REQUIRE((*again)[i].start_ms == chapters[i].start_ms);
    FUZZ_REQUIRE((*again)[i].title == chapters[i].title);
    FUZZ_REQUIRE((*again)[i].url == chapters[i].url);
    FUZZ_REQUIRE((*again)[i].image_url == chapters[i].image_url);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);

  const Result<std::vector<Chapter>> txt = parse_chapters_txt(bytes, "ep.chapters.txt");
  if (!txt) {
    fuzz::check_error(txt.error());
    FUZZ_REQUIRE(txt.error().file == "ep.chapters.txt" && txt.error().line >= 1 && txt.error().column >= 1);
  } else {
    check_chapters(*txt);
    for (size_t i = 1; i < txt->size(); ++i) {
      FUZZ_REQUIRE((*txt)[i].start_ms > (*txt)[i - 1].start_ms);
      FUZZ_REQUIRE((*txt)[i - 1].end_ms == (*txt)[i].start_ms);
    }
    for (const Chapter& c : *txt) FUZZ_REQUIRE(!c.title.empty());
    check_round_trip(*txt);
  }

  const Result<std::vector<Chapter>> json = parse_chapters_json(bytes, "ep.json");
  if (!json) {
    fuzz::check_error(json.error());
    FUZZ_REQUIRE(json.error().file == "ep.json");
  } else {
    check_chapters(*json);
    for (size_t i = 1; i < json->size(); ++i) FUZZ_REQUIRE((*json)[i].start_ms >= (*json)[i - 1].start_ms);
    check_round_trip(*json);
  }
  return 0;
}
