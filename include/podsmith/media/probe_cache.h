/// A cache of probe results under the workspace's .podsmith/, so a rebuild
/// probes only media that changed. An entry is valid while the file's path, size
/// and modification time are the same; anything else probes again. A missing,
/// damaged or older-format cache file is treated as empty.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "podsmith/base/error.h"
#include "podsmith/base/media_info.h"

namespace podsmith {

class ProbeCache {
 public:
  /// Loads the cache file; an unreadable one gives an empty cache.
  static ProbeCache load(const std::string& file);

  /// The stored result for `key` when size and mtime match.
  std::optional<MediaInfo> find(const std::string& key, int64_t size_bytes, int64_t mtime_ns) const;
  void store(const std::string& key, int64_t size_bytes, int64_t mtime_ns, const MediaInfo& info);
  /// Drops entries not looked up or stored since load (media that left the workspace).
  void forget_unused();
  bool changed() const { return changed_; }

  /// Writes the cache atomically (only when it changed).
  std::optional<Error> save(const std::string& file) const;

 private:
  struct Entry {
    int64_t size_bytes = 0;
    int64_t mtime_ns = 0;
    MediaInfo info;
    mutable bool used = false;  // looked up since load
  };
  std::map<std::string, Entry> entries_;
  bool changed_ = false;
};

/// MediaInfo to JSON and back, every field kept (the cache's format).
std::string media_info_to_json(const MediaInfo& info);
Result<MediaInfo> media_info_from_json(const std::string& json);

}  // namespace podsmith
