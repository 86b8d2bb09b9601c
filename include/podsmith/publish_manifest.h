/// What `podsmith publish` has put on a target: .podsmith/publish/<feed>.json,
/// one entry per uploaded file (size, content hash and the local mtime it was
/// hashed at), plus the uploads begun and not finished (so that FTP and SFTP can resume
/// them). Publish compares the workspace with it to upload only what changed.
/// This is the file and its format; it does not upload or decide anything.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "podsmith/error.h"

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

/// The hash that tells whether a file changed: XXH3's 128 bits as lowercase hex,
/// "xxh128:" first. Not cryptographic (nobody forges their own episodes), and
/// some 20 times faster than SHA-256, so hashing is never what a publish waits
/// for. Read in blocks.
Result<std::string> content_hash_file(const std::string& path);

/// The SHA-256 of a file's bytes as lowercase hex, read in blocks (S3 signs it).
Result<std::string> sha256_file(const std::string& path);

}  // namespace podsmith
