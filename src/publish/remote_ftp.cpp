// FTP, FTPS (explicit TLS) and SFTP servers as a Remote. These are not HTTP, so
// this is the one place besides http_client.cpp that speaks libcurl. One easy
// handle is reused for every file, so one login serves the whole publish.
//
// A file goes up under a temporary name and is renamed into place after the
// transfer (CURLOPT_POSTQUOTE). FTP's RNFR/RNTO replaces the target in one
// rename(2) on vsftpd, pyftpdlib and ProFTPD. SFTP version 3, which OpenSSH
// speaks, refuses to rename onto an existing file, so there the old file is
// removed first and the new one renamed at once after it: the path is missing for
// the time of two round trips, never half written.
#include <curl/curl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "podsmith/base/http_client.h"
#include "podsmith/feed/rss_writer.h"
#include "publish/remote_backends.h"

namespace podsmith {
namespace {

constexpr int kRetries = 2;
constexpr int kRetryDelayMs = 500;

// "SHA256:..." of a host key as ssh-keygen -l prints it. libcurl hands the key
// over raw with its length, or base64 and zero-terminated when the length is 0.
std::string fingerprint(const char* key, size_t length) {
  if (!key) return "(unknown)";
  std::string blob(key, length);
  if (length == 0) {
    const size_t text = std::strlen(key);
    blob.assign(text, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(blob.data()),
                                  reinterpret_cast<const unsigned char*>(key), static_cast<int>(text));
    if (n < 0) return "(unknown)";
    size_t size = static_cast<size_t>(n);
    for (size_t i = text; i > 0 && key[i - 1] == '='; --i) --size;  // DecodeBlock keeps padding's zeros
    blob.resize(size);
  }
  const size_t size = blob.size();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned digest_size = 0;
  EVP_Digest(blob.data(), size, digest.data(), &digest_size, EVP_sha256(), nullptr);
  std::array<unsigned char, 64> text{};
  const int t = EVP_EncodeBlock(text.data(), digest.data(), static_cast<int>(digest_size));
  std::string out(reinterpret_cast<const char*>(text.data()), static_cast<size_t>(t));
  while (!out.empty() && out.back() == '=') out.pop_back();
  return "SHA256:" + out;
}

// A path for an SFTP quote command, in double quotes (libcurl's parser reads
// backslash escapes inside them).
std::string quoted(const std::string& path) {
  std::string out = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_FTP_ACCEPT_TIMEOUT:
    case CURLE_FTP_CANT_GET_HOST:
    case CURLE_FTP_WEIRD_PASV_REPLY:
    case CURLE_FTP_WEIRD_227_FORMAT:
    case CURLE_FTP_PORT_FAILED:
      return true;
    default:
      return false;
  }
}

// The files SFTP authenticates with.
struct SshFiles {
  std::string known_hosts;
  std::string private_key;
  std::string public_key;  // empty: libssh2 derives it from the private key
};

// A failure of the connection or the login, not of one file: the files after it
// would fail alike.
bool connection_failure(CURLcode code) {
  switch (code) {
    case CURLE_LOGIN_DENIED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSH:
      return true;
    default:
      return false;
  }
}

class FtpRemote : public Remote {
 public:
  FtpRemote(std::string base, bool sftp, bool tls, std::string remote_root, const PublishSettings& settings,
            const RemoteAccess& access, std::string ca_file, SshFiles ssh)
      : base_(std::move(base)), sftp_(sftp), tls_(tls), remote_root_(std::move(remote_root)), settings_(settings),
        access_(access), ca_file_(std::move(ca_file)), ssh_(std::move(ssh)) {
    user_ = access.user;
    const size_t at = base_.find('@');
    const bool user_in_url = at != std::string::npos && at < base_.find('/', base_.find("://") + 3);
    if (user_.empty() && sftp_ && !user_in_url) {
      const passwd* pw = getpwuid(geteuid());
      if (pw && pw->pw_name) user_ = pw->pw_name;
    }
  }
  ~FtpRemote() override {
    if (easy_) curl_easy_cleanup(easy_);
  }

  std::string describe() const override { return redact_url(settings_.target); }
  std::string replace_method() const override { return sftp_ ? "remove-then-rename" : "rename"; }

