/// What `podsmith publish` has put on a target: .podsmith/publish/<feed>.json,
/// one entry per uploaded file (size, content hash and the local mtime it was
/// hashed at), plus the uploads begun and not finished (so that FTP and SFTP can resume
/// them). Publish compares the workspace with it to upload only what changed.
/// Beside it, .podsmith/s3-multipart.json: the S3 multipart uploads begun and
/// not completed, with the parts the store has (so that S3 resumes them too).
/// These are the files and their formats; they do not upload or decide anything.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith {

struct ManifestEntry {
  int64_t size_bytes = 0;
  int64_t mtime_ns = 0;  // of the local file when hashed: an unchanged size and mtime skip hashing
  std::string hash;       // content_hash_file's
};

struct PublishManifest {
  std::string target;  // the target these files went to; another target starts afresh
  std::map<std::string, ManifestEntry> files;  // by workspace-relative path
  /// Uploads begun and not confirmed: path -> "SIZE:MTIME_NS" of the local file
  /// being sent, so that only the same file continues a temporary one.
  std::map<std::string, std::string> partial;
};

/// The manifest at `path`. A missing file is an empty manifest; an unreadable or
/// malformed one is an Error (publish then refuses to guess).
Result<PublishManifest> load_manifest(const std::string& path);

/// Writes the manifest atomically (keys sorted, so it diffs well).
std::optional<Error> save_manifest(const std::string& path, const PublishManifest& manifest);

/// One part of an S3 multipart upload that the store confirmed.
struct UploadedPart {
  int number = 0;          // 1 to 10,000
  int64_t size_bytes = 0;
  std::string etag;        // as the store answered (quotes included): the part's MD5
};

/// An S3 multipart upload begun and not completed (remote_s3.cpp): what the
/// next publish needs to send only the parts that are missing.
struct MultipartUpload {
  /// "SIZE:MTIME_NS" of the local file being sent, as in PublishManifest::partial:
  /// a file changed since never continues the upload.
  std::string identity;
  std::string upload_id;           // the store's
  int64_t part_size_bytes = 0;     // of every part but the last
  std::vector<UploadedPart> parts;  // in order of number
};

/// Multipart uploads in progress by the object's URL (endpoint, bucket and key:
/// an upload to another store or bucket is never continued).
using MultipartUploads = std::map<std::string, MultipartUpload>;

/// The multipart uploads recorded at `path`. A missing file is none; an unreadable
/// or malformed one is an Error (kCorrupt when malformed; the caller may start
/// afresh: what is lost is only the chance to resume).
Result<MultipartUploads> load_multipart_uploads(const std::string& path);

/// Writes them atomically (an empty map too: nothing is in progress).
std::optional<Error> save_multipart_uploads(const std::string& path, const MultipartUploads& uploads);

/// The hash that tells whether a file changed: XXH3's 128 bits as lowercase hex,
/// "xxh128:" first. Not cryptographic (nobody forges their own episodes), and
/// some 20 times faster than SHA-256, so hashing is never what a publish waits
/// for. Read in blocks.
Result<std::string> content_hash_file(const std::string& path);

/// The SHA-256 of a file's bytes as lowercase hex, read in blocks (S3 signs it).
Result<std::string> sha256_file(const std::string& path);

}  // namespace podsmith
