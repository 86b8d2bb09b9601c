// The only file that includes cpp-httplib: its types stay here.
#include "podsmith/serve/server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "podsmith/base/file_io.h"
#include "podsmith/serve/http_validators.h"
#include "podsmith/serve/published_tree.h"
#include "podsmith/serve/watcher.h"
#include "podsmith/workspace/build.h"

namespace podsmith {
namespace fs = std::filesystem;

namespace {

constexpr const char* kReloadScript =
    "// podsmith serve: reloads the page after a rebuild (not part of the published site).\n"
    "new EventSource(\"/_podsmith/events\").addEventListener(\"reload\", () => location.reload());\n";
constexpr std::string_view kReloadTag = "<script src=\"/_podsmith/reload.js\"></script>";
constexpr size_t kReadChunk = 64 * 1024;
// Threads answering requests; each open page holds one for its event stream.
constexpr size_t kThreads = 16;

struct FileVersion {
  int64_t size_bytes = 0;
  int64_t mtime_ns = 0;
};

// The page with the reload script before its last </body> (or at its end).
std::string with_reload_script(std::string html) {
  std::string lowered = html;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const size_t at = lowered.rfind("</body>");
  html.insert(at == std::string::npos ? html.size() : at, kReloadTag);
  return html;
}

bool is_html(const std::string& relative) {
  return content_type_for(relative).rfind("text/html", 0) == 0;
}

// Output paths of a build, which must not start another: feeds/<name>.xml and
// everything under feeds/<name>/. Under feeds/ only the feed files are input.
bool is_build_output(const std::string& relative) {
  if (relative.rfind("feeds/", 0) != 0) return false;
  const std::string rest = relative.substr(6);
  return rest.find('/') != std::string::npos || rest.size() < 5 || rest.substr(rest.size() - 5) != ".toml";
}

class HttpServer final : public Server {
 public:
  HttpServer(std::string root, ServeOptions options) : root_(std::move(root)), options_(std::move(options)) {}
  ~HttpServer() override { stop(); }

  std::optional<Error> begin() {
    std::error_code ec;
    if (!fs::is_directory(fs::path(root_) / "feeds", ec)) {
      return Error{ErrorCode::kNotFound, "not a podsmith workspace: there is no feeds/ folder (run podsmith init)",
                   root_, 0, 0};
    }
    tree_ = std::make_shared<PublishedTree>(published_tree(root_, {}));
    build(true);
    if (options_.watch) {
      WatchOptions watch;
      watch.ignore = is_build_output;
      auto watcher = Watcher::start(root_, watch);
      if (!watcher) return watcher.error();
      watcher_ = std::move(*watcher);
    }
    routes();
    port_ = options_.port == 0 ? http_.bind_to_any_port(options_.host)
                               : (http_.bind_to_port(options_.host, options_.port) ? options_.port : -1);
    if (port_ <= 0) {
      return Error{ErrorCode::kInvalidInput,
                   "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                       ": the port is in use or the host is not an address of this machine (try --port 0)",
                   "podsmith serve", 0, 0};
    }
    listener_ = std::thread([this] { http_.listen_after_bind(); });
    if (watcher_) builder_ = std::thread([this] { watch_and_build(); });
    return std::nullopt;
  }

  int port() const override { return port_; }

  std::string url() const override {
    const bool v6 = options_.host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + options_.host + "]" : options_.host) + ":" + std::to_string(port_) + "/";
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
    }
    changed_.notify_all();
    if (watcher_) watcher_->stop();
    if (builder_.joinable()) builder_.join();
    http_.stop();
    if (listener_.joinable()) listener_.join();
  }

 private:
  void log(const std::string& line) {
    if (!options_.log) return;
    std::lock_guard lock(log_mutex_);
    options_.log(line);
  }

  std::shared_ptr<const PublishedTree> tree() {
    std::lock_guard lock(mutex_);
    return tree_;
  }

