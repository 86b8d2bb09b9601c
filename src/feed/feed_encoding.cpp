#include "feed/feed_encoding.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

// The length of the valid, shortest-form UTF-8 sequence at in[i], or 0.
size_t utf8_sequence(std::string_view in, size_t i) {
  uint32_t cp = 0;
  return decode_utf8(in, i, &cp);
}

// windows-1252's 0x80-0x9F, asked of iconv once. glibc leaves 0x81, 0x8D, 0x8F,
// 0x90 and 0x9D undefined; WHATWG maps them to the C1 control of the same value.
const std::array<uint32_t, 32>& windows1252_high_controls() {
  static const std::array<uint32_t, 32> table = [] {
    std::array<uint32_t, 32> t{};
    iconv_t cd = iconv_open("UTF-32LE", "WINDOWS-1252");
    for (uint32_t i = 0; i < 32; ++i) {
      t[i] = 0x80 + i;
      if (cd == reinterpret_cast<iconv_t>(-1)) continue;
      char in = static_cast<char>(0x80 + i);
      unsigned char out[4] = {};
      char* src = &in;
      size_t src_left = 1;
      char* dst = reinterpret_cast<char*>(out);
      size_t dst_left = sizeof out;
      if (iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<size_t>(-1) && dst_left == 0)
        t[i] = out[0] | (uint32_t{out[1]} << 8) | (uint32_t{out[2]} << 16) | (uint32_t{out[3]} << 24);
      iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset after a failure
    }
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
    return t;
  }();
  return table;
}

// UTF-8 where the bytes are UTF-8, windows-1252 for each byte where they are not.
// Counts the bytes read as windows-1252 and the multi-byte UTF-8 sequences seen.
std::string utf8_or_windows1252(std::string_view in, size_t* foreign_bytes, size_t* utf8_sequences) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (size_t i = 0; i < in.size();) {
    const size_t len = utf8_sequence(in, i);
    if (len == 0) {
      append_utf8(windows1252_code_point(static_cast<unsigned char>(in[i])), &out);
      ++*foreign_bytes;
      ++i;
      continue;
    }
    if (len > 1) ++*utf8_sequences;
    out.append(in.substr(i, len));
    i += len;
  }
  return out;
}

std::string windows1252_to_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (char c : in) append_utf8(windows1252_code_point(static_cast<unsigned char>(c)), &out);
  return out;
}

// Converts `in` from the iconv encoding `from` to UTF-8. An invalid or incomplete
// sequence becomes U+FFFD and `unit` bytes are skipped.
// False (and *out untouched) when iconv does not know `from`.
bool iconv_to_utf8(std::string_view in, const std::string& from, size_t unit, std::string* out, size_t* replaced) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  std::string result;
  result.reserve(in.size() + in.size() / 4);
  char* src = const_cast<char*>(in.data());  // iconv's signature; it does not write
  size_t src_left = in.size();
  char buffer[1 << 14];
  for (;;) {
    char* dst = buffer;
    size_t dst_left = sizeof buffer;
    const size_t r = src_left == 0 ? iconv(cd, nullptr, nullptr, &dst, &dst_left)  // flush shift state
                                   : iconv(cd, &src, &src_left, &dst, &dst_left);
    const int err = errno;
    result.append(buffer, static_cast<size_t>(dst - buffer));
    if (r != static_cast<size_t>(-1)) {
      if (src_left == 0 && dst == buffer) break;
      continue;
    }
    if (err == E2BIG) continue;
    // EILSEQ, or EINVAL: an incomplete sequence, which glibc also reports for a UTF-16
    // high surrogate that no low surrogate follows. Either way: U+FFFD, and on.
    append_utf8(kReplacement, &result);
    ++*replaced;
    const size_t skip = std::min(unit, src_left);
    src += skip;
    src_left -= skip;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  iconv_close(cd);
  *out = std::move(result);
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The encoding="..." of an XML declaration at the start of `in` (after whitespace),
// or "" when there is no declaration or it names no encoding.
std::string declared_encoding(std::string_view in) {
  size_t i = 0;
  while (i < in.size() && i < 4096 && is_space(in[i])) ++i;
  if (in.substr(i, 5) != "<?xml") return "";
  const std::string_view decl = in.substr(i, std::min<size_t>(in.size() - i, 512));
  const size_t end = decl.find("?>");
  const size_t at = decl.substr(0, end).find("encoding");
  if (at == std::string_view::npos) return "";
  size_t k = at + 8;
  while (k < decl.size() && is_space(decl[k])) ++k;
  if (k >= decl.size() || decl[k] != '=') return "";
  ++k;
  while (k < decl.size() && is_space(decl[k])) ++k;
  if (k >= decl.size() || (decl[k] != '"' && decl[k] != '\'')) return "";
  const char quote = decl[k++];
  const size_t close = decl.find(quote, k);
  if (close == std::string_view::npos || close - k > 64) return "";
  return std::string(trim(decl.substr(k, close - k)));
}

bool is_ascii(std::string_view in) {
  size_t i = 0;
  for (; i + 8 <= in.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, in.data() + i, 8);
    if ((word & 0x8080808080808080ull) != 0) return false;
  }
  for (; i < in.size(); ++i)
    if (static_cast<unsigned char>(in[i]) >= 0x80) return false;
  return true;
}

