// libFuzzer target for categories and language codes (src/feed/categories.*): the
// input is a category as a feed file or an imported feed writes it ("Parent/Sub")
// and, the same bytes, a <language> value. Whatever the bytes, nothing crashes or
// trips a sanitizer; explain_category() says nothing exactly when the category is
// valid and otherwise one line; and the suggestion search stays fast on long names.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "podsmith/feed/categories.h"

using namespace podsmith;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzz::bytes_of(data, size);
  const size_t slash = bytes.find('/');
  const std::string_view name = bytes.substr(0, slash);
  const std::string_view sub = slash == std::string_view::npos ? std::string_view() : bytes.substr(slash + 1);
  const bool valid = is_apple_category(name, sub);
  const std::string why = explain_category(name, sub);
  FUZZ_REQUIRE(valid == why.empty());
  // One line (a name with a line break in it is quoted as it is).
  FUZZ_REQUIRE(why.find('\n') == std::string::npos || bytes.find('\n') != std::string_view::npos);
  for (const std::string& sub_name : apple_subcategories(name)) FUZZ_REQUIRE(is_apple_category(name, sub_name));
  is_language_code(bytes);
  return 0;
}
