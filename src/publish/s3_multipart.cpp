#include "publish/s3_multipart.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "podsmith/base/text.h"

namespace podsmith::s3 {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// "&amp;", "&quot;", "&#34;", "&#x22;" ... decoded; anything else kept as it is.
std::string xml_unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t semicolon = text[i] == '&' ? text.find(';', i) : std::string::npos;
    if (semicolon == std::string::npos || semicolon - i > 10) {
      out += text[i];
      continue;
    }
    const std::string entity = text.substr(i + 1, semicolon - i - 1);
    static const std::pair<const char*, char> kNamed[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    bool decoded = false;
    for (const auto& [name, c] : kNamed) {
      if (entity == name) {
        out += c;
        decoded = true;
      }
    }
    if (!decoded && entity.size() > 1 && entity[0] == '#') {
      const bool is_hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string digits = entity.substr(is_hex ? 2 : 1);
      uint32_t cp = 0;
      bool ok = !digits.empty() && digits.size() <= 6;
      for (char c : digits) {
        const int v = hex_value(c);
        if (v < 0 || (!is_hex && v > 9)) ok = false;
        cp = cp * (is_hex ? 16 : 10) + static_cast<uint32_t>(std::max(v, 0));
      }
      if (ok && cp > 0 && cp < 0x80) {  // S3 escapes only ASCII this way
        out += static_cast<char>(cp);
        decoded = true;
      }
    }
    if (decoded) {
      i = semicolon;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

int64_t part_size_for(int64_t file_size, int64_t wanted) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  int64_t size = std::clamp(wanted, kMinPartBytes, kMaxPartBytes);
  if (file_size > size * kMaxParts) {
    const int64_t needed = (file_size + kMaxParts - 1) / kMaxParts;
    size = std::min((needed + kMiB - 1) / kMiB * kMiB, kMaxPartBytes);
  }
  return size;
}

std::vector<FilePart> part_layout(int64_t file_size, int64_t part_size) {
  std::vector<FilePart> parts;
  if (file_size <= 0 || part_size <= 0) return parts;
  int number = 1;
  for (int64_t offset = 0; offset < file_size; offset += part_size) {
    parts.push_back(FilePart{number++, offset, std::min(part_size, file_size - offset)});
  }
  return parts;
}

std::string multipart_etag(const std::vector<std::string>& part_md5_hex) {
  std::string binary;
  for (const std::string& hex : part_md5_hex) {
    if (!is_md5_etag(hex)) return {};
    for (size_t i = 0; i < 32; i += 2) binary += static_cast<char>(hex_value(hex[i]) * 16 + hex_value(hex[i + 1]));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  if (EVP_Digest(binary.data(), binary.size(), digest.data(), &size, EVP_md5(), nullptr) != 1) return {};
  return hex_lower(std::string_view(reinterpret_cast<const char*>(digest.data()), size)) + "-" +
         std::to_string(part_md5_hex.size());
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> params) {
  for (auto& [name, value] : params) {
    name = percent_encode(name);
    value = percent_encode(value);
  }
  std::sort(params.begin(), params.end());
  std::string query;
  for (const auto& [name, value] : params) {
    if (!query.empty()) query += '&';
    query += name + "=" + value;
  }
  return query;
}

std::string complete_multipart_xml(const std::vector<std::pair<int, std::string>>& parts) {
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const auto& [number, etag] : parts) {
    xml += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + xml_escape(etag) +
           "</ETag></Part>";
  }
  return xml + "</CompleteMultipartUpload>";
}

std::optional<std::string> xml_element(const std::string& xml, const std::string& name) {
  const std::string open = "<" + name;
  for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    const size_t after = at + open.size();
    if (after >= xml.size()) return std::nullopt;
    if (xml[after] == '/') {
      if (xml.compare(after, 2, "/>") == 0) return std::string();  // <Name/>
      continue;
    }
    if (xml[after] != '>' && xml[after] != ' ') continue;  // <NameSuffix>
    const size_t start = xml.find('>', after);
    if (start == std::string::npos) return std::nullopt;
    if (xml[start - 1] == '/') return std::string();  // <Name attr="..."/>
    const size_t end = xml.find("</" + name + ">", start + 1);
    if (end == std::string::npos) return std::nullopt;
    return xml_unescape(xml.substr(start + 1, end - start - 1));
  }
  return std::nullopt;
}

std::string bare_etag(std::string etag) {
  etag = std::string(trim(etag));
  if (etag.rfind("W/", 0) == 0) etag.erase(0, 2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  std::transform(etag.begin(), etag.end(), etag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return etag;
}

bool is_md5_etag(const std::string& etag) {
  return etag.size() == 32 && std::all_of(etag.begin(), etag.end(), [](char c) { return hex_value(c) >= 0; });
}

}  // namespace podsmith::s3
