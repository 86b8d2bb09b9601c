#include "podsmith/base/text.h"

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

TEST_CASE("decode_utf8 reads one sequence and refuses what is not shortest-form UTF-8") {
  struct Case {
    std::string in;
    size_t length;  // 0: not a valid sequence
    uint32_t cp;
  };
  const Case cases[] = {
      {"A", 1, 0x41},
      {"\xC3\xA9", 2, 0xE9},                // é
      {"\xE6\x9D\xB1", 3, 0x6771},          // 東
      {"\xF0\x9F\x8E\x99", 4, 0x1F399},     // 🎙
      {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF},    // the last code point
      {"\xC0\xAF", 0, 0},                   // overlong '/'
      {"\xE0\x80\xAF", 0, 0},               // overlong '/' in three bytes
      {"\xED\xA0\x80", 0, 0},               // a surrogate
      {"\xF4\x90\x80\x80", 0, 0},           // past U+10FFFF
      {"\xE2\x82", 0, 0},                   // cut short
      {"\xE2" "A" "\xAC", 0, 0},            // a continuation byte missing
      {"\x80", 0, 0},                       // a stray continuation byte
      {"\xFF", 0, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    uint32_t cp = 0xDEAD;
    CHECK(podsmith::decode_utf8(c.in, 0, &cp) == c.length);
    CHECK(cp == (c.length == 0 ? 0xDEAD : c.cp));
  }
  uint32_t cp = 0;
  CHECK(podsmith::decode_utf8("ab\xC3\xA9", 2, &cp) == 2);  // at an offset
  CHECK(cp == 0xE9);
}

TEST_CASE("is_clean_text says whether clean_text would change the text, wherever the odd byte is") {
  // Long runs of ASCII go eight and 32 bytes at a time: put each odd character at
  // every offset of a 70-byte string, so that every path sees it.
  const std::string odd[] = {"\x01", "\x7F", "\xC2\x85", "\xEF\xBF\xBE", "\xFF", "\xC3", "\xED\xA0\x80"};
  const std::string fine[] = {"\t", "\n", "\r", "\xC3\xA9", "\xE2\x80\x94", "\xF0\x9F\x8E\x99", "~"};
  for (size_t at = 0; at <= 70; ++at) {
    const std::string before(at, 'a'), after(70 - at, 'b');
    for (const std::string& o : odd) {
      const std::string s = before + o + after;
      CAPTURE(at, o);
      CHECK_FALSE(podsmith::is_clean_text(s));
      bool changed = false;
      (void)clean_text(s, &changed);
      CHECK(changed);
      CHECK(is_valid_utf8(s) == (o != "\xFF" && o != "\xC3" && o != "\xED\xA0\x80"));
    }
    for (const std::string& f : fine) {
      const std::string s = before + f + after;
      CAPTURE(at, f);
      CHECK(podsmith::is_clean_text(s));
      CHECK(clean_text(s) == s);
      CHECK(is_valid_utf8(s));
    }
  }
  CHECK(podsmith::is_clean_text(""));
  CHECK(podsmith::is_clean_text("Tom & Jerry — 東京 🎙\ttab\nline"));
}

TEST_CASE("clean_text cleans each odd character wherever it falls in a long clean run") {
  // clean_text copies clean runs whole: put one or two odd characters at every
  // offset, so that a run ends and starts again at every place.
  const std::pair<std::string, std::string> odd[] = {
      {"\x01", ""}, {"\x7F", ""}, {"\xC2\x85", ""}, {"\xEF\xBF\xBE", ""},
      {"\xFF", "\xEF\xBF\xBD"}, {"\xC3", "\xEF\xBF\xBD"}, {"\xED\xA0\x80", "\xEF\xBF\xBD"},
      {"\xFF\xFE\xFD", "\xEF\xBF\xBD"}};
  for (size_t at = 0; at <= 70; ++at) {
    const std::string before(at, 'a'), middle(at % 11 + 1, 'm'), after(70 - at, 'b');
    for (const auto& [o, cleaned] : odd) {
      CAPTURE(at, o);
      bool changed = false;
      CHECK(clean_text(before + o + after, &changed) == before + cleaned + after);
      CHECK(changed);
      CHECK(clean_text(before + o + middle + o + "\xC3\xA9" + after) ==
            before + cleaned + middle + cleaned + "\xC3\xA9" + after);
    }
  }
}

TEST_CASE("percent_encode keeps unreserved characters and what it is told to keep") {
  CHECK(podsmith::percent_encode("media/ep 1 & \xC3\xBC.mp3", "/") == "media/ep%201%20%26%20%C3%BC.mp3");
  CHECK(podsmith::percent_encode("a/b?c=d") == "a%2Fb%3Fc%3Dd");
  CHECK(podsmith::percent_encode("AZaz09-._~") == "AZaz09-._~");
}

TEST_CASE("percent_decode reads %XX in either case and refuses a broken escape") {
  CHECK(podsmith::percent_decode("ep%201%2fx%C3%bc") == std::optional<std::string>("ep 1/x\xC3\xBC"));
  CHECK(podsmith::percent_decode("plain") == std::optional<std::string>("plain"));
  CHECK_FALSE(podsmith::percent_decode("100%"));
  CHECK_FALSE(podsmith::percent_decode("%zz"));
}

TEST_CASE("hex_lower writes every byte as two lowercase digits") {
  CHECK(podsmith::hex_lower("") == "");
  CHECK(podsmith::hex_lower(std::string_view("\x00\x0f\xa5\xff", 4)) == "000fa5ff");
  CHECK(podsmith::hex_lower("podsmith") == "706f64736d697468");
}
