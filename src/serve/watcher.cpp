#include "podsmith/serve/watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace podsmith {
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                             IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR;

bool hidden_anywhere(const std::string& relative) {
  for (const fs::path& part : fs::path(relative)) {
    const std::string name = part.string();
    if (!name.empty() && name[0] == '.') return true;
  }
  return false;
}

class InotifyWatcher final : public Watcher {
 public:
  InotifyWatcher(std::string root, WatchOptions options, int inotify_fd, int wake_fd)
      : root_(std::move(root)), options_(std::move(options)), fd_(inotify_fd), wake_fd_(wake_fd) {}
  ~InotifyWatcher() override {
    close(fd_);
    close(wake_fd_);
  }

  // The root itself, for a watched folder created later (theme/ after a while).
  std::optional<Error> add_root() { return add_one("", IN_CREATE | IN_MOVED_TO | IN_ONLYDIR); }

  // Watches `relative` and every folder under it (not hidden ones).
  std::optional<Error> add_tree(const std::string& relative) {
    std::error_code ec;
    const fs::path top = fs::path(root_) / relative;
    if (!fs::is_directory(top, ec)) return std::nullopt;
    if (auto e = add_one(relative)) return e;
    for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_directory()) continue;
      const std::string sub = fs::path(it->path()).lexically_relative(root_).generic_string();
      if (hidden_anywhere(sub)) {
        it.disable_recursion_pending();
        continue;
      }
      if (auto e = add_one(sub)) return e;
    }
    return std::nullopt;
  }

  std::vector<std::string> wait(std::chrono::milliseconds timeout) override {
    std::set<std::string> changed;
    auto budget = timeout;
    while (!stopped_) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      // Before the first change: wait up to the caller's timeout; after it, until
      // the tree has been quiet for the debounce time.
      const auto wait_ms = changed.empty() ? budget : options_.debounce;
      const auto begun = std::chrono::steady_clock::now();
      const int n = poll(fds, 2, static_cast<int>(wait_ms.count()));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // timed out: quiet (or nothing at all)
      if (fds[1].revents) break;
      read_events(changed);
      if (changed.empty()) {
        budget -= std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begun);
        if (budget.count() <= 0) break;
      }
    }
    if (stopped_) return {};
    return {changed.begin(), changed.end()};
  }

  void stop() override {
    stopped_ = true;
    const uint64_t one = 1;
    [[maybe_unused]] const auto written = write(wake_fd_, &one, sizeof one);
  }

 private:
  std::optional<Error> add_one(const std::string& relative, uint32_t events = kEvents) {
    const std::string path = (fs::path(root_) / relative).string();
    const int wd = inotify_add_watch(fd_, path.c_str(), events);
    if (wd < 0) {
      return Error{ErrorCode::kUnreadable,
                   std::string("cannot watch the folder: ") + std::strerror(errno) +
                       (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""),
                   path, 0, 0};
    }
    folders_[wd] = relative;
    return std::nullopt;
  }

  void read_events(std::set<std::string>& changed) {
    alignas(inotify_event) char buffer[16384];
    const ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n <= 0) return;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if (event->mask & IN_IGNORED) {
        folders_.erase(event->wd);
        continue;
      }
      const auto folder = folders_.find(event->wd);
      if (folder == folders_.end()) continue;
      std::string relative = folder->second;
      if (event->len > 0) relative += (relative.empty() ? "" : "/") + std::string(event->name);
      if (folder->second.empty()) {  // the root: only a watched folder that appears counts
        if (std::find(options_.folders.begin(), options_.folders.end(), relative) == options_.folders.end() ||
            !(event->mask & IN_ISDIR) || !(event->mask & (IN_CREATE | IN_MOVED_TO))) {
          continue;
        }
      }
      if (hidden_anywhere(relative) || (options_.ignore && options_.ignore(relative))) continue;
      if ((event->mask & IN_ISDIR) && (event->mask & (IN_CREATE | IN_MOVED_TO))) add_tree(relative);
      changed.insert(relative);
    }
  }

  std::string root_;
  WatchOptions options_;
  int fd_;
  int wake_fd_;
  std::map<int, std::string> folders_;
  std::atomic<bool> stopped_{false};
};

}  // namespace

Result<std::unique_ptr<Watcher>> Watcher::start(const std::string& root, const WatchOptions& options) {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Error{ErrorCode::kUnreadable, std::string("inotify: ") + std::strerror(errno), root, 0, 0};
  const int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake < 0) {
    close(fd);
    return Error{ErrorCode::kUnreadable, std::string("eventfd: ") + std::strerror(errno), root, 0, 0};
  }
  auto watcher = std::make_unique<InotifyWatcher>(root, options, fd, wake);
  if (auto e = watcher->add_root()) return *e;
  for (const std::string& folder : options.folders) {
    if (auto e = watcher->add_tree(folder)) return *e;
  }
  return std::unique_ptr<Watcher>(std::move(watcher));
}

}  // namespace podsmith