enum class Label { kNone, kUtf8, kWindows1252, kWide, kOther };

Label classify(const std::string& lower) {
  if (lower.empty()) return Label::kNone;
  if (lower == "utf-8" || lower == "utf8" || lower == "unicode-1-1-utf-8") return Label::kUtf8;
  static const char* const k1252[] = {"iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1",
                                      "latin-1",    "l1",        "cp819",      "ibm819",          "iso-ir-100",
                                      "us-ascii",   "ascii",     "windows-1252", "cp1252",        "x-cp1252"};
  for (const char* name : k1252)
    if (lower == name) return Label::kWindows1252;
  if (lower.rfind("utf-16", 0) == 0 || lower.rfind("utf-32", 0) == 0 || lower.rfind("ucs-", 0) == 0 ||
      lower == "unicode")
    return Label::kWide;
  return Label::kOther;
}

struct Wide {
  const char* name;  // iconv's and ours
  size_t unit;
  size_t bom;  // bytes of byte-order mark to skip
};

// A byte-order mark, or the pattern "<?" or whitespace makes in UTF-16/32.
bool detect_wide(std::string_view in, Wide* wide) {
  const auto b = [&](size_t i) { return i < in.size() ? static_cast<unsigned char>(in[i]) : 0x100u; };
  if (b(0) == 0x00 && b(1) == 0x00 && b(2) == 0xFE && b(3) == 0xFF) return *wide = {"UTF-32BE", 4, 4}, true;
  if (b(0) == 0xFF && b(1) == 0xFE && b(2) == 0x00 && b(3) == 0x00) return *wide = {"UTF-32LE", 4, 4}, true;
  if (b(0) == 0xFE && b(1) == 0xFF) return *wide = {"UTF-16BE", 2, 2}, true;
  if (b(0) == 0xFF && b(1) == 0xFE) return *wide = {"UTF-16LE", 2, 2}, true;
  if (in.size() < 4) return false;
  if (b(0) == 0 && b(1) == 0 && b(2) == 0 && b(3) != 0) return *wide = {"UTF-32BE", 4, 0}, true;
  if (b(0) != 0 && b(1) == 0 && b(2) == 0 && b(3) == 0) return *wide = {"UTF-32LE", 4, 0}, true;
  if (b(0) == 0 && b(1) != 0 && b(2) == 0 && b(3) != 0) return *wide = {"UTF-16BE", 2, 0}, true;
  if (b(0) != 0 && b(1) == 0 && b(2) != 0 && b(3) == 0) return *wide = {"UTF-16LE", 2, 0}, true;
  return false;
}

// The bytes after the first `skip` (a byte-order mark), as the text: no copy.
void keep(std::string* bytes, size_t skip, DecodedFeed* out) {
  bytes->erase(0, skip);
  out->utf8 = std::move(*bytes);
}

