#include "podsmith/text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace podsmith {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes one UTF-8 sequence at in[i]. Returns its length and sets *cp, or
// returns 0 when the bytes there are not a valid, shortest-form sequence.
size_t decode_one(std::string_view in, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(in[i]);
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
  if (i + len > in.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(in[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    value = (value << 6) | (b & 0x3Fu);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return len;
}

// XML 1.0's Char production, minus what a tag never means to say.
bool is_allowed(uint32_t cp) {
  if (cp < 0x20) return cp == '\t' || cp == '\n' || cp == '\r';
  if (cp == 0x7F) return false;
  if (cp >= 0x80 && cp <= 0x9F) return false;  // C1 controls
  return cp != 0xFFFE && cp != 0xFFFF;
}

}  // namespace

std::string clean_text(std::string_view in, bool* changed) {
  std::string out;
  out.reserve(in.size());
  bool touched = false;
  size_t i = 0;
  while (i < in.size()) {
    uint32_t cp = 0;
    const size_t len = decode_one(in, i, &cp);
    if (len == 0) {
      // One replacement per maximal invalid run of bytes, as most decoders do.
      out += kReplacement;
      touched = true;
      ++i;
      while (i < in.size() && decode_one(in, i, &cp) == 0) ++i;
      continue;
    }
    if (is_allowed(cp)) {
      out.append(in.substr(i, len));
    } else {
      touched = true;
    }
    i += len;
  }
  if (changed) *changed = touched;
  return out;
}

bool is_valid_utf8(std::string_view in) {
  for (size_t i = 0; i < in.size();) {
    uint32_t cp = 0;
    const size_t len = decode_one(in, i, &cp);
    if (len == 0) return false;
    i += len;
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

}  // namespace podsmith
