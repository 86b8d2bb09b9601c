/// Real servers on 127.0.0.1 for the network tests: a process started with
/// posix_spawn on a free port, waited for until it accepts connections, and stopped
/// by its PID (SIGTERM, then SIGKILL) when the object goes. A missing server binary
/// is an exception whose message names the Debian package to install, so the test
/// fails and says why. No mocks: what the client sends is what a server sees.
///
/// Header-only because the test target compiles tests/*.cpp; include it as
/// "servers/loopback_server.h".
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

extern char** environ;

namespace podsmith::test {

/// Throws unless `path` is an executable file, naming the package that provides it.
inline void require_binary(const std::string& path, const std::string& debian_package) {
  if (access(path.c_str(), X_OK) != 0) {
    throw std::runtime_error(path + " is missing: install the Debian package " + debian_package +
                             " (scripts/setup installs it)");
  }
}

/// A port on 127.0.0.1 that was free a moment ago.
inline int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

/// True when something accepts TCP connections on 127.0.0.1:port.
inline bool accepts_connections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

/// One child process, stopped and reaped by the destructor.
class ServerProcess {
 public:
  /// Starts argv[0] with `argv`. With `read_first_line`, the child's stdout is a pipe
  /// and the constructor waits (up to 10 s) for its first line, then closes the pipe.
  explicit ServerProcess(std::vector<std::string> argv, bool read_first_line = false) {
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int out[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (read_first_line) {
      if (pipe(out) != 0) throw std::runtime_error("pipe failed");
      posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
      posix_spawn_file_actions_addclose(&actions, out[0]);
      posix_spawn_file_actions_addclose(&actions, out[1]);
    }
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (read_first_line) close(out[1]);
    if (rc != 0) {
      if (read_first_line) close(out[0]);
      throw std::runtime_error("cannot start " + argv[0] + ": " + std::to_string(rc));
    }
    if (!read_first_line) return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    char c = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      if (read(out[0], &c, 1) != 1 || c == '\n') break;
      first_line_ += c;
    }
    close(out[0]);
    if (c != '\n') {
      stop();
      throw std::runtime_error(argv[0] + " did not say it was ready within 10 s");
    }
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() { stop(); }

  const std::string& first_line() const { return first_line_; }
  /// False once the process has exited (and reaps it then).
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  std::string first_line_;
};

/// tests/servers/odd_http.py under /usr/bin/python3: HTTP (or, with tls, HTTPS with
/// a throwaway self-signed certificate for 127.0.0.1) that misbehaves on request.
class OddHttpServer {
 public:
  explicit OddHttpServer(bool tls = false)
      : process_(start(tls), /*read_first_line=*/true) {
    const std::string& line = process_.first_line();
    if (line.rfind("port=", 0) != 0) throw std::runtime_error("odd_http.py said: " + line);
    port_ = std::stoi(line.substr(5));
    const size_t ca = line.find(" ca=");
    if (ca != std::string::npos) ca_file_ = line.substr(ca + 4);
  }
  int port() const { return port_; }
  /// The certificate to trust, under tls.
  const std::string& ca_file() const { return ca_file_; }
  /// "http://127.0.0.1:PORT" + path (https under tls).
  std::string url(const std::string& path) const {
    return std::string(ca_file_.empty() ? "http" : "https") + "://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  static std::vector<std::string> start(bool tls) {
    require_binary("/usr/bin/python3", "python3");
    std::vector<std::string> argv = {"/usr/bin/python3", source_path("tests/servers/odd_http.py")};
    if (tls) {
      require_binary("/usr/bin/openssl", "openssl");
      argv.push_back("--tls");
    }
    return argv;
  }

  ServerProcess process_;
  int port_ = 0;
  std::string ca_file_;
};

/// nginx from Debian serving `root` on 127.0.0.1 with tests/servers/nginx_static.conf:
/// real 206 ranges, ETags, Last-Modified, 304s, gzip for feeds, a 301.
class NginxServer {
 public:
  explicit NginxServer(const std::filesystem::path& root) {
    require_binary("/usr/sbin/nginx", "nginx");
    const std::string conf_template = read_file(source_path("tests/servers/nginx_static.conf"));
    // A port can be taken between picking and binding it: try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_loopback_port();
      std::string conf = conf_template;
      replace_all(conf, "@PORT@", std::to_string(port_));
      replace_all(conf, "@ROOT@", root.string());
      replace_all(conf, "@TMP@", state_.path().string());
      const std::string conf_path = state_.write("nginx.conf", conf);
      process_ = std::make_unique<ServerProcess>(std::vector<std::string>{
          "/usr/sbin/nginx", "-p", state_.path().string(), "-c", conf_path, "-e", "stderr"});
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (process_->running() && std::chrono::steady_clock::now() < deadline) {
        if (accepts_connections(port_)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      process_.reset();
    }
    throw std::runtime_error("nginx did not start on loopback (see its messages above)");
  }
  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  static void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  }

  TempDir state_;  // config, pid file, temp paths; outlives the process
  std::unique_ptr<ServerProcess> process_;
  int port_ = 0;
};

}  // namespace podsmith::test
