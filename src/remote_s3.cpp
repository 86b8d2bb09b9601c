// An S3 bucket (AWS or any S3-compatible store: MinIO, Cloudflare R2, Backblaze
// B2, Wasabi) as a Remote, over http_client. A PUT replaces an object at once, so
// no temporary name is needed. Requests are signed with AWS Signature Version 4
// by libcurl; libcurl 7.88 does not add x-amz-content-sha256 itself, so it is set
// here (the body's SHA-256, which publish has computed anyway) and curl signs it.
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <optional>

#include "podsmith/http_client.h"
#include "podsmith/rss_writer.h"
#include "remote_backends.h"

namespace podsmith {
namespace {

// The SHA-256 of no bytes: the payload hash of a HEAD.
constexpr const char* kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// "<Code>SignatureDoesNotMatch</Code>" out of an S3 error body.
std::string error_code(const std::string& body) {
  const size_t start = body.find("<Code>");
  const size_t end = body.find("</Code>");
  if (start == std::string::npos || end == std::string::npos || end < start) return {};
  return body.substr(start + 6, std::min<size_t>(end - start - 6, 64));
}

// The MD5 of a file as {lowercase hex, base64}: S3 checks a body against
// Content-MD5 and answers a single PUT with the MD5 as its ETag.
std::optional<std::pair<std::string, std::string>> md5_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!file || !ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) return std::nullopt;
  std::array<char, 1 << 16> buffer;
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), n);
  if (std::ferror(file.get())) return std::nullopt;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &size);
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  std::array<unsigned char, 32> base64{};
  const int length = EVP_EncodeBlock(base64.data(), digest.data(), static_cast<int>(size));
  return std::pair{hex, std::string(reinterpret_cast<const char*>(base64.data()), static_cast<size_t>(length))};
}

class S3Remote : public Remote {
 public:
  S3Remote(std::string base, std::string shown, std::string region, bool public_read, const RemoteAccess& access,
           const std::string& ca_file)
      : base_(std::move(base)), shown_(std::move(shown)), sigv4_("aws:amz:" + region + ":s3"),
        public_read_(public_read), access_(access) {
    options_.ca_file = ca_file;
    options_.accept_gzip = false;
    options_.timeout_s = 0;  // an upload takes as long as it takes; low_speed_timeout_s still applies
    options_.low_speed_timeout_s = 30;
    options_.max_body_bytes = size_t{1} << 20;
  }

  std::string describe() const override { return shown_; }
  std::string replace_method() const override { return "put"; }
  bool needs_sha256() const override { return true; }

