// An S3 bucket (AWS or any S3-compatible store: MinIO, Cloudflare R2, Backblaze
// B2, Wasabi) as a Remote, over http_client. A PUT replaces an object at once, so
// no temporary name is needed. Requests are signed with AWS Signature Version 4
// by libcurl; libcurl 7.88 does not add x-amz-content-sha256 itself, so it is set
// here (the body's SHA-256, which publish has computed anyway) and curl signs it.
//
// A file of multipart_threshold bytes or more goes up as a multipart upload
// (S3 refuses a single PUT above 5 GiB): CreateMultipartUpload, one UploadPart
// per part read from its range of the file (several at once), then
// CompleteMultipartUpload, whose ETag is checked against the parts' MD5s. The
// upload id and each part the store confirmed are recorded in
// .podsmith/s3-multipart.json as they arrive, so that a publish cut short sends
// only the missing parts next time, and only of the same file ("SIZE:MTIME_NS",
// and each recorded part's MD5 read again). An upload abandoned because the
// file changed is aborted, failures ignored (the bucket's lifecycle rule for
// incomplete multipart uploads, which AWS recommends, cleans up what is left).
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "podsmith/base/http_client.h"
#include "podsmith/publish/publish_manifest.h"
#include "podsmith/feed/rss_writer.h"
#include "podsmith/base/text.h"
#include "publish/remote_backends.h"
#include "publish/s3_multipart.h"

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
  const std::string hex = hex_lower(std::string_view(reinterpret_cast<const char*>(digest.data()), size));
  std::array<unsigned char, 32> base64{};
  const int length = EVP_EncodeBlock(base64.data(), digest.data(), static_cast<int>(size));
  return std::pair{hex, std::string(reinterpret_cast<const char*>(base64.data()), static_cast<size_t>(length))};
}

// The SHA-256 of `bytes` as lowercase hex: the payload hash of a small body.
std::string sha256_hex(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) return {};
  return hex_lower(std::string_view(reinterpret_cast<const char*>(digest.data()), size));
}

// MD5 (and, when asked, SHA-256) of byte ranges of a file read in order, and
// the MD5 of everything read so far: the parts' digests and the whole file's in
// one pass.
class RangeHasher {
 public:
  struct Digests {
    std::string md5_hex;
    std::string md5_base64;  // Content-MD5
    std::string sha256_hex;  // empty unless asked for
  };

  explicit RangeHasher(const std::string& path) : file_(std::fopen(path.c_str(), "rb"), std::fclose) {
    if (whole_ && EVP_DigestInit_ex(whole_.get(), EVP_md5(), nullptr) != 1) whole_.reset();
  }
  bool ok() const { return file_ && whole_; }

  // Bytes [offset, offset + length): nullopt when they cannot all be read.
  std::optional<Digests> range(int64_t offset, int64_t length, bool sha256) {
    Ctx md5(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    Ctx sha(sha256 ? EVP_MD_CTX_new() : nullptr, EVP_MD_CTX_free);
    if (!ok() || !md5 || EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr) != 1) return std::nullopt;
    if (sha256 && (!sha || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1)) return std::nullopt;
    if (fseeko(file_.get(), static_cast<off_t>(offset), SEEK_SET) != 0) return std::nullopt;
    std::array<char, 1 << 16> buffer;
    for (int64_t left = length; left > 0;) {
      const size_t wanted = static_cast<size_t>(std::min<int64_t>(left, buffer.size()));
      const size_t n = std::fread(buffer.data(), 1, wanted, file_.get());
      if (n == 0) return std::nullopt;
      EVP_DigestUpdate(md5.get(), buffer.data(), n);
      if (sha) EVP_DigestUpdate(sha.get(), buffer.data(), n);
      EVP_DigestUpdate(whole_.get(), buffer.data(), n);
      left -= static_cast<int64_t>(n);
    }
    Digests d;
    const auto md5_raw = finish(md5.get());
    d.md5_hex = hex_lower(md5_raw);
    std::array<unsigned char, 32> base64{};
    const int size = EVP_EncodeBlock(base64.data(), reinterpret_cast<const unsigned char*>(md5_raw.data()),
                                     static_cast<int>(md5_raw.size()));
    d.md5_base64.assign(reinterpret_cast<const char*>(base64.data()), static_cast<size_t>(size));
    if (sha) d.sha256_hex = hex_lower(finish(sha.get()));
    return d;
  }

  // The MD5 of every byte read so far, as hex; call once, after the last range.
  std::string whole_md5_hex() { return ok() ? hex_lower(finish(whole_.get())) : std::string(); }