  void put(const std::vector<Upload>& uploads, const UploadProgress& progress, const UploadDone& done) override {
    std::optional<Error> fatal;  // the connection or login failed: the rest are not tried
    for (size_t i = 0; i < uploads.size(); ++i) {
      if (fatal) {
        done(i, fatal);
        continue;
      }
      std::optional<Error> error;
      bool resume = uploads[i].resume;
      for (int attempt = 0;; ++attempt) {
        CURLcode code = CURLE_OK;
        error = put_one(uploads[i], resume, progress ? [&](int64_t sent, int64_t total) { progress(i, sent, total); }
                                                     : std::function<void(int64_t, int64_t)>(),
                        &code);
        if (error && connection_failure(code)) fatal = error;
        if (!error || attempt == kRetries || fatal) break;
        if (tls_ && !tls12_ && code != CURLE_LOGIN_DENIED) {
          // vsftpd 3.0.3, the FTPS server of Debian and Ubuntu, cuts uploads over
          // TLS 1.3 short (426 or 522 after ~112 KiB, also with curl's own tool);
          // TLS 1.2 works. Once seen, the rest of the session stays on TLS 1.2.
          tls12_ = true;
        } else if (!transient(code)) {
          break;
        }
        // What arrived stays in the temporary file: go on from there.
        resume = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(kRetryDelayMs << attempt));
      }
      done(i, error);
    }
  }

  std::vector<Result<RemoteFile>> stat(const std::vector<std::string>& remote_paths) override {
    std::vector<Result<RemoteFile>> out;
    for (const std::string& path : remote_paths) {
      CURL* e = handle();
      if (!e) {
        out.push_back(failure("libcurl could not be initialised", CURLE_FAILED_INIT));
        continue;
      }
      curl_easy_setopt(e, CURLOPT_URL, url(path).c_str());
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
      const CURLcode code = curl_easy_perform(e);
      if (code == CURLE_REMOTE_FILE_NOT_FOUND || code == CURLE_FTP_COULDNT_RETR_FILE) {
        out.push_back(RemoteFile{});
      } else if (code != CURLE_OK) {
        out.push_back(failure("asking for " + path, code));
      } else {
        RemoteFile f;
        f.exists = true;
        curl_off_t size = -1;
        curl_easy_getinfo(e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &size);
        f.size_bytes = size;
        out.push_back(f);
      }
    }
    return out;
  }

 private:
  struct Transfer {
    std::FILE* file = nullptr;
    std::function<void(int64_t, int64_t)> progress;
  };