// Bytes that should be UTF-8 (after the first `skip`): UTF-8 where they are,
// windows-1252 where they are not.
void decode_utf8ish(std::string* bytes, size_t skip, const std::string& what, DecodedFeed* out) {
  const std::string_view body = std::string_view(*bytes).substr(skip);
  if (is_clean_text(body)) {  // valid UTF-8, and clean: the common case in one pass
    keep(bytes, skip, out);
    out->encoding = "UTF-8";
    out->clean = true;
    return;
  }
  if (is_valid_utf8(body)) {
    keep(bytes, skip, out);
    out->encoding = "UTF-8";
    return;
  }
  size_t foreign = 0, sequences = 0;
  out->utf8 = utf8_or_windows1252(body, &foreign, &sequences);
  if (sequences == 0) {
    out->encoding = "windows-1252";
    out->notes.push_back(what + " and the bytes are not UTF-8: read as windows-1252");
  } else {
    out->encoding = "UTF-8";
    out->notes.push_back(what + ", but " + std::to_string(foreign) + " byte" + (foreign == 1 ? " is" : "s are") +
                         " not UTF-8: read as windows-1252");
  }
}

}  // namespace

uint32_t windows1252_code_point(unsigned char byte) {
  if (byte >= 0x80 && byte <= 0x9F) return windows1252_high_controls()[byte - 0x80u];
  return byte;
}

void append_utf8(uint32_t cp, std::string* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
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

DecodedFeed decode_feed(std::string bytes) {
  DecodedFeed out;
  Wide wide{};
  if (detect_wide(bytes, &wide)) {
    size_t replaced = 0;
    if (iconv_to_utf8(std::string_view(bytes).substr(wide.bom), wide.name, wide.unit, &out.utf8, &replaced)) {
      out.encoding = wide.name;
      if (replaced > 0)
        out.notes.push_back(std::to_string(replaced) + " invalid " + wide.name + " sequence" +
                            (replaced == 1 ? "" : "s") + " replaced by U+FFFD");
      if (wide.bom == 0) out.notes.push_back(std::string("no byte-order mark: read as ") + wide.name +
                                             " from the pattern of the first bytes");
      return out;
    }
    out.notes.push_back(std::string("iconv cannot convert ") + wide.name + ": read as UTF-8");
  }

  const size_t skip = std::string_view(bytes).substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const std::string_view body = std::string_view(bytes).substr(skip);
  const std::string label = declared_encoding(body);
  const std::string lower = ascii_lower(label);
  if (skip > 0) {
    if (!lower.empty() && classify(lower) != Label::kUtf8)
      out.notes.push_back("the byte-order mark says UTF-8 and the declaration says " + label + ": read as UTF-8");
    decode_utf8ish(&bytes, skip, "the byte-order mark says UTF-8", &out);
    return out;
  }
  switch (classify(lower)) {
    case Label::kNone:
      decode_utf8ish(&bytes, skip, "no encoding is declared", &out);
      return out;
    case Label::kUtf8:
      decode_utf8ish(&bytes, skip, "the feed declares " + label, &out);
      return out;
    case Label::kWide:
      out.notes.push_back("the feed declares " + label + " but its bytes are not " + label + ": read as UTF-8");
      decode_utf8ish(&bytes, skip, "the declared encoding is wrong", &out);
      return out;
    case Label::kWindows1252:
      out.encoding = "windows-1252";
      if (is_ascii(body)) {  // the same characters in either
        keep(&bytes, skip, &out);
        return out;
      }
      // A feed that says ISO-8859-1 but holds UTF-8 (a CMS that copied a template):
      // the chance that real windows-1252 text is also valid UTF-8 is negligible.
      if (is_valid_utf8(body)) {
        keep(&bytes, skip, &out);
        out.encoding = "UTF-8";
        out.notes.push_back("the feed declares " + label + " but its bytes are UTF-8: read as UTF-8");
        return out;
      }
      out.utf8 = windows1252_to_utf8(body);
      return out;
    case Label::kOther: {
      size_t replaced = 0;
      if (iconv_to_utf8(body, label, 1, &out.utf8, &replaced)) {
        out.encoding = label;
        if (replaced > 0)
          out.notes.push_back(std::to_string(replaced) + " byte sequence" + (replaced == 1 ? "" : "s") +
                              " invalid in " + label + " replaced by U+FFFD");
        return out;
      }
      out.notes.push_back("iconv does not know the declared encoding " + label + ": read as UTF-8");
      decode_utf8ish(&bytes, skip, "the declared encoding is unknown", &out);
      return out;
    }
  }
  return out;
}

}  // namespace podsmith
