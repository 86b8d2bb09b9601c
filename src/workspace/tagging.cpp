#include "podsmith/workspace/tagging.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "podsmith/base/dates.h"
#include "podsmith/base/text.h"
#include "podsmith/workspace/build.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {
namespace {

std::string join(const std::string& root, const std::string& path) {
  return (std::filesystem::path(root) / path).string();
}

Error error_at(const std::string& file, std::string message) {
  Error e;
  e.code = ErrorCode::kInvalidInput;
  e.file = file;
  e.message = std::move(message);
  return e;
}

// The workspace file a URL under the show's base_url names (build publishes
// workspace files there: feeds/<name>/art/..., media/...); empty for other URLs.
std::string workspace_path_of(const Show& show, const std::string& url) {
  if (show.base_url.empty() || url.compare(0, show.base_url.size(), show.base_url) != 0) return {};
  auto path = percent_decode(std::string_view(url).substr(show.base_url.size()));
  if (!path || path->empty() || path->find("..") != std::string::npos || (*path)[0] == '/') return {};
  return *path;
}

Result<Picture> read_picture(const std::string& root, const std::string& path) {
  auto bytes = read_file(join(root, path));
  if (!bytes) {
    Error e = bytes.error();
    e.file = path;
    return e;
  }
  return Picture{"", std::move(*bytes)};
}

}  // namespace

Result<MediaTags> episode_tags(const std::string& root, const Show& show, const Episode& episode,
                               const std::string& image_file, bool chapters_from_media) {
  MediaTags tags;
  tags.title = episode.title;
  tags.artist = episode.author.empty() ? show.author : episode.author;
  tags.album = show.title;
  if (episode.date) {
    const CivilTime c = to_civil(*episode.date);  // the day where the producer is
    char date[32];
    std::snprintf(date, sizeof date, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
    tags.date = date;
  }
  tags.comment = cut_comment(episode.summary_text);
  tags.track = episode.episode.value_or(0);
  if (!image_file.empty()) {
    auto picture = read_picture(root, image_file);
    if (!picture) return picture.error();
    tags.artwork = std::move(*picture);
  }
  tags.replace_chapters = !chapters_from_media;
  for (const Chapter& c : episode.chapters) {
    TaggedChapter chapter;
    chapter.start_ms = c.start_ms;
    chapter.end_ms = c.end_ms;
    chapter.title = c.title;
    chapter.url = c.url;
    const std::string image = workspace_path_of(show, c.image_url);
    if (!image.empty()) {
      auto picture = read_picture(root, image);
      if (!picture) return picture.error();
      chapter.image = std::move(*picture);
    }
    tags.chapters.push_back(std::move(chapter));
  }
  tags.feed_url = show.feed_url;
  tags.podcast = true;
  tags.guid = episode.guid;
  return tags;
}

TagReport tag_workspace(const std::string& root, const TagOptions& options) {
  TagReport report;
  LoadedWorkspace loaded = load_workspace(root);
  if (!loaded.errors.empty()) {
    report.errors = std::move(loaded.errors);
    return report;
  }
  // The model as build computes it (notes rendered, chapters read), writing nothing.
  BuildOptions build_options;
  build_options.dry_run = true;
  build_options.skip_unchanged = false;
  BuildReport built = build_workspace(root, build_options);
  report.warnings = built.warnings;
  if (!built.errors.empty()) {
    report.errors = std::move(built.errors);
    return report;
  }
  std::map<std::string, const EpisodeSource*> sources;
  for (const EpisodeSource& e : loaded.workspace.episodes) sources[e.file] = &e;
  std::map<std::string, const FeedSource*> feeds;
  for (const FeedSource& f : loaded.workspace.feeds) feeds[f.show.name] = &f;

  std::set<std::string> wanted(options.sidecars.begin(), options.sidecars.end());
  std::set<std::string> found;
  std::set<std::string> done;  // a sidecar in two feeds is tagged once, for the first
  for (const Show& show : built.shows) {
    // Oldest first, as the files were made.
    for (auto it = show.episodes.rbegin(); it != show.episodes.rend(); ++it) {
      const Episode& episode = *it;
      if (!wanted.empty() && !wanted.count(episode.sidecar)) continue;
      found.insert(episode.sidecar);
      if (!done.insert(episode.sidecar).second) continue;
      const auto source = sources.find(episode.sidecar);
      if (source == sources.end()) continue;  // not from a sidecar
      const EpisodeSource& src = *source->second;
      if (src.remote_media || episode.media.empty()) {
        report.warnings.push_back(error_at(episode.sidecar, "skipped: the media is a URL, not a local file"));
        continue;
      }
      // The cover: the sidecar's image file; else the media's own (kept); else the show's.
      std::string image_file = src.image_file;
      if (image_file.empty() && episode.image.empty()) {
        const auto feed = feeds.find(show.name);
        if (feed != feeds.end()) image_file = feed->second->image_file;
      }
      auto tags = episode_tags(root, show, episode, image_file, src.chapters_file.empty());
      if (!tags) {
        report.errors.push_back(tags.error());
        continue;
      }
      TagWriteOptions write_options;
      write_options.dry_run = options.dry_run;
      auto written = write_tags(join(root, episode.media), *tags, write_options);
      if (!written) {
        Error e = written.error();
        e.file = episode.media;  // workspace-relative, as every other message
        report.errors.push_back(std::move(e));
        continue;
      }
      report.files.push_back(
          TaggedMedia{episode.sidecar, episode.media, written->format, written->status, written->notes});
    }
  }
  for (const std::string& sidecar : wanted)
    if (!found.count(sidecar))
      report.errors.push_back(error_at(sidecar, "no feed has this sidecar (see the feeds' `episodes` patterns)"));
  return report;
}

}  // namespace podsmith
