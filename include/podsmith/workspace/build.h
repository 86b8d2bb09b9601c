/// Builds a workspace's feeds: loads feeds and sidecars, probes the media (with
/// the probe cache), renders the notes, and writes feeds/<name>.xml with its
/// JSON chapters, extracted artwork and transcripts under feeds/<name>/, and the
/// show's website under site/ when a feed file's [site] is on (site/site.h). Every
/// output is computed in memory first; nothing is written unless the whole build
/// succeeds, each file is replaced atomically, and a file whose bytes would not
/// change is left alone. Never writes a user's file; never reads the clock.
#pragma once

#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/file_io.h"
#include "podsmith/base/model.h"

namespace podsmith {

struct BuildOptions {
  std::string feed;         // build only this feed (its name); default: every feed
  bool dry_run = false;     // compute and report, write nothing (not even the cache)
  bool use_cache = true;    // read and update .podsmith/probe-cache.json
  bool skip_unchanged = true;  // skip the whole build when no file under feeds/, media/, site/ or theme/
                               // changed since the last clean build (by path, size and
                               // mtime, as make does; .podsmith/build-stamp)
  unsigned jobs = 0;        // probe threads; 0: one per core
};

struct BuildOutput {
  std::string path;         // workspace-relative
  WriteStatus status = WriteStatus::kUnchanged;  // in a dry run: what would happen
};

struct BuildReport {
  std::vector<Error> errors;      // when not empty, nothing was written
  std::vector<Error> warnings;    // the build went on
  std::vector<BuildOutput> outputs;
  std::vector<Show> shows;        // the feeds as built (episodes newest first)
  size_t probed = 0;              // media files probed (not found in the cache)
  bool up_to_date = false;        // nothing changed since the last build: nothing was
                                  // loaded, rendered or written; `shows` is empty
};

/// Builds the workspace at `root`. Problems in the input are errors in the
/// report, with file and line where known.
BuildReport build_workspace(const std::string& root, const BuildOptions& options = {});

}  // namespace podsmith
