/// Turns a feed read by read_feed() into workspace files: feeds/<name>.toml and
/// one sidecar per item under media/, keeping every guid, date and enclosure
/// exactly, so a rebuilt feed does not make subscribers download the catalogue
/// again. With `download`, also fetches every enclosure into media/ so that build
/// probes it. Writes nothing into the workspace when anything it would write
/// exists already, or when anything fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/http_client.h"
#include "podsmith/feed/rss_reader.h"

namespace podsmith {

/// Where the downloads of import --download wait, relative to the workspace root,
/// until every one is complete: one file per enclosure URL, NAME.part while it
/// arrives. Kept after a failure so that the same import, run again, resumes.
inline constexpr const char* kImportDownloadDir = ".podsmith/downloads";

/// How far the downloads of an import are, for a progress bar.
struct DownloadProgress {
  size_t files_done = 0;    // finished, whether complete or failed
  size_t files = 0;         // to download (an enclosure URL named twice counts once)
  int64_t bytes_done = 0;   // of every file, bytes resumed from an earlier run included
  int64_t bytes_total = 0;  // each file's size as its server says, else its enclosure length
};

/// The HttpOptions import downloads with: those of http_fetch, but no limit on the
/// time an attempt takes (a long episode on a slow line takes what it takes; one
/// that stalls for low_speed_timeout_s ends, and the next attempt resumes it) and
/// 5 retries instead of 2.
HttpOptions import_download_options();

struct ImportOptions {
  std::string name;       // the feed's name; default: from the title
  std::string base_url;   // where the new workspace will be published; default: the
                          // directory of the feed's URL (a warning says to set it)
  bool force = false;     // import a feed that says podcast:locked yes
  /// Fetch every enclosure into media/, next to its sidecar and named after it
  /// (media/2024-01-02-title.mp3), and point the sidecar's media at it. Default
  /// false: the sidecar records the enclosure URL, length, type and duration.
  bool download = false;
  int download_jobs = 4;  // downloads in flight at once (at least 1). Default 4
  /// For the downloads; its progress callbacks are import's own (see `progress`).
  HttpOptions http = import_download_options();
  /// Called on the calling thread as downloads advance. Default none.
  std::function<void(const DownloadProgress&)> progress;
};

struct ImportReport {
  std::vector<std::string> written;  // workspace-relative, in the order written
  std::vector<Error> warnings;       // skipped items, extra enclosures, length mismatches, ...
  size_t episodes = 0;
  size_t downloaded = 0;           // media files fetched (download)
  int64_t downloaded_bytes = 0;    // their size in all
  int64_t resumed_bytes = 0;       // of those, bytes an earlier, interrupted run had fetched
};

/// Writes the workspace files for `doc` under `root` (creating feeds/ and media/).
/// Items without an enclosure or a readable pubDate are skipped with a warning.
/// Errors (and nothing written): the feed is locked and !force, --name is not a
/// slug, a target file exists, a write fails (files written before it are removed
/// again).
///
/// With options.download, every enclosure is first fetched (download_jobs at a
/// time) into kImportDownloadDir, and only when all are complete are the media
/// files moved into media/ and the sidecars and feed file written: a failed or
/// interrupted import leaves feeds/ and media/ as they were. A download that ends
/// with an HTTP error, a transport failure or an empty file is an error naming the
/// item (the others still finish, and wait in kImportDownloadDir). A size other
/// than the enclosure's length is a warning naming the item, since hosts often
/// misstate it; build writes the true length. Run again after a failure, import
/// resumes the partial files instead of fetching their bytes again.
Result<ImportReport> import_feed(const std::string& root, const FeedDocument& doc, const std::string& source,
                                 const ImportOptions& options);

}  // namespace podsmith