  void put(const std::vector<Upload>& uploads, const UploadProgress& progress, const UploadDone& done) override {
    std::vector<HttpRequest> puts;
    std::vector<std::string> md5_hex;
    for (const Upload& u : uploads) {
      HttpRequest r = request("PUT", u.remote_path, u.sha256_hex);
      const auto md5 = md5_file(u.local_path);
      md5_hex.push_back(md5 ? md5->first : "");
      if (md5) r.headers.emplace_back("Content-MD5", md5->second);  // the store refuses a body that differs
      r.body_file = u.local_path;
      r.headers.emplace_back("Content-Type", u.content_type.empty() ? "application/octet-stream" : u.content_type);
      if (public_read_) r.headers.emplace_back("x-amz-acl", "public-read");
      puts.push_back(std::move(r));
    }
    HttpOptions options = options_;
    if (progress) options.upload_progress = progress;
    const auto results = http_fetch_all(puts, options, std::max(access_.parallel, 1));
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      if (!r) {
        done(i, r.error());
      } else if (r->status < 200 || r->status > 299) {
        done(i, status_problem(*r, "uploading " + uploads[i].remote_path));
      } else if (!etag_agrees(r->header("etag").value_or(""), md5_hex[i])) {
        done(i, Error{ErrorCode::kUnreadable,
                      shown_ + ": uploading " + uploads[i].remote_path + ": the store's ETag " +
                          r->header("etag").value_or("") + " is not the file's MD5 " + md5_hex[i],
                      "", 0, 0});
      } else {
        done(i, std::nullopt);
      }
    }
  }

  std::vector<Result<RemoteFile>> stat(const std::vector<std::string>& remote_paths) override {
    std::vector<HttpRequest> heads;
    for (const std::string& path : remote_paths) heads.push_back(request("HEAD", path, kEmptySha256));
    const auto results = http_fetch_all(heads, options_, std::max(access_.parallel, 1));
    std::vector<Result<RemoteFile>> out;
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      if (!r) {
        out.push_back(r.error());
      } else if (r->status == 404) {
        out.push_back(RemoteFile{});
      } else if (r->status < 200 || r->status > 299) {
        out.push_back(status_problem(*r, "asking for " + remote_paths[i]));
      } else {
        out.push_back(remote_file_from(*r));
      }
    }
    return out;
  }

 private:
  // A single PUT's ETag is the body's MD5 in quotes; other forms (multipart
  // "...-2", server-side encryption with KMS) say nothing about it.
  static bool etag_agrees(std::string etag, const std::string& md5_hex) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    const bool is_md5 = etag.size() == 32 && std::all_of(etag.begin(), etag.end(), [](char c) {
                          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                        });
    if (!is_md5 || md5_hex.empty()) return true;
    std::transform(etag.begin(), etag.end(), etag.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return etag == md5_hex;
  }

  HttpRequest request(const char* method, const std::string& remote_path, const std::string& payload_sha256) const {
    HttpRequest r;
    r.method = method;
    r.url = url_for_path(base_, remote_path);  // AWS's URI encoding: unreserved characters and '/' stay
    r.user = access_.user;
    r.password = access_.password;
    r.aws_sigv4 = sigv4_;
    r.headers.emplace_back("x-amz-content-sha256", payload_sha256);
    if (!access_.session_token.empty()) r.headers.emplace_back("x-amz-security-token", access_.session_token);
    return r;
  }

  Error status_problem(const HttpResponse& r, const std::string& what) const {
    std::string message = shown_ + ": " + what + ": HTTP " + std::to_string(r.status);
    const std::string code = error_code(r.body);
    if (!code.empty()) message += " " + code;
    if (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" || r.status == 401) {
      message += " (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and the region)";
    } else if (code == "NoSuchBucket") {
      message += " (create the bucket first)";
    } else if (r.status == 403) {
      message += " (the credentials may not write to this bucket)";
    }
    return Error{ErrorCode::kUnreadable, message, "", 0, 0};
  }

  std::string base_;   // where keys are appended: ".../bucket/prefix/"
  std::string shown_;  // "s3://bucket/prefix"
  std::string sigv4_;
  bool public_read_;
  RemoteAccess access_;
  HttpOptions options_;
};

}  // namespace

Result<std::unique_ptr<Remote>> make_s3_remote(const PublishSettings& settings, const RemoteAccess& access,
                                               const std::string& ca_file) {
  if (access.user.empty() || access.password.empty()) {
    return Error{ErrorCode::kInvalidInput,
                 settings.target + ": S3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment", "", 0,
                 0};
  }
  // s3://bucket/prefix -> bucket, "prefix/"
  const std::string rest = settings.target.substr(5);
  const size_t slash = rest.find('/');
  const std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  // An S3-compatible endpoint is addressed path-style (endpoint/bucket/key), which
  // every such store serves; AWS virtual-hosted style (bucket.s3.region...).
  std::string base;
  if (settings.endpoint.empty()) {
    base = "https://" + bucket + ".s3." + settings.region + ".amazonaws.com/";
  } else {
    base = settings.endpoint;
    if (base.back() != '/') base += '/';
    base = url_for_path(base, bucket) + "/";
  }
  base = url_for_path(base, prefix);
  return std::unique_ptr<Remote>(std::make_unique<S3Remote>(std::move(base), "s3://" + bucket + "/" + prefix,
                                                            settings.region, settings.public_read, access, ca_file));
}

}  // namespace podsmith
