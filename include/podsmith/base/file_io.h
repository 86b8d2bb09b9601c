/// Reading and writing whole files the way podsmith promises: a write goes to a
/// temporary file in the same directory and is renamed over the target, so a
/// reader sees the old bytes or the new ones, never half; a file whose bytes
/// would not change is not touched at all (its mtime, and a web server's ETag,
/// stay put).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "podsmith/base/error.h"

namespace podsmith {

enum class WriteStatus { kCreated, kUpdated, kUnchanged };

/// What a write promises if the machine crashes (power cut, kernel panic) soon
/// after: a process that dies never leaves half a file either way.
enum class Durability {
  kDurable,  // the new bytes are on disk before they replace the old ones: the file
             // holds the old bytes or the new ones
  kCache,    // nothing waits for the disk: the file may come back empty or lost, so
             // only for what is computed again when damaged (caches, stamps)
};

/// Writes `bytes` to `path` atomically, creating parent directories. When the
/// file already holds exactly `bytes`, returns kUnchanged and writes nothing. On
/// failure the previous file is left as it was and no temporary file remains.
Result<WriteStatus> write_file_atomically(const std::string& path, std::string_view bytes,
                                          Durability durability = Durability::kDurable);

/// True when `file_name` (no directory) is a temporary file that a write here
/// began in a process that no longer runs: ".<name>.tmp-<pid>-<n>" whose pid is
/// gone (a build killed with SIGKILL, a power cut). A live process's temporary
/// files, and every other name, are not stale.
bool is_stale_temp(std::string_view file_name);

/// Removes the stale temporary files (is_stale_temp) directly in `dir`; returns how
/// many went. A directory that cannot be read removes nothing.
int remove_stale_temps(const std::string& dir);

/// Replaces several files together, each atomically as write_file_atomically()
/// replaces one, with one flush to disk for them all instead of one a file:
/// add() writes each new version to a temporary file beside its target, and
/// commit() flushes the file system once, then renames them over their targets,
/// stage by stage. The renames of a stage reach the disk before the next stage's
/// begin, so a crash never leaves a file of stage 1 (a feed) naming a file of
/// stage 0 (its artwork) that is not there. Without commit(), nothing is replaced
/// and the temporary files are removed. One thread at a time.
class FileBatch {
 public:
  explicit FileBatch(Durability durability = Durability::kDurable);
  ~FileBatch();
  FileBatch(const FileBatch&) = delete;
  FileBatch& operator=(const FileBatch&) = delete;

  /// Writes `bytes` to a temporary file beside `path`, creating directories.
  /// When the file already holds exactly `bytes`, returns kUnchanged and writes
  /// nothing; else what commit() will do. On failure nothing of this file remains.
  Result<WriteStatus> add(const std::string& path, std::string_view bytes, int stage = 0);

  /// Flushes and renames what add() wrote. When a rename fails, the files renamed
  /// before it stay replaced and the rest are not; no temporary file remains.
  std::optional<Error> commit();

 private:
  struct Temp {
    std::string dir;
    std::string path;
    std::string temp;
    int stage;
    bool renamed;
  };
  std::optional<Error> flush() const;
  std::set<std::string> dirs(std::optional<int> stage) const;  // of the temporary files (of `stage`)

  Durability durability_;
  std::vector<Temp> temps_;
};

/// The whole file. Errors: kNotFound, kNotAFile, kUnreadable.
Result<std::string> read_file(const std::string& path);
/// The same, for a file a listing has just seen as a regular file of about
/// `size_bytes`: no stat(), one read() when the size still holds (the whole file is
/// read whatever its size now). A directory is kUnreadable; a FIFO put in its place
/// reads as empty rather than blocking.
Result<std::string> read_listed_file(const std::string& path, int64_t size_bytes);

}  // namespace podsmith
