/// Where `podsmith publish` puts files: one interface over SFTP, FTP(S), WebDAV or
/// plain HTTP PUT, and S3, each speaking its protocol through libcurl. A Remote
/// uploads local files to paths under its target (the workspace root's image
/// there), each replaced as atomically as the protocol allows, and reports what
/// the server holds. It decides nothing about which files go up or in what order
/// (publish does), and never prints a credential: messages name the target as
/// redact_url prints it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {

/// One file to put.
struct Upload {
  std::string local_path;    // the file on disk
  std::string remote_path;   // '/'-separated, relative to the target: "media/ep1.mp3"
  std::string content_type;  // sent where the protocol carries one (HTTP, S3)
  int64_t size_bytes = 0;
  std::string sha256_hex;    // of the file's bytes, when needs_sha256()
  /// Continue what an earlier, interrupted upload of these same bytes left on
  /// the server instead of starting over: the temporary file (FTP and SFTP), the
  /// parts of a multipart upload (S3).
  bool resume = false;
};

/// What the server holds at a path.
struct RemoteFile {
  bool exists = false;
  int64_t size_bytes = -1;  // -1: the server did not say
  std::string etag;         // HTTP and S3, as sent (quotes included); else empty
};

/// Credentials and switches that do not belong in the workspace.
struct RemoteAccess {
  std::string user;          // FTP, SFTP, WebDAV; empty: from the target URL, the netrc, or anonymous FTP
  std::string password;      // FTP, WebDAV; with S3: the secret key (user: the access key id)
  std::string session_token; // S3 temporary credentials (x-amz-security-token)
  std::string ssh_key;       // SFTP: the private key file; empty: ~/.ssh/id_ed25519
  std::string ssh_key_passphrase;
  bool use_netrc = true;     // FTP, WebDAV: look up user and password in the netrc
  /// SFTP: accept a host key that is not in known_hosts yet, and add it there
  /// (a changed key is always refused).
  bool accept_new_host_key = false;
  int64_t max_send_bytes_per_s = 0;  // 0: no limit
  int parallel = 4;          // uploads in flight at once where the protocol allows
};

/// Called as bytes go out: (index into the list given to put, bytes of that
/// file sent so far, its size).
using UploadProgress = std::function<void(size_t index, int64_t sent, int64_t total)>;
/// Called once per upload as it ends, with its index and nullopt or its error.
using UploadDone = std::function<void(size_t index, const std::optional<Error>& error)>;

class Remote {
 public:
  virtual ~Remote() = default;

  /// The target as printed (no credentials).
  virtual std::string describe() const = 0;
  /// How a file is replaced: "rename" (FTP RNFR/RNTO), "move" (WebDAV MOVE with
  /// Overwrite: T), "put" (S3, plain HTTP: one request replaces the object),
  /// "remove-then-rename" (SFTP servers such as OpenSSH's, which refuse to rename
  /// onto an existing file: a short gap in which the path is missing).
  virtual std::string replace_method() const = 0;

  /// Uploads each file, creating directories as needed. A file is first written
  /// under a temporary name in its directory and renamed into place where the
  /// protocol allows (see replace_method). One failure does not stop the others;
  /// `done` hears of each. Transient failures are retried with backoff.
  virtual void put(const std::vector<Upload>& uploads, const UploadProgress& progress, const UploadDone& done) = 0;

  /// What the server holds at each path, in order: exists false when it has
  /// nothing there; an Error when it could not be asked.
  virtual std::vector<Result<RemoteFile>> stat(const std::vector<std::string>& remote_paths) = 0;

  /// True when put() needs each Upload's sha256_hex (S3 signs the payload);
  /// others leave it unread.
  virtual bool needs_sha256() const { return false; }

  /// The temporary name put() uses for `remote_path` ("media/.ep1.mp3.podsmith-part").
  static std::string temporary_path(const std::string& remote_path);
};

/// A Remote for `settings.target`. `workspace_root` resolves a relative ca_file.
/// Errors: an unknown scheme, an S3 target without credentials, an unreadable
/// SSH key.
Result<std::unique_ptr<Remote>> open_remote(const PublishSettings& settings, const RemoteAccess& access,
                                            const std::string& workspace_root);

}  // namespace podsmith
