/// The commands that create workspace files: `init` (a feed file and media/)
/// and `add` (a sidecar per media file, with a new guid and a date). These are
/// the only places where a guid or date is born; both refuse to overwrite
/// anything that exists, and write each file atomically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/model.h"

namespace podsmith {

struct InitOptions {
  std::string title;        // required
  std::string base_url;     // required: http(s) URL where the workspace is published
  std::string name;         // the feed's name; default: from the title ("My Show" -> "my-show")
  std::string author;       // optional
  std::string email;        // optional owner email
  std::string language = "en";
};

/// Creates DIR/feeds/<name>.toml, DIR/media/ and DIR/.gitignore (ignoring .podsmith/)
/// when absent. Returns the files it created. Error (and nothing written) when the
/// feed file exists or an option is invalid.
Result<std::vector<std::string>> init_workspace(const std::string& dir, const InitOptions& options);

struct AddOptions {
  std::string feed;                 // the feed whose episode numbers count; default: the only one
  std::string notes_markdown;       // written after the front matter
  std::string title;                // default: the title tag, else the file name
  std::optional<Timestamp> date;    // default: now, in the machine's UTC offset
  std::optional<int> season;
  std::optional<int> episode;       // default: the feed's highest episode number + 1
  std::string episode_type;         // full, trailer, bonus; default: not written (full)
  /// The files are masters: each is copied under media/masters/ when it is outside
  /// media/, and its sidecar media/<stem>.md names it as `master` and names
  /// <stem>.<format> (the feed's [encode] format, default mp3) as the media file
  /// build makes from it. Default: false (the files are published as they are).
  bool master = false;
};

struct AddedEpisode {
  std::string sidecar;   // workspace-relative
  std::string media;     // workspace-relative (copied under media/ when it was outside)
  bool copied = false;
  std::string guid;
  Timestamp date;
  std::optional<int> episode;
};

/// Adds each media file to the workspace at `root`: probes it, copies it under
/// media/ when it is elsewhere, and writes media/.../<stem>.md. Stops at the
/// first failure; files added before it stay added.
Result<std::vector<AddedEpisode>> add_episodes(const std::string& root, const std::vector<std::string>& media,
                                               const AddOptions& options);

/// "My Show: Part 2" -> "my-show-part-2".
std::string slugify(const std::string& text);

}  // namespace podsmith