  // Builds the workspace; on success serves the new tree and (after the first
  // build) tells the open pages to reload. A failed build leaves the last tree.
  void build(bool first) {
    BuildOptions options;
    options.skip_unchanged = false;  // the shows are needed for the tree
    const auto begun = std::chrono::steady_clock::now();
    const BuildReport report = build_workspace(root_, options);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begun);
    for (const Error& w : report.warnings) log("warning: " + w.to_string());
    if (!report.errors.empty()) {
      for (const Error& e : report.errors) log("error: " + e.to_string());
      log(std::string("build failed: ") + (first ? "media/ and feeds/ are not served" : "still serving the last good build") +
          " until the errors are fixed");
      return;
    }
    size_t written = 0;
    for (const BuildOutput& o : report.outputs) written += o.status != WriteStatus::kUnchanged;
    auto tree = std::make_shared<PublishedTree>(published_tree(root_, report.shows));
    {
      std::lock_guard lock(mutex_);
      tree_ = std::move(tree);
      if (!first) ++generation_;
    }
    changed_.notify_all();
    log(std::string(first ? "built" : "rebuilt") + " in " + std::to_string(ms.count()) + " ms: " +
        std::to_string(report.shows.size()) + " feed" + (report.shows.size() == 1 ? "" : "s") + ", " +
        std::to_string(written) + " file" + (written == 1 ? "" : "s") + " written" +
        (first || !options_.reload ? "" : "; reloading open pages"));
  }

  void watch_and_build() {
    while (true) {
      const std::vector<std::string> changed = watcher_->wait(std::chrono::seconds(1));
      {
        std::lock_guard lock(mutex_);
        if (stopped_) return;
      }
      if (changed.empty()) continue;
      std::string names = changed.front();
      if (changed.size() > 1) names += " and " + std::to_string(changed.size() - 1) + " more";
      log("changed: " + names);
      build(false);
    }
  }

  void routes() {
    http_.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
    // httplib's default also sets SO_REUSEPORT, with which a second serve on the same
    // port would bind and share the connections; SO_REUSEADDR alone only allows a
    // restart while old connections linger.
    http_.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http_.set_keep_alive_timeout(2);  // so that stop() does not wait long for idle connections
    http_.Get("/_podsmith/reload.js", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      res.set_content(kReloadScript, "text/javascript; charset=utf-8");
    });
    http_.Get("/_podsmith/events", [this](const httplib::Request&, httplib::Response& res) { events(res); });
    http_.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
    const auto refuse = [](const httplib::Request&, httplib::Response& res) {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
    };
    http_.Post(R"(/.*)", refuse);
    http_.Put(R"(/.*)", refuse);
    http_.Delete(R"(/.*)", refuse);
    http_.Patch(R"(/.*)", refuse);
    if (options_.log_requests) {
      http_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
        std::string line = req.method + " " + req.target + " " + std::to_string(res.status);
        if (req.has_header("Range")) line += " " + req.get_header_value("Range");
        log(line);
      });
    }
  }

  // An event stream that says "reload" after each successful rebuild.
  void events(httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    uint64_t seen = 0;
    {
      std::lock_guard lock(mutex_);
      seen = generation_;
    }
    auto quiet = std::make_shared<int>(0);
    res.set_chunked_content_provider("text/event-stream", [this, seen, quiet](size_t offset, httplib::DataSink& sink) mutable {
      if (offset == 0) {
        const std::string hello = "retry: 1000\n: podsmith serve\n\n";
        return sink.write(hello.data(), hello.size());
      }
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::seconds(1), [&] { return stopped_ || generation_ != seen; });
      if (stopped_) {
        lock.unlock();
        sink.done();
        return true;
      }
      if (generation_ != seen) {
        seen = generation_;
        lock.unlock();
        const std::string event = "event: reload\ndata: " + std::to_string(seen) + "\n\n";
        return sink.write(event.data(), event.size());
      }
      lock.unlock();
      if (++*quiet % 15 == 0) {  // a comment now and then finds a page that has gone
        const std::string ping = ": ping\n\n";
        return sink.write(ping.data(), ping.size());
      }
      return sink.is_writable();
    });
  }

  void not_found(const httplib::Request& req, httplib::Response& res) {
    const auto tree = this->tree();
    const ResolvedPath page = resolve_request_path(*tree, "/404.html");
    std::string body;
    if (page.kind == ResolvedPath::Kind::kFile) {
      if (auto bytes = read_file(page.file)) body = std::move(*bytes);
    }
    res.status = 404;
    res.set_header("Cache-Control", "no-cache");
    if (body.empty()) {
      res.set_content("404 not found: " + req.path + "\n", "text/plain; charset=utf-8");
    } else {
      res.set_content(options_.reload ? with_reload_script(std::move(body)) : std::move(body),
                      "text/html; charset=utf-8");
    }
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    const auto tree = this->tree();
    const ResolvedPath resolved = resolve_request_path(*tree, req.target);
    if (resolved.kind == ResolvedPath::Kind::kRedirect) {
      res.status = 301;
      res.set_header("Location", resolved.location);
      return;
    }
    if (resolved.kind != ResolvedPath::Kind::kFile) return not_found(req, res);
    const int fd = open(resolved.file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      if (fd >= 0) close(fd);
      return not_found(req, res);
    }
    auto file = std::shared_ptr<int>(new int(fd), [](int* f) {
      close(*f);
      delete f;
    });
    const FileVersion version{static_cast<int64_t>(st.st_size),
                              static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
    const std::string type = content_type_for(resolved.relative);
    const bool inject = options_.reload && is_html(resolved.relative);
    const std::string etag = make_etag(version.size_bytes, version.mtime_ns, inject ? "r" : "");
    res.set_header("ETag", etag);
    res.set_header("Last-Modified", http_date(st.st_mtim.tv_sec));
    res.set_header("Cache-Control", "no-cache");  // a preview: always ask whether it changed
    res.set_header("Accept-Ranges", "bytes");
    if (is_not_modified(req.get_header_value("If-None-Match"), req.get_header_value("If-Modified-Since"), etag,
                        st.st_mtim.tv_sec)) {
      res.status = 304;
      return;
    }
    if (inject) {
      std::string html(static_cast<size_t>(version.size_bytes), '\0');
      const ssize_t got = pread(*file, html.data(), html.size(), 0);
      html.resize(got > 0 ? static_cast<size_t>(got) : 0);
      html = with_reload_script(std::move(html));
      if (req.has_header("Range") && !range_is_satisfiable(req.get_header_value("Range"), static_cast<int64_t>(html.size()))) {
        return unsatisfiable(res, static_cast<int64_t>(html.size()));
      }
      clamp_ranges(req, static_cast<int64_t>(html.size()));
      res.set_content(std::move(html), type);
      return;
    }
    if (req.has_header("Range") && !range_is_satisfiable(req.get_header_value("Range"), version.size_bytes)) {
      return unsatisfiable(res, version.size_bytes);
    }
    clamp_ranges(req, version.size_bytes);
    // Sent from the file in pieces; httplib cuts the ranges out of it (206).
    const auto size = static_cast<size_t>(version.size_bytes);
    res.set_content_provider(size, type, [file, size](size_t offset, size_t length, httplib::DataSink& sink) {
      std::vector<char> buffer(std::min(length, kReadChunk));
      while (length > 0) {
        const size_t want = std::min(length, buffer.size());
        const ssize_t got = pread(*file, buffer.data(), want, static_cast<off_t>(offset));
        if (got <= 0) return false;  // the file shrank under us: end the response
        if (!sink.write(buffer.data(), static_cast<size_t>(got))) return false;
        offset += static_cast<size_t>(got);
        length -= static_cast<size_t>(got);
      }
      (void)size;
      return true;
    });
  }

  // httplib 0.11.4 cuts a range as given: "bytes=100-99999" of a 1,000-byte file
  // would promise 99,900 bytes. RFC 9110 14.1.1: a last position past the end means
  // the end, and a range that starts past it is left out (range_is_satisfiable has
  // already answered 416 when none is left). The request is httplib's own,
  // non-const object (Server::process_request's local), handed to us as const.
  static void clamp_ranges(const httplib::Request& req, int64_t size_bytes) {
    auto& ranges = const_cast<httplib::Ranges&>(req.ranges);
    const auto size = static_cast<ssize_t>(size_bytes);
    httplib::Ranges kept;
    for (auto [first, last] : ranges) {
      if (first == -1 && last == -1) continue;
      if (first == -1) {  // a suffix: httplib turns it into offsets itself
        kept.emplace_back(first, std::min(last, size));
        continue;
      }
      if (first >= size) continue;
      kept.emplace_back(first, last == -1 ? -1 : std::min(last, size - 1));
    }
    // Several ranges: httplib 0.11.4 gives each part "Content-Range: bytes a-b/0"
    // (the length of an empty body, not the file's). Players ask for one range;
    // several get the whole file with 200, which RFC 9110 14.2 allows.
    if (kept.size() > 1) kept.clear();
    ranges = std::move(kept);
  }

  static void unsatisfiable(httplib::Response& res, int64_t size_bytes) {
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(size_bytes));
    res.set_content("", "text/plain");
  }

  std::string root_;
  ServeOptions options_;
  httplib::Server http_;
  int port_ = -1;
  std::unique_ptr<Watcher> watcher_;
  std::thread listener_;
  std::thread builder_;
  std::mutex mutex_;  // guards tree_, generation_, stopped_
  std::condition_variable changed_;
  std::shared_ptr<const PublishedTree> tree_;
  uint64_t generation_ = 0;
  bool stopped_ = false;
  std::mutex log_mutex_;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::start(const std::string& root, const ServeOptions& options) {
  auto server = std::make_unique<HttpServer>(root, options);
  if (auto e = server->begin()) return *e;
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace podsmith
