#include "podsmith/ids.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <random>

#include "podsmith/text.h"

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

}  // namespace

std::string uuid_v4() {
  UuidBytes b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
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
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, ns.data(), ns.size()) == 1 &&
                  EVP_DigestUpdate(ctx, name.data(), name.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, digest.data(), &digest_size) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || digest_size < 16) return {};
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
