#include "podsmith/base/text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace podsmith {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;

// Non-zero when a byte of `w` is 0x80 or above.
uint64_t high_bytes(uint64_t w) { return w & kHigh; }

// Non-zero when a byte of `w` is not printable ASCII (below 0x20, or 0x7F and up).
uint64_t unprintable_bytes(uint64_t w) {
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  const uint64_t del_or_high = ((w + kOnes) | w) & kHigh;  // 0x7F and up
  return below_space | del_or_high;
}

// XML 1.0's Char production, minus what a tag never means to say.
bool is_allowed(uint32_t cp) {
  if (cp < 0x20) return cp == '\t' || cp == '\n' || cp == '\r';
  if (cp == 0x7F) return false;
  if (cp >= 0x80 && cp <= 0x9F) return false;  // C1 controls
  return cp != 0xFFFE && cp != 0xFFFF;
}

}  // namespace

size_t decode_utf8(std::string_view in, size_t at, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(in[at]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  uint32_t min;
  uint32_t value;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, value = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, value = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, value = b0 & 0x07u;
  } else {
    return 0;
  }
  if (at + len > in.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(in[at + k]);
    if ((b & 0xC0) != 0x80) return 0;
    value = (value << 6) | (b & 0x3Fu);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return len;
}

namespace {

// The length of the longest prefix of `in` that clean_text() keeps as it is:
// printable ASCII is skipped 32 bytes at a time, then 8.
size_t clean_prefix(std::string_view in) {
  const char* p = in.data();
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    while (i + 32 <= n && (unprintable_bytes(load8(p + i)) | unprintable_bytes(load8(p + i + 8)) |
                           unprintable_bytes(load8(p + i + 16)) | unprintable_bytes(load8(p + i + 24))) == 0)
      i += 32;
    while (i + 8 <= n && unprintable_bytes(load8(p + i)) == 0) i += 8;
    if (i == n) return n;
    // Something else among the next eight bytes (or the last few): one character at
    // a time up to the end of them.
    for (const size_t stop = std::min(i + 8, n); i < stop;) {
      const auto c = static_cast<unsigned char>(p[i]);
      if (c >= 0x20 && c < 0x7F) {
        ++i;
        continue;
      }
      uint32_t cp = 0;
      const size_t len = decode_utf8(in, i, &cp);
      if (len == 0 || !is_allowed(cp)) return i;
      i += len;
    }
  }
  return n;
}

}  // namespace

// Nearly all text is clean: its runs are copied whole, and only what stops one
// is looked at a character at a time.
std::string clean_text(std::string_view in, bool* changed) {
  std::string out;
  out.reserve(in.size());
  bool touched = false;
  size_t i = 0;
  for (;;) {
    const size_t run = clean_prefix(in.substr(i));
    out.append(in.substr(i, run));
    i += run;
    if (i == in.size()) break;
    touched = true;
    uint32_t cp = 0;
    if (const size_t len = decode_utf8(in, i, &cp); len > 0) {
      i += len;  // a character that goes
      continue;
    }
    // One replacement per maximal invalid run of bytes, as most decoders do.
    out += kReplacement;
    ++i;
    while (i < in.size() && decode_utf8(in, i, &cp) == 0) ++i;
  }
  if (changed) *changed = touched;
  return out;
}

bool is_clean_text(std::string_view in) { return clean_prefix(in) == in.size(); }

// Feeds are mostly ASCII and this runs over every byte of a 50 MB one: ASCII is
// skipped 32 bytes at a time.
bool is_valid_utf8(std::string_view in) {
  const char* p = in.data();
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    while (i + 32 <= n && (high_bytes(load8(p + i)) | high_bytes(load8(p + i + 8)) | high_bytes(load8(p + i + 16)) |
                           high_bytes(load8(p + i + 24))) == 0)
      i += 32;
    while (i + 8 <= n && high_bytes(load8(p + i)) == 0) i += 8;
    for (const size_t stop = std::min(i + 8, n); i < stop;) {
      uint32_t cp = 0;
      const size_t len = decode_utf8(in, i, &cp);
      if (len == 0) return false;
      i += len;
    }
  }
  return true;
}

std::string_view utf8_prefix(std::string_view in, size_t max_bytes) {
  if (in.size() <= max_bytes) return in;
  size_t end = max_bytes;
  // Step back over continuation bytes so the cut falls before a lead byte.
  while (end > 0 && (static_cast<unsigned char>(in[end]) & 0xC0) == 0x80) --end;
  return in.substr(0, end);
}

std::string_view trim(std::string_view in) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!in.empty() && is_space(in.front())) in.remove_prefix(1);
  while (!in.empty() && is_space(in.back())) in.remove_suffix(1);
  return in;
}

std::string hex_lower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates,
                          size_t max_distance) {
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string needle = lower(word);
  std::string best;
  size_t best_distance = max_distance + 1;
  for (const std::string& candidate : candidates) {
    const size_t d = edit_distance(needle, lower(candidate));
    if (d < best_distance) best_distance = d, best = candidate;
  }
  return best;
}

std::string percent_encode(std::string_view in, std::string_view keep) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view in) {
  const auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size() || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0) return std::nullopt;
    out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
    i += 2;
  }
  return out;
}

}  // namespace podsmith
