/// `podsmith publish`: puts a built workspace where it is served, so that the
/// public feed never names a file that is not fully there. For each feed with a
/// [publish] table: build (optional) and lint, work out which files changed since
/// the last publish (.podsmith/publish/<feed>.json), upload them (media, artwork,
/// chapters and transcripts first, each replaced as atomically as the protocol
/// allows), verify them on the server and through the public URL, then upload
/// the feed last, and ping the directories. Nothing is uploaded when the build or
/// lint fails; the feed is not uploaded when anything before it failed.
///
/// Credentials come only from the environment (never the workspace):
/// PREFIX_USER, PREFIX_PASSWORD (FTP, WebDAV; else the netrc), PREFIX_SSH_KEY and
/// PREFIX_SSH_KEY_PASSPHRASE (SFTP), with PREFIX from [publish] credentials
/// (default PODSMITH); AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
/// AWS_SESSION_TOKEN (S3); PODPING_TOKEN (Podping).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/lint/lint.h"
#include "podsmith/publish/notify.h"

namespace podsmith {

struct PublishProgress {
  std::string feed;
  std::string path;          // the file going up now
  int64_t file_sent = 0;     // bytes of it sent
  int64_t file_size = 0;
  int64_t total_sent = 0;    // bytes of every upload of this feed sent
  int64_t total_size = 0;
};

struct PublishOptions {
  std::string feed;              // publish only this feed (it must have [publish]); default every feed with one
  bool dry_run = false;          // plan only: build nothing, upload nothing, ping nobody
  bool build = true;             // build the workspace first
  bool verify_remote = false;    // also ask the server for each file's size; upload what differs or is missing
  bool force = false;            // upload every file, whatever the manifest says
  bool accept_new_host_key = false;  // SFTP: trust (and remember) a host key not yet in known_hosts
  int64_t max_send_bytes_per_s = 0;  // 0: no limit
  int parallel = 4;              // uploads at once where the protocol allows (WebDAV, S3)
  /// Called from the calling thread as bytes go out. Default none.
  std::function<void(const PublishProgress&)> progress;
  /// Called with one plain line per step ("uploaded media/ep1.mp3"). Default none.
  std::function<void(const std::string&)> log;
};

struct PlannedUpload {
  std::string path;       // workspace-relative; the same path under the target
  int64_t size_bytes = 0;
  std::string reason;     // "new", "changed", "missing on the server", "size differs on the server", "forced"
  bool feed = false;      // the feed itself: goes up last
  bool uploaded = false;  // it went up and was verified
};

struct FeedPublishReport {
  std::string name;
  std::string target;          // as printed (no credentials)
  std::string replace_method;  // see Remote::replace_method; empty in a dry run of an unopened target
  std::vector<PlannedUpload> uploads;  // in upload order
  size_t unchanged = 0;        // files already on the server as they are here
  std::vector<Ping> planned_pings;   // in a dry run
  std::vector<PingResult> pings;
};

struct PublishReport {
  std::vector<Error> errors;     // when not empty, the publish failed (see FeedPublishReport for what went up)
  std::vector<Error> warnings;   // a failed ping, a lint warning count, ...
  std::vector<Finding> lint;     // every lint finding of the feeds
  std::vector<FeedPublishReport> feeds;
};

/// Publishes the workspace at `root`. Never throws for bad input or a failing
/// server: every problem is an Error in the report, naming the file or the
/// target (without credentials).
PublishReport publish_workspace(const std::string& root, const PublishOptions& options = {});

}  // namespace podsmith
