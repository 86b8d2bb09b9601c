/// The show's website, made from a built Show (the one the feed is written from):
/// a home page listing the episodes (paginated, grouped by season for a serial
/// show), a subscribe page, one page per episode with a player, chapters and
/// transcript, JSON-LD, Open Graph tags, sitemap.xml, robots.txt and 404.html.
/// Pages come from mustache templates, one per page kind, compiled into podsmith
/// and each overridable by a file of the same name in the workspace's theme/
/// folder (docs/site-theme.md lists them and the values they receive).
/// No I/O: the caller passes the files it needs and writes what comes back.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/base/model.h"

namespace podsmith {

/// A feed file's [site] table. Without one, a feed has no site.
struct SiteSettings {
  bool enabled = true;   // `enabled = false` turns the site off
  int page_size = 50;    // episodes on a page of the home page's list (1 to 1000)
  /// The show in podcast directories and apps, each a URL; empty: not listed.
  std::string apple_podcasts;
  std::string spotify;
  std::string pocket_casts;
  std::string overcast;
  std::string antennapod;
  std::string youtube;
  std::string podcast_index;
  /// The names of the workspace's other feeds (feeds/<name>.toml) that carry the
  /// same show and are listed on the subscribe page as alternatives. Default (no
  /// `alternates` key): every other feed of the workspace.
  std::vector<std::string> alternates;
  bool alternates_given = false;
};

/// Another feed of the same show, for the subscribe page.
struct FeedLink {
  std::string title;
  std::string url;     // the feed's own URL
  std::string medium;  // podcast:medium ("video", ...); empty: podcast
};

struct SiteInput {
  const Show* show = nullptr;        // as build made it: episodes newest first
  std::string feed_file;             // "feeds/channel8.toml", for errors
  SiteSettings settings;
  /// The slug each sidecar's front matter gives (`slug = "..."`), by sidecar path;
  /// an episode not in it gets a slug from its sidecar's path.
  std::map<std::string, std::string> slugs;
  std::vector<FeedLink> alternates;
  /// Files this build wrote or kept (workspace-relative path -> bytes): the
  /// transcripts under feeds/<name>/transcripts/, read for their cues. A
  /// transcript not in it is linked, not shown.
  const std::map<std::string, std::string>* files = nullptr;
  /// The workspace's theme/ folder: file name ("episode.mustache", "style.css")
  /// -> bytes. A file here replaces the default theme's file of that name.
  std::map<std::string, std::string> theme;
};

struct SiteOutput {
  /// Workspace-relative path ("site/index.html") -> bytes. Empty when there are errors.
  std::map<std::string, std::string> files;
  /// Problems, each naming a file: the feed file, a sidecar, or a template as
  /// theme/<name>:line for a syntax error or an unknown value.
  std::vector<Error> errors;
};

/// Renders the site of `input.show`. Deterministic: the same input gives the same
/// bytes. Never writes under site/media/ or site/feeds/.
SiteOutput build_site(const SiteInput& input);

/// The slug an episode gets from its sidecar's path when its front matter gives
/// none: the path under media/ without ".md", lowercased, each run of characters
/// other than a-z, 0-9, '-', '_' and '/' made one '-' ("media/2006/Ep 1.md" ->
/// "2006/ep-1").
std::string slug_for_sidecar(const std::string& sidecar);

/// True for a slug a front matter may give: one or more segments of a-z, 0-9, '-'
/// and '_' separated by single '/', not starting or ending with '/'.
bool is_valid_slug(const std::string& slug);

/// The default theme's files, by name (templates and assets).
const std::map<std::string, std::string>& default_theme();

}  // namespace podsmith
