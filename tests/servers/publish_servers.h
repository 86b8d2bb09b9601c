/// The servers `podsmith publish` talks to, real and on 127.0.0.1, for its tests:
/// OpenSSH's sshd (SFTP), vsftpd (explicit FTPS), pyftpdlib (plain FTP), nginx with
/// WebDAV, s3rver behind a proxy that checks SigV4 signatures as S3 does (S3), and a
/// recorder of pings (WebSub, Podcast Index, Podping). Each object starts its server
/// in the constructor with its own temp dir and port, returns once the server accepts
/// connections, and stops it by PID in the destructor (loopback_server.h). Each
/// refuses bad credentials as the real thing does; none is configured to be lenient
/// beyond what running unprivileged in a container needs (said where it applies).
///
/// A missing binary or package throws, naming the Debian package (for s3rver, the
/// script that installs it), so the test fails and says why. No credential here is
/// a secret: keys and passwords are made per run. Paths given to the url/target
/// builders are under root() and start with "/".
#pragma once

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "servers/loopback_server.h"
#include "test_support.h"

namespace podsmith::test {

/// Runs a tool to its end and returns its stdout. Throws with its stderr when it
/// cannot start or exits non-zero. `scratch` holds the captured output.
inline std::string run_tool(std::vector<std::string> argv, const std::filesystem::path& scratch) {
  const std::string out_path = (scratch / "tool.out").string();
  const std::string err_path = (scratch / "tool.err").string();
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::to_string(rc));
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(argv[0] + " failed: " + read_file(err_path));
  }
  return read_file(out_path);
}

/// `bytes` random bytes as lowercase hex: passwords and secrets made per run.
inline std::string random_hex(int bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::random_device random;
  std::string hex;
  for (int i = 0; i < bytes; ++i) {
    const unsigned byte = random() & 0xffu;
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xfu];
  }
  return hex;
}

/// `text` with each placeholder replaced by its value.
inline std::string fill_template(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [from, to] : values) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

