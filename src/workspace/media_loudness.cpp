#include "podsmith/workspace/media_loudness.h"

#include <sys/stat.h>

#include "podsmith/audio/loudness.h"
#include "podsmith/media/probe_cache.h"
#include "podsmith/workspace/workspace.h"

// g++ 12 at -O2 warns that the Error inside a Result passed by value through
// std::function "may be used uninitialized" after inlining (a false positive of the
// same family as GCC bug 105329); the variant's index is checked first.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace podsmith {
namespace {

constexpr const char* kCacheFile = ".podsmith/probe-cache.json";  // build.cpp's

std::string join(const std::string& root, const std::string& relative) {
  return root.empty() || root == "." ? relative : root + "/" + relative;
}

}  // namespace

FeedMediaLoudness measure_feed_media(const std::string& root, const Show& show) {
  FeedMediaLoudness out;
  const LoadedWorkspace loaded = load_workspace(root);
  for (const FeedSource& f : loaded.workspace.feeds) {
    if (f.show.name != show.name) continue;
    out.target_lufs = f.loudness_target_lufs;
    out.true_peak_dbtp = f.true_peak_ceiling_dbtp;
  }
  ProbeCache cache = ProbeCache::load(join(root, kCacheFile));
  struct Pending {
    std::string media;
    std::string url;
    int64_t size = 0;
    int64_t mtime_ns = 0;
  };
  std::vector<Pending> pending;
  for (const Episode& e : show.episodes) {
    if (e.media.empty() || e.enclosure.url.empty()) continue;
    struct stat st {};
    if (::stat(join(root, e.media).c_str(), &st) != 0) continue;
    const int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
    auto cached = cache.find(e.media, st.st_size, mtime_ns);
    if (cached && cached->loudness) {
      out.by_url[e.enclosure.url] = std::move(*cached);
      continue;
    }
    pending.push_back(Pending{e.media, e.enclosure.url, int64_t{st.st_size}, mtime_ns});
  }
  if (pending.empty()) return out;
  std::vector<std::string> paths;
  for (const Pending& p : pending) paths.push_back(join(root, p.media));
  probe_loudness_each(paths, [&](size_t i, Result<MediaInfo> result) {
    if (!result.has_value()) {
      const Error& error = result.error();
      out.errors.push_back(Error{error.code, error.message, pending[i].media, 0, 0});
      return;
    }
    result->path = pending[i].media;
    cache.store(pending[i].media, pending[i].size, pending[i].mtime_ns, *result);
    out.by_url[pending[i].url] = std::move(*result);
  });
  if (auto e = cache.save(join(root, kCacheFile))) out.errors.push_back(*e);
  return out;
}

}  // namespace podsmith
