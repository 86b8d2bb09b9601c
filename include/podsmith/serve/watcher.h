/// Notices edits under some folders of a workspace (Linux inotify, every
/// subfolder, new ones as they appear) so that `podsmith serve` can rebuild.
/// Reports which workspace-relative paths changed, in batches: a batch ends when
/// the tree has been quiet for the debounce time, so that an editor's save (write
/// temp, rename) or a copy of many files is one rebuild. Does not read files.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith {

struct WatchOptions {
  /// Workspace-relative top-level folders; one missing at the start is watched
  /// once it is created.
  std::vector<std::string> folders = {"feeds", "media", "theme"};
  std::chrono::milliseconds debounce{200};
  /// Paths that never start a batch (e.g. a build's own outputs). Default: none
  /// ignored but names starting with '.' (editors' and builds' temporary files).
  std::function<bool(const std::string& relative)> ignore;
};

class Watcher {
 public:
  /// Starts watching; an Error when inotify cannot be set up (kUnreadable,
  /// naming the folder).
  static Result<std::unique_ptr<Watcher>> start(const std::string& root, const WatchOptions& options = {});
  virtual ~Watcher() = default;

  /// Waits for the next batch of changed paths (sorted, unique); empty when
  /// `timeout` passed with no change or stop() was called.
  virtual std::vector<std::string> wait(std::chrono::milliseconds timeout) = 0;

  /// Makes a wait() in another thread return at once. Thread-safe.
  virtual void stop() = 0;
};

}  // namespace podsmith
