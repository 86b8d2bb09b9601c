#include "podsmith/publish/publish_manifest.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "podsmith/base/file_io.h"
#include "podsmith/base/text.h"

namespace podsmith {

Result<PublishManifest> load_manifest(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return PublishManifest{};
    return text.error();
  }
  const auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  auto malformed = [&](const std::string& what) {
    return Error{ErrorCode::kCorrupt,
                 "the publish manifest is damaged (" + what + "): delete it to upload every file again", path, 0, 0};
  };
  if (!json.is_object() || json.value("version", 0) != 1) return malformed("not a version 1 manifest");
  PublishManifest m;
  try {
    m.target = json.at("target").get<std::string>();
    for (const auto& [file, entry] : json.at("files").items()) {
      m.files[file] = ManifestEntry{entry.at("size").get<int64_t>(), entry.at("mtime_ns").get<int64_t>(),
                                    entry.at("hash").get<std::string>()};
    }
    if (json.contains("partial")) {
      for (const auto& [file, sha] : json.at("partial").items()) m.partial[file] = sha.get<std::string>();
    }
  } catch (const nlohmann::json::exception& e) {
    return malformed(e.what());
  }
  return m;
}

std::optional<Error> save_manifest(const std::string& path, const PublishManifest& manifest) {
  nlohmann::ordered_json json;
  json["version"] = 1;
  json["target"] = manifest.target;
  json["files"] = nlohmann::ordered_json::object();
  for (const auto& [file, e] : manifest.files) {
    json["files"][file] = {{"size", e.size_bytes}, {"mtime_ns", e.mtime_ns}, {"hash", e.hash}};
  }
  json["partial"] = nlohmann::ordered_json::object();
  for (const auto& [file, sha] : manifest.partial) json["partial"][file] = sha;
  auto written = write_file_atomically(path, json.dump(1) + "\n");
  if (!written) return written.error();
  return std::nullopt;
}

Result<MultipartUploads> load_multipart_uploads(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return MultipartUploads{};
    return text.error();
  }
  const auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  auto malformed = [&](const std::string& what) {
    return Error{ErrorCode::kCorrupt, "the record of multipart uploads is damaged (" + what + ")", path, 0, 0};
  };
  if (!json.is_object() || json.value("version", 0) != 1) return malformed("not a version 1 record");
  MultipartUploads uploads;
  try {
    for (const auto& [url, entry] : json.at("uploads").items()) {
      MultipartUpload u;
      u.identity = entry.at("identity").get<std::string>();
      u.upload_id = entry.at("upload_id").get<std::string>();
      u.part_size_bytes = entry.at("part_size").get<int64_t>();
      for (const auto& part : entry.at("parts")) {
        u.parts.push_back(UploadedPart{part.at("number").get<int>(), part.at("size").get<int64_t>(),
                                       part.at("etag").get<std::string>()});
      }
      uploads[url] = std::move(u);
    }
  } catch (const nlohmann::json::exception& e) {
    return malformed(e.what());
  }
  return uploads;
}

std::optional<Error> save_multipart_uploads(const std::string& path, const MultipartUploads& uploads) {
  nlohmann::ordered_json json;
  json["version"] = 1;
  json["uploads"] = nlohmann::ordered_json::object();
  for (const auto& [url, u] : uploads) {
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const UploadedPart& p : u.parts) {
      parts.push_back({{"number", p.number}, {"size", p.size_bytes}, {"etag", p.etag}});
    }
    json["uploads"][url] = {
        {"identity", u.identity}, {"upload_id", u.upload_id}, {"part_size", u.part_size_bytes}, {"parts", parts}};
  }
  auto written = write_file_atomically(path, json.dump(1) + "\n");
  if (!written) return written.error();
  return std::nullopt;
}

Result<std::string> content_hash_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return Error{ErrorCode::kUnreadable, std::string("cannot read: ") + std::strerror(errno), path, 0, 0};
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state(XXH3_createState(), XXH3_freeState);
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) {
    return Error{ErrorCode::kUnreadable, "out of memory", path, 0, 0};
  }
  std::array<char, 1 << 16> buffer;
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) XXH3_128bits_update(state.get(), buffer.data(), n);
  if (std::ferror(file.get())) return Error{ErrorCode::kUnreadable, "cannot read", path, 0, 0};
  XXH128_canonical_t canonical;  // big-endian, as xxhsum prints it
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state.get()));
  return "xxh128:" + hex_lower(std::string_view(reinterpret_cast<const char*>(canonical.digest), sizeof canonical.digest));
}

Result<std::string> sha256_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return Error{ErrorCode::kUnreadable, std::string("cannot read: ") + std::strerror(errno), path, 0, 0};
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return Error{ErrorCode::kUnreadable, "SHA-256 is not available", path, 0, 0};
  }
  std::array<char, 1 << 16> buffer;
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), n);
  if (std::ferror(file.get())) return Error{ErrorCode::kUnreadable, "cannot read", path, 0, 0};
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &size);
  return hex_lower(std::string_view(reinterpret_cast<const char*>(digest.data()), size));
}

}  // namespace podsmith