 private:
  using Ctx = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;
  static std::string finish(EVP_MD_CTX* ctx) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned size = 0;
    EVP_DigestFinal_ex(ctx, digest.data(), &size);
    return std::string(reinterpret_cast<const char*>(digest.data()), size);
  }

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  Ctx whole_{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

// .podsmith/s3-multipart.json of one workspace, read when an upload begins and
// written after each step. A record that cannot be read is treated as empty:
// what is lost is only the chance to resume.
class MultipartJournal {
 public:
  explicit MultipartJournal(const std::string& workspace_root) {
    path_ = (std::filesystem::path(workspace_root) / ".podsmith" / "s3-multipart.json").string();
    if (auto loaded = load_multipart_uploads(path_)) uploads_ = std::move(*loaded);
  }
  MultipartUpload* find(const std::string& url) {
    const auto it = uploads_.find(url);
    return it == uploads_.end() ? nullptr : &it->second;
  }
  void put(const std::string& url, const MultipartUpload& upload) {
    uploads_[url] = upload;
    save();
  }
  void erase(const std::string& url) {
    if (uploads_.erase(url) > 0) save();
  }

 private:
  void save() {
    // Without the record the upload still completes; only a resume is lost.
    if (!path_.empty()) (void)save_multipart_uploads(path_, uploads_);
  }

  std::string path_;
  MultipartUploads uploads_;
};

class S3Remote : public Remote {
 public:
  S3Remote(std::string base, std::string shown, const PublishSettings& settings, const RemoteAccess& access,
           const std::string& ca_file, std::string workspace_root)
      : base_(std::move(base)), shown_(std::move(shown)), workspace_root_(std::move(workspace_root)), sigv4_("aws:amz:" + settings.region + ":s3"),
        public_read_(settings.public_read), multipart_threshold_(settings.multipart_threshold_bytes),
        part_size_(settings.multipart_part_size_bytes), parallel_(std::max(access.parallel, 1)), access_(access) {
    options_.ca_file = ca_file;
    options_.accept_gzip = false;
    options_.timeout_s = 0;  // an upload takes as long as it takes; low_speed_timeout_s still applies
    options_.low_speed_timeout_s = 30;
    options_.max_body_bytes = size_t{1} << 20;
    // --limit-rate is shared by the bodies in flight at once.
    if (access.max_send_bytes_per_s > 0) {
      options_.max_send_bytes_per_s = std::max<int64_t>(access.max_send_bytes_per_s / parallel_, 1);
    }
  }

  std::string describe() const override { return shown_; }
  std::string replace_method() const override { return "put"; }
  bool needs_sha256() const override { return true; }

  void put(const std::vector<Upload>& uploads, const UploadProgress& progress, const UploadDone& done) override {
    std::vector<size_t> single;  // indexes of the files sent with one PUT each, all at once
    std::vector<size_t> multipart;
    for (size_t i = 0; i < uploads.size(); ++i) {
      (uploads[i].size_bytes >= multipart_threshold_ ? multipart : single).push_back(i);
    }
    if (!single.empty()) put_single(uploads, single, progress, done);
    for (size_t i : multipart) done(i, put_multipart(uploads[i], i, progress));
  }

  std::vector<Result<RemoteFile>> stat(const std::vector<std::string>& remote_paths) override {
    std::vector<HttpRequest> heads;
    for (const std::string& path : remote_paths) heads.push_back(request("HEAD", path, kEmptySha256));
    const auto results = http_fetch_all(heads, options_, std::max(access_.parallel, 1));
    std::vector<Result<RemoteFile>> out;
    out.reserve(results.size());
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      if (!r) {
        out.emplace_back(r.error());
      } else if (r->status == 404) {
        out.emplace_back(RemoteFile{});
      } else if (r->status < 200 || r->status > 299) {
        out.emplace_back(status_problem(*r, "asking for " + remote_paths[i]));
      } else {
        out.emplace_back(remote_file_from(*r));
      }
    }
    return out;
  }

 private:
  // What a step of a multipart upload came to.
  enum class Step { kDone, kFailed, kStartOver };

  // Sends uploads[i] for each i in `indexes` with one PUT each, in parallel.
  void put_single(const std::vector<Upload>& uploads, const std::vector<size_t>& indexes,
                  const UploadProgress& progress, const UploadDone& done) {
    std::vector<HttpRequest> puts;
    std::vector<std::string> md5_hex;
    for (size_t i : indexes) {
      const Upload& u = uploads[i];
      HttpRequest r = request("PUT", u.remote_path, u.sha256_hex);
      const auto md5 = md5_file(u.local_path);
      md5_hex.push_back(md5 ? md5->first : "");
      if (md5) r.headers.emplace_back("Content-MD5", md5->second);  // the store refuses a body that differs
      r.body_file = u.local_path;
      add_object_headers(r, u);
      puts.push_back(std::move(r));
    }
    HttpOptions options = options_;
    if (progress) {
      options.upload_progress = [&](size_t k, int64_t sent, int64_t total) { progress(indexes[k], sent, total); };
    }
    const auto results = http_fetch_all(puts, options, parallel_);
    for (size_t k = 0; k < results.size(); ++k) {
      const size_t i = indexes[k];
      const auto& r = results[k];
      if (!r) {
        done(i, r.error());
      } else if (r->status < 200 || r->status > 299) {
        done(i, status_problem(*r, "uploading " + uploads[i].remote_path));
      } else if (!etag_agrees(r->header("etag").value_or(""), md5_hex[k])) {
        done(i, Error{ErrorCode::kUnreadable,
                      shown_ + ": uploading " + uploads[i].remote_path + ": the store's ETag " +
                          r->header("etag").value_or("") + " is not the file's MD5 " + md5_hex[k],
                      "", 0, 0});
      } else {
        done(i, std::nullopt);
      }
    }
  }

  // Sends one file as a multipart upload, continuing the one recorded for it
  // when publish asks to resume and it is of the same file. An upload the store
  // no longer has is started again once.
  std::optional<Error> put_multipart(const Upload& u, size_t index, const UploadProgress& progress) {
    struct stat st {};
    if (::stat(u.local_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return Error{ErrorCode::kUnreadable, "cannot read " + u.local_path, u.local_path, 0, 0};
    }
    const int64_t size = static_cast<int64_t>(st.st_size);
    const std::string identity =
        std::to_string(size) + ":" + std::to_string(int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec);
    const std::string url = url_for_path(base_, u.remote_path);
    MultipartJournal journal(workspace_root_);
    bool may_resume = u.resume;
    for (int round = 0; round < 2; ++round) {
      MultipartUpload upload;
      bool resuming = false;
      if (const MultipartUpload* known = journal.find(url)) {
        resuming = may_resume && known->identity == identity && !known->upload_id.empty() &&
                   known->part_size_bytes >= s3::kMinPartBytes && known->part_size_bytes <= s3::kMaxPartBytes;
        if (resuming) {
          upload = *known;
        } else {
          abort_upload(u.remote_path, known->upload_id);  // of another file, or not to be continued
          journal.erase(url);
        }
      }
      std::optional<Error> error;
      const Step step = send_multipart(u, index, size, identity, resuming, upload, journal, url, progress, &error);
      if (step != Step::kStartOver) return error;
      abort_upload(u.remote_path, upload.upload_id);
      journal.erase(url);
      may_resume = false;
    }
    return Error{ErrorCode::kUnreadable,
                 shown_ + ": uploading " + u.remote_path + ": the multipart upload failed twice", "", 0, 0};
  }

  // One round of put_multipart: begins an upload (unless `resuming` the one in
  // `upload`), sends each part not recorded yet, and completes it. kStartOver
  // when a resumed upload cannot be continued (the store lost it, or a recorded
  // part is not of this file).
  Step send_multipart(const Upload& u, size_t index, int64_t size, const std::string& identity, bool resuming,
                      MultipartUpload& upload, MultipartJournal& journal, const std::string& url,
                      const UploadProgress& progress, std::optional<Error>* error) {
    const std::string what = "uploading " + u.remote_path;
    auto fail = [&](const std::string& message) {
      *error = Error{ErrorCode::kUnreadable, shown_ + ": " + what + ": " + message, "", 0, 0};
      return Step::kFailed;
    };
    if (!resuming) {
      HttpRequest create = request("POST", u.remote_path, kEmptySha256, s3::canonical_query({{"uploads", ""}}));
      add_object_headers(create, u);  // the object's Content-Type and ACL are given here, not with the parts
      auto r = http_fetch(create, options_);
      if (!r) return *error = r.error(), Step::kFailed;
      if (r->status < 200 || r->status > 299) return *error = status_problem(*r, what), Step::kFailed;
      const auto id = s3::xml_element(r->body, "UploadId");
      if (!id || id->empty()) return fail("the store began a multipart upload without saying its UploadId");
      upload = MultipartUpload{identity, *id, s3::part_size_for(size, part_size_), {}};
      journal.put(url, upload);
    }
    const std::vector<s3::FilePart> layout = s3::part_layout(size, upload.part_size_bytes);
    if (layout.empty() || static_cast<int>(layout.size()) > s3::kMaxParts) {
      return fail("the file cannot be cut into parts");
    }
    std::map<int, UploadedPart> have;
    for (const UploadedPart& p : upload.parts) {
      const bool fits = p.number >= 1 && p.number <= static_cast<int>(layout.size()) &&
                        p.size_bytes == layout[static_cast<size_t>(p.number - 1)].size_bytes;
      if (!fits) return Step::kStartOver;
      have[p.number] = p;
    }

    RangeHasher hasher(u.local_path);
    if (!hasher.ok()) return fail("cannot read " + u.local_path);
    std::vector<std::string> part_md5(layout.size());
    int64_t confirmed = 0;  // bytes of the parts the store has, for progress
    for (const auto& [number, p] : have) confirmed += p.size_bytes;
    for (size_t next = 0; next < layout.size();) {
      // The next parts to send, at most parallel_ of them; recorded parts on the
      // way are read too, for the whole file's MD5 and to check they are of this file.
      std::vector<HttpRequest> batch;
      std::vector<const s3::FilePart*> batch_parts;
      std::vector<std::string> batch_md5;
      for (; next < layout.size() && batch.size() < static_cast<size_t>(parallel_); ++next) {
        const s3::FilePart& part = layout[next];
        const auto known = have.find(part.number);
        const auto digests = hasher.range(part.offset, part.size_bytes, /*sha256=*/known == have.end());
        if (!digests) return fail("cannot read " + u.local_path);
        part_md5[next] = digests->md5_hex;
        if (known != have.end()) {
          const std::string etag = s3::bare_etag(known->second.etag);
          if (s3::is_md5_etag(etag) && etag != digests->md5_hex) return Step::kStartOver;  // the file changed
          continue;
        }
        HttpRequest r = request("PUT", u.remote_path, digests->sha256_hex,
                                s3::canonical_query({{"partNumber", std::to_string(part.number)},
                                                     {"uploadId", upload.upload_id}}));
        r.headers.emplace_back("Content-MD5", digests->md5_base64);
        // Given, not left out: libcurl 7.88 signs the "Content-Type:" that http_client
        // would send to drop the header as a header sent empty (curl issue 11664).
        r.headers.emplace_back("Content-Type", "application/octet-stream");
        r.body_file = u.local_path;
        r.body_file_offset = part.offset;
        r.body_file_length = part.size_bytes;
        batch.push_back(std::move(r));
        batch_parts.push_back(&part);
        batch_md5.push_back(digests->md5_hex);
      }
      if (batch.empty()) continue;
      HttpOptions options = options_;
      std::vector<int64_t> in_flight(batch.size(), 0);
      if (progress) {
        options.upload_progress = [&](size_t k, int64_t sent, int64_t) {
          in_flight[k] = sent;
          int64_t now = confirmed;
          for (int64_t n : in_flight) now += n;
          progress(index, std::min(now, size), size);
        };
      }
      const auto results = http_fetch_all(batch, options, parallel_);
      std::optional<Error> failure;
      bool gone = false;
      for (size_t k = 0; k < results.size(); ++k) {
        const auto& r = results[k];
        const std::string part_what = what + " (part " + std::to_string(batch_parts[k]->number) + ")";
        in_flight[k] = 0;
        if (!r) {
          failure = r.error();
        } else if (r->status == 404 && error_code(r->body) == "NoSuchUpload") {
          gone = true;
        } else if (r->status < 200 || r->status > 299) {
          failure = status_problem(*r, part_what);
        } else if (const std::string etag = r->header("etag").value_or("");
                   s3::is_md5_etag(s3::bare_etag(etag)) && s3::bare_etag(etag) != batch_md5[k]) {
          failure = Error{ErrorCode::kUnreadable,
                          shown_ + ": " + part_what + ": the store's ETag " + etag + " is not the part's MD5 " +
                              batch_md5[k],
                          "", 0, 0};
        } else {
          upload.parts.push_back(UploadedPart{batch_parts[k]->number, batch_parts[k]->size_bytes,
                                              etag.empty() ? "\"" + batch_md5[k] + "\"" : etag});
          confirmed += batch_parts[k]->size_bytes;
        }
      }
      std::sort(upload.parts.begin(), upload.parts.end(),
                [](const UploadedPart& a, const UploadedPart& b) { return a.number < b.number; });
      if (gone) {
        if (resuming) return Step::kStartOver;
        journal.erase(url);
        return fail("the store lost the multipart upload it had just begun (NoSuchUpload)");
      }
      journal.put(url, upload);  // the parts the store has, also when some failed
      if (failure) return *error = std::move(*failure), Step::kFailed;
    }

    // Every part is there: put them together.
    std::vector<std::pair<int, std::string>> listed;
    for (const UploadedPart& p : upload.parts) listed.emplace_back(p.number, p.etag);
    const std::string body = s3::complete_multipart_xml(listed);
    HttpRequest complete =
        request("POST", u.remote_path, sha256_hex(body), s3::canonical_query({{"uploadId", upload.upload_id}}));
    complete.body = body;
    complete.headers.emplace_back("Content-Type", "application/xml");
    auto r = http_fetch(complete, options_);
    if (!r) return *error = r.error(), Step::kFailed;
    // S3 may answer 200 and then an <Error> (the request took long): it failed.
    const std::string code = error_code(r->body);
    if (r->status < 200 || r->status > 299 || !code.empty()) {
      if (code == "NoSuchUpload" || code == "InvalidPart" || code == "InvalidPartOrder") {
        // The store will never complete this one: the next attempt starts afresh.
        if (resuming) return Step::kStartOver;
        journal.erase(url);
      }
      return *error = status_problem(*r, what), Step::kFailed;
    }
    journal.erase(url);  // complete: nothing is left to resume
    if (progress) progress(index, size, size);
    // S3's ETag of a multipart object is the MD5 of the parts' MD5s and their
    // count; some stores (s3rver) give the whole body's MD5 instead. Either must
    // be what was read. A store whose part ETags are not MD5s (SSE-KMS) says
    // nothing about the bytes with it.
    std::string etag = s3::xml_element(r->body, "ETag").value_or(r->header("etag").value_or(""));
    const std::string bare = s3::bare_etag(etag);
    const std::string expected = s3::multipart_etag(part_md5);
    const std::string whole = hasher.whole_md5_hex();
    const bool md5_parts = std::all_of(upload.parts.begin(), upload.parts.end(),
                                       [](const UploadedPart& p) { return s3::is_md5_etag(s3::bare_etag(p.etag)); });
    const bool multipart_form = bare.find('-') != std::string::npos;
    if (md5_parts && ((multipart_form && bare != expected) || (s3::is_md5_etag(bare) && bare != whole))) {
      return fail("the store's ETag " + etag + " is not that of the file's parts (" + expected + ") or bytes (" +
                  whole + ")");
    }
    return Step::kDone;
  }

  // Gives up an upload (DELETE ?uploadId). Failures are ignored: the upload is
  // not ours to finish any more, and some stores (s3rver) do not know the request.
  void abort_upload(const std::string& remote_path, const std::string& upload_id) {
    if (upload_id.empty()) return;
    HttpOptions options = options_;
    options.retries = 0;
    (void)http_fetch(request("DELETE", remote_path, kEmptySha256, s3::canonical_query({{"uploadId", upload_id}})),
                     options);
  }

  // The object's own headers, sent with a PUT or when a multipart upload begins.
  void add_object_headers(HttpRequest& r, const Upload& u) const {
    r.headers.emplace_back("Content-Type", u.content_type.empty() ? "application/octet-stream" : u.content_type);
    if (public_read_) r.headers.emplace_back("x-amz-acl", "public-read");
  }

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

  // A signed request for the object at `remote_path`, with x-amz-content-sha256
  // as its first header; `query` in canonical form (s3::canonical_query).
  HttpRequest request(const char* method, const std::string& remote_path, const std::string& payload_sha256,
                      const std::string& query = {}) const {
    HttpRequest r;
    r.method = method;
    r.url = url_for_path(base_, remote_path);  // AWS's URI encoding: unreserved characters and '/' stay
    if (!query.empty()) r.url += "?" + query;
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
  std::string workspace_root_;  // .podsmith/s3-multipart.json there records unfinished uploads
  std::string sigv4_;
  bool public_read_;
  int64_t multipart_threshold_;
  int64_t part_size_;
  int parallel_;
  RemoteAccess access_;
  HttpOptions options_;
};

}  // namespace

Result<std::unique_ptr<Remote>> make_s3_remote(const PublishSettings& settings, const RemoteAccess& access,
                                               const std::string& ca_file, const std::string& workspace_root) {
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
  return std::unique_ptr<Remote>(
      std::make_unique<S3Remote>(std::move(base), "s3://" + bucket + "/" + prefix, settings, access, ca_file,
                                 workspace_root));
}

}  // namespace podsmith
