#include "podsmith/base/ids.h"

#include <sys/random.h>

#include <array>
#include <bit>
#include <cstdint>
#include <random>

#include "podsmith/base/text.h"

namespace podsmith {
namespace {

using UuidBytes = std::array<unsigned char, 16>;

constexpr bool is_hyphen_position(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_uuid(std::string_view s, UuidBytes* out) {
  if (!is_uuid(s)) return false;
  size_t nibble = 0;
  for (const char c : s) {
    if (c == '-') continue;
    const auto v = static_cast<unsigned>(hex_value(c));
    unsigned char& byte = (*out)[nibble / 2];
    byte = static_cast<unsigned char>(nibble % 2 == 0 ? v << 4 : byte | v);
    ++nibble;
  }
  return true;
}

std::string format_uuid(const UuidBytes& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t k = 0; k < b.size(); ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out += '-';
    out += kHex[b[k] >> 4];
    out += kHex[b[k] & 0x0F];
  }
  return out;
}

// RFC 4122 section 4.1.3 (version in the high nibble of octet 6) and 4.1.1 (variant
// 10xx in octet 8).
void set_version_and_variant(UuidBytes* b, unsigned version) {
  (*b)[6] = static_cast<unsigned char>(((*b)[6] & 0x0Fu) | (version << 4));
  (*b)[8] = static_cast<unsigned char>(((*b)[8] & 0x3Fu) | 0x80u);
}

// SHA-1 (FIPS 180-4) of `first` then `second`. Here only to name UUIDv5s (no
// secret depends on it): computing it in place spares every build loading
// libcrypto (2.5-3.7 ms) for one short hash.
std::array<unsigned char, 20> sha1(std::string_view first, std::string_view second) {
  std::string message;
  message.reserve(first.size() + second.size() + 72);
  message.append(first).append(second);
  const uint64_t bits = uint64_t{message.size()} * 8;
  message += '\x80';
  while (message.size() % 64 != 56) message += '\0';
  for (int shift = 56; shift >= 0; shift -= 8) message += static_cast<char>(bits >> shift);

  std::array<uint32_t, 5> h = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
  for (size_t block = 0; block < message.size(); block += 64) {
    std::array<uint32_t, 80> w{};
    for (size_t t = 0; t < 16; ++t) {
      for (size_t k = 0; k < 4; ++k) w[t] = w[t] << 8 | static_cast<unsigned char>(message[block + 4 * t + k]);
    }
    for (size_t t = 16; t < 80; ++t) w[t] = std::rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (size_t t = 0; t < 80; ++t) {
      uint32_t f = 0, k = 0;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999u;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1u;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDCu;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6u;
      }
      const uint32_t next = std::rotl(a, 5) + f + e + k + w[t];
      e = d;
      d = c;
      c = std::rotl(b, 30);
      b = a;
      a = next;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
  std::array<unsigned char, 20> digest{};
  for (size_t i = 0; i < 20; ++i) digest[i] = static_cast<unsigned char>(h[i / 4] >> (24 - 8 * (i % 4)));
  return digest;
}

}  // namespace

std::string uuid_v4() {
  UuidBytes b{};
  if (::getrandom(b.data(), b.size(), 0) != static_cast<ssize_t>(b.size())) {
    std::random_device device;
    for (size_t k = 0; k < b.size(); k += 4) {
      const uint32_t r = device();
      for (size_t j = 0; j < 4; ++j) b[k + j] = static_cast<unsigned char>(r >> (8 * j));
    }
  }
  set_version_and_variant(&b, 4);
  return format_uuid(b);
}

std::string uuid_v5(std::string_view namespace_uuid, std::string_view name) {
  UuidBytes ns{};
  if (!parse_uuid(namespace_uuid, &ns)) return {};
  // RFC 4122 section 4.3: SHA-1 over the namespace's 16 bytes, then the name.
  const auto digest = sha1(std::string_view(reinterpret_cast<const char*>(ns.data()), ns.size()), name);
  UuidBytes b{};
  for (size_t k = 0; k < b.size(); ++k) b[k] = digest[k];
  set_version_and_variant(&b, 5);
  return format_uuid(b);
}

std::string podcast_guid_for_url(std::string_view feed_url) {
  std::string_view url = trim(feed_url);
  // Podcasting 2.0, podcast:guid: "the protocol scheme and trailing slashes stripped off".
  const size_t sep = url.find("://");
  if (sep != std::string_view::npos && sep > 0) {
    bool scheme = (url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z');
    for (size_t i = 1; i < sep && scheme; ++i) {
      const char c = url[i];
      scheme = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
               c == '-' || c == '.';
    }
    if (scheme) url.remove_prefix(sep + 3);
  }
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return uuid_v5(kPodcastGuidNamespace, url);
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_hyphen_position(i) ? s[i] != '-' : hex_value(s[i]) < 0) return false;
  }
  return true;
}

}  // namespace podsmith
