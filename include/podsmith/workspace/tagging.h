/// `podsmith tag`: writes each episode's metadata from the workspace into its own
/// media file (media/tag_writer.h), from the model a dry-run build computes: title,
/// author, the show as album, date, the notes as text, episode number, artwork,
/// chapters, the feed URL and the guid. Only local media is tagged; an episode
/// whose media is a URL is skipped with a note. Writing tags changes a media
/// file's bytes and size, so the next `build` writes a new enclosure length (the
/// probe cache sees the new size and mtime and probes the file again).
#pragma once

#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/file_io.h"
#include "podsmith/base/model.h"
#include "podsmith/media/tag_writer.h"

namespace podsmith {

struct TagOptions {
  /// Sidecars to tag, workspace-relative ("media/ep1.md"); empty: every episode
  /// of every feed. One that no feed has is an error.
  std::vector<std::string> sidecars;
  bool dry_run = false;  // compute and compare, write nothing
};

struct TaggedMedia {
  std::string sidecar;     // workspace-relative
  std::string media;       // workspace-relative
  std::string format;      // "MP3", "MPEG-4", ...
  WriteStatus status = WriteStatus::kUnchanged;  // in a dry run: what would happen
  std::vector<std::string> notes;  // what the writer adapted (a cover scaled down)
};

struct TagReport {
  std::vector<Error> errors;     // per file; the other files were still tagged
  std::vector<Error> warnings;   // skipped episodes (remote media), the build's warnings
  std::vector<TaggedMedia> files;
};

/// Tags the media of the workspace at `root`. When the workspace does not load
/// or build, returns those errors and tags nothing. A file that cannot be tagged
/// is an error naming it and is left as it was; the others are still tagged.
TagReport tag_workspace(const std::string& root, const TagOptions& options = {});

/// The tags for one episode of `show`, as tag_workspace() writes them. Files are
/// read relative to `root`: `image_file` (workspace-relative; empty: none, the
/// media's own cover is kept) and each chapter image whose URL lies under the
/// show's base_url. `chapters_from_media`: the episode's chapters are the media's
/// own, which then stay in the file as they are (their images with them). Errors:
/// an image file that cannot be read.
Result<MediaTags> episode_tags(const std::string& root, const Show& show, const Episode& episode,
                               const std::string& image_file, bool chapters_from_media);

}  // namespace podsmith
