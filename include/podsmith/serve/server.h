/// `podsmith serve`: builds a workspace, serves its published tree over HTTP
/// (published_tree.h decides what may be sent) and, while it runs, rebuilds
/// when a file under feeds/, media/ or theme/ changes, then tells every open
/// page to reload. Files are sent from disk in pieces with Content-Type,
/// Content-Length, ETag, Last-Modified, Accept-Ranges; HEAD, byte ranges (206,
/// 416) and conditional requests (304) are answered. Pages get a small script
/// (/_podsmith/reload.js, which listens to the event stream /_podsmith/events)
/// before </body>, unless reload is off. A failed build is reported through
/// the log and the last good tree stays served. Not a production server: meant
/// for one producer's browser on loopback.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "podsmith/base/error.h"

namespace podsmith {

struct ServeOptions {
  std::string host = "127.0.0.1";  // loopback unless the producer says otherwise
  int port = 8000;                 // 0: any free port (see Server::port())
  bool reload = true;              // inject the reload script and rebuild on change
  bool watch = true;               // rebuild when feeds/, media/ or theme/ change
  /// One line per event: the first build, each rebuild and its errors, each
  /// request (when log_requests). Called from the server's threads, one at a time.
  std::function<void(const std::string&)> log;
  bool log_requests = false;       // "GET /media/ep1.mp3 206 bytes=0-" lines
};

class Server {
 public:
  /// Builds the workspace at `root` once (errors go to the log, not here), binds
  /// host:port and starts serving and watching in background threads. An Error
  /// when the root is not a workspace (no feeds/ folder), the address cannot be
  /// bound (in use, or not an address of this machine), or the watcher cannot start.
  static Result<std::unique_ptr<Server>> start(const std::string& root, const ServeOptions& options);
  virtual ~Server() = default;

  virtual int port() const = 0;         // the bound port (the real one when options.port was 0)
  virtual std::string url() const = 0;  // "http://127.0.0.1:8000/"

  /// Stops watching and serving, ends the event streams, and waits for the
  /// threads. Idempotent; the destructor calls it.
  virtual void stop() = 0;
};

}  // namespace podsmith
