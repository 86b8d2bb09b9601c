#include "podsmith/text.h"

#include <catch2/catch.hpp>

using podsmith::clean_text;
using podsmith::is_valid_utf8;
using podsmith::utf8_prefix;

TEST_CASE("clean_text keeps valid text and reports nothing changed") {
  bool changed = true;
  CHECK(clean_text("Tom & Jerry — 東京 🎙\ttab\nline", &changed) == "Tom & Jerry — 東京 🎙\ttab\nline");
  CHECK_FALSE(changed);
}

TEST_CASE("clean_text makes any byte sequence valid XML-safe UTF-8") {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"a\xFF" "b", "a\xEF\xBF\xBD" "b"},                  // invalid byte
      {"a\xC3", "a\xEF\xBF\xBD"},                          // truncated sequence at the end
      {"\xC0\xAF", "\xEF\xBF\xBD"},                        // overlong '/'
      {"\xED\xA0\x80x", "\xEF\xBF\xBDx"},                  // UTF-16 surrogate
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD"},                // above U+10FFFF
      {std::string("nul\0here", 8), "nulhere"},            // NUL removed
      {"bell\x07 esc\x1B del\x7F", "bell esc del"},        // C0 controls and DEL removed
      {"c1\xC2\x85x", "c1x"},                              // C1 control (NEL) removed
      {"nonchar\xEF\xBF\xBE", "nonchar"},                  // U+FFFE removed
  };
  for (const Case& c : cases) {
    bool changed = false;
    const std::string cleaned = clean_text(c.in, &changed);
    CAPTURE(c.in);
    CHECK(cleaned == c.out);
    CHECK(changed);
    CHECK(is_valid_utf8(cleaned));
  }
}

TEST_CASE("is_valid_utf8 rejects what clean_text replaces") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("Zoë"));
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));
  CHECK_FALSE(is_valid_utf8("\xED\xB0\x80"));
}

TEST_CASE("utf8_prefix never splits a character") {
  const std::string s = "aé東";  // 1 + 2 + 3 bytes
  CHECK(utf8_prefix(s, 100) == s);
  CHECK(utf8_prefix(s, 6) == s);
  CHECK(utf8_prefix(s, 5) == "aé");
  CHECK(utf8_prefix(s, 4) == "aé");
  CHECK(utf8_prefix(s, 3) == "aé");
  CHECK(utf8_prefix(s, 2) == "a");
  CHECK(utf8_prefix(s, 0) == "");
}

TEST_CASE("trim removes surrounding whitespace only") {
  CHECK(podsmith::trim("  a b \n") == "a b");
  CHECK(podsmith::trim("") == "");
  CHECK(podsmith::trim(" \t ") == "");
}

TEST_CASE("closest_match suggests the nearest candidate within the distance") {
  const std::vector<std::string> keys = {"title", "description", "language", "base_url"};
  CHECK(podsmith::closest_match("titel", keys) == "title");
  CHECK(podsmith::closest_match("Langauge", keys) == "language");
  CHECK(podsmith::closest_match("baseurl", keys) == "base_url");
  CHECK(podsmith::closest_match("zzzzzzzz", keys).empty());
  CHECK(podsmith::edit_distance("kitten", "sitting") == 3);
  CHECK(podsmith::edit_distance("", "abc") == 3);
}