  static size_t on_read(char* buffer, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = std::fread(buffer, 1, size * count, t->file);
    return n == 0 && std::ferror(t->file) ? CURL_READFUNC_ABORT : n;
  }
  static int on_seek(void* user, curl_off_t offset, int origin) {
    auto* t = static_cast<Transfer*>(user);
    return fseeko(t->file, static_cast<off_t>(offset), origin) == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
  }
  static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t ul_total, curl_off_t ul_now) {
    auto* t = static_cast<Transfer*>(user);
    if (t->progress && ul_total > 0) t->progress(static_cast<int64_t>(ul_now), static_cast<int64_t>(ul_total));
    return 0;
  }
  static size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

  // The host key check of SFTP: known_hosts decides, a changed key is refused,
  // and an unknown one is refused unless the producer accepted new keys.
  static int on_host_key(CURL*, const curl_khkey*, const curl_khkey* found, curl_khmatch match, void* user) {
    auto* self = static_cast<FtpRemote*>(user);
    if (match == CURLKHMATCH_OK) return CURLKHSTAT_FINE;
    const std::string shown = found ? fingerprint(found->key, found->len) : "(unknown)";
    if (match == CURLKHMATCH_MISSING && self->access_.accept_new_host_key) return CURLKHSTAT_FINE_ADD_TO_FILE;
    self->host_key_problem_ =
        match == CURLKHMATCH_MISMATCH
            ? "the server's host key " + shown + " differs from the one in " + self->ssh_.known_hosts +
                  ": refusing to connect (if the server's key really changed, remove its old line from that file)"
            : "the server's host key " + shown + " is not in " + self->ssh_.known_hosts +
                  ": compare it with the key the host shows you, then run again with --accept-new-host-key "
                  "(or set host_key_sha256 in [publish])";
    return CURLKHSTAT_REJECT;
  }

  std::string url(const std::string& remote_path) const { return url_for_path(base_, remote_path); }

  // The easy handle, reset to the settings every transfer shares.
  CURL* handle() {
    if (!easy_) easy_ = curl_easy_init();
    if (!easy_) return nullptr;
    CURL* e = easy_;
    curl_easy_reset(e);  // keeps the connection and its login
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, sftp_ ? "sftp" : "ftp");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf_);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR_RETRY));
    if (!user_.empty()) curl_easy_setopt(e, CURLOPT_USERNAME, user_.c_str());
    if (!access_.password.empty()) curl_easy_setopt(e, CURLOPT_PASSWORD, access_.password.c_str());
    if (access_.use_netrc && access_.password.empty()) {
      curl_easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
      if (const char* netrc = std::getenv("NETRC")) curl_easy_setopt(e, CURLOPT_NETRC_FILE, netrc);
    }
    if (access_.max_send_bytes_per_s > 0) {
      curl_easy_setopt(e, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(access_.max_send_bytes_per_s));
    }
    if (sftp_) {
      curl_easy_setopt(e, CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PUBLICKEY | CURLSSH_AUTH_AGENT));
      curl_easy_setopt(e, CURLOPT_SSH_PRIVATE_KEYFILE, ssh_.private_key.c_str());
      // libssh2 derives the public key from the private one when given none.
      curl_easy_setopt(e, CURLOPT_SSH_PUBLIC_KEYFILE, ssh_.public_key.empty() ? nullptr : ssh_.public_key.c_str());
      if (!access_.ssh_key_passphrase.empty()) curl_easy_setopt(e, CURLOPT_KEYPASSWD, access_.ssh_key_passphrase.c_str());
      if (!settings_.host_key_sha256.empty()) {
        curl_easy_setopt(e, CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, settings_.host_key_sha256.c_str());
      } else {
        // Without a known_hosts file libcurl would accept any key: always give one.
        curl_easy_setopt(e, CURLOPT_SSH_KNOWNHOSTS, ssh_.known_hosts.c_str());
        curl_easy_setopt(e, CURLOPT_SSH_KEYFUNCTION, on_host_key);
        curl_easy_setopt(e, CURLOPT_SSH_KEYDATA, this);
      }
    } else {
      if (tls_) {
        curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!ca_file_.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, ca_file_.c_str());
        if (tls12_) {
          const long tls12 = CURL_SSLVERSION_TLSv1_2;
          curl_easy_setopt(e, CURLOPT_SSLVERSION, tls12 | (tls12 << 16));  // at least and at most
        }
      }
      curl_easy_setopt(e, CURLOPT_FTP_USE_EPSV, 1L);
    }
    errbuf_[0] = '\0';
    host_key_problem_.clear();
    return e;
  }

  // Uploads one file to its temporary name, then renames it into place.
  std::optional<Error> put_one(const Upload& u, bool resume, std::function<void(int64_t, int64_t)> progress,
                               CURLcode* code) {
    Transfer t;
    t.progress = std::move(progress);
    t.file = std::fopen(u.local_path.c_str(), "rb");
    if (!t.file) {
      return Error{ErrorCode::kUnreadable, "cannot read " + u.local_path + ": " + std::strerror(errno), "", 0, 0};
    }
    struct stat st {};
    fstat(fileno(t.file), &st);
    CURL* e = handle();
    if (!e) {
      std::fclose(t.file);
      return failure("libcurl could not be initialised", CURLE_FAILED_INIT);
    }
    const std::string temp = temporary_path(u.remote_path);
    curl_easy_setopt(e, CURLOPT_URL, url(temp).c_str());
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(st.st_size));
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, &t);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, &t);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    // -1: ask the server how much of the temporary file is there and send the rest.
    if (resume) curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(-1));

    curl_slist* after = nullptr;
    if (sftp_) {
      const std::string target = remote_root_ + u.remote_path;
      after = curl_slist_append(after, ("*rm " + quoted(target)).c_str());  // '*': a missing file is fine
      after = curl_slist_append(after, ("rename " + quoted(remote_root_ + temp) + " " + quoted(target)).c_str());
    } else {
      // After the transfer libcurl is in the file's directory: plain names.
      const auto name = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
      after = curl_slist_append(after, ("RNFR " + name(temp)).c_str());
      after = curl_slist_append(after, ("RNTO " + name(u.remote_path)).c_str());
    }
    curl_easy_setopt(e, CURLOPT_POSTQUOTE, after);
    *code = curl_easy_perform(e);
    curl_easy_setopt(e, CURLOPT_POSTQUOTE, nullptr);
    curl_slist_free_all(after);
    std::fclose(t.file);
    if (*code == CURLE_OK) return std::nullopt;
    return failure("uploading " + u.remote_path, *code);
  }

  Error failure(const std::string& what, CURLcode code) const {
    std::string detail = !host_key_problem_.empty() ? host_key_problem_
                         : errbuf_[0]               ? std::string(errbuf_)
                                                    : std::string(curl_easy_strerror(code));
    if (code == CURLE_LOGIN_DENIED) {
      detail += sftp_ ? " (check the user and the key in " + settings_.credentials + "_SSH_KEY)"
                      : " (check " + settings_.credentials + "_USER and " + settings_.credentials +
                            "_PASSWORD, or the netrc entry for the host)";
    } else if (code == CURLE_PEER_FAILED_VERIFICATION && sftp_ && host_key_problem_.empty() &&
               !settings_.host_key_sha256.empty()) {
      detail = "the server's host key does not have the SHA-256 fingerprint host_key_sha256 names: refusing to connect";
    } else if (code == CURLE_QUOTE_ERROR) {
      detail += " (the server refused to rename the uploaded file into place)";
    }
    return Error{ErrorCode::kUnreadable,
                 describe() + ": " + (connection_failure(code) ? std::string("connecting") : what) + ": " + detail, "",
                 0, 0};
  }

  std::string base_;         // URL the remote paths are appended to, ending in '/'
  bool sftp_;
  bool tls_;
  std::string remote_root_;  // SFTP: the absolute directory of the target, ending in '/'
  PublishSettings settings_;
  RemoteAccess access_;
  std::string ca_file_;
  SshFiles ssh_;
  std::string user_;  // from the environment; else the target's, else (SFTP) the login name as ssh does
  CURL* easy_ = nullptr;
  char errbuf_[CURL_ERROR_SIZE] = {};
  std::string host_key_problem_;
  bool tls12_ = false;  // FTPS: TLS 1.3 uploads failed on this server
};