/// True once `process` accepts connections on `port`; false if it exits first or
/// 10 s pass.
inline bool wait_until_accepting(ServerProcess& process, int port) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (process.running() && std::chrono::steady_clock::now() < deadline) {
    if (accepts_connections(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

/// The N of a first line "port=N" (the Python and Node servers here bind port 0
/// themselves and say which port they got, so there is no race for it).
inline int port_from_first_line(const ServerProcess& process, const std::string& what) {
  const std::string& line = process.first_line();
  if (line.rfind("port=", 0) != 0) throw std::runtime_error(what + " said: " + line);
  return std::stoi(line.substr(5));
}

/// One JSON value per line of `path`; none when the file is not there yet.
inline std::vector<nlohmann::json> read_json_lines(const std::filesystem::path& path) {
  std::vector<nlohmann::json> values;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) values.push_back(nlohmann::json::parse(line));
  }
  return values;
}

/// The name of the user running the tests: servers log in as this user.
inline std::string current_user() {
  const passwd* entry = getpwuid(geteuid());
  if (entry == nullptr) throw std::runtime_error("the current uid has no passwd entry");
  return entry->pw_name;
}

/// OpenSSH's sshd with a config of its own (tests/servers/sshd_config): a fresh
/// ed25519 host key, a fresh ed25519 client key as the only authorized key of the
/// current user, no password login, and SFTP through internal-sftp. ed25519 because
/// libssh2 1.10 signs RSA only with SHA-1, which OpenSSH 9 refuses. Works as root
/// (then sshd needs /run/sshd, made here) and as another user, who can log in only
/// as itself.
class SshServer {
 public:
  SshServer() : user_(current_user()) {
    require_binary("/usr/sbin/sshd", "openssh-server");
    require_binary("/usr/bin/ssh-keygen", "openssh-client");
    const std::filesystem::path dir = state_.path();
    std::filesystem::create_directory(root());
    if (geteuid() == 0) mkdir("/run/sshd", 0755);  // privilege separation; EEXIST is fine
    for (const char* key : {"host_ed25519", "client_ed25519"}) {
      run_tool({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", key, "-f", (dir / key).string()}, dir);
    }
    std::filesystem::copy_file(public_key_path(), dir / "authorized_keys");
    // "256 SHA256:<base64, unpadded> comment (ED25519)": libcurl wants the base64.
    const std::string fingerprint =
        run_tool({"/usr/bin/ssh-keygen", "-l", "-E", "sha256", "-f", (dir / "host_ed25519.pub").string()}, dir);
    const size_t at = fingerprint.find("SHA256:");
    if (at == std::string::npos) throw std::runtime_error("ssh-keygen -l said: " + fingerprint);
    host_key_sha256_ = fingerprint.substr(at + 7, fingerprint.find(' ', at) - at - 7);
    std::string host_key = read_file((dir / "host_ed25519.pub").string());
    host_key = host_key.substr(0, host_key.rfind(' '));  // "ssh-ed25519 AAAA...", no comment

    const std::string config_template = read_file(source_path("tests/servers/sshd_config"));
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_loopback_port();
      const std::string config_path = state_.write(
          "sshd_config", fill_template(config_template, {{"@PORT@", std::to_string(port_)},
                                                         {"@TMP@", dir.string()},
                                                         {"@USER@", user_},
                                                         {"@USE_PAM@", geteuid() == 0 ? "no" : "yes"}}));
      state_.write("known_hosts", "[127.0.0.1]:" + std::to_string(port_) + " " + host_key + "\n");
      // -D: stay in the foreground, so the PID we hold is the server; -E: log to a file.
      process_ = std::make_unique<ServerProcess>(std::vector<std::string>{
          "/usr/sbin/sshd", "-D", "-E", (dir / "sshd.log").string(), "-f", config_path});
      if (wait_until_accepting(*process_, port_)) return;
      process_.reset();
    }
    throw std::runtime_error("sshd did not start on loopback: " + log());
  }
  int port() const { return port_; }
  /// The user to log in as: the one running the tests.
  const std::string& user() const { return user_; }
  std::string private_key_path() const { return (state_.path() / "client_ed25519").string(); }
  std::string public_key_path() const { return (state_.path() / "client_ed25519.pub").string(); }
  /// Holds one line, "[127.0.0.1]:PORT ssh-ed25519 AAAA...".
  std::string known_hosts_path() const { return (state_.path() / "known_hosts").string(); }
  /// The host key's SHA-256, base64 without padding (CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256).
  const std::string& host_key_sha256() const { return host_key_sha256_; }
  /// An empty directory for uploads.
  std::filesystem::path root() const { return state_.path() / "root"; }
  /// "sftp://127.0.0.1:PORT" + root() + path. An sftp URL's path is absolute on the
  /// server ("sftp://host/~/x" would be relative to the home directory).
  std::string target(const std::string& path) const {
    return "sftp://127.0.0.1:" + std::to_string(port_) + root().string() + path;
  }
  /// What sshd logged (logins accepted and refused, with why).
  std::string log() const { return read_file((state_.path() / "sshd.log").string()); }

 private:
  TempDir state_;  // keys, config, pid file, log, and root(); outlives the process
  std::string user_;
  std::string host_key_sha256_;
  std::unique_ptr<ServerProcess> process_;
  int port_ = 0;
};

/// vsftpd with explicit FTPS (AUTH TLS) required for login and data, a throwaway
/// self-signed certificate for 127.0.0.1, and passive data connections on loopback.
/// vsftpd authenticates real users through PAM, which a container cannot give it
/// without system users and /etc/pam.d changes, so the login is anonymous (any
/// password) with upload, mkdir, rename and delete allowed (tests/servers/vsftpd.conf).
/// As root, vsftpd chroots the session into its anon_root, which it refuses to do
/// when that is writable: uploads go to its subdirectory "upload", owned by the
/// "ftp" user vsftpd's package creates. As another user it runs unprivileged
/// (run_as_launching_user: no chroot), with the same layout.
class VsftpdServer {
 public:
  VsftpdServer() {
    require_binary("/usr/sbin/vsftpd", "vsftpd");
    require_binary("/usr/bin/openssl", "openssl");
    const std::filesystem::path dir = state_.path();
    std::filesystem::create_directories(root());
    std::filesystem::create_directory(dir / "empty");  // secure_chroot_dir: vsftpd's own jail
    if (geteuid() == 0) {
      const passwd* ftp = getpwnam("ftp");
      if (ftp == nullptr) throw std::runtime_error("no user 'ftp': reinstall the Debian package vsftpd");
      if (chown(root().c_str(), ftp->pw_uid, ftp->pw_gid) != 0) {
        throw std::runtime_error("cannot chown " + root().string() + " to ftp");
      }
    }
    run_tool({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
              "-keyout", (dir / "key.pem").string(), "-out", ca_file(), "-days", "2", "-subj", "/CN=127.0.0.1",
              "-addext", "subjectAltName=IP:127.0.0.1"},
             dir);
    const std::string conf_template = read_file(source_path("tests/servers/vsftpd.conf"));
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_loopback_port();
      std::string conf = fill_template(conf_template, {{"@PORT@", std::to_string(port_)}, {"@TMP@", dir.string()}});
      if (geteuid() != 0) conf += "run_as_launching_user=YES\n";
      const std::string conf_path = state_.write("vsftpd.conf", conf);
      process_ = std::make_unique<ServerProcess>(std::vector<std::string>{"/usr/sbin/vsftpd", conf_path});
      if (wait_until_accepting(*process_, port_)) return;
      process_.reset();
    }
    throw std::runtime_error("vsftpd did not start on loopback (see its messages above)");
  }
  int port() const { return port_; }
  /// The certificate to trust (CURLOPT_CAINFO).
  std::string ca_file() const { return (state_.path() / "cert.pem").string(); }
  /// Anonymous FTP: this user, and by custom an e-mail address as the password.
  std::string user() const { return "anonymous"; }
  std::string password() const { return "podsmith@example.org"; }
  /// Where uploads land: "/upload" as the FTP client sees it.
  std::filesystem::path root() const { return state_.path() / "ftp" / "upload"; }
  /// "ftp://127.0.0.1:PORT/upload" + path: explicit TLS is ftp:// with
  /// CURLOPT_USE_SSL = CURLUSESSL_ALL (curl's ftps:// is implicit TLS, on its own port).
  std::string target(const std::string& path) const {
    return "ftp://127.0.0.1:" + std::to_string(port_) + "/upload" + path;
  }
  /// vsftpd's log: the FTP commands and answers of each session.
  std::string log() const { return read_file((state_.path() / "vsftpd.log").string()); }

 private:
  TempDir state_;  // config, certificate, log, and the FTP tree; outlives the process
  std::unique_ptr<ServerProcess> process_;
  int port_ = 0;
};

/// Plain FTP with a user and a password made per run, through
/// tests/servers/ftp_server.py (pyftpdlib): the FTP a cheap web host offers.
class FtpServer {
 public:
  FtpServer()
      : password_(random_hex(8)),
        process_(start(root_.path().string(), user(), password_), /*read_first_line=*/true),
        port_(port_from_first_line(process_, "ftp_server.py")) {}
  int port() const { return port_; }
  std::string user() const { return "podsmith"; }
  const std::string& password() const { return password_; }
  /// Where uploads land: the user's home, "/" as the FTP client sees it.
  const std::filesystem::path& root() const { return root_.path(); }
  /// "ftp://127.0.0.1:PORT" + path.
  std::string target(const std::string& path) const { return "ftp://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  static std::vector<std::string> start(const std::string& root, const std::string& user, const std::string& password) {
    require_binary("/usr/bin/python3", "python3");
    if (!std::filesystem::exists("/usr/lib/python3/dist-packages/pyftpdlib")) {
      throw std::runtime_error("pyftpdlib is missing: install the Debian package python3-pyftpdlib");
    }
    return {"/usr/bin/python3", source_path("tests/servers/ftp_server.py"), "--root", root, "--user", user,
            "--password", password};
  }

  TempDir root_;  // outlives the process
  std::string password_;
  ServerProcess process_;
  int port_ = 0;
};

/// nginx with WebDAV (tests/servers/nginx_dav.conf): dav_url() is a share behind
/// Basic auth that takes PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND and OPTIONS and,
/// like most DAV hosts, refuses a PUT into a collection that does not exist;
/// public_url() serves the same files read-only to anyone, with ranges, ETags and
/// 304s, as the web server behind a podcast's base URL would.
class NginxDavServer {
 public:
  NginxDavServer() : password_(random_hex(8)) {
    require_binary("/usr/sbin/nginx", "nginx");
    require_binary("/usr/bin/openssl", "openssl");
    if (!std::filesystem::exists("/usr/lib/nginx/modules/ngx_http_dav_ext_module.so")) {
      throw std::runtime_error(
          "nginx's dav_ext module is missing: install the Debian package libnginx-mod-http-dav-ext");
    }
    const std::filesystem::path dir = state_.path();
    std::filesystem::create_directory(root());
    const std::string hash = run_tool({"/usr/bin/openssl", "passwd", "-apr1", password_}, dir);
    state_.write("htpasswd", user() + ":" + hash);
    const std::string conf_template = read_file(source_path("tests/servers/nginx_dav.conf"));
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_loopback_port();
      const std::string conf_path =
          state_.write("nginx.conf", fill_template(conf_template, {{"@PORT@", std::to_string(port_)},
                                                                   {"@ROOT@", root().string()},
                                                                   {"@TMP@", dir.string()},
                                                                   {"@USER@", current_user()}}));
      process_ = std::make_unique<ServerProcess>(std::vector<std::string>{
          "/usr/sbin/nginx", "-p", dir.string(), "-c", conf_path, "-e", "stderr"});
      if (wait_until_accepting(*process_, port_)) return;
      process_.reset();
    }
    throw std::runtime_error("nginx (WebDAV) did not start on loopback (see its messages above)");
  }
  int port() const { return port_; }
  std::string user() const { return "publisher"; }
  const std::string& password() const { return password_; }
  /// Where uploads land, and what public_url() serves.
  std::filesystem::path root() const { return state_.path() / "root"; }
  /// "http://127.0.0.1:PORT/dav" + path: WebDAV, Basic auth.
  std::string dav_url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/dav" + path;
  }
  /// "http://127.0.0.1:PORT" + path: GET and HEAD only, no auth.
  std::string public_url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  /// nginx's error log: refused logins and failed writes, with why.
  std::string log() const { return read_file((state_.path() / "error.log").string()); }

 private:
  TempDir state_;  // config, htpasswd, pid file, temp paths, and root(); outlives the process
  std::string password_;
  std::unique_ptr<ServerProcess> process_;
  int port_ = 0;
};