bool readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string home_path(const std::string& relative) {
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/" + relative;
}

}  // namespace

Result<std::unique_ptr<Remote>> make_ftp_remote(const PublishSettings& settings, const RemoteAccess& access,
                                                const std::string& ca_file) {
  if (const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT); init != CURLE_OK) {
    return Error{ErrorCode::kUnreadable, std::string("libcurl could not be initialised: ") + curl_easy_strerror(init),
                 "", 0, 0};
  }
  const std::string& target = settings.target;
  const std::string scheme = target.substr(0, target.find("://"));
  const bool sftp = scheme == "sftp";
  std::string base = target;
  if (scheme == "ftps") base = "ftp" + target.substr(4);  // ftps:// to libcurl is implicit TLS; ours is explicit
  if (base.back() != '/') base += '/';
  // The path after the host: absolute for SFTP ("/var/www/show/").
  const size_t path_at = base.find('/', base.find("://") + 3);
  const std::string remote_root = base.substr(path_at);
  SshFiles ssh;
  if (sftp) {
    ssh.known_hosts = settings.known_hosts.empty() ? home_path(".ssh/known_hosts") : settings.known_hosts;
    ssh.private_key = access.ssh_key.empty() ? home_path(".ssh/id_ed25519") : access.ssh_key;
    if (!readable(ssh.private_key)) {
      return Error{ErrorCode::kUnreadable,
                   redact_url(target) + ": cannot read the SSH key " + ssh.private_key + " (set " +
                       settings.credentials + "_SSH_KEY to an ed25519 private key file)",
                   "", 0, 0};
    }
    if (readable(ssh.private_key + ".pub")) ssh.public_key = ssh.private_key + ".pub";
  }
  return std::unique_ptr<Remote>(
      std::make_unique<FtpRemote>(base, sftp, scheme == "ftps", remote_root, settings, access, ca_file, std::move(ssh)));
}

}  // namespace podsmith