/// S3: s3rver (npm, tests/servers/s3rver.js) with one bucket, behind
/// tests/servers/s3_sigv4_proxy.py, which answers as S3 would to a request whose
/// SigV4 signature, payload hash or credential scope is wrong (403 / 400, XML
/// <Error>) and forwards the rest. Talk to endpoint() with path-style URLs
/// (endpoint/bucket/key). Every request the proxy saw is in requests().
class S3Server {
 public:
  S3Server() : secret_key_(random_hex(20)) {
    require_binary("/usr/bin/node", "nodejs");
    require_binary("/usr/bin/python3", "python3");
    if (!std::filesystem::exists(source_path("tests/servers/node_modules/s3rver/package.json"))) {
      throw std::runtime_error("s3rver is missing from tests/servers/node_modules: run scripts/setup-judges "
                               "(npm ci there)");
    }
    std::filesystem::create_directory(data_dir());
    s3rver_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"/usr/bin/node", source_path("tests/servers/s3rver.js"), "--directory",
                                 data_dir().string(), "--bucket", bucket(), "--access-key", access_key(),
                                 "--secret-key", secret_key_},
        /*read_first_line=*/true);
    const int s3rver_port = port_from_first_line(*s3rver_, "s3rver.js");
    proxy_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"/usr/bin/python3", source_path("tests/servers/s3_sigv4_proxy.py"), "--upstream-port",
                                 std::to_string(s3rver_port), "--access-key", access_key(), "--secret-key",
                                 secret_key_, "--region", region(), "--log", log_path().string()},
        /*read_first_line=*/true);
    port_ = port_from_first_line(*proxy_, "s3_sigv4_proxy.py");
  }
  /// "http://127.0.0.1:PORT": the proxy.
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string region() const { return "us-east-1"; }
  std::string bucket() const { return "podcast"; }
  std::string access_key() const { return "AKIAPODSMITHTEST0001"; }
  const std::string& secret_key() const { return secret_key_; }
  /// endpoint() + "/" + bucket() + "/" + key; `key` as it goes into a URL
  /// (percent-encode it first where it needs it).
  std::string object_url(const std::string& key) const { return endpoint() + "/" + bucket() + "/" + key; }
  /// The file holding the bytes of the object `key` (unencoded, "show/ep 1.mp3"):
  /// s3rver keeps DIR/BUCKET/show/"ep 1.mp3._S3rver_object", with the stored
  /// headers (content-type, cache-control, ...) beside it in
  /// "ep 1.mp3._S3rver_metadata.json". x-amz-acl is not kept: see requests().
  std::filesystem::path object_path(const std::string& key) const {
    return data_dir() / bucket() / (key + "._S3rver_object");
  }
  /// What the proxy saw, one object per request in order: method, path and query
  /// (as sent), headers (lowercase names), body_bytes, verdict ("ok" or the S3
  /// error code it answered), status, and message for a refusal.
  std::vector<nlohmann::json> requests() const { return read_json_lines(log_path()); }

 private:
  std::filesystem::path data_dir() const { return state_.path() / "s3"; }
  std::filesystem::path log_path() const { return state_.path() / "requests.jsonl"; }

  TempDir state_;  // s3rver's directory and the request log; outlives the processes
  std::string secret_key_;
  std::unique_ptr<ServerProcess> s3rver_;
  std::unique_ptr<ServerProcess> proxy_;
  int port_ = 0;
};

/// tests/servers/ping_recorder.py: answers every request with `status` and records
/// it, for WebSub hubs, the Podcast Index and Podping.
class PingRecorder {
 public:
  explicit PingRecorder(int status = 200)
      : process_(start(status, log_path().string()), /*read_first_line=*/true),
        port_(port_from_first_line(process_, "ping_recorder.py")) {}
  int port() const { return port_; }
  /// "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  /// One object per request in order: method, path (no query), query (raw),
  /// headers (lowercase names), body (UTF-8).
  std::vector<nlohmann::json> requests() const { return read_json_lines(log_path()); }

 private:
  static std::vector<std::string> start(int status, const std::string& log) {
    require_binary("/usr/bin/python3", "python3");
    return {"/usr/bin/python3", source_path("tests/servers/ping_recorder.py"), "--status", std::to_string(status),
            "--log", log};
  }
  std::filesystem::path log_path() const { return state_.path() / "pings.jsonl"; }

  TempDir state_;  // the log; outlives the process
  ServerProcess process_;
  int port_ = 0;
};

}  // namespace podsmith::test
